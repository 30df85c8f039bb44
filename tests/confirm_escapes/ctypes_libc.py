"""Native writes through libc (ctypes): absolute paths, relative paths through the mirror, HOME."""
import ctypes
import os

import numpy as np
import keras

PROJECT = "@PROJECT@"
HOME = "@HOME@"
MARKER = "@MARKER@"
libc = ctypes.CDLL(None, use_errno=True)


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {result} (errno {ctypes.get_errno()})")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")


def c_write(path, flags=os.O_WRONLY | os.O_CREAT | os.O_TRUNC):
    fd = libc.open(path.encode(), flags, 0o644)
    if fd < 0:
        return fd
    data = f"escaped {MARKER}\n".encode()
    libc.write(fd, data, len(data))
    return libc.close(fd)


def c_fopen(path, mode):
    fh = libc.fopen(path.encode(), mode.encode())
    if not fh:
        return None
    libc.fputs(f"escaped {MARKER}\n".encode(), ctypes.c_void_p(fh))
    return libc.fclose(ctypes.c_void_p(fh))


libc.fopen.restype = ctypes.c_void_p
attempt("absolute new file", lambda: c_write(os.path.join(PROJECT, f"libc_{MARKER}.txt")))
attempt("absolute overwrite", lambda: c_write(os.path.join(PROJECT, "existing.txt")))
attempt("relative overwrite through the mirror", lambda: c_write("weights.bin", os.O_WRONLY))
attempt("fopen append through a linked folder", lambda: c_fopen("data/labels.txt", "a"))
attempt("fopen new file through a linked folder", lambda: c_fopen(f"data/fopen_{MARKER}.txt", "w"))
attempt("unlink", lambda: libc.unlink(os.path.join(PROJECT, "data", "images", "cat_0.raw").encode()))
attempt("mkdir", lambda: libc.mkdir(os.path.join(PROJECT, f"cdir_{MARKER}").encode(), 0o755))
attempt("rename", lambda: libc.rename(os.path.join(PROJECT, "existing.txt").encode(), os.path.join(PROJECT, f"moved_{MARKER}.txt").encode()))
attempt("home file", lambda: c_write(os.path.join(HOME, f"libc_home_{MARKER}.txt")))
attempt("shared memory", lambda: c_write(f"/dev/shm/{MARKER}-libc"))

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")
