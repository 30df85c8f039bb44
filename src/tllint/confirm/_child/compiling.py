"""`Model.compile` and learning-rate assignments: the optimizer, its rate, the loss, and whether a
recompile reuses an optimizer that an earlier training step already built."""

from __future__ import annotations

import inspect

from .events import emit, user_line
from .observations import describe_loss, learning_rate
from .state import S, model_info


def watch_learning_rate(BaseOptimizer) -> None:
    lr_prop = BaseOptimizer.learning_rate

    def set_lr(self, value):
        lr_prop.fset(self, value)
        line = user_line()
        if line is not None:
            emit("lr_set", line=line, optimizer=type(self).__name__, lr=learning_rate(self))

    BaseOptimizer.learning_rate = property(lr_prop.fget, set_lr, lr_prop.fdel, lr_prop.__doc__)


def watch_compile(Model) -> None:
    orig_compile = Model.compile

    def compile_(self, *args, **kwargs):
        line = user_line()
        try:
            bound = inspect.signature(orig_compile).bind(self, *args, **kwargs)
            opt_arg = bound.arguments.get("optimizer", "rmsprop")
        except TypeError:
            opt_arg = None
        reused_built = bool(getattr(opt_arg, "built", False)) if opt_arg is not None and not isinstance(opt_arg, str) else False
        orig_compile(self, *args, **kwargs)
        if S.depth:
            return None
        info = model_info(self)
        opt = getattr(self, "optimizer", None)
        emit(
            "compile",
            mid=info["mid"],
            model=getattr(self, "name", None),
            line=line,
            optimizer=type(opt).__name__ if opt is not None else None,
            opt_id=id(opt) if opt is not None else None,
            opt_reused_built=reused_built,
            lr=learning_rate(opt),
            loss=describe_loss(getattr(self, "loss", None)),
        )
        return None

    Model.compile = compile_
