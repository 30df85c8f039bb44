"""`layer.trainable = ...` assignments made by the script: what they reached and how many variables."""

from __future__ import annotations

import sys

from .config import SCRIPT
from .events import emit, is_library
from .observations import flatten, is_bn, var_split
from .state import S, model_info


def install(Layer, Model) -> None:
    prop = Layer.trainable

    def set_trainable(self, value):
        top = S.trainable_depth == 0
        S.trainable_depth += 1
        try:
            prop.fset(self, value)
        finally:
            S.trainable_depth -= 1
        if not top:
            return
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != SCRIPT and is_library(frame.f_code.co_filename):
            frame = frame.f_back
        if frame is None or frame.f_code.co_filename != SCRIPT:
            return
        try:
            _record(self, value, frame.f_lineno, Model)
        except Exception as exc:  # noqa: BLE001
            emit("instrumentation_error", where="trainable", error=repr(exc))

    Layer.trainable = property(prop.fget, set_trainable, prop.fdel, prop.__doc__)


def _record(layer, value, line, Model) -> None:
    bid_self = S.backbones.get(id(layer), {}).get("bid")
    owner = S.layer_owner.get(id(layer))
    if bid_self:
        role = "backbone"
    elif owner:
        role = "backbone_layer"
    elif type(layer).__name__ == "InputLayer":
        role = "input_layer"
    elif id(layer) in S.models or isinstance(layer, Model):
        role = "model"
    else:
        role = "layer"
    contained = [b["bid"] for b in S.backbones.values() if b["model"] is not layer and id(b["model"]) in {id(l) for l in flatten(layer)}] if isinstance(layer, Model) else []
    ids, _bn, _moving = var_split(layer)
    S.groups.setdefault(line, set()).update(ids)
    # a whole model (the GAN idiom's discriminator): its own training calls carry the same mid
    mid = model_info(layer)["mid"] if isinstance(layer, Model) else None
    emit(
        "trainable_set",
        line=line,
        layer=getattr(layer, "name", "?"),
        cls=type(layer).__name__,
        role=role,
        bid=bid_self or owner,
        contains=contained,
        mid=mid,
        value=bool(value),
        n_vars=len(ids),
        is_bn=is_bn(layer),
    )
