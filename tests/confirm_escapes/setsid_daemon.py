"""Daemons that leave the run's session (double fork + setsid, start_new_session, setpgid) and
write into the project and connect to the listener after the run."""
import os
import shutil
import subprocess
import sys

import numpy as np
import keras

MARKER = "@MARKER@"
PROJECT = "@PROJECT@"
TCP_PORT = int("@TCP_PORT@")

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)


def later(tag):
    """A shell that outlives the run: sleeps, writes, connects, then lingers (marker in its argv)."""
    connect = f"import socket; socket.create_connection(('127.0.0.1', {TCP_PORT}), 2).sendall(b'{tag} {MARKER}')"
    return (
        f"sleep 2; echo {MARKER} > {PROJECT}/daemon_{tag}_{MARKER}.txt; echo {MARKER} >> {PROJECT}/existing.txt; "
        f"{sys.executable} -c \"{connect}\"; sleep 30"
    )


def double_fork():
    if os.fork() != 0:
        return
    try:
        try:
            os.setsid()
        except OSError:
            pass
        if os.fork() != 0:
            os._exit(0)
        os.chdir("/")
        os.execv("/bin/sh", ["sh", "-c", later("setsid"), MARKER])
    finally:
        os._exit(0)


for label, start in (
    ("double fork", double_fork),
    ("start_new_session", lambda: subprocess.Popen(["/bin/sh", "-c", later("session"), MARKER], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)),
    ("setpgid", lambda: subprocess.Popen(["/bin/sh", "-c", later("pgid"), MARKER], process_group=0, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)),
    ("setsid program", lambda: shutil.which("setsid") and subprocess.Popen(["setsid", "-f", "/bin/sh", "-c", later("setsidprog"), MARKER], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)),
):
    try:
        print(label, start())
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")
print("trained; daemons started")
