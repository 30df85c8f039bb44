"""knowledge/layer_table.py: the measured layer names agree with the applications table's counts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tllint.knowledge import layer_table
from tllint.knowledge.applications import APPLICATIONS, lookup

FLAVOURS = ("keras3", "keras2")


@pytest.mark.parametrize("entry", APPLICATIONS, ids=lambda e: e.name)
def test_counts_agree_with_the_applications_table(entry):
    for flavour in FLAVOURS:
        if not entry.exists_in(flavour):
            assert layer_table.layout_of(entry, flavour) is None
            continue
        default = layer_table.layout_of(entry, flavour)
        assert default is not None, (entry.name, flavour)
        assert len(default) == entry.layers_in(flavour), (entry.name, flavour)
        bn = entry.bn_layers_keras2 if flavour == "keras2" else entry.bn_layers
        assert len(default.bn) == bn, (entry.name, flavour)
        assert all(default.classes[i] == "BatchNormalization" for i in default.bn)
        assert default.classes[0] == "InputLayer" and 0 in default.auto
        if entry.builtin_flag == "include_preprocessing":
            lay = layer_table.layout_of(entry, flavour, include_preprocessing=False)
            assert len(lay) == entry.layers_in(flavour, include_preprocessing=False), (entry.name, flavour)
        if entry.imagenet_extra_layers:
            lay = layer_table.layout_of(entry, flavour, weights_imagenet=True)
            assert len(lay) == entry.layers_in(flavour, weights_imagenet=True), (entry.name, flavour)
        top = layer_table.layout_of(entry, flavour, include_top=True)
        assert top is not None and len(top) > len(default), (entry.name, flavour)


def test_stable_names_are_unique_and_found():
    for entry in APPLICATIONS:
        for flavour in FLAVOURS:
            lay = layer_table.layout_of(entry, flavour)
            if lay is None:
                continue
            stable = [n for i, n in enumerate(lay.names) if i not in lay.auto]
            assert len(stable) == len(set(stable)), (entry.name, flavour)
            for i, name in enumerate(lay.names):
                if i not in lay.auto:
                    assert lay.index_of(name) == i


def test_known_layers():
    resnet = layer_table.layout_of(lookup("ResNet50"), "keras3")
    assert resnet.names[-4:] == ("conv5_block3_3_conv", "conv5_block3_3_bn", "conv5_block3_add", "conv5_block3_out")
    assert resnet.index_of("conv5_block3_3_bn") == len(resnet) - 3 and len(resnet) - 3 in resnet.bn
    vgg = layer_table.layout_of(lookup("VGG16"), "keras2")
    assert vgg.has_name("block5_conv1") and vgg.has_name("blocks_conv1") is False and not vgg.bn
    # Generated names (`input_1` / `input_layer`) are never certain either way.
    assert vgg.has_name("input_7") is None and vgg.index_of("input_1") is None
    assert layer_table.index_of(lookup("Xception"), "keras3", "block14_sepconv2_bn") is not None


def test_loaded_only_when_needed():
    code = (
        "from tllint.analysis import analyze_source\n"
        "from tllint.settings import Settings\n"
        "from tllint.knowledge import layer_table\n"
        "analyze_source('import keras\\nbase = keras.applications.MobileNetV2()\\n', 'x.py', Settings())\n"
        "assert layer_table._table.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
