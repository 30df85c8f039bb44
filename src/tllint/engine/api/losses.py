"""keras.losses objects, and the label encodings a loss expects (`to_categorical`, `one_hot`).

Which spelling is which kind of loss is tllint.knowledge.losses; what a compile's loss resolves
to for the rules is engine/heads.py.
"""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.api.support import kw
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, Const, Labels, LossV, Ref, Value, const_value, is_number
from tllint.knowledge.losses import loss_kind


@registry.prefix("keras.losses.")
def make_loss(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`keras.losses.SparseCategoricalCrossentropy(from_logits=True)` and friends."""
    last = ref.name.rsplit(".", 1)[-1]
    if last in ("get", "deserialize", "Loss", "Reduction", "serialize") or not last[:1].isupper():
        # A loss function called on tensors (inside a custom loss) or a registry helper.
        return UNKNOWN
    fl = kwargs.get("from_logits", args[0] if args else Const(False))
    flag = const_value(fl) if isinstance(fl, Const) and isinstance(fl.value, bool) else None
    return LossV(loss_kind(last), last, flag, node)


@registry.function("keras.utils.to_categorical", "keras.utils.np_utils.to_categorical")
def _to_categorical(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    n = kw(args, kwargs, "num_classes", 1, UNKNOWN)
    return Labels("categorical", node, const_value(n) if is_number(n) else None)


@registry.function("tensorflow.one_hot")
def _one_hot(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    n = kw(args, kwargs, "depth", 1, UNKNOWN)
    return Labels("categorical", node, const_value(n) if is_number(n) else None)


@registry.hook("attribute", Labels)
def _labels_attribute(interp: InterpreterApi, obj: Labels, attr: str, node) -> Value:
    return BoundMethod(obj, attr)
