"""Fine-tuning lifecycle (TL201 to TL207): seed article, version table, learning rates, layer sets."""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest

from fixture_support import FIXTURES, actual, codes_under_test, expected
from tllint.analysis import analyze_source
from tllint.engine.layersets import bn_trainable, layer_count
from tllint.engine.learning_rates import rate_at
from tllint.engine.script import ScriptModel
from tllint.engine.timeline import TrainState
from tllint.rules import registry, rule_classes
from tllint.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
LIFECYCLE = [f"TL20{i}" for i in range(1, 8)]


def run(src: str, target: str = "auto"):
    return analyze_source(src, "t.py", Settings(target_keras=target), enabled=set(registry()))


def codes(src: str, target: str = "auto") -> list[tuple[str, int]]:
    return sorted((f.code, f.line) for f in run(src, target) if f.code in LIFECYCLE)


def script_of(src: str, target: str = "auto") -> ScriptModel:
    return ScriptModel(cst.parse_module(src), src, "t.py", Settings(target_keras=target))


# ---------------------------------------------------------------------- seed article
SEEDS = sorted((FIXTURES / "seeds").glob("*_lifecycle.py"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_fixture(path):
    text = path.read_text()
    wanted = codes_under_test(path, text)
    assert set(LIFECYCLE) <= wanted
    assert actual(path, text, wanted) == expected(text, wanted)


def _seed(name: str) -> str:
    return (FIXTURES / "seeds" / name).read_text()


def test_seed_scenario3_broken_gets_tl201_and_the_fine_tuning_rules_of_its_first_step():
    # The backbone trains end to end from the first step: TL201, and that step still runs at
    # Adam's default 1e-3 (TL204) with BatchNormalization trainable (TL205, Keras 3.0-3.15 here).
    assert [c for c, _ in codes(_seed("seed_s3_broken_lifecycle.py"))] == ["TL201", "TL204", "TL205"]


def test_seed_scenario3_solution_gets_tl205_and_none_of_tl201_to_tl204():
    found = [c for c, _ in codes(_seed("seed_s3_solution_lifecycle.py"))]
    assert "TL205" in found
    assert not {"TL201", "TL202", "TL203", "TL204"} & set(found)


def test_seed_scenario2_solution_tl206_explains_both_versions():
    findings = [f for f in run(_seed("seed_s2_solution_lifecycle.py")) if f.code == "TL206"]
    assert len(findings) == 1
    msg = findings[0].message
    assert "Keras 2" in msg and "Keras 3" in msg
    assert "trainable_weights" in msg and "BatchNormalization" in msg


def test_every_seed_fixture_folder_file_lists_lifecycle_codes():
    assert len(SEEDS) >= 3


# ---------------------------------------------------------------------- version table
def _table_rows() -> dict[str, list[str]]:
    text = (ROOT / "docs" / "keras-versions.md").read_text()
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = re.match(r"\|\s*(TL\d{3})\b[^|]*\|(.*)\|\s*$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def test_version_table_has_every_lifecycle_rule():
    rows = _table_rows()
    lifecycle = [cls.code for cls in rule_classes() if cls.code.startswith("TL2")]
    assert set(lifecycle) >= set(LIFECYCLE)
    for code in lifecycle:
        assert code in rows, f"docs/keras-versions.md has no row for {code}"
        assert len(rows[code]) == 3 and all(rows[code]), f"{code}: one cell per version (Keras 2, 3.0-3.15, 3.16+)"


GUIDE = """
import keras

base_model = keras.applications.Xception(weights="imagenet", input_shape=(150, 150, 3), include_top=False)
base_model.trainable = False
inputs = keras.Input(shape=(150, 150, 3))
x = keras.layers.Rescaling(scale=1 / 127.5, offset=-1)(inputs)
x = base_model(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
x = keras.layers.Dropout(0.2)(x)
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True))
model.fit(train_ds, epochs=2)
base_model.trainable = True
model.compile(optimizer=keras.optimizers.Adam(1e-5), loss=keras.losses.BinaryCrossentropy(from_logits=True))
model.fit(train_ds, epochs=1)
"""


@pytest.mark.parametrize(
    "target, wanted",
    [("2", []), ("3.15", [("TL205", 15)]), ("3.0", [("TL205", 15)]), ("3.16", [("TL207", 10)])],
)
def test_keras_guide_flow_per_version(target, wanted):
    # The table's TL205 / TL207 columns: training=False honoured (2), overridden (3.0-3.15), leaking (3.16+).
    assert codes(GUIDE, target) == wanted


GUIDE_NO_TRAINING_ARG = GUIDE.replace("base_model(x, training=False)", "base_model(x)")


@pytest.mark.parametrize("target", ["2", "3.15", "3.16"])
def test_bn_updates_without_training_false_on_every_version(target):
    assert codes(GUIDE_NO_TRAINING_ARG, target) == [("TL205", 15)]


CHANGE_BEFORE_FIRST_FIT = """
import keras

base = keras.applications.ResNet50(include_top=False, pooling="avg", input_shape=(224, 224, 3))
model = keras.Sequential([base, keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
base.trainable = False
model.fit(train_ds, epochs=5)
"""


def test_tl201_tl202_capture_point_per_version():
    # Keras 2 trains with the compile-time state (trainable): TL201 + TL202, and that first step
    # fine-tunes the whole ResNet50 at 1e-3 with BatchNormalization trainable (TL204, TL205);
    # Keras 3 honours the freeze.
    assert codes(CHANGE_BEFORE_FIRST_FIT, "2") == [("TL201", 4), ("TL202", 7), ("TL204", 6), ("TL205", 8)]
    assert codes(CHANGE_BEFORE_FIRST_FIT, "3.15") == []


SUBCLASS = """
import keras


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.base = keras.applications.MobileNetV2(include_top=False, pooling="avg")
        self.base.trainable = False
        self.drop = keras.layers.Dropout(0.5)
        self.out = keras.layers.Dense(3)

    def call(self, x):
        return self.out(self.drop(self.base(x, training=False)))


model = Net()
model.compile(optimizer="adam", loss="mse")
model.fit(ds, epochs=1)
"""


@pytest.mark.parametrize("target, wanted", [("2", []), ("3.15", [("TL207", 14)]), ("3.16", [("TL207", 14)])])
def test_tl207_subclass_per_version(target, wanted):
    assert codes(SUBCLASS, target) == wanted


def test_messages_name_versions_and_fixes():
    tl205 = [f for f in run(GUIDE, "3.15") if f.code == "TL205"][0]
    assert "3.0 to 3.15" in tl205.message and "Keras 2" in tl205.message and "3.16" in tl205.message
    assert "isinstance(layer, keras.layers.BatchNormalization)" in tl205.message and "layer.trainable = False" in tl205.message
    assert "recompile with a new optimizer" in tl205.message
    assert tl205.keras == "3"
    tl207 = [f for f in run(GUIDE, "3.16") if f.code == "TL207"][0]
    assert "3.16" in tl207.message and "3.0 to 3.15" in tl207.message and "Keras 2" in tl207.message


# ---------------------------------------------------------------------- learning rates
HEAD = """
import keras
from keras import backend as K

LR = 3e-4
base = keras.applications.MobileNetV2(include_top=False, pooling="avg", input_shape=(224, 224, 3))
base.trainable = False
model = keras.Sequential([base, keras.layers.Dense(2)])
{compile}
{between}
model.fit(ds)
"""


@pytest.mark.parametrize(
    "compile_line, between, rate",
    [
        ("model.compile(optimizer='adam', loss='mse')", "", 1e-3),
        ("model.compile(optimizer='rmsprop', loss='mse')", "", 1e-3),
        ("model.compile(loss='mse')", "", 1e-3),
        ("model.compile(optimizer='sgd', loss='mse')", "", 1e-2),
        ("model.compile(optimizer=keras.optimizers.Adam(), loss='mse')", "", 1e-3),
        ("model.compile(optimizer=keras.optimizers.RMSprop(), loss='mse')", "", 1e-3),
        ("model.compile(optimizer=keras.optimizers.SGD(momentum=0.9), loss='mse')", "", 1e-2),
        ("model.compile(optimizer=keras.optimizers.Adam(1e-5), loss='mse')", "", 1e-5),
        ("model.compile(optimizer=keras.optimizers.Adam(learning_rate=LR / 10), loss='mse')", "", 3e-5),
        ("model.compile(optimizer=keras.optimizers.Adam(lr=2e-4), loss='mse')", "", 2e-4),
        (
            "model.compile(optimizer=keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(1e-2, 100, 0.9)), loss='mse')",
            "",
            1e-2,
        ),
        ("model.compile(optimizer='adam', loss='mse')", "K.set_value(model.optimizer.learning_rate, 1e-5)", 1e-5),
        ("model.compile(optimizer='adam', loss='mse')", "model.optimizer.learning_rate.assign(2e-5)", 2e-5),
        ("model.compile(optimizer='adam', loss='mse')", "model.optimizer.lr = 4e-5", 4e-5),
        ("model.compile(optimizer=keras.optimizers.Adam(args.lr), loss='mse')", "", None),
    ],
)
def test_learning_rate_at_step(compile_line, between, rate):
    src = HEAD.format(compile=compile_line, between=between)
    script = script_of(src)
    model = script.models[0]
    step = [s for s in script.steps(model) if not s.implicit][0]
    found = rate_at(script, model, step)
    if rate is None:
        assert found is None
    else:
        assert found is not None and found.value == pytest.approx(rate)


def test_learning_rate_from_parameter_default():
    src = """
import keras


def fine_tune(model, lr=1e-3):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    model.fit(ds)


base = keras.applications.ResNet50(include_top=False, pooling="avg")
fine_tune(keras.Sequential([base, keras.layers.Dense(1)]))
"""
    script = script_of(src)
    model = script.models[0]
    assert rate_at(script, model, script.steps(model)[0]).value == pytest.approx(1e-3)


# ---------------------------------------------------------------------- layer sets
def test_len_of_backbone_layers_is_the_knowledge_base_count():
    src = """
import keras

base = keras.applications.MobileNetV2(include_top=False, input_shape=(224, 224, 3))
n = len(base.layers)
half = len(base.layers) // 2
"""
    script = script_of(src)
    assert script.interp.globals["n"].value == layer_count(script.backbones[0]) == 154
    assert script.interp.globals["half"].value == 77


def test_enumerate_index_test_narrows_to_a_slice():
    src = """
import keras

base = keras.applications.ResNet50(include_top=False)
base.trainable = True
for i, layer in enumerate(base.layers):
    if i < 100:
        layer.trainable = False
    else:
        layer.trainable = True
"""
    script = script_of(src)
    sets = [e.target.selector for e in script.trainable_events()[1:]]
    assert sets == [("slice", None, 100), ("slice", 100, None)]


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ((), True),
        (((("slice", None, 100), (), False),), True),  # 54 trainable layers left
        (((("slice", None, -3), (), False),), True),  # measured: Conv_1, Conv_1_bn, out_relu
        (((("slice", None, -1), (), False),), False),  # out_relu alone: no BatchNormalization
        (((("all",), (("isinstance", "BatchNormalization", False),), False),), False),
        (((("slice", None, 100), (), False), (("all",), (("isinstance", "BatchNormalization", False),), False)), False),
        (((("slice", None, "?"), (), False),), None),
    ],
)
def test_bn_trainable_on_mobilenet_v2(overrides, expected):
    script = script_of("import keras\nbase = keras.applications.MobileNetV2(include_top=False)\n")
    backbone = script.backbones[0]
    assert bn_trainable(TrainState(True, overrides), backbone, 3).trainable is expected


def test_bn_trainable_unknown_count_uses_tail_length():
    # include_top=True with another classifier size: count and layout unknown
    script = script_of("import keras\nbase = keras.applications.ResNet50(weights=None, classes=10)\n")
    backbone = script.backbones[0]
    assert layer_count(backbone) is None
    assert bn_trainable(TrainState(True, ((("slice", None, -30), (), False),)), backbone, 3).trainable is True
    assert bn_trainable(TrainState(True, ((("slice", None, 100), (), False),)), backbone, 3).trainable is None


# ---------------------------------------------------------------------- interpreter
def test_return_in_one_arm_keeps_the_other_arm_and_the_branch_path():
    src = """
import keras


def pick(stage):
    if stage == "head":
        return keras.optimizers.Adam(1e-3)
    return keras.optimizers.Adam(1e-5)


base = keras.applications.ResNet50(include_top=False, pooling="avg")
base.trainable = False
model = keras.Sequential([base, keras.layers.Dense(3)])
model.compile(optimizer=pick("head"), loss="mse")
model.fit(ds)
base.trainable = True
model.compile(optimizer=pick("fine"), loss="mse")
model.fit(ds)
"""
    script = script_of(src)
    # Events after the calls are unconditional (the `if` arm's path does not leak out of `pick`).
    assert all(e.cond == () for e in script.events)
    # Both arms returned: the optimizer is unknown, so TL204 stays silent.
    assert codes(src, "3.15") == [("TL205", 16)]


PARTLY_FROZEN_FIRST_STEP = """
import tensorflow as tf
from tensorflow.keras.applications import MobileNet
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.models import Model

base = MobileNet(weights="imagenet")
x = Dropout(0.25)(base.layers[-6].output)
model = Model(inputs=base.input, outputs=Dense(7, activation="softmax")(x))
for layer in model.layers[:-25]:
    layer.trainable = False
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train_ds, epochs=30)
"""


def test_titles_say_part_of_the_backbone_when_only_some_layers_train_with_the_new_head():
    findings = analyze_source(PARTLY_FROZEN_FIRST_STEP, "t.py", Settings(target_keras="2"))
    titles = {f.code: f.title for f in findings if f.code in ("TL204", "TL205")}
    assert titles == {
        "TL204": "Training part of MobileNet with its new head at a high learning rate (1e-3)",
        "TL205": "MobileNet's BatchNorm layers update while part of it trains with the new head",
    }


def test_a_helper_called_for_each_phase_gives_two_steps():
    # The same `fit` statement run by two calls of one helper is two steps: the second fine-tunes.
    source = (FIXTURES / "TL204" / "fire_helper_called_for_both_phases.py").read_text()
    found = {(f.code, f.line) for f in analyze_source(source, "t.py", Settings(target_keras="3.15"))}
    assert {("TL204", 14), ("TL205", 20)} <= found  # (TL205 at the unfreeze)
