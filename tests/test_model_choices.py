"""Models and backbones chosen at run time (issue 18): a model resumed from a file or built, a
backbone picked by version in a branch, weights from an f-string path, a subclass's call() traced.
The rule outcomes are fixtures (TL102/resume_or_build_*, TL103/*efficientnet_version_branch*,
TL102/*subclass_call*); these tests pin the values the engine binds."""

from __future__ import annotations

import libcst as cst

from tllint.engine.api.applications import weights_kind
from tllint.engine.script import ScriptModel
from tllint.engine.values import UNKNOWN, Backbone, Const, Model, TextPattern
from tllint.settings import Settings


def _script(source: str) -> ScriptModel:
    return ScriptModel(cst.parse_module(source), source, "t.py", Settings())


def _globals(source: str) -> dict:
    return _script(source).interp.globals


def test_an_fstring_is_its_text_when_every_field_is_known_else_a_pattern():
    env = _globals("v = 3\nknown = f'model_{v}.h5'\nimport sys\npartial = f'effnet_b{sys.argv[1]}_notop.h5'\nspec = f'{v:03d}'\n")
    assert isinstance(env["known"], Const) and env["known"].value == "model_3.h5"
    assert isinstance(env["partial"], TextPattern) and env["partial"].pattern == "effnet_b*_notop.h5"
    assert not isinstance(env["spec"], Const)  # a format spec is not applied: unknown text


def test_weights_from_a_patterned_file_path_are_pretrained_weights():
    assert weights_kind(TextPattern("efficientnetb*_notop.h5")) == "file"
    assert weights_kind(TextPattern("checkpoints/*/model")) == "unknown"
    assert weights_kind(Const("imagenet")) == "imagenet"


BRANCH = """
import sys
import tensorflow as tf
v = int(sys.argv[1])
if v == 3:
    base = tf.keras.applications.{a}(include_top=False, pooling="avg")
else:
    base = tf.keras.applications.{b}(include_top=False, pooling="avg")
"""


def test_backbones_of_one_family_and_contract_picked_in_a_branch_stay_known():
    base = _globals(BRANCH.format(a="EfficientNetB3", b="EfficientNetB4"))["base"]
    assert isinstance(base, Backbone) and base.name in ("EfficientNetB3", "EfficientNetB4")


def test_backbones_of_different_families_or_options_picked_in_a_branch_are_unknown():
    assert _globals(BRANCH.format(a="EfficientNetB3", b="ResNet50"))["base"] is UNKNOWN
    # The same family with another input contract: include_preprocessing differs.
    src = BRANCH.format(a="EfficientNetV2B0", b="EfficientNetV2B1").replace('pooling="avg")\nelse', 'pooling="avg", include_preprocessing=False)\nelse')
    assert _globals(src)["base"] is UNKNOWN


RESUME = """
import os
import tensorflow as tf
def build():
    base = tf.keras.applications.MobileNetV2(include_top=False, pooling="avg")
    return tf.keras.Sequential([base, tf.keras.layers.Dense(2)])
if os.path.exists("ckpt.keras"):
    model = tf.keras.models.load_model("ckpt.keras")
else:
    model = build()
"""


def test_a_model_resumed_from_a_file_or_built_is_the_built_model_with_a_maybe_trained_head():
    model = _globals(RESUME)["model"]
    assert isinstance(model, Model) and model.__dict__.get("maybe_loaded") is not None
    # The other order of the arms gives the same value.
    swapped = RESUME.replace('if os.path.exists("ckpt.keras"):\n    model = tf.keras.models.load_model("ckpt.keras")\nelse:\n    model = build()',
                             'if not os.path.exists("ckpt.keras"):\n    model = build()\nelse:\n    model = tf.keras.models.load_model("ckpt.keras")')
    assert isinstance(_globals(swapped)["model"], Model)


SUBCLASS = """
import tensorflow as tf
class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.base = tf.keras.applications.ResNet50(include_top=False, pooling="avg")
        self.head = tf.keras.layers.Dense(3)
    def call(self, x):
        {body}
        return self.head(x)
net = Net()
"""


def test_a_subclass_call_is_traced_once_for_the_backbones_it_feeds():
    net = _globals(SUBCLASS.format(body="x = self.base(x)"))["net"].attrs["__model__"]
    assert [f.backbone.name for f in net.feeds] == ["ResNet50"] and net.input_ids
    # A call() that never applies the backbone to its input gives the model no feed.
    net = _globals(SUBCLASS.format(body="x = tf.reduce_mean(x, axis=[1, 2])"))["net"].attrs["__model__"]
    assert net.feeds == [] and net.input_ids == ()


MAP = """
import sys
import tensorflow as tf
from tensorflow.keras.applications import {names}
MODEL_MAP = {{{items}}}
network = MODEL_MAP[sys.argv[1]](include_top=False, weights="imagenet")
"""


def _map_backbone(*names):
    src = MAP.format(names=", ".join(names), items=", ".join(f"'{n.lower()}': {n}" for n in names))
    return _globals(src)["network"]


def test_a_table_of_constructors_indexed_at_run_time_gives_one_backbone_for_the_choice():
    from tllint.engine import kb
    from tllint.engine.layersets import bn_count

    mixed = _map_backbone("ResNet50", "DenseNet121", "InceptionV3")
    assert isinstance(mixed, Backbone) and mixed.pretrained
    assert mixed.name == "ResNet50, DenseNet121 or InceptionV3"
    assert kb.contract_of(mixed) is None  # the choices expect different pixels
    assert bn_count(mixed) == min(kb.lookup_loose(n).bn_layers for n in ("ResNet50", "DenseNet121", "InceptionV3")) > 0
    assert bn_count(_map_backbone("ResNet50", "VGG16")) == 0  # one choice has no BatchNormalization
    same = _map_backbone("ResNet50", "ResNet101")
    assert same.name in ("ResNet50", "ResNet101") and kb.contract_of(same) == "caffe"


def test_a_table_of_anything_else_stays_unknown():
    src = "import sys\nfrom mylib import build_a, build_b\nMODELS = {'a': build_a, 'b': build_b}\nm = MODELS[sys.argv[1]]()\n"
    assert _globals(src)["m"] is UNKNOWN


TRAINER = """
import tensorflow as tf
class Trainer:
    def __init__(self, lr):
        self.base = tf.keras.applications.MobileNetV2(include_top=False, pooling="avg")
        self.lr = lr
    def freeze(self):
        self.base.trainable = False
    def train(self, ds):
        model = tf.keras.Sequential([self.base, tf.keras.layers.Dense(2)])
        model.compile(tf.keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
        model.fit(ds, epochs=1)
"""


def test_methods_of_a_class_never_used_here_run_each_on_a_fresh_instance():
    script = _script(TRAINER)
    fits = [ev for ev in script.events if type(ev).__name__ == "TrainEvent"]
    assert len(fits) == 1  # train() ran; freeze() ran on another instance, so it cannot hide the fit's state
    assert fits[0].model.backbones[0].name == "MobileNetV2"
    # A class the file uses itself is left to that use.
    used = _script(TRAINER + "t = Trainer(1e-3)\n")
    assert not [ev for ev in used.events if type(ev).__name__ == "TrainEvent"]


HYPERMODEL = """
import keras_tuner as kt
import tensorflow as tf

train_ds = tf.keras.utils.image_dataset_from_directory("photos", image_size=(224, 224))
train_ds = train_ds.map(lambda x, y: (x / 255.0, y))


class Tunable(kt.HyperModel):
    def build(self, hp):
        base = tf.keras.applications.ResNet50(include_top=False, weights="imagenet", pooling="avg")
        base.trainable = False
        model = tf.keras.Sequential([base, tf.keras.layers.Dense(hp.Int("units", 2, 8), activation="softmax")])
        model.compile(optimizer=tf.keras.optimizers.Adam(hp.Float("lr", 1e-5, 1e-2)), loss="sparse_categorical_crossentropy")
        return model


tuner = kt.RandomSearch(Tunable(), objective="val_loss", max_trials=5)
tuner.search(train_ds, epochs=3)
best = tuner.get_best_models(1)[0]
again = tuner.hypermodel.build(None)
"""


def test_a_tuner_search_builds_the_hypermodel_once_and_fits_it_on_the_search_data():
    script = _script(HYPERMODEL)
    env = script.interp.globals
    assert isinstance(env["best"], Model) and [b.name for b in env["best"].backbones] == ["ResNet50"]
    assert isinstance(env["again"], Model) and env["again"] is not env["best"]  # a fresh build
    steps = script.steps(env["best"])
    assert len(steps) == 1 and not steps[0].implicit  # the search's fit; its rate stays unknown (hp.Float)
