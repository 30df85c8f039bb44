"""TL402, TL403, TL405: the engine marks they read, a notebook, and confirm mode's verdict."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from tllint.analysis import analyze_source
from tllint.confirm.verdicts import judge
from tllint.engine.script import ScriptModel
from tllint.finding import Finding
from tllint.notebook import lint_notebook
from tllint.settings import Settings

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
CODES = {"TL402", "TL403", "TL405"}


def model_of(src: str) -> ScriptModel:
    return ScriptModel(cst.parse_module(src), src, "x.py", Settings())


def codes(src: str) -> list[tuple[str, int]]:
    return sorted((f.code, f.line) for f in analyze_source(src, "x.py", Settings()) if f.code in CODES)


def test_shuffle_take_skip_marks():
    script = model_of(
        "import tensorflow as tf\n"
        "ds = tf.data.Dataset.from_tensor_slices(([1.0], [0]))\n"
        "a = ds.shuffle(10)\n"
        "b = ds.shuffle(10, reshuffle_each_iteration=False)\n"
        "c = a.cache()\n"
        "v, t = a.take(2), a.skip(2)\n")
    env = script.interp.env
    assert env["a"].__dict__["shuffled"][1] is True and env["b"].__dict__["shuffled"][1] is False
    assert "shuffled" not in env["ds"].__dict__  # the dataset shuffled is not the one it came from
    assert "cached" in env["c"].__dict__ and "cached" not in env["a"].__dict__
    assert env["v"].__dict__["cut"][0] == "take" and env["t"].__dict__["cut"][2] is env["a"]


def test_generator_records_augmentation_and_split():
    script = model_of(
        "from tensorflow.keras.preprocessing.image import ImageDataGenerator\n"
        "g = ImageDataGenerator(rescale=1/255, rotation_range=0, zoom_range=0.2, horizontal_flip=False, validation_split=0.25)\n"
        "v = g.flow_from_directory('d/', subset='validation', seed=3)\n")
    env = script.interp.env
    assert env["g"].__dict__["augment"] == ["zoom_range"]
    split = env["v"].__dict__["split"]
    assert (split["directory"], split["subset"], split["split"].value) == ("d", "validation", 0.25)


def test_random_map_only_when_unconditional():
    fires = (
        "import tensorflow as tf\n"
        "tr = tf.keras.utils.image_dataset_from_directory('a')\n"
        "va = tf.keras.utils.image_dataset_from_directory('b')\n"
        "def aug(x, y):\n"
        "    if tf.random.uniform(()) > 0.5:\n"
        "        x = tf.image.random_flip_left_right(x)\n"
        "    return x, y\n"
        "va = va.map(aug)\n"
        "m = tf.keras.Sequential([tf.keras.layers.Dense(2)])\n"
        "m.compile(loss='mse')\n"
        "m.fit(tr, validation_data=va)\n")
    # The flip sits in an `if` the program leaves open: not known to run, not reported.
    assert codes(fires) == []
    unconditional = fires.replace("    if tf.random.uniform(()) > 0.5:\n        x =", "    x =")
    assert codes(unconditional) == [("TL402", 7)]


def test_notebook_findings_at_cell_and_line():
    text = (NOTEBOOKS / "data_split.ipynb").read_text()
    found = lint_notebook("data_split.ipynb", text, Settings(), CODES)
    assert [(f.code, f.cell, f.line) for f in found] == [("TL402", 3, 5), ("TL405", 8, 1)]


def test_confirm_mode_says_not_checked_at_run_time():
    for code in sorted(CODES):
        finding = Finding(code, "x", "warning", "m", "x.py", 3, 1, 3, 2)
        assert judge(None, finding) == {"status": "inconclusive", "evidence": f"{code} is not checked at run time"}
