"""tensorflow_hub: `hub.KerasLayer(handle)`, a pretrained feature extractor (pooled features,
[0, 1] input: engine/kb.py) that is frozen unless made with `trainable=True`."""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.api.support import kw
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, Backbone, Const, Ref, Value, const_value


@registry.function("tensorflow_hub.KerasLayer")
def _hub_layer(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    handle = const_value(kw(args, kwargs, "handle", 0, UNKNOWN))
    trainable = const_value(kwargs.get("trainable", Const(False)))
    backbone = Backbone("hub", handle if isinstance(handle, str) else "TF-Hub module", node, weights="imagenet",
                        include_top=None, pooling="avg", flavour="tf_keras", kwargs=dict(kwargs))
    backbone.trainable_default = bool(trainable) if isinstance(trainable, bool) else True
    if not isinstance(trainable, bool):
        backbone.trainable_default = None  # type: ignore[assignment]
    interp.backbones.append(backbone)
    return backbone
