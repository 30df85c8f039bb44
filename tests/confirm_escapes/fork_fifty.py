"""Fifty forked children that outlive the script (named after the marker, so they can be found)."""
import ctypes
import os
import time

import numpy as np
import keras

MARKER = "@MARKER@"
children = []
for number in range(50):
    try:
        pid = os.fork()
    except OSError as exc:
        print(f"fork {number} failed: {exc}")
        break
    if pid == 0:
        try:
            ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)  # PR_SET_NAME
        except Exception:  # noqa: BLE001
            pass
        time.sleep(120)
        os._exit(0)
    children.append(pid)
print(f"{len(children)} children started")

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained; the children are left behind")
