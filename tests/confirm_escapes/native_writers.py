"""Writers in native code with absolute project paths: sqlite3, numpy memmap, h5py (when
installed) and tf.io.gfile."""
import os
import sqlite3

import numpy as np
import keras

PROJECT = "@PROJECT@"
MARKER = "@MARKER@"


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {result}")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")


def sqlite_write(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE IF NOT EXISTS loot (tag TEXT)")
    con.execute("INSERT INTO loot VALUES (?)", (MARKER,))
    con.commit()
    con.close()


def memmap_write(path, mode):
    arr = np.memmap(path, dtype="uint8", mode=mode, shape=(128,))
    arr[:] = 7
    arr.flush()


attempt("sqlite new", lambda: sqlite_write(os.path.join(PROJECT, f"runs_{MARKER}.sqlite")))
attempt("sqlite uri", lambda: sqlite3.connect(f"file:{PROJECT}/uri_{MARKER}.db?mode=rwc", uri=True).execute("CREATE TABLE t (a)"))
attempt("sqlite relative through a linked folder", lambda: sqlite_write(f"data/rel_{MARKER}.sqlite"))
attempt("memmap new", lambda: memmap_write(os.path.join(PROJECT, f"mm_{MARKER}.dat"), "w+"))
attempt("memmap r+ existing", lambda: memmap_write(os.path.join(PROJECT, "weights.bin"), "r+"))
attempt("memmap r+ relative", lambda: memmap_write("weights.bin", "r+"))

try:
    import h5py
except ImportError:
    h5py = None
if h5py is not None:
    attempt("h5py new", lambda: h5py.File(os.path.join(PROJECT, f"h5_{MARKER}.h5"), "w").create_dataset("x", data=np.zeros(4)))
    attempt("h5py low level", lambda: h5py.h5f.create(os.path.join(PROJECT, f"h5low_{MARKER}.h5").encode()))

import tensorflow as tf  # noqa: E402

attempt("gfile copy", lambda: tf.io.gfile.copy(os.path.join(PROJECT, "existing.txt"), os.path.join(PROJECT, f"gcopy_{MARKER}.txt")))
attempt("gfile copy over", lambda: tf.io.gfile.copy(os.path.join(PROJECT, "data", "labels.txt"), os.path.join(PROJECT, "existing.txt"), overwrite=True))
attempt("gfile makedirs", lambda: tf.io.gfile.makedirs(os.path.join(PROJECT, f"gdir_{MARKER}", "deep")))
attempt("gfile mkdir", lambda: tf.io.gfile.mkdir(os.path.join(PROJECT, f"gmk_{MARKER}")))
attempt("gfile rename", lambda: tf.io.gfile.rename(os.path.join(PROJECT, "data", "labels.txt"), os.path.join(PROJECT, f"grenamed_{MARKER}.txt")))
attempt("gfile remove", lambda: tf.io.gfile.remove(os.path.join(PROJECT, "data", "images", "cat_0.raw")))
attempt("gfile rmtree", lambda: tf.io.gfile.rmtree(os.path.join(PROJECT, "data", "images")))
attempt("gfile GFile", lambda: tf.io.gfile.GFile(os.path.join(PROJECT, f"gf_{MARKER}.txt"), "w").write(MARKER))
attempt("write_file", lambda: tf.io.write_file(os.path.join(PROJECT, f"wf_{MARKER}.txt"), MARKER))
attempt("TFRecordWriter", lambda: tf.data.experimental.TFRecordWriter(os.path.join(PROJECT, f"rec_{MARKER}.tfrecord")).write(tf.data.Dataset.from_tensors(MARKER)))

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")
