"""Python writes through the mirror's symbolic link to the project's data folder."""
import _io
import os
import pathlib

import numpy as np
import keras

MARKER = "@MARKER@"


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {result}")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")


def write_new(name):
    with open(os.path.join("data", name), "w") as fh:
        fh.write(f"escaped {MARKER}\n")


attempt("open through the link", lambda: write_new(f"py_{MARKER}.txt"))
attempt("pathlib through the link", lambda: pathlib.Path("data", f"pathlib_{MARKER}.txt").write_text(MARKER))
attempt("overwrite through the link", lambda: pathlib.Path("data/labels.txt").write_text(MARKER))
attempt("FileIO through the link", lambda: _io.FileIO(f"data/fileio_{MARKER}.txt", "w").write(MARKER.encode()))
attempt("makedirs through the link", lambda: os.makedirs(f"data/images/made_{MARKER}/deeper"))
attempt("savetxt through the link", lambda: np.savetxt("data/labels.txt", np.zeros(3)))

# Descriptor-relative calls (dir_fd) on the linked folder.
folder = None
try:
    folder = os.open("data", os.O_RDONLY | os.O_DIRECTORY)
except OSError as exc:
    print("cannot open the folder:", exc)
if folder is not None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC

    def dirfd_write():
        fd = os.open(f"dirfd_{MARKER}.txt", flags, 0o644, dir_fd=folder)
        os.write(fd, f"escaped {MARKER}\n".encode())
        os.close(fd)

    def dirfd_truncate():
        fd = os.open("labels.txt", os.O_WRONLY | os.O_TRUNC, dir_fd=folder)
        os.close(fd)

    attempt("dir_fd write", dirfd_write)
    attempt("dir_fd truncate", dirfd_truncate)
    attempt("dir_fd mkdir", lambda: os.mkdir(f"dirfd_dir_{MARKER}", dir_fd=folder))
    attempt("dir_fd unlink", lambda: os.unlink("images/cat_0.raw", dir_fd=folder))
    attempt("dir_fd rename", lambda: os.rename("labels.txt", f"renamed_{MARKER}.txt", src_dir_fd=folder, dst_dir_fd=folder))

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")
