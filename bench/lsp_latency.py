"""Editor latency of `tllint server`: from a didChange to the publishDiagnostics of that version.

Starts a real server over stdio (as tests/test_lsp.py does), opens a copy of
bench/train_flowers_200.py in a temporary folder, and applies EDITS edits one after another,
each waiting for its own publish: the time a user waits after they stop typing. Edits alternate
between the fine-tuning learning rate (which makes TL204 appear and disappear) and a comment.

    python bench/lsp_latency.py                   # default settings (the debounce included)
    python bench/lsp_latency.py --debounce-ms 0   # the work alone
    python bench/lsp_latency.py --burst 5         # 5 keystrokes 30 ms apart per edit, timed from the last
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from lsp_support import Client, is_publish  # noqa: E402

SCRIPT = HERE / "train_flowers_200.py"
RATE = 'parser.add_argument("--fine-lr", type=float, default=1e-5)'


def variant(text: str, index: int) -> str:
    """The text after edit `index`: learning rate and a comment, changing every time."""
    rate = "1e-3" if index % 2 else "1e-5"
    text = text.replace(RATE, RATE.replace("1e-5", rate))
    return text.replace("IMG_SIZE = 224\n", f"IMG_SIZE = 224  # edit {index}\n")


def run(edits: int, debounce_ms: float | None, burst: int, gap_s: float) -> list[float]:
    folder = Path(tempfile.mkdtemp(prefix="tllint-lsp-bench-"))
    try:
        path = folder / "train.py"
        shutil.copy(SCRIPT, path)
        base = path.read_text()
        client = Client(folder, fake=False)
        try:
            options = {"debounceMs": debounce_ms} if debounce_ms is not None else None
            client.initialize(folder, options=options)
            uri = client.open(path, base)
            client.diagnostics(uri, timeout=60)
            version = 1
            times = []
            for index in range(1, edits + 1):
                for stroke in range(burst):
                    version += 1
                    client.change(uri, version, variant(base, index * 100 + stroke if stroke < burst - 1 else index))
                    if stroke < burst - 1:
                        time.sleep(0.03)
                sent = time.monotonic()
                wanted = version
                at, _ = client.wait_timed(lambda m: is_publish(m, uri) and m["params"].get("version") == wanted, 30)
                times.append((at - sent) * 1000)
                time.sleep(gap_s)
            assert client.close() == 0
            return times
        finally:
            client.kill()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--debounce-ms", type=float, default=None, help="sent as initializationOptions (default: the server's)")
    parser.add_argument("--burst", type=int, default=1, help="keystrokes per edit, 30 ms apart; timed from the last")
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between edits")
    args = parser.parse_args()
    times = run(args.edits, args.debounce_ms, max(args.burst, 1), args.gap)
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    label = "default" if args.debounce_ms is None else f"{args.debounce_ms:g} ms"
    lines = len(SCRIPT.read_text().splitlines())
    print(f"{len(times)} edits of {SCRIPT.name} ({lines} lines), debounce {label}, burst {args.burst}")
    print(f"didChange -> publishDiagnostics: median {statistics.median(times):.0f} ms, "
          f"p90 {p90:.0f} ms, worst {max(times):.0f} ms, best {min(times):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
