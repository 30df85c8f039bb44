"""Behaviour of the keras.applications knowledge base against keras-facts.md §1, §4."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from tllint.knowledge import applications as apps
from tllint.knowledge.applications import (
    APPLICATIONS,
    CONTRACTS,
    classify_interval,
    contract_of,
    exists_in,
    hub_lookup,
    lookup,
    lookup_loose,
    preprocess_mode,
    render_markdown_table,
    weights_size_ok,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
REGNET_CONFIGS = ("002", "004", "006", "008", "016", "032", "040", "064", "080", "120", "160", "320")


def entry(name):
    e = lookup(name)
    assert e is not None, name
    return e


# -- contracts (keras-facts §0.5, §1.2) ------------------------------------------------------------


@pytest.mark.parametrize(
    "name, contract",
    [
        ("MobileNetV2", "tf"),
        ("MobileNet", "tf"),
        ("Xception", "tf"),
        ("ResNet50V2", "tf"),
        ("NASNetLarge", "tf"),
        ("EfficientNetB0", "raw"),
        ("EfficientNetV2S", "raw"),
        ("MobileNetV3Small", "raw"),
        ("ConvNeXtTiny", "raw"),
        ("ResNetRS50", "raw"),
        ("RegNetY032", "raw"),
        ("ResNet50", "caffe"),
        ("ResNet152", "caffe"),
        ("VGG16", "caffe"),
        ("DenseNet121", "torch"),
        ("DenseNet201", "torch"),
    ],
)
def test_default_contract(name, contract):
    assert contract_of(entry(name)) == contract
    assert contract_of(entry(name), include_preprocessing=None) == contract


@pytest.mark.parametrize(
    "name, without",
    [
        ("EfficientNetV2B0", "torch"),
        ("EfficientNetV2B3", "torch"),
        ("EfficientNetV2S", "tf"),
        ("EfficientNetV2L", "tf"),
        ("MobileNetV3Large", "tf"),
        ("ConvNeXtBase", "torch"),
        ("ResNetRS101", "torch"),
        ("RegNetX002", "unit"),
    ],
)
def test_contract_without_builtin_preprocessing(name, without):
    e = entry(name)
    assert e.builtin_flag == "include_preprocessing"
    assert contract_of(e, include_preprocessing=False) == without
    assert contract_of(e, include_preprocessing=True) == "raw"


def test_efficientnet_b_always_preprocesses():
    for i in range(8):
        e = entry(f"EfficientNetB{i}")
        assert e.builtin_flag == "always"
        assert contract_of(e, include_preprocessing=False) == "raw"
        assert e.imagenet_extra_layers == 1


def test_models_without_builtin_ignore_flag():
    assert contract_of(entry("MobileNetV2"), include_preprocessing=False) == "tf"


def test_every_entry_is_consistent():
    for e in APPLICATIONS:
        assert e.contract in CONTRACTS
        assert (e.builtin_flag is None) == (e.contract != "raw"), e.name
        if e.builtin_flag == "include_preprocessing":
            assert e.contract_without_builtin in CONTRACTS, e.name
        else:
            assert e.contract_without_builtin is None, e.name
        # preprocess_input of the home module agrees with what the model expects.
        mode = preprocess_mode(e.module)
        assert mode is not None, e.module
        assert mode == ("passthrough" if e.contract == "raw" else e.contract), e.name
        assert all(preprocess_mode(m) == mode for m in e.modules)
        assert e.layer_count > 0 and e.layer_count_keras2 > 0
        assert 0 <= e.bn_layers < e.layer_count
        assert e.keras2  # every application exists in tf_keras
        assert e.min_size <= e.default_size
        assert e.weight_sizes is None or e.default_size in e.weight_sizes or e.family == "ResNetRS"


def test_table_is_complete():
    names = {e.name for e in APPLICATIONS}
    expected = {
        "VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2",
        "InceptionV3", "InceptionResNetV2", "Xception", "MobileNet", "MobileNetV2", "MobileNetV3Small",
        "MobileNetV3Large", "DenseNet121", "DenseNet169", "DenseNet201", "NASNetMobile", "NASNetLarge",
        *(f"EfficientNetB{i}" for i in range(8)),
        *(f"EfficientNetV2{v}" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")),
        *(f"ConvNeXt{v}" for v in ("Tiny", "Small", "Base", "Large", "XLarge")),
        *(f"ResNetRS{d}" for d in (50, 101, 152, 200, 270, 350, 420)),
        *(f"RegNet{xy}{c}" for xy in "XY" for c in REGNET_CONFIGS),
    }
    assert names == expected
    assert len(APPLICATIONS) == len(expected)  # no duplicates
    # e8.out: 40 constructors in Keras 3, 71 in tf_keras.
    assert sum(e.keras3 for e in APPLICATIONS) == 40
    assert sum(e.keras2 for e in APPLICATIONS) == 71


# -- lookups (keras-facts §0.6, §1.2, e8.out) -----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "MobileNetV2",
        "mobilenet_v2.MobileNetV2",
        "keras.applications.mobilenet_v2.MobileNetV2",
        "keras.applications.MobileNetV2",
        "tf.keras.applications.MobileNetV2",
    ],
)
def test_lookup_spellings(path):
    assert entry(path).name == "MobileNetV2"


@pytest.mark.parametrize(
    "path",
    [
        "mobilenet_v3.MobileNetV3Small",
        "keras.applications.mobilenet_v3.MobileNetV3Large",
        "keras.applications.resnet50.ResNet101",
        "resnet50.ResNet152",
        "keras.applications.mobilenet_v2.MobileNetV3Small",
    ],
)
def test_lookup_rejects_paths_that_do_not_exist(path):
    assert lookup(path) is None
    assert lookup_loose(path) is not None


def test_lookup_loose_knows_what_was_meant():
    assert lookup_loose("mobilenet_v3.MobileNetV3Small").name == "MobileNetV3Small"
    assert lookup_loose("keras.applications.resnet50.ResNet101").name == "ResNet101"
    assert lookup_loose("nomodule.MobileNetV2") is None
    assert lookup("NotAModel") is None and lookup_loose("NotAModel") is None
    assert lookup("keras.applications.mobilenet_v2.preprocess_input") is None


def test_resnet50_exported_by_both_modules():
    e = entry("ResNet50")
    assert lookup("resnet.ResNet50") is e and lookup("resnet50.ResNet50") is e
    assert lookup("keras.applications.resnet.ResNet101").name == "ResNet101"
    assert e.module_exports_constructor
    assert not entry("MobileNetV3Small").module_exports_constructor
    assert entry("MobileNetV3Small").modules == ()


def test_flavours():
    rs = entry("ResNetRS50")
    assert rs.keras3 is False and rs.keras2 is True
    assert not exists_in(rs, "keras3") and exists_in(rs, "keras2")
    assert not exists_in("keras.applications.RegNetX002", "keras3")
    assert exists_in("keras.applications.regnet.RegNetY320", "keras2")
    assert exists_in("keras.applications.ConvNeXtTiny", "keras3")
    assert not exists_in("mobilenet_v3.MobileNetV3Small", "keras3")
    assert not exists_in("mobilenet_v3.MobileNetV3Small", "keras2")
    assert apps.module_exists_in("resnet_rs", "keras2") and not apps.module_exists_in("resnet_rs", "keras3")
    assert apps.module_exists_in("mobilenet_v3", "keras3")


def test_preprocess_modes():
    assert preprocess_mode("imagenet_utils") == "caffe"
    for m in ("resnet", "resnet50", "vgg16", "vgg19"):
        assert preprocess_mode(m) == "caffe"
    for m in ("resnet_v2", "inception_v3", "inception_resnet_v2", "mobilenet", "mobilenet_v2", "nasnet", "xception"):
        assert preprocess_mode(m) == "tf"
    assert preprocess_mode("densenet") == "torch"
    for m in ("efficientnet", "efficientnet_v2", "mobilenet_v3", "convnext", "regnet", "resnet_rs"):
        assert preprocess_mode(m) == "passthrough"
    assert preprocess_mode("keras.applications.mobilenet_v2.preprocess_input") == "tf"
    assert preprocess_mode("keras.applications.densenet") == "torch"
    assert preprocess_mode("not_a_module") is None


# -- sizes (keras-facts §1.2, e7.out) -------------------------------------------------------------


def test_min_sizes():
    assert entry("InceptionV3").min_size == 75
    assert entry("InceptionResNetV2").min_size == 75
    assert entry("Xception").min_size == 71
    others = [e for e in APPLICATIONS if e.name not in ("InceptionV3", "InceptionResNetV2", "Xception")]
    assert {e.min_size for e in others} == {32}


def test_weight_sizes():
    assert entry("MobileNetV2").weight_sizes == (96, 128, 160, 192, 224)
    assert entry("MobileNet").weight_sizes == (128, 160, 192, 224)
    assert entry("MobileNetV3Small").weight_sizes == (224,)
    assert entry("ResNetRS152").weight_sizes == (192, 224, 256)
    assert entry("ResNet50").weight_sizes is None


def test_weights_size_ok():
    mnv2 = entry("MobileNetV2")
    assert weights_size_ok(mnv2, 160)
    assert weights_size_ok(mnv2, (96, 96))
    assert not weights_size_ok(mnv2, 100)  # warning, 224 weights loaded (e7.out)
    assert not weights_size_ok(mnv2, None)  # input_shape=None also warns (e7.out)
    assert not weights_size_ok(mnv2, (160, 128))
    assert not weights_size_ok(entry("MobileNetV3Small"), 160)
    assert weights_size_ok(entry("ResNet50"), 100)
    assert weights_size_ok(entry("ResNet50"), None)
    assert not weights_size_ok(entry("ResNet50"), 100, include_top=True)
    assert weights_size_ok(entry("ResNet50"), 224, include_top=True)
    assert not weights_size_ok(entry("ResNet50"), 31)
    assert not weights_size_ok(entry("InceptionV3"), 74)
    assert not weights_size_ok(entry("NASNetMobile"), None)  # static shape required
    assert weights_size_ok(entry("NASNetMobile"), 160)
    assert weights_size_ok(entry("EfficientNetB0"), 100)  # e7.out: no warning
    assert weights_size_ok(entry("ResNetRS50"), 224)


def test_layer_counts_match_measurements():
    """The table's counts are the output of tools/compute_layer_counts.py (tools/layer_counts.json)."""
    measured = json.loads((ROOT / "tools" / "layer_counts.json").read_text())
    assert set(measured) == {e.name for e in APPLICATIONS}
    for e in APPLICATIONS:
        m = measured[e.name]
        assert e.layer_count_keras2 == m["keras2"]["layers"], e.name
        assert e.bn_layers_keras2 == m["keras2"]["bn_layers"], e.name
        primary = m["keras3"] if e.keras3 else m["keras2"]
        assert ("keras3" in m) == e.keras3, e.name
        assert e.layer_count == primary["layers"], e.name
        assert e.bn_layers == primary["bn_layers"], e.name


def test_layers_in_variants():
    # tools/layer_count_variants.out
    assert entry("EfficientNetV2B0").layers_in("keras3", include_preprocessing=False) == 268
    assert entry("EfficientNetV2S").layers_in("keras2", include_preprocessing=False) == 512
    assert entry("ConvNeXtTiny").layers_in("keras3", include_preprocessing=False) == 132
    assert entry("ConvNeXtTiny").layers_in("keras2", include_preprocessing=False) == 150
    assert entry("MobileNetV3Small").layers_in("keras2", include_preprocessing=False) == 228
    assert entry("ResNetRS50").layers_in("keras2", include_preprocessing=False) == 269
    assert entry("RegNetX002").layers_in("keras2", include_preprocessing=False) == 142
    assert entry("EfficientNetB0").layers_in("keras3", include_preprocessing=False) == 237  # no such switch
    for e in APPLICATIONS:
        assert (e.builtin_layer_count > 0) == (e.builtin_flag is not None), e.name


def test_mobilenetv2_layer_count_is_small():
    # The example: base.layers[:-300] on MobileNetV2 slices everything away.
    assert 150 <= entry("MobileNetV2").layer_count < 300
    assert entry("MobileNetV2").layers_in("keras3") == entry("MobileNetV2").layer_count
    eb0 = entry("EfficientNetB0")
    assert eb0.layers_in("keras3", weights_imagenet=True) == eb0.layer_count + 1


# -- contracts as intervals -------------------------------------------------------------------------


def test_contract_intervals():
    assert classify_interval(-1, 1) == "tf"
    assert classify_interval(0, 1) == "unit"
    assert classify_interval(0, 255) == "raw"
    assert classify_interval(-123.68, 151.061) == "caffe"
    assert classify_interval(-2.118, 2.640) == "torch"
    assert classify_interval(0, 0.0039) is None  # double scaling (keras-facts §5, e9.out)
    assert CONTRACTS["tf"].fix_layer == "keras.layers.Rescaling(1/127.5, offset=-1)"
    assert "mobilenet_v2.preprocess_input" in CONTRACTS["tf"].fix_text("mobilenet_v2")
    assert CONTRACTS["preset"].lo is None and not CONTRACTS["preset"].matches(0, 1)


# -- hub (keras-facts §4) ---------------------------------------------------------------------------


def test_hub_entries():
    tfhub = hub_lookup("tensorflow_hub.KerasLayer")
    assert tfhub is hub_lookup("hub.KerasLayer")
    assert tfhub.contract == "unit" and tfhub.trainable_default is False and not tfhub.keras3_layer
    clf = hub_lookup("keras_hub.models.ImageClassifier.from_preset")
    assert clf.contract == "raw"
    assert hub_lookup("keras_hub.models.ResNetImageClassifier.from_preset") is clf
    bb = hub_lookup("keras_hub.models.Backbone.from_preset")
    assert bb.contract == "preset"
    assert hub_lookup("keras_hub.models.ResNetBackbone.from_preset") is bb
    assert hub_lookup("keras.applications.MobileNetV2") is None


# -- docs and import cost ---------------------------------------------------------------------------


def test_docs_table_matches_data():
    doc = (ROOT / "docs" / "applications.md").read_text(encoding="utf-8")
    assert render_markdown_table() in doc, "docs/applications.md is stale: run python tools/render_applications_doc.py"


def test_import_is_pure_data():
    code = (
        "import sys; import tllint.knowledge.applications; "
        "bad = [m for m in ('tensorflow', 'keras', 'tf_keras', 'numpy') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.strip() == "[]"
