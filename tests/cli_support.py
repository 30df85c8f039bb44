"""Shared helpers of the CLI/integration tests (their fixtures: cli_fixtures.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SARIF_SCHEMA = Path(__file__).resolve().parents[2] / "shared/schemas/sarif-schema-2.1.0.json"


def run_subprocess(args, cwd, stdin: bytes | None = None, fake: bool = False, env: dict | None = None):
    """Run tllint in a child process (stdin, real streams, entry points); `fake` uses fakerules."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    cache = str(Path(cwd) / ".tllint-test-cache")  # never the user's cache
    full_env.update({"PYTHONPATH": str(TESTS), "TLLINT_CACHE_DIR": cache, **(env or {})})
    command = [sys.executable, str(TESTS / "fakerules.py")] if fake else [sys.executable, "-m", "tllint"]
    return subprocess.run(command + list(args), cwd=cwd, input=stdin, capture_output=True, env=full_env, timeout=120)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# A script with two real findings: TL101 at 7:5 and TL202 at 13:1.
REAL_SCRIPT = """import tensorflow as tf

train = tf.keras.utils.image_dataset_from_directory("data", image_size=(224, 224))
base = tf.keras.applications.ResNet50(include_top=False, weights="imagenet", input_shape=(224, 224, 3))
base.trainable = False
inputs = tf.keras.Input(shape=(224, 224, 3))
x = base(inputs, training=False)
x = tf.keras.layers.GlobalAveragePooling2D()(x)
outputs = tf.keras.layers.Dense(5, activation="softmax")(x)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
model.fit(train, epochs=5)
base.trainable = True
model.fit(train, epochs=5)
"""

# data.py of a project: train.py imports the dataset from it.
LOCAL_DATA = """import tensorflow as tf


def make():
    return tf.keras.utils.image_dataset_from_directory("data", image_size=(224, 224))
"""
IMPORTING_SCRIPT = REAL_SCRIPT.replace(
    'train = tf.keras.utils.image_dataset_from_directory("data", image_size=(224, 224))', "from data import make\ntrain = make()"
)
