"""Benchmark: `tllint --confirm` on a MobileNetV2 (128 px) script vs one plain epoch of it.

    python bench/confirm_bench.py [--repeat N] [--write]

The script trains a frozen MobileNetV2 (128x128, weights=None: no download) with a new head on 64
synthetic images (batch 32: 2 steps = one epoch), then unfreezes and fine-tunes one more epoch.
Measured:
  * plain:   `python script.py` in a child process (TensorFlow import + build + 2 epochs), and
             the time of the first fit call alone (printed by the script);
  * confirm: `run_confirm` on the same script with default settings (2 steps per fit call, probes
             on every step, sandbox, child process).
`--write` rewrites bench/README-confirm.md with the figures.

    python bench/confirm_bench.py --examples [--backend jax] [--repeat N]

times `run_confirm` on each examples/*.py (with the static engine's findings) and prints a table:
seconds per script (median of N), the verdict counts and the run's status. Target: <= 20 s per
example script on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tllint.confirm import ConfirmOptions, run_confirm  # noqa: E402
from tllint.finding import Finding  # noqa: E402

SCRIPT = '''\
import time
import numpy as np
import keras

rng = np.random.default_rng(0)
X = rng.integers(0, 256, (64, 128, 128, 3)).astype("float32")
Y = rng.integers(0, 2, (64,))

base = keras.applications.MobileNetV2(include_top=False, input_shape=(128, 128, 3), weights=None)
base.trainable = False
inp = keras.Input((128, 128, 3))
x = keras.layers.Rescaling(1 / 255)(inp)
x = base(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
model = keras.Model(inp, keras.layers.Dense(2, activation="softmax")(x))
model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
t = time.perf_counter()
model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
print(f"FIT_SECONDS {time.perf_counter() - t:.2f}")
base.trainable = True
model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
t = time.perf_counter()
model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
print(f"FIT2_SECONDS {time.perf_counter() - t:.2f}")
'''


def plain(path: Path) -> tuple[float, float, float]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    t = time.perf_counter()
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env, check=True, cwd=path.parent)
    total = time.perf_counter() - t
    fit = float(next(l.split()[1] for l in out.stdout.splitlines() if l.startswith("FIT_SECONDS")))
    fit2 = float(next(l.split()[1] for l in out.stdout.splitlines() if l.startswith("FIT2_SECONDS")))
    return total, fit, fit2


def confirm(path: Path) -> tuple[float, str, list]:
    line = SCRIPT.splitlines().index("x = base(x, training=False)") + 1
    f = Finding("TL102", "wrong-preprocessing", "error", "m", str(path), line, 1, line, 1)
    t = time.perf_counter()
    result = run_confirm({str(path): [f]}, ConfirmOptions())
    return time.perf_counter() - t, result.summary, [f.confirmation]


def examples_table(repeat: int, backend: str | None) -> list[str]:
    """One row per examples/*.py: median seconds of run_confirm, verdict counts, run status."""
    from tllint.analysis import analyze_source

    rows = [f"{'script':34} {'seconds':>8} {'cpu s':>7}  runs  verdicts (confirmed/refuted/inconclusive)  status"]
    for path in sorted((ROOT / "examples").glob("*.py")):
        times, cpus, counts, status = [], [], "", ""
        for _ in range(repeat):
            findings = analyze_source(path.read_text(), str(path))
            t = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            result = run_confirm({str(path): findings}, ConfirmOptions(backend=backend))
            times.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU seconds of the run's processes: comparable while other jobs share the cores
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            by = [f.confirmation["status"] for f in findings if f.confirmation]
            counts = f"{by.count('confirmed')}/{by.count('refuted')}/{by.count('inconclusive')}"
            status = result.runs[str(path)]["status"][:70]
        runs = " ".join(f"{x:.1f}" for x in times)
        rows.append(f"{path.name:34} {statistics.median(times):8.1f} {statistics.median(cpus):7.1f}  {runs}  {counts:>8}  {status}")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--examples", action="store_true", help="time confirm on each examples/*.py instead")
    ap.add_argument("--backend", choices=("tensorflow", "jax", "torch"), default=None)
    args = ap.parse_args()
    if args.examples:
        load = os.getloadavg()[0]
        rows = examples_table(args.repeat, args.backend)
        print(f"backend {args.backend or os.environ.get('KERAS_BACKEND') or 'tensorflow'}; {os.cpu_count()} CPU cores; "
              f"1-min load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
        print("\n".join(rows))
        return 0
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "train_mobilenet128.py"
        path.write_text(SCRIPT)
        plains, fits, fits2, confirms = [], [], [], []
        summary, verdict = "", None
        for _ in range(args.repeat):
            total, fit, fit2 = plain(path)
            plains.append(total)
            fits.append(fit)
            fits2.append(fit2)
            seconds, summary, verdict = confirm(path)
            confirms.append(seconds)
    med = statistics.median
    cpu = platform.processor() or platform.machine()
    lines = [
        f"machine: {os.cpu_count()} CPU cores ({cpu}), Python {platform.python_version()}; "
        f"1-min load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after (other jobs on the machine)",
        f"plain run (process, TF import + build + 2 epochs of 64 images): median {med(plains):.1f} s  {[round(x, 1) for x in plains]}",
        f"  first epoch (fit call, frozen backbone): median {med(fits):.1f} s  {fits}",
        f"  second epoch (fit call, unfrozen backbone): median {med(fits2):.1f} s  {fits2}",
        f"confirm run (run_confirm, 2 steps per fit, probes + sandbox): median {med(confirms):.1f} s  {[round(x, 1) for x in confirms]}",
        f"summary: {summary}",
        f"verdict: {verdict}",
    ]
    print("\n".join(lines))
    if args.write:
        readme = ROOT / "bench" / "README-confirm.md"
        text = readme.read_text() if readme.exists() else ""
        marker = "<!-- measured -->"
        head = text.split(marker)[0] if marker in text else text
        readme.write_text(head + marker + "\n```\n" + "\n".join(lines) + "\n```\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
