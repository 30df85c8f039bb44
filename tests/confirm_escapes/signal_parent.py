"""Signals to the processes above the script: the parent (os.getppid()), every ancestor found in
/proc (tllint's command line carries the project's path), and their process groups."""
import os
import signal

import numpy as np
import keras

MARKER = "@MARKER@"


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {result}")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")


def ancestors():
    pid, found = os.getpid(), []
    while pid > 1:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                pid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmdline = fh.read()
        except (OSError, ValueError, IndexError):
            break
        found.append((pid, cmdline))
    return found


rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))

attempt("SIGTERM the parent", lambda: os.kill(os.getppid(), signal.SIGTERM))
# Only the run's own ancestors: the ones whose command line names the project (tllint's does),
# never the test runner above them.
for pid, cmdline in ancestors():
    if MARKER.encode() not in cmdline:
        continue
    attempt(f"SIGTERM {pid}", lambda pid=pid: os.kill(pid, signal.SIGTERM))
    attempt(f"SIGSTOP {pid}", lambda pid=pid: os.kill(pid, signal.SIGSTOP))
    attempt(f"SIGKILL {pid}", lambda pid=pid: os.kill(pid, signal.SIGKILL))
    attempt(f"SIGKILL group of {pid}", lambda pid=pid: os.killpg(os.getpgid(pid), signal.SIGKILL) if os.getpgid(pid) != os.getpgid(0) else None)
attempt("SIGKILL the parent", lambda: os.kill(os.getppid(), signal.SIGKILL))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")
