"""Old Keras spellings (issue 18 item 3): each one alone says Keras 2, and is followed like its
Keras 3 counterpart. Keras 3.15.1 raises on every one of them: `Adam(lr=...)` ValueError
"Argument(s) not recognized", `from keras.models import Input` ImportError, `predict_generator`
/ `evaluate_generator` / `fit_generator` AttributeError."""

from __future__ import annotations

import libcst as cst
import pytest

from tllint.engine.script import build_script_model
from tllint.prefilter import might_have_findings, might_involve_keras
from tllint.settings import Settings

BASE = "import tensorflow as tf\nbase = tf.keras.applications.MobileNetV2(include_top=False)\n"


def target(text: str):
    return build_script_model(cst.parse_module(text), text, "t.py", Settings()).target


@pytest.mark.parametrize("line", [
    "opt = tf.keras.optimizers.Adam(lr=1e-4)\n",
    "from keras.models import Input\n",
    "features = base.predict_generator(gen, 10)\n",
    "model = tf.keras.Model(base.input, base.output)\nloss = model.evaluate_generator(gen)\n",
    "model = tf.keras.Model(base.input, base.output)\npreds = model.predict_generator(generator=gen)\n",
])
def test_each_old_spelling_means_keras2(line):
    assert target(BASE + line).major == 2


@pytest.mark.parametrize("line", [
    "opt = tf.keras.optimizers.Adam(learning_rate=1e-4)\n",
    "opt = tf.keras.optimizers.Adam(learning_rate=1e-4, lr=1e-4)\n",  # not the Keras 2 spelling alone
    "def train(lr=1e-3):\n    return lr\n",  # a parameter of the script's own
    "model = tf.keras.Model(base.input, base.output)\npreds = model.predict(gen)\n",
])
def test_current_spellings_say_nothing(line):
    assert target(BASE + line).major != 2 or target(BASE).major == 2


def test_models_input_builds_the_graph():
    text = (BASE.replace("include_top=False)", "include_top=False, weights='imagenet')")
            + "from keras.models import Input, Model\nimage = Input(shape=(224, 224, 3))\n"
            "model = Model(input=image, output=base(image))\n")
    script = build_script_model(cst.parse_module(text), text, "t.py", Settings())
    assert script.models and script.models[0].backbones == [script.backbones[0]]


@pytest.mark.parametrize("call", ["model.predict_generator(gen)", "model.evaluate_generator(gen)", "x.fit_generator(gen)"])
def test_prefilters_let_generator_methods_through(call):
    assert might_involve_keras(call) and might_have_findings(call)
