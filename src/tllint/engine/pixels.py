"""Pixel encodings: what range and transform the pixels carry on their way to a backbone.

An encoding is a source (raw 0..255 pixels, [0, 1] floats, unknown) followed by the steps
applied to it, each remembering the node that applied it so messages can say "after
Rescaling(1/255) at line 12". `describe()` folds the steps into one verdict that the input
contract rules compare with the backbone's expectation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst


@dataclass(frozen=True)
class Source:
    kind: str  # "raw" (0..255), "unit" ([0, 1]), "unknown"
    what: str  # "image_dataset_from_directory", "tf.io.decode_jpeg", ...
    node: cst.CSTNode | None = field(default=None, compare=False, hash=False)

    @property
    def interval(self) -> tuple[float, float] | None:
        return {"raw": (0.0, 255.0), "unit": (0.0, 1.0)}.get(self.kind)


@dataclass(frozen=True)
class Step:
    """One transform. kind: affine | preprocess | normalize | neutral | opaque | note (changes
    nothing, kept so messages can cite it: a no-op `convert_image_dtype`) | channels (swaps the
    channel order, RGB <-> BGR, and keeps the range: `cv2.cvtColor(x, cv2.COLOR_BGR2RGB)`, `x[..., ::-1]`)."""

    kind: str
    what: str
    node: cst.CSTNode | None = field(default=None, compare=False, hash=False)
    scale: float = 1.0
    offset: float = 0.0
    mode: str | None = None  # preprocess_input mode: caffe | tf | torch | passthrough; "gray" for channels
    module: str | None = None  # applications module of a preprocess_input
    in_place: bool = False  # a preprocess_input that wrote into its float NumPy argument (engine/api/applications.py)

    @property
    def scales(self) -> bool:
        if self.kind == "affine":
            return not (abs(self.scale - 1.0) < 1e-9 and abs(self.offset) < 1e-9)
        if self.kind == "preprocess":
            return self.mode != "passthrough"
        return self.kind == "normalize"


# Steps that change neither the range nor the element dtype.
_KEEPS_DTYPE = ("note", "channels")
# Decoders whose images come out in BGR channel order (OpenCV).
BGR_SOURCES = ("cv2.imread", "cv2.VideoCapture.read")


@dataclass(frozen=True)
class Encoding:
    source: Source
    steps: tuple[Step, ...] = ()
    # Element dtype as far as known: "uint8" (decoded images), "float" (after a cast or any
    # arithmetic), None (unknown). Matters for tf.image.convert_image_dtype (engine/api/tfimage.py).
    dtype: str | None = field(default=None, compare=False, hash=False)

    def then(self, step: Step) -> "Encoding":
        if step.kind == "neutral":
            return self
        if step.kind in _KEEPS_DTYPE:
            return Encoding(self.source, self.steps + (step,), self.dtype)
        return Encoding(self.source, self.steps + (step,), "float" if step.kind != "opaque" else None)

    def with_dtype(self, dtype: str | None) -> "Encoding":
        return Encoding(self.source, self.steps, dtype)

    def after(self, prefix: "Encoding") -> "Encoding":
        """This encoding's steps applied on top of `prefix` (data pipeline, then model graph)."""
        return Encoding(prefix.source, prefix.steps + self.steps, "float" if self.steps else prefix.dtype)

    @property
    def bgr(self) -> bool:
        """The channels are in BGR order: an OpenCV decode, not swapped back an odd number of times."""
        flipped = self.source.what in BGR_SOURCES
        for step in self.steps:
            if step.kind == "channels":
                flipped = False if step.mode == "gray" else not flipped
        return flipped

    @property
    def opaque(self) -> bool:
        return self.source.kind == "unknown" or any(s.kind == "opaque" for s in self.steps)

    def scaling_steps(self) -> list[Step]:
        return [s for s in self.steps if s.scales]


def relative() -> Encoding:
    """The encoding of a model input before we know what data is fed to it."""
    return Encoding(Source("input", "model input"))


RAW_ASSUMED = Source("raw", "image pixels (0..255)")


@dataclass
class Verdict:
    """What arrives at a backbone, folded from an encoding.

    kind: raw (untouched 0..255) | affine (interval known) | preprocess (one preprocess_input on
    raw pixels, `mode`) | normalized (Normalization layer) | double (a preprocess_input applied to
    already-scaled pixels, or scaling applied after one) | unknown.
    """

    kind: str
    interval: tuple[float, float] | None = None
    mode: str | None = None
    module: str | None = None
    first: Step | None = None  # the first scaling step
    second: Step | None = None  # for double: the redundant one
    last: Step | None = None  # the last scaling step


def describe(enc: Encoding) -> Verdict:
    if enc.source.kind == "unknown" and _divided_by_255(enc):
        # Arrays of unknown origin that the script divides by 255 (`np.load(...) / 255`, a generator's
        # `rescale=1./255` on `flow(X)`): the division is the author's statement that they hold 0..255 pixels.
        enc = Encoding(Source("raw", "pixels divided by 255 (0..255 assumed)", enc.source.node), enc.steps, enc.dtype)
    if enc.opaque or enc.source.kind == "input":
        return Verdict("unknown")
    steps = enc.scaling_steps()
    if not steps:
        return Verdict(enc.source.kind if enc.source.kind == "raw" else "affine", enc.source.interval)
    lo, hi = enc.source.interval  # type: ignore[misc]
    preprocessed: Step | None = None
    normalized: Step | None = None
    for i, step in enumerate(steps):
        if step.kind == "preprocess":
            # Earlier scalings that bring the pixels back to 0..255 (`x / 255.` then `x * 255.`) are fine.
            if preprocessed is not None or normalized is not None or enc.source.kind != "raw" or not close((lo, hi), (0.0, 255.0)):
                return Verdict("double", first=steps[0], second=step, last=steps[-1])
            preprocessed = step
        elif step.kind == "normalize":
            if preprocessed is not None:
                return Verdict("double", first=steps[0], second=step, last=steps[-1])
            normalized = step
        elif step.kind == "affine":
            if preprocessed is not None and step.scales:
                return Verdict("double", first=steps[0], second=step, last=steps[-1])
            a, b = step.scale, step.offset
            lo, hi = sorted((lo * a + b, hi * a + b))
    if preprocessed is not None:
        return Verdict("preprocess", mode=preprocessed.mode, module=preprocessed.module, first=preprocessed, last=preprocessed)
    if normalized is not None:
        return Verdict("normalized", first=steps[0], last=steps[-1])
    return Verdict("affine", (lo, hi), first=steps[0], last=steps[-1])


def _divided_by_255(enc: Encoding) -> bool:
    if any(s.kind == "opaque" for s in enc.steps):
        return False
    steps = enc.scaling_steps()
    return bool(steps) and steps[0].kind == "affine" and abs(steps[0].scale * 255.0 - 1.0) < 1e-6 and abs(steps[0].offset) < 1e-9


def fmt_interval(interval: tuple[float, float]) -> str:
    def f(v: float) -> str:
        return f"{v:.0f}" if abs(v - round(v)) < 1e-6 else f"{v:.3g}"

    return f"[{f(interval[0])}, {f(interval[1])}]"


def close(a: tuple[float, float], b: tuple[float, float], tol: float = 0.08) -> bool:
    span = max(b[1] - b[0], 1e-9)
    return abs(a[0] - b[0]) <= tol * span and abs(a[1] - b[1]) <= tol * span
