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
    backbone.kwargs["__library__"] = Const(ref.name.split(".", 1)[0])
    interp.backbones.append(backbone)
    if kind == "keras_hub_task":
        model = Model("keras_hub_task", node, backbones=[backbone])
        interp.models.append(model)
        return model
    return backbone


def task_backbone(interp: InterpreterApi, task: Model) -> Value:
    """`classifier.backbone`: the task's backbone as a model of its own. Its graph holds no
    preprocessing (KH models/image_classifier.py: `x = self.backbone(inputs)`; the preset's
    ImageConverter runs only in the task's fit/predict/evaluate), so a model built on it gets
    none. The same value on every access, so `task.backbone.trainable = False` sticks."""
    cached = task.__dict__.get("_bare_backbone")
    if cached is not None:
        return cached
    inner = task.backbones[0] if task.backbones else None
    if inner is None or inner.kind != "keras_hub_task":
        return UNKNOWN
    bare = Backbone("keras_hub_backbone", f"{inner.name}.backbone", inner.node, weights=inner.weights,
                    include_top=None, flavour=inner.flavour, pooling=None)
    bare.kwargs = {k: v for k, v in inner.kwargs.items() if k.startswith("__")}
    interp.backbones.append(bare)
    task.__dict__["_bare_backbone"] = bare
    return bare
