"""Statistics of pixel arrays: `x.mean()`, `np.std(x)`, `tf.reduce_max(x)`, `x.min()`.

Scripts standardise images with their own statistics, `(x - x.mean()) / x.std()`, or min-max scale
them, `x / x.max()`, `(x - x.min()) / (x.max() - x.min())`. Of pixels whose range is known the
extremes are that range's ends (a photo collection holds black and white pixels); the mean and the
standard deviation of natural images sit near 0.47 and 0.25 of the range. So a standardisation
lands at about [-1.9, 2.1] and a min-max scaling at [0, 1], steps the input contract can judge
(rules/_pixels.py says "about" for the estimated ones and leaves torch-style backbones alone).
"""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.api.support import kw
from tllint.engine.pixels import describe
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, Data, Ref, Statistic, Tensor, Value

# Where the mean and the standard deviation of natural images sit within their range.
MEAN_AT = 0.47
STD_OF = 0.25

_FUNCTIONS = {
    "mean": ("numpy.mean", "numpy.average", "numpy.nanmean", "tensorflow.reduce_mean", "tensorflow.math.reduce_mean",
             "keras.ops.mean"),
    "std": ("numpy.std", "numpy.nanstd", "tensorflow.math.reduce_std", "keras.ops.std"),
    "max": ("numpy.max", "numpy.amax", "numpy.nanmax", "tensorflow.reduce_max", "tensorflow.math.reduce_max",
            "keras.ops.max"),
    "min": ("numpy.min", "numpy.amin", "numpy.nanmin", "tensorflow.reduce_min", "tensorflow.math.reduce_min",
            "keras.ops.min"),
}


def statistic(x: Value, kind: str) -> Value:
    """The `kind` statistic of pixels `x`, or unknown when their range is not known."""
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    verdict = describe(x.encoding)
    if verdict.kind not in ("raw", "affine") or verdict.interval is None:
        return UNKNOWN
    lo, hi = verdict.interval
    value = {"min": lo, "max": hi, "mean": lo + MEAN_AT * (hi - lo), "std": STD_OF * (hi - lo)}[kind]
    if kind == "std" and value <= 0:
        return UNKNOWN
    return Statistic(value, kind=kind, estimated=kind in ("mean", "std"))


def _register(kind: str) -> None:
    @registry.function(*_FUNCTIONS[kind])
    def _function(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
        return statistic(kw(args, kwargs, "a", 0) if "x" not in kwargs else kwargs["x"], kind)

    @registry.method(Tensor, kind)
    @registry.method(Data, kind)
    def _method(interp: InterpreterApi, x: Value, name: str, args, kwargs, node) -> Value:
        return statistic(x, kind)


for _kind in _FUNCTIONS:
    _register(_kind)
