"""Colab and Jupyter "download as .py" exports: IPython lines are blanked, the rest analysed."""

from __future__ import annotations

from tllint.analysis import analyze_source
from tllint.rules import registry
from tllint.settings import Settings

EXPORT = """\
!pip install -q tensorflow
%cd /content
import tensorflow as tf

base = tf.keras.applications.MobileNetV2(include_top=False, weights="imagenet")
base.trainable = False
model = tf.keras.Sequential([tf.keras.layers.Rescaling(1 / 255), base, tf.keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(tf.keras.utils.image_dataset_from_directory("data"), epochs=2)
"""


def _findings(source):
    return [(f.code, f.line, f.column) for f in analyze_source(source, "export.py", Settings(), enabled=set(registry()))]


def test_an_export_is_analysed_with_its_lines_and_columns_kept():
    assert ("TL102", 7, 30) in _findings(EXPORT)


def test_a_real_syntax_error_is_reported_where_it_is_not_at_the_shell_line():
    broken = EXPORT.replace("base.trainable = False", "base.trainable = = False")
    found = _findings(broken)
    assert [(code, line) for code, line, _ in found] == [("TL000", 6)]


def test_python_that_only_looks_like_shell_is_left_alone():
    # `!` and `%` inside expressions are Python: nothing is blanked, the file parses as it is.
    source = "x = 5 % 2\ny = x != 1\n" + EXPORT.split("\n", 2)[2]
    assert ("TL102", 7, 30) in _findings(source)
