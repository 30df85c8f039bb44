"""Pretrained models outside keras.applications: TF-Hub layers and keras_hub presets (keras-facts §4)."""

from __future__ import annotations

from dataclasses import dataclass


# --------------------------------------------------------------------------------------------------
# Hub models (keras-facts §4).
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HubEntry:
    """A pretrained-model loader outside keras.applications."""

    key: str  # stable id
    # Canonical call path suffix matched by `hub_lookup`, e.g. "ImageClassifier.from_preset" matches
    # keras_hub.models.ImageClassifier.from_preset and keras_hub.models.ResNetImageClassifier.from_preset.
    call_suffix: str
    package: str  # top-level package the call lives in
    contract: str  # CONTRACTS key for the data the user feeds
    contract_note: str  # where that contract holds, for messages
    trainable_default: bool | None  # None: not a constructor argument
    keras3_layer: bool  # is the object a keras 3 Layer (usable in keras.Sequential / keras.Model)?


HUB_MODELS: tuple[HubEntry, ...] = (
    # TFD hub/common_saved_model_apis/images.md:143-147 ([0, 1] float RGB); keras_layer.py:134-137
    # (trainable=False default, e11.out); keras_layer.py:26-31: subclasses tf_keras when tf.keras is Keras 3,
    # so keras.Sequential rejects it (e11.out).
    HubEntry(
        key="tfhub_keras_layer",
        call_suffix="hub.KerasLayer",
        package="tensorflow_hub",
        contract="unit",
        contract_note="image modules take float32 RGB in [0, 1]",
        trainable_default=False,
        keras3_layer=False,
    ),
    # KH utils/preset_utils.py:640-657, utils/pipeline_model.py:148-166: the preset preprocessor runs inside
    # fit/predict/evaluate, so that data must be raw [0, 255]; calling the model directly gets none.
    HubEntry(
        key="keras_hub_image_classifier",
        call_suffix="ImageClassifier.from_preset",
        package="keras_hub",
        contract="raw",
        contract_note=(
            "fit/predict/evaluate apply the preset's ImageConverter; calling the model or its backbone "
            "directly does not (contract 'preset' there)"
        ),
        trainable_default=None,
        keras3_layer=True,
    ),
    # KH models/image_classifier.py:138-139: the backbone graph has no preprocessing.
    HubEntry(
        key="keras_hub_backbone",
        call_suffix="Backbone.from_preset",
        package="keras_hub",
        contract="preset",
        contract_note="no preprocessing; scale with keras_hub.layers.ImageConverter.from_preset(preset)",
        trainable_default=None,
        keras3_layer=True,
    ),
)


def hub_lookup(path: str) -> HubEntry | None:
    """The HubEntry for a dotted call path such as "tensorflow_hub.KerasLayer",
    "hub.KerasLayer" or "keras_hub.models.ResNetImageClassifier.from_preset"."""
    parts = path.split(".")
    if parts[0] == "tensorflow_hub":
        parts[0] = "hub"
    if parts[0] == "keras_nlp":  # keras_hub's former name still re-exports the vision models
        parts[0] = "keras_hub"
    dotted = ".".join(parts)
    for entry in HUB_MODELS:
        suffix = entry.call_suffix
        if entry.package == "tensorflow_hub":
            if dotted == suffix:
                return entry
        elif parts[0] == "keras_hub" and (dotted.endswith("." + suffix) or dotted.endswith(suffix)):
            return entry
    return None
