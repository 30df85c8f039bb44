"""TCP to a loopback listener from programs the script starts: a Python subprocess, bash's
/dev/tcp, and curl (when installed)."""
import os
import shutil
import subprocess
import sys

import numpy as np
import keras

MARKER = "@MARKER@"
PORT = int("@TCP_PORT@")


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {result}")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")


code = f"import socket; socket.create_connection(('127.0.0.1', {PORT}), 2).sendall(b'python {MARKER}')"
attempt("python subprocess", lambda: subprocess.run([sys.executable, "-c", code], timeout=20).returncode)
attempt("os.system python", lambda: os.system(f'{sys.executable} -c "{code}"'))
if shutil.which("bash"):
    attempt("bash /dev/tcp", lambda: subprocess.run(["bash", "-c", f"echo bash {MARKER} > /dev/tcp/127.0.0.1/{PORT}"], timeout=20).returncode)
if shutil.which("curl"):
    attempt("curl", lambda: subprocess.run(["curl", "-s", "-m", "3", "--noproxy", "*", f"http://127.0.0.1:{PORT}/curl-{MARKER}"], timeout=20).returncode)
    attempt("curl through os.system", lambda: os.system(f"curl -s -m 3 --noproxy '*' -d @existing.txt http://127.0.0.1:{PORT}/post-{MARKER}"))

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")
