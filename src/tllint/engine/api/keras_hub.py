"""keras_hub (and its predecessors keras_nlp, keras_cv): `from_preset` backbones and tasks.

A task (a classifier, detector, segmenter) preprocesses its own input, so it takes raw pixels;
a bare backbone's contract is unknown (engine/kb.py).
"""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, Backbone, Const, Model, Ref, Value, const_value

# Import heads of the library under its three names; importing any of them is the keras_hub flavour.
HEADS = ("keras_hub", "keras_nlp", "keras_cv")


@registry.prefix(*(head + "." for head in HEADS))
def _from_preset(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    if ref.name.rsplit(".", 1)[-1] != "from_preset":
        return UNKNOWN
    cls = ref.name.rsplit(".", 2)[-2]
    preset = const_value(args[0]) if args else const_value(kwargs.get("preset", UNKNOWN))
    kind = "keras_hub_task" if cls.endswith(("Classifier", "Detector", "Segmenter", "Task")) else "keras_hub_backbone"
    if not cls.endswith(("Backbone", "Classifier", "Detector", "Segmenter")):
        return UNKNOWN
    backbone = Backbone(kind, cls, node, weights="imagenet", include_top=None, flavour="keras_hub", pooling=None)
    backbone.kwargs = dict(kwargs)
    backbone.kwargs["__preset__"] = Const(preset)
    interp.backbones.append(backbone)
    if kind == "keras_hub_task":
        model = Model("keras_hub_task", node, backbones=[backbone])
        interp.models.append(model)
        return model
    return backbone
