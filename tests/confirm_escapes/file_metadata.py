"""chmod, utime, truncate, copy, link and symlink on project files, by path and by descriptor."""
import os
import shutil

import numpy as np
import keras

PROJECT = "@PROJECT@"
MARKER = "@MARKER@"
EXISTING = os.path.join(PROJECT, "existing.txt")
LABELS = os.path.join(PROJECT, "data", "labels.txt")


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {result}")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")


# By path (absolute, and relative through the mirror).
attempt("chmod", lambda: os.chmod(EXISTING, 0o777))
attempt("chmod the folder", lambda: os.chmod(PROJECT, 0o700))
attempt("chmod relative", lambda: os.chmod("data/labels.txt", 0o600))
attempt("utime", lambda: os.utime(EXISTING, (0, 0)))
attempt("utime relative", lambda: os.utime("weights.bin", None))
attempt("truncate", lambda: os.truncate(LABELS, 0))
attempt("truncate relative", lambda: os.truncate("existing.txt", 1))
attempt("copy", lambda: shutil.copy(EXISTING, os.path.join(PROJECT, f"copy_{MARKER}.txt")))
attempt("copy over", lambda: shutil.copyfile(LABELS, EXISTING))
attempt("copytree", lambda: shutil.copytree(os.path.join(PROJECT, "data"), os.path.join(PROJECT, f"tree_{MARKER}")))
attempt("hard link", lambda: os.link(EXISTING, os.path.join(PROJECT, f"hard_{MARKER}.txt")))
attempt("hard link relative", lambda: os.link("existing.txt", f"data/hard_{MARKER}.txt"))
attempt("symlink", lambda: os.symlink("/etc/passwd", os.path.join(PROJECT, f"sym_{MARKER}")))
attempt("symlink relative", lambda: os.symlink("/etc/hostname", f"data/sym_{MARKER}"))
attempt("mkfifo", lambda: os.mkfifo(os.path.join(PROJECT, f"fifo_{MARKER}")))
attempt("chown", lambda: os.chown(EXISTING, os.getuid(), os.getgid()))

# By descriptor: opened read-only (which every sandbox must allow), then changed through the fd.
fd = None
try:
    fd = os.open(EXISTING, os.O_RDONLY)
except OSError as exc:
    print("open failed:", exc)
if fd is not None:
    attempt("fchmod", lambda: os.fchmod(fd, 0o666))
    attempt("futimes", lambda: os.utime(fd, (1, 1)))
    attempt("fchown", lambda: os.fchown(fd, os.getuid(), os.getgid()))
    attempt("ftruncate of a read-only fd", lambda: os.ftruncate(fd, 0))
folder = None
try:
    folder = os.open(os.path.join(PROJECT, "data"), os.O_RDONLY | os.O_DIRECTORY)
except OSError as exc:
    print("folder open failed:", exc)
if folder is not None:
    attempt("fchmod the folder", lambda: os.fchmod(folder, 0o777))
    attempt("chmod dir_fd", lambda: os.chmod("labels.txt", 0o640, dir_fd=folder))
    attempt("utime dir_fd", lambda: os.utime("labels.txt", (2, 2), dir_fd=folder))
    attempt("link dir_fd", lambda: os.link("labels.txt", f"hard_fd_{MARKER}.txt", src_dir_fd=folder, dst_dir_fd=folder))
    attempt("symlink dir_fd", lambda: os.symlink("/etc/passwd", f"sym_fd_{MARKER}", dir_fd=folder))

    def rw_truncate():
        rw = os.open("labels.txt", os.O_RDWR, dir_fd=folder)
        os.ftruncate(rw, 1)
        os.close(rw)

    attempt("ftruncate", rw_truncate)
attempt("fd through /proc", lambda: os.truncate(f"/proc/self/fd/{fd}", 0) if fd is not None else None)

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")
