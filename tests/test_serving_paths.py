"""Input contract beyond the training step (issue 18 items 6, 7, 8, 10): prediction and validation
data, `preprocess_input` in place, multi-input models, keras_hub backbones. Whole scripts are in
tests/fixtures/TL10x/; these pin the engine facts and the wording."""

from __future__ import annotations

import textwrap

import pytest

from tllint.analysis import analyze_source
from tllint.rules import registry
from tllint.settings import Settings

CODES = {"TL101", "TL102", "TL103"}


def findings(src: str):
    src = textwrap.dedent(src)
    out = analyze_source(src, "t.py", Settings(), enabled=set(registry()))
    assert not [f for f in out if f.code in ("TL000", "TL999")], out
    return [f for f in out if f.code in CODES]


def codes_lines(src: str) -> set[tuple[str, int]]:
    return {(f.code, f.line) for f in findings(src)}


# ---------------------------------------------------------------------- 6: inference paths
TRAINED = """\
import numpy as np
from tensorflow import keras
from tensorflow.keras.applications.mobilenet_v2 import MobileNetV2, preprocess_input
train_ds = keras.utils.image_dataset_from_directory("train", image_size=(224, 224))
test_ds = keras.utils.image_dataset_from_directory("test", image_size=(224, 224))
train_ds = train_ds.map(lambda x, y: (preprocess_input(x), y))
base = MobileNetV2(include_top=False, pooling="avg")
base.trainable = False
model = keras.Sequential([base, keras.layers.Dense(2)])
model.compile("adam", "sparse_categorical_crossentropy")
model.fit(train_ds, epochs=1)
"""


def test_prediction_on_raw_data_names_the_training_path():
    out = findings(TRAINED + "for x, y in test_ds:\n    model.predict(x)\n")
    assert [(f.code, f.line) for f in out] == [("TL101", 13)]
    msg = out[0].message
    assert msg.startswith("train and serve preprocessing differ: the training at line 11 feeds [-1, 1] via")
    assert "(line 6); this prediction feeds raw 0..255 pixels." in msg


@pytest.mark.parametrize("served, expected", [
    ("model.evaluate(test_ds.map(lambda x, y: (preprocess_input(x), y)))", set()),  # prepared like training
    ("model.evaluate(test_ds)", {("TL101", 12)}),
    ("model.fit(train_ds, validation_data=test_ds)", {("TL101", 12)}),
    ("model.evaluate(test_ds.map(lambda x, y: (x / 255.0, y)))", {("TL102", 12)}),
])
def test_served_data_are_judged_like_training_data(served, expected):
    assert codes_lines(TRAINED + served + "\n") == expected


def test_training_and_prediction_with_the_same_bug_report_once():
    src = TRAINED.replace("train_ds = train_ds.map(lambda x, y: (preprocess_input(x), y))\n", "") + "model.predict(test_ds)\n"
    assert codes_lines(src) == {("TL101", 8)}  # at the backbone's element, not again at the predict


def test_prediction_is_judged_against_the_model_contract():
    src = TRAINED.replace("keras.Sequential([base,", "keras.Sequential([keras.layers.Rescaling(1 / 127.5, offset=-1), base,")
    src = src.replace("train_ds = train_ds.map(lambda x, y: (preprocess_input(x), y))\n", "")
    assert codes_lines(src + "model.predict(test_ds)\n") == set()


# ---------------------------------------------------------------------- 7: preprocess_input in place
IN_PLACE = """\
import cv2
import numpy as np
from tensorflow import keras
from tensorflow.keras.applications.{module} import {model}, preprocess_input
X = np.array([cv2.imread(p) for p in ["a.jpg", "b.jpg"]]){cast}
preprocess_input(X)
base = {model}(include_top=False, pooling="avg")
base.trainable = False
model = keras.Sequential([base, keras.layers.Dense(2)])
model.compile("adam", "sparse_categorical_crossentropy")
model.fit(X, np.array([0, 1]))
"""


@pytest.mark.parametrize("module, model", [("mobilenet_v2", "MobileNetV2"), ("densenet", "DenseNet121"),
                                           ("resnet50", "ResNet50")])
def test_bare_call_works_in_place_on_float_arrays(module, model):
    src = IN_PLACE.format(module=module, model=model, cast='.astype("float32")')
    assert codes_lines(src) == set()
    twice = src.replace("preprocess_input(X)\n", "preprocess_input(X)\nX = preprocess_input(X)\n")
    assert codes_lines(twice) == {("TL103", 7)}


def test_bare_call_on_uint8_changes_nothing_and_says_so():
    out = findings(IN_PLACE.format(module="mobilenet_v2", model="MobileNetV2", cast=""))
    assert [(f.code, f.line) for f in out] == [("TL101", 9)]
    assert "`mobilenet_v2.preprocess_input` at line 6 returns a new array and its result is not used" in out[0].message


def test_bare_call_on_an_array_of_unknown_dtype_is_unknown():
    src = IN_PLACE.format(module="mobilenet_v2", model="MobileNetV2", cast="").replace(
        'X = np.array([cv2.imread(p) for p in ["a.jpg", "b.jpg"]])', "X = load_somehow()")
    assert codes_lines(src) == set()


def test_pass_through_preprocess_input_is_never_in_place():
    src = IN_PLACE.format(module="efficientnet", model="EfficientNetB0", cast='.astype("float32")')
    assert codes_lines(src) == set()


# ---------------------------------------------------------------------- 8: multi-input models
MULTI = """\
import cv2
import numpy as np
from tensorflow import keras
from tensorflow.keras.applications import ResNet50
images = np.array([cv2.imread(p) for p in ["a.jpg"]], dtype="float32")
meta = np.load("meta.npy")
img_in = keras.Input(shape=(224, 224, 3), name="image")
meta_in = keras.Input(shape=(3,), name="meta")
base = ResNet50(include_top=False, weights="imagenet", pooling="avg")
base.trainable = False
h = keras.layers.Concatenate()([base(img_in), meta_in])
model = keras.Model(inputs=[img_in, meta_in], outputs=keras.layers.Dense(2, activation="softmax")(h))
model.compile("adam", "sparse_categorical_crossentropy")
"""


@pytest.mark.parametrize("fit, expected", [
    ("model.fit([images, meta], y)", {("TL101", 11)}),
    ("model.fit(x={'meta': meta, 'image': images}, y=y)", {("TL101", 11)}),
    ("model.fit([meta, images], y)", set()),  # the backbone's position holds unknown data
    ("model.fit({'img': images}, y)", set()),  # no input of that name
    ("model.fit(images, y)", set()),  # one array for two inputs: structure not in sight
])
def test_only_the_backbone_component_is_judged(fit, expected):
    assert codes_lines(MULTI + "y = np.array([0])\n" + fit + "\n") == expected


# ---------------------------------------------------------------------- 10: keras_hub backbones
HUB = """\
import keras
import keras_hub
ds = keras.utils.image_dataset_from_directory("d", image_size=(224, 224))
{make}
inputs = keras.Input(shape=(224, 224, 3))
x = backbone({fed})
model = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(x)))
model.compile("adam", "sparse_categorical_crossentropy")
model.fit(ds)
"""


@pytest.mark.parametrize("make", [
    'backbone = keras_hub.models.ImageClassifier.from_preset("resnet_50_imagenet", num_classes=3).backbone',
    'backbone = keras_hub.models.Backbone.from_preset("resnet_50_imagenet")',
    'backbone = keras_hub.models.ResNetBackbone.from_preset("resnet_50_imagenet")',
])
def test_raw_pixels_into_a_keras_hub_backbone(make):
    out = findings(HUB.format(make=make, fed="inputs"))
    assert [(f.code, f.line) for f in out] == [("TL101", 6)]
    assert 'keras_hub.layers.ImageConverter.from_preset("resnet_50_imagenet")' in out[0].message


@pytest.mark.parametrize("fed", ["inputs / 255.0", "keras.layers.Rescaling(1 / 127.5, offset=-1)(inputs)"])
def test_scaled_pixels_into_a_keras_hub_backbone_are_not_judged(fed):
    make = 'backbone = keras_hub.models.Backbone.from_preset("resnet_50_imagenet")'
    assert codes_lines(HUB.format(make=make, fed=fed)) == set()


def test_keras_hub_task_backbone_is_one_value():
    src = HUB.format(make='task = keras_hub.models.ImageClassifier.from_preset("p", num_classes=3)\n'
                          'task.backbone.trainable = False\nbackbone = task.backbone', fed="inputs")
    out = analyze_source(textwrap.dedent(src), "t.py", Settings(), enabled=set(registry()))
    assert "TL201" not in {f.code for f in out}  # the freeze through `task.backbone` holds


TASK = """\
import keras
import keras_hub
train_ds = keras.utils.image_dataset_from_directory("train", image_size=(224, 224))
test_ds = keras.utils.image_dataset_from_directory("test", image_size=(224, 224))
task = keras_hub.models.ImageClassifier.from_preset("resnet_50_imagenet", num_classes=4{extra})
task.fit(train_ds)
"""


def test_keras_hub_task_without_its_preprocessor_wants_scaled_pixels():
    assert codes_lines(TASK.format(extra="")) == set()
    assert codes_lines(TASK.format(extra=", preprocessor=None")) == {("TL101", 6)}


def test_keras_hub_task_evaluated_on_scaled_pixels():
    src = TASK.format(extra="") + "task.evaluate(test_ds.map(lambda x, y: (x / 255.0, y)))\n"
    out = findings(src)
    assert [(f.code, f.line) for f in out] == [("TL103", 7)]
    assert out[0].message.startswith("train and serve preprocessing differ: the training at line 6 feeds raw 0..255")


@pytest.mark.parametrize("val, expected", [
    ("([images, meta], y)", {("TL101", 16)}),  # at the validation data (the training's data are unknown)
    ("([meta, images], y)", set()),
    ("images", set()),  # one array for two inputs
])
def test_multi_input_validation_data(val, expected):
    src = MULTI.replace('images = np.array([cv2.imread(p) for p in ["a.jpg"]], dtype="float32")',
                        'images = np.array([cv2.imread(p) for p in ["a.jpg"]], dtype="float32")\n'
                        'train = preprocess(np.array([cv2.imread(p) for p in ["b.jpg"]], dtype="float32"))')
    src += f"y = np.array([0])\nmodel.fit([train, meta], y, validation_data={val})\n"
    assert codes_lines(src) == expected
