"""What `%load_ext tllint` costs each cell: the time of its `pre_run_cell` handler, in a real IPython shell.

    python bench/ipython_overhead.py                  # the three cases, median of 100 runs each
    python bench/ipython_overhead.py --runs 300
    python bench/ipython_overhead.py --notebook nb.ipynb   # also replay a notebook's code cells

Cases:
1. a cell without Keras in a session without Keras (`y = x * 2`): the prefilter only;
2. a cell without Keras words in a Keras session (plotting the history): the new cell cannot change
   the findings, so it is not linted;
3. a Keras cell (compile and fit) after a data cell and a model cell: the whole program is linted.
Each case also times `shell.run_cell` of the same cell with and without the extension (case 3's
cell is not run: it would need TensorFlow). `--notebook` replays the code cells of a notebook one
by one through the handler (without running them) and prints the median and worst per cell.
Run it on an otherwise idle machine; the figures in bench/README.md come from one such run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

DATA_CELL = '''import tensorflow as tf
from tensorflow import keras

IMG_SIZE = (224, 224)
train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=IMG_SIZE, batch_size=32)
val_ds = keras.utils.image_dataset_from_directory("data/val", image_size=IMG_SIZE, batch_size=32)
'''
MODEL_CELL = '''base = keras.applications.MobileNetV2(input_shape=IMG_SIZE + (3,), include_top=False, weights="imagenet")
base.trainable = False
inputs = keras.Input(shape=IMG_SIZE + (3,))
x = keras.applications.mobilenet_v2.preprocess_input(inputs)
x = base(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
outputs = keras.layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs)
'''
FIT_CELL = '''model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=5)
'''
PLOT_CELL = '''import_ok = True
plt_data = [1, 2, 3]
print(len(plt_data), import_ok)
'''
PLAIN_CELL = "y = x * 2\n"


def _info(source: str) -> SimpleNamespace:
    return SimpleNamespace(raw_cell=source, store_history=True)


def _median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def _handler_times(shell, history: list[str], cell: str, runs: int, fresh: bool) -> list[float]:
    from tllint import ipython_ext

    times = []
    session = None
    for _ in range(runs):
        if fresh or session is None:
            session = ipython_ext.Session(shell)
            for number, source in enumerate(history, 1):
                session.add(source, number)
            session.pending = False  # the history's findings were printed already
        with contextlib.redirect_stdout(io.StringIO()):
            start = time.perf_counter()
            session.pre_run_cell(_info(cell))
            times.append(time.perf_counter() - start)
    return times


def _run_cell_times(shell, cell: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with contextlib.redirect_stdout(io.StringIO()):
            start = time.perf_counter()
            shell.run_cell(cell, store_history=True)
            times.append(time.perf_counter() - start)
    return times


def _replay(shell, path: Path) -> list[float]:
    from tllint import ipython_ext
    from tllint.notebook_cells import read_notebook

    cells = [cell.source for cell in read_notebook(path.read_text(encoding="utf-8")).cells if cell.source.strip()]
    session = ipython_ext.Session(shell)
    times = []
    for cell in cells:
        with contextlib.redirect_stdout(io.StringIO()):
            start = time.perf_counter()
            session.pre_run_cell(_info(cell))
            times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--notebook", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("x = 21", store_history=True)
    rows = []
    plain_without = _run_cell_times(shell, PLAIN_CELL, args.runs)
    shell.run_line_magic("load_ext", "tllint")
    plain_with = _run_cell_times(shell, PLAIN_CELL, args.runs)
    rows.append(("cell without Keras, session without Keras",
                 _handler_times(shell, ["x = 21\n"], PLAIN_CELL, args.runs, fresh=False),
                 plain_without, plain_with))
    rows.append(("cell without Keras words, Keras session",
                 _handler_times(shell, [DATA_CELL, MODEL_CELL, FIT_CELL], PLOT_CELL, args.runs, fresh=False),
                 None, None))
    # The first lint of a session imports the engine and the rules (LibCST included): once.
    first = _handler_times(shell, [DATA_CELL, MODEL_CELL], FIT_CELL, 1, fresh=True)
    rows.append(("Keras cell (compile + fit), 3-cell program",
                 _handler_times(shell, [DATA_CELL, MODEL_CELL], FIT_CELL, args.runs, fresh=True), None, None))
    print(f"median of {args.runs} runs, milliseconds")
    print("| case | handler | run_cell without extension | run_cell with extension |")
    print("|---|---:|---:|---:|")
    for name, handler, without, with_ext in rows:
        cells = [f"{_median_ms(handler):.3f}"]
        cells += [f"{_median_ms(t):.3f}" if t else "-" for t in (without, with_ext)]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"first Keras cell of the session (imports the engine): {first[0] * 1000:.0f} ms")
    for path in args.notebook:
        times = _replay(shell, path)
        print(json.dumps({"notebook": str(path), "cells": len(times), "median_ms": round(_median_ms(times), 3),
                          "worst_ms": round(max(times) * 1000, 1), "total_ms": round(sum(times) * 1000, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
