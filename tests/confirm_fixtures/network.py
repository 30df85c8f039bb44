"""Network access must fail inside the child; a keras download of a dataset too."""
import socket
import urllib.request

import keras

for attempt in (
    lambda: socket.create_connection(("127.0.0.1", 9), timeout=1),
    lambda: urllib.request.urlopen("http://example.com", timeout=2),
    lambda: keras.utils.get_file("tllint_never.txt", origin="http://example.com/tllint_never.txt"),
):
    try:
        attempt()
    except Exception as exc:  # noqa: BLE001
        print("blocked:", type(exc).__name__, exc)
    else:
        raise SystemExit("network reachable from the confirm child")
