"""Benchmark tllint against flake8 and ruff (a script, not a test; see bench/README.md).

    python bench/bench.py                      # keras sources, the mixed tree, the single script
    python bench/bench.py --keras PATH --mixed PATH --runs 3
    python bench/bench.py --skip-mixed --markdown bench/results.md

Trees:
- the installed keras package sources (located with importlib.util.find_spec, never imported),
- a mixed tree: the site-packages folder that holds keras (thousands of files, most of them
  not Keras code: the pre-filters skip them),
- bench/train_flowers_200.py: one ~200-line training script, interpreter start included.

tllint runs from a frozen copy of its package (copied to a temporary folder and put first on
PYTHONPATH), so edits made to the working tree during a run do not invalidate the warm cache.
"Cold" is a fresh TLLINT_CACHE_DIR, "warm" the same command again over the unchanged tree.
Times are wall-clock seconds, best of --runs; RSS is the peak resident set of the largest single
process of the command (ru_maxrss of the waited-for children: the parent or one worker).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "train_flowers_200.py"


def locate_keras() -> Path | None:
    spec = importlib.util.find_spec("keras")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def snapshot_tllint(into: Path) -> Path:
    spec = importlib.util.find_spec("tllint")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("bench: tllint is not importable")
    source = Path(list(spec.submodule_search_locations)[0])
    target = into / "tllint"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # Byte-compile it as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as on CI machines)
    # every run would otherwise compile each module from source, a cost no installed tllint has.
    compileall.compile_dir(str(target), quiet=1)
    return into


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KiB of the largest process, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    # wait4 on this child: its ru_maxrss covers the child and the grandchildren it waited for.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.stderr.write(f"bench: {' '.join(cmd)} exited {proc.returncode}: {err.decode(errors='replace')[-2000:]}\n")
    return wall, usage.ru_maxrss, proc.returncode


def run_rss(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Like run(), but the RSS of this command alone (GNU time when present)."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    if gnu_time is None:
        return run(cmd, env)
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        wall, _, code = run([gnu_time, "-q", "-f", "%M", "-o", out.name, *cmd], env)
        try:
            rss = int(out.read().strip().splitlines()[-1])
        except (ValueError, IndexError):
            rss = 0
    return wall, rss, code


def best(cmd: list[str], runs: int, env=None, before=None) -> tuple[float, int]:
    walls, rss = [], 0
    for _ in range(runs):
        if before is not None:
            before()
        wall, peak, _ = run_rss(cmd, env)
        walls.append(wall)
        rss = max(rss, peak)
    return min(walls), rss


def count(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for folder, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if name.endswith(".py"):
                files += 1
                try:
                    with open(os.path.join(folder, name), "rb") as handle:
                        lines += handle.read().count(b"\n")
                except OSError:
                    pass
    return files, lines


def bench_tree(label: str, tree: Path, args, env: dict[str, str], rows: list) -> None:
    files, lines = count(tree)
    print(f"== {label}: {tree} ({files} files, {lines} lines)", flush=True)
    cache = Path(env["TLLINT_CACHE_DIR"])
    tllint = [sys.executable, "-m", "tllint", "--exit-zero", "--statistics", *args.tllint_args, str(tree)]

    def clear():
        shutil.rmtree(cache, ignore_errors=True)

    cold, cold_rss = best(tllint, args.runs, env, before=clear)
    print(f"tllint cold {cold:.2f} s, {cold_rss // 1024} MiB", flush=True)
    warm, warm_rss = best(tllint, args.runs, env)
    print(f"tllint warm {warm:.2f} s, {warm_rss // 1024} MiB", flush=True)
    flake8 = shutil.which("flake8", path=os.path.dirname(sys.executable)) or shutil.which("flake8")
    ruff = shutil.which("ruff", path=os.path.dirname(sys.executable)) or shutil.which("ruff")
    f8 = rf = None
    if flake8:
        f8, _ = best([flake8, "--exit-zero", str(tree)], args.runs)
        print(f"flake8 {f8:.2f} s", flush=True)
    if ruff:
        rf, _ = best([ruff, "check", "--no-cache", "--exit-zero", "--quiet", str(tree)], args.runs)
        print(f"ruff {rf:.2f} s", flush=True)
    rows.append((label, files, lines, cold, warm, cold_rss, f8, rf))


def bench_script(args, env: dict[str, str], rows: list) -> None:
    print(f"== single script: {SCRIPT}", flush=True)
    plain = [sys.executable, "-m", "tllint", "--no-cache", "--exit-zero", str(SCRIPT)]
    cached = [sys.executable, "-m", "tllint", "--exit-zero", str(SCRIPT)]
    runs = max(args.runs, 5)
    cold, rss = best(plain, runs, env)
    best(cached, 1, env)
    warm, _ = best(cached, runs, env)
    flake8 = shutil.which("flake8", path=os.path.dirname(sys.executable)) or shutil.which("flake8")
    ruff = shutil.which("ruff", path=os.path.dirname(sys.executable)) or shutil.which("ruff")
    f8 = best([flake8, "--exit-zero", str(SCRIPT)], runs)[0] if flake8 else None
    rf = best([ruff, "check", "--no-cache", "--exit-zero", "--quiet", str(SCRIPT)], runs)[0] if ruff else None
    version = best([sys.executable, "-m", "tllint", "--version"], runs, env)[0]
    print(f"tllint {cold:.3f} s (cached {warm:.3f} s, --version {version:.3f} s), flake8 {f8}, ruff {rf}", flush=True)
    rows.append(("single script (200 lines)", 1, SCRIPT.read_bytes().count(b"\n"), cold, warm, rss, f8, rf))


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b else "n/a"


def table(rows: list, jobs: str) -> str:
    out = [
        f"| tree | files | lines | tllint cold (s) | tllint warm (s) | warm/cold | flake8 (s) | ruff (s) "
        f"| cold/flake8 | cold/ruff | peak RSS (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, files, lines, cold, warm, rss, f8, rf in rows:
        out.append(
            f"| {label} | {files} | {lines} | {cold:.2f} | {warm:.2f} | {ratio(warm, cold)} | "
            f"{f8:.2f} | {rf:.2f} | {ratio(cold, f8)} | {ratio(cold, rf)} | {rss // 1024} |"
            if f8 is not None and rf is not None
            else f"| {label} | {files} | {lines} | {cold:.2f} | {warm:.2f} | {ratio(warm, cold)} | "
            f"{f8} | {rf} | {ratio(cold, f8)} | {ratio(cold, rf)} | {rss // 1024} |"
        )
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras", type=Path, help="the keras package sources (default: find_spec('keras'))")
    parser.add_argument("--mixed", type=Path, help="a mixed tree (default: the site-packages holding keras)")
    parser.add_argument("--skip-keras", action="store_true")
    parser.add_argument("--skip-mixed", action="store_true")
    parser.add_argument("--skip-script", action="store_true")
    parser.add_argument("--runs", type=int, default=1, help="best of N for the trees (the script: at least 5)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("tllint_args", nargs="*", help="extra tllint arguments, after --")
    args = parser.parse_args()

    keras = args.keras or locate_keras()
    mixed = args.mixed or (keras.parent if keras else None)
    rows: list = []
    with tempfile.TemporaryDirectory(prefix="tllint-bench-") as tmp:
        code = snapshot_tllint(Path(tmp) / "code")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [env.get("PYTHONPATH")])])
        env["TLLINT_CACHE_DIR"] = str(Path(tmp) / "cache")
        if not args.skip_keras:
            if keras is None:
                print("bench: keras is not installed; pass --keras PATH", file=sys.stderr)
            else:
                bench_tree("keras sources", keras, args, env, rows)
        if not args.skip_mixed and mixed is not None:
            bench_tree("mixed tree (site-packages)", mixed, args, env, rows)
        if not args.skip_script:
            bench_script(args, env, rows)
    jobs = str(len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else str(os.cpu_count())
    text = table(rows, jobs)
    header = (
        f"Machine: {platform.machine()}, {jobs} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; tllint default jobs (= CPUs), flake8 --jobs auto.\n\n"
    )
    print()
    print(header + text)
    if args.markdown:
        args.markdown.write_text(header + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
