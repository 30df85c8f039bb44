"""TL306, data pipelines: a loader whose image size is statically known feeds a model whose input
size is fixed and different, so the first `fit` raises after the data was set up.

Verified on Keras 3.15.1 (a tf.data dataset and numpy arrays alike): a functional model built on
`keras.Input((224, 224, 3))` (a `Resizing` right after the Input included), or on `base.input` of
a backbone built with `input_shape=(224, 224, 3)`, and a `Sequential` whose first layer is such a
backbone, raise "ValueError: Input 0 ... is incompatible with the layer: expected
shape=(None, 224, 224, 3), found shape=(None, 180, 180, 3)"; an Input with `None` sides, a
`Resizing` before the backbone inside a model with such an Input, and a `Sequential` whose first
layers are plain layers (`Sequential([Input((224, 224, 3)), Conv2D(...), ...])`) accept any size.
keras-facts §5 records the same error for Keras 2.
"""

from __future__ import annotations

from tllint.engine.timeline import TrainEvent
from tllint.engine.values import Backbone, Const, Data, Model, Tensor
from tllint.rules import Report


def _side(d) -> int | None:
    return d if isinstance(d, int) and not isinstance(d, bool) and d > 0 else None


def _static(shape) -> tuple[int, int] | None:
    if shape is None or len(shape) != 3:
        return None
    h, w = _side(shape[0]), _side(shape[1])
    return (h, w) if h is not None and w is not None else None


def fixed_input(script, model: Model) -> tuple[tuple[int, int], str] | None:
    """The (height, width) a model's single image input is fixed to, and what fixes it."""
    if model.kind == "functional":
        tensors = model.__dict__.get("input_tensors") or []
        if len(tensors) != 1 or not isinstance(tensors[0], Tensor):
            return None
        tensor = tensors[0]
        size = _static(tensor.shape)
        if size is not None:
            return size, f"its input `keras.Input(shape=({size[0]}, {size[1]}, ...))`"
        for backbone in script.backbones:  # `Model(base.input, ...)`
            origin = backbone.kwargs.get("__input_origin__")
            if isinstance(origin, Const) and origin.value == tensor.origin and backbone.kind == "applications":
                size = _static(backbone.input_shape)
                if size is not None:
                    return size, f"its input `{backbone.label}.input` ({backbone.name} built with `input_shape=({size[0]}, {size[1]}, 3)`)"
        return None
    if model.kind == "sequential" and model.layers:
        first = model.layers[0]
        if isinstance(first, Backbone) and first.kind == "applications":
            size = _static(first.input_shape)
            if size is not None:
                return size, f"its first layer `{first.label}` ({first.name} built with `input_shape=({size[0]}, {size[1]}, 3)`)"
    return None


def pipeline_reports(script):
    seen: set[int] = set()
    for ev in script.events:
        if not isinstance(ev, TrainEvent) or ev.implicit or not isinstance(ev.model, Model) or not isinstance(ev.data, Data):
            continue
        known = ev.data.__dict__.get("image_size")
        if known is None or id(ev.node) in seen:
            continue
        (h, w), how = known
        fixed = fixed_input(script, ev.model)
        if fixed is None or fixed[0] == (h, w):
            continue
        (fh, fw), what = fixed
        seen.add(id(ev.node))
        loader = ev.data.node
        where = f", line {script.line(loader)}" if loader is not None else ""
        message = (
            f"The images reach `{ev.model.label}` at {h}x{w} ({how}{where}), but `{ev.model.label}` only takes "
            f"{fh}x{fw}: {what}. Keras raises ValueError (\"expected shape=(None, {fh}, {fw}, 3), found "
            f"shape=(None, {h}, {w}, 3)\") at this `{ev.method}`, after the data was set up. Load the images at "
            f"{fh}x{fw}, or build the model on `keras.Input(shape=(None, None, 3))` followed by "
            f"`keras.layers.Resizing({fh}, {fw})`.")
        related = [(loader, f"images loaded here at {h}x{w}")] if loader is not None else []
        if ev.model.node is not None:
            related.append((ev.model.node, f"`{ev.model.label}` built here: it takes only {fh}x{fw}"))
        yield Report(ev.node, message, data={"kind": "pipeline-size", "data_size": (h, w), "model_size": (fh, fw)},
                     title=f"Images of {h}x{w} reach `{ev.model.label}`, which takes only {fh}x{fw}", related=related)
