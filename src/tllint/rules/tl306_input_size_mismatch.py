"""TL306: the input shape does not fit the backbone's minimum size, channels or pretrained weights."""

from __future__ import annotations

from tllint.engine.heads import input_shapes
from tllint.engine.values import Const, Seq
from tllint.rules import Report, Rule
from tllint.rules._tl306_pipeline import pipeline_reports


def _fmt(shape, literal=None) -> str:
    """A shape as written; a side not known statically (a size chosen in a branch, a tensor's
    unknown side) prints as `?`, a literal `None` as `None`."""
    return "(" + ", ".join(str(d) if d is not None else ("None" if literal and literal[i] else "?")
                           for i, d in enumerate(shape)) + ")"


def _literal(backbone):
    """Per side of `input_shape=`, whether the script wrote it as a constant (a literal `None` too)."""
    value = backbone.kwargs.get("input_shape")
    return tuple(isinstance(item, Const) for item in value.items) if isinstance(value, Seq) else None


def _title(kind: str, entry, shape) -> str:
    name, size = entry.name, entry.default_size
    h, w, c = shape if shape is not None else (None, None, None)
    side = f"{h}x{w}" if h is not None and w is not None else "this size"
    titles = {
        "channels": f"{name}'s ImageNet weights take 3 channels; the input has {c}",
        "too-small": f"Input of {side} is below {name}'s minimum of {entry.min_size}x{entry.min_size}",
        "include-top-size": f"{name} with include_top=True takes only {size}x{size} input, not {side}",
        "no-weights-for-size": f"{name} has no ImageNet weights for {side} input",
        "static-shape": f"{name} with ImageNet weights needs a static input shape",
    }
    return titles.get(kind, f"The input shape does not fit {name}")


class InputSizeMismatch(Rule):
    code = "TL306"
    name = "input-size-mismatch"
    severity = "error"
    summary = ("The input shape is below the model's minimum, not 3 channels, has no matching pretrained weights, "
               "or differs from the image size of the data pipeline.")

    def check(self, script):
        if "channels_first" in script.source:
            return  # image_data_format changed: the shape checks below assume channels_last
        for backbone in script.backbones:
            entry = backbone.entry
            if backbone.kind != "applications" or entry is None:
                continue
            imagenet = backbone.weights == "imagenet"
            found = None
            shape_seen = None
            for src in input_shapes(script, backbone):
                found = self._problem(backbone, entry, src, imagenet)
                if found is not None:
                    shape_seen = src.shape
                    break
            shape = backbone.input_shape
            literal = _literal(backbone)
            if (found is None and imagenet and entry.size_mismatch_behaviour == "static_shape_required"
                    and shape is not None and literal is not None and len(literal) == len(shape)
                    and any(d is None and known for d, known in zip(shape, literal))):
                # The check runs on the `input_shape` argument only (K3 nasnet.py:134-156, keras-facts e7.out).
                found = ("static-shape",
                         (f"{entry.name} with `weights='imagenet'` needs a static input shape, but `input_shape` is "
                          f"{_fmt(shape, literal)}: Keras raises ValueError when it builds the model. Pass a fixed size, e.g. "
                          f"`input_shape=({entry.default_size}, {entry.default_size}, 3)`, and resize the images to it."),
                         None)
            if found is None:
                continue
            kind, message, severity = found
            yield Report(backbone.node, message, severity=severity, data={"kind": kind, "backbone": entry.name},
                         title=_title(kind, entry, shape_seen))
        yield from pipeline_reports(script)

    def _problem(self, backbone, entry, src, imagenet):
        h, w, c = src.shape
        if h in (1, 3) and c not in (1, 3, None):
            return None  # looks channels-first (keras.json may say so): not ours to judge
        how = {"input_shape": "`input_shape`", "input_tensor": "the `input_tensor` shape", "call": "the input it is called on"}[src.how]
        shown = _fmt(src.shape, _literal(backbone) if src.how == "input_shape" else None)
        name = entry.name
        size = entry.default_size
        if imagenet and c is not None and c != 3:
            return ("channels",
                    (f"{how} {shown} has {c} channel(s), but {name}'s ImageNet weights take 3 (RGB): Keras raises "
                    f"ValueError, or the pretrained first convolution cannot be used. Feed 3 channels "
                    f"(`color_mode='rgb'`, or repeat the grey channel: `keras.layers.Concatenate()([x, x, x])`), or "
                    f"use `weights=None`."), None)
        small = [d for d in (h, w) if d is not None and d < entry.min_size]
        if small and src.how in ("call", "input_tensor"):
            return ("too-small",
                    (f"{name} gets inputs of {shown} ({how}), below the {entry.min_size}x{entry.min_size} minimum Keras "
                    f"enforces for it when the size is given (`input_shape=` raises ValueError there): the downsampling "
                    f"stages leave a feature map of a pixel or two, or fail. Resize the images first (its weights were "
                    f"trained at {size}x{size}), e.g. `keras.layers.Resizing({size}, {size})` before the backbone."),
                    "warning")
        if small:
            return ("too-small",
                    (f"{how} {shown} is smaller than {name}'s minimum of {entry.min_size}x{entry.min_size}: Keras "
                    f"raises ValueError, or the feature map shrinks to nothing after the downsampling stages. Resize "
                    f"the images to at least {entry.min_size} (its weights were trained at {size}x{size}), e.g. "
                    f"`keras.layers.Resizing({size}, {size})`."), None)
        if (imagenet and backbone.include_top is True and src.how == "input_shape" and (h, w) != (size, size)
                and h is not None and w is not None):
            return ("include-top-size",
                    (f"{name} with `include_top=True` and ImageNet weights only accepts {size}x{size} inputs, but "
                    f"{how} is {shown}: Keras raises ValueError (the classifier's weights are tied to that size). "
                    f"Use `input_shape=({size}, {size}, 3)` (resize the images), or `include_top=False, "
                    f"pooling='avg'` with your own head."), None)
        if (imagenet and backbone.include_top is False and entry.size_mismatch_behaviour == "warning_loads_default"
                and h is not None and w is not None):
            sizes = entry.weight_sizes or (size,)
            if h != w or h not in sizes:
                listed = ", ".join(str(s) for s in sizes)
                return ("no-weights-for-size",
                        (f"{name} has ImageNet weights only for square inputs of {listed}, but {how} is {shown}: "
                        f"Keras prints a warning and loads the {size}x{size} weights for this size, so the features "
                        f"are not the ones the weights were trained for. Use {'one of ' + listed if len(sizes) > 1 else f'{size}x{size}'} "
                        f"(e.g. `input_shape=({size}, {size}, 3)` and `keras.layers.Resizing({size}, {size})` in front)."),
                        "warning")
        return None
