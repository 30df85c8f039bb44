"""A forked child that writes into the project while (and after) the run goes on."""
import ctypes
import os
import time

MARKER = "@MARKER@"
PROJECT = "@PROJECT@"


def child():
    try:
        ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)  # PR_SET_NAME: findable by its name
    except Exception:  # noqa: BLE001
        pass
    for turn in range(30):
        time.sleep(1.0 if turn else 1.5)
        for label, action in (
            ("python", lambda: open(os.path.join(PROJECT, f"forked_{MARKER}_{turn}.txt"), "w").write(MARKER)),
            ("shell", lambda: os.system(f"echo {MARKER} > {PROJECT}/forked_sh_{MARKER}_{turn}.txt")),
            ("append", lambda: os.system(f"echo {MARKER} >> {PROJECT}/existing.txt")),
        ):
            try:
                action()
            except Exception:  # noqa: BLE001 - a hostile child goes on
                pass
    os._exit(0)


try:
    if os.fork() == 0:
        child()
except OSError as exc:
    print("fork failed:", exc)

import numpy as np  # noqa: E402
import keras  # noqa: E402

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained; the child is left behind")
