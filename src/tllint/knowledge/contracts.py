"""Input contracts: the value range each pretrained model's input expects, and what each
`keras.applications` submodule's `preprocess_input` does (pure data, keras-facts §1).
"""

from __future__ import annotations

from dataclasses import dataclass

FLAVOURS = ("keras3", "keras2")  # keras 3 (also tf.keras on TF >= 2.16) / tf_keras (Keras 2)


# --------------------------------------------------------------------------------------------------
# Input contracts: the value range a model input expects.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contract:
    """One input convention, with the numeric interval its pixels occupy (for comparing observed ranges)."""

    key: str
    range_text: str  # for messages, e.g. "[-1, 1]"
    lo: float | None  # smallest value a [0, 255] image takes after this preprocessing; None: unknown
    hi: float | None
    # A Keras layer expression turning raw [0, 255] RGB pixels into this contract, when one layer can
    # (caffe cannot: it also swaps RGB to BGR; raw needs nothing; preset is only known at run time).
    fix_layer: str | None
    # How to get there, for messages; `{module}` is replaced by the application's submodule.
    fix_template: str

    def fix_text(self, module: str | None = None) -> str:
        return self.fix_template.format(module=module or "<module>")

    def matches(self, lo: float, hi: float, rel_tol: float = 0.1) -> bool:
        """Does an observed [lo, hi] sit on this contract's interval (both ends within rel_tol of its width)?"""
        if self.lo is None or self.hi is None:
            return False
        slack = rel_tol * (self.hi - self.lo)
        return abs(lo - self.lo) <= slack and abs(hi - self.hi) <= slack


# keras-facts §1.1: caffe = BGR minus mean [103.939, 116.779, 123.68] -> [-123.68, 151.061];
# tf = x/127.5 - 1; torch = (x/255 - mean) / std -> [-2.118, 2.640] (verified: tools/applications_facts.out).
CONTRACTS: dict[str, Contract] = {
    "caffe": Contract(
        key="caffe",
        range_text="caffe-style BGR, ImageNet mean subtracted (about -124..152)",
        lo=-123.68,
        hi=151.061,
        fix_layer=None,
        fix_template="`{module}.preprocess_input` on [0, 255] RGB pixels (flips to BGR, subtracts the ImageNet mean)",
    ),
    "tf": Contract(
        key="tf",
        range_text="[-1, 1]",
        lo=-1.0,
        hi=1.0,
        fix_layer="keras.layers.Rescaling(1/127.5, offset=-1)",
        fix_template="`keras.layers.Rescaling(1/127.5, offset=-1)` or `{module}.preprocess_input` on [0, 255] pixels",
    ),
    "torch": Contract(
        key="torch",
        range_text="ImageNet mean/std normalised (about -2.1..2.6)",
        lo=-2.1179,
        hi=2.64,
        # Same statistics as ConvNeXt's built-in layer (keras-facts §1.2, e6.out), in [0, 255] units.
        fix_layer="keras.layers.Normalization(mean=[123.675, 116.28, 103.53], variance=[3409.976, 3262.694, 3291.890])",
        fix_template=(
            "`{module}.preprocess_input` on [0, 255] pixels, or `keras.layers.Normalization("
            "mean=[123.675, 116.28, 103.53], variance=[3409.976, 3262.694, 3291.890])`"
        ),
    ),
    "raw": Contract(
        key="raw",
        range_text="[0, 255] raw pixels (preprocessing is built in)",
        lo=0.0,
        hi=255.0,
        fix_layer=None,
        fix_template=(
            "feed raw [0, 255] pixels and drop the extra scaling (`{module}.preprocess_input` is a pass-through)"
        ),
    ),
    "unit": Contract(
        key="unit",
        range_text="[0, 1]",
        lo=0.0,
        hi=1.0,
        fix_layer="keras.layers.Rescaling(1/255)",
        fix_template="`keras.layers.Rescaling(1/255)` on [0, 255] pixels",
    ),
    # keras-facts §4: a keras_hub backbone called directly gets no preprocessing; its scale is in the preset.
    "preset": Contract(
        key="preset",
        range_text="the preset's own scaling (not known statically)",
        lo=None,
        hi=None,
        fix_layer=None,
        fix_template="`keras_hub.layers.ImageConverter.from_preset(preset)` in front of the backbone",
    ),
}


def classify_interval(lo: float, hi: float, rel_tol: float = 0.1) -> str | None:
    """The contract key whose interval an observed [lo, hi] matches, or None ("preset" never matches)."""
    for key in ("unit", "tf", "raw", "torch", "caffe"):
        if CONTRACTS[key].matches(lo, hi, rel_tol):
            return key
    return None


# --------------------------------------------------------------------------------------------------
# preprocess_input of each keras.applications submodule (keras-facts §1.1, §1.2; TFK modes identical,
# §1.2 Notes). "passthrough" returns its input unchanged. Verified on keras 3.15.1 and tf_keras 2.21.0
# with pixels [0, 127.5, 255]: tools/applications_facts.out.
# --------------------------------------------------------------------------------------------------

PREPROCESS_MODES: dict[str, str] = {
    "imagenet_utils": "caffe",  # the default mode of imagenet_utils.preprocess_input
    "vgg16": "caffe",
    "vgg19": "caffe",
    "resnet": "caffe",
    "resnet50": "caffe",
    "resnet_v2": "tf",
    "inception_v3": "tf",
    "inception_resnet_v2": "tf",
    "xception": "tf",
    "mobilenet": "tf",
    "mobilenet_v2": "tf",
    "nasnet": "tf",
    "densenet": "torch",
    "mobilenet_v3": "passthrough",
    "efficientnet": "passthrough",
    "efficientnet_v2": "passthrough",
    "convnext": "passthrough",
    "resnet_rs": "passthrough",  # tf_keras only
    "regnet": "passthrough",  # tf_keras only
}

# Submodules missing from Keras 3 (keras-facts §0.6, e8.out); every other one exists in both flavours
# (tools/applications_facts.out lists the modules of each).
KERAS2_ONLY_MODULES = frozenset({"resnet_rs", "regnet"})
