"""Pieces several fixers share: the backbone's preprocessing, optimizers, trainable flags."""

from __future__ import annotations

import libcst as cst

from tllint.engine import kb
from tllint.fixes._cst import Change, FixContext, fmt_number

# `compile(optimizer="adam")` strings -> optimizer class.
OPTIMIZER_CLASSES = {
    "adam": "Adam", "adamw": "AdamW", "sgd": "SGD", "rmsprop": "RMSprop", "adagrad": "Adagrad",
    "adadelta": "Adadelta", "adamax": "Adamax", "nadam": "Nadam", "ftrl": "Ftrl", "lion": "Lion",
    "adafactor": "Adafactor", "lamb": "Lamb",
}


def backbone_module(backbone) -> str | None:
    module = backbone.module or (backbone.entry.module if getattr(backbone, "entry", None) is not None else None)
    return module if isinstance(module, str) and module.isidentifier() else None


def preprocess_wrap(change: Change, backbone, inner: str) -> tuple[str, str] | None:
    """(expression applying the backbone's own preprocessing to `inner`, what it is), or None."""
    contract = kb.contract_of(backbone)
    if backbone.kind == "hub" and contract == "unit":
        rescaling = change.name("keras.layers.Rescaling")
        return f"{rescaling}(1.0 / 255)({inner})", "`Rescaling(1.0 / 255)`"
    if backbone.kind != "applications" or contract not in ("tf", "caffe", "torch"):
        return None
    module = backbone_module(backbone)
    if module is None:
        return None
    fn = change.name(f"keras.applications.{module}.preprocess_input")
    return f"{fn}({inner})", f"`{module}.preprocess_input`"


def optimizer_class(change: Change, opt) -> str | None:
    """The file's spelling of the class of an abstract Optimizer, or None when unknown."""
    cls = getattr(opt, "cls", None)
    if not isinstance(cls, str) or not cls.isidentifier():
        return None
    return change.name(f"keras.optimizers.{cls}")


def new_optimizer(change: Change, opt, lr: float) -> str | None:
    """`keras.optimizers.Adam(learning_rate=1e-05)`: a new instance of `opt`'s class at `lr`."""
    cls = optimizer_class(change, opt)
    if cls is None:
        return None
    return f"{cls}(learning_rate={fmt_number(lr)})"


def arg_text(ctx: FixContext, arg: cst.Arg) -> str:
    value = ctx.code(arg.value)
    if arg.keyword is not None:
        return f"{arg.keyword.value}={value}"
    if arg.star:
        return f"{arg.star}{value}"
    return value


def trainable_assign(node) -> cst.Assign | None:
    """`x.trainable = <value>` (one target), else None."""
    if (
        isinstance(node, cst.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0].target, cst.Attribute)
        and node.targets[0].target.attr.value == "trainable"
    ):
        return node
    return None


def optimizer_arg(call) -> cst.Arg | None:
    """The `optimizer` argument of a `compile(...)` call (keyword or first positional)."""
    if not isinstance(call, cst.Call):
        return None
    for i, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == "optimizer":
            return arg
        if i == 0 and arg.keyword is None and not arg.star:
            return arg
    return None
