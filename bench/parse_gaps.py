"""Files that CPython compiles and tllint still cannot read (TL000), over folders of real code.

    python bench/parse_gaps.py [PATH ...]        # default: the venv's site-packages and the corpus cache

For every `*.py` file and notebook (nothing skipped; a notebook as the program of its code cells,
IPython lines blanked) whose text `compile()` accepts, it runs tllint's own
analysis with TL000 only selected and lists the TL000 findings, grouped by message. A file that
CPython compiles must never get TL000 at 1:1 without a reason; the count at the end is the one
recorded in issue 18 (before: LibCST rejected the file outright).
"""

from __future__ import annotations

import collections
import sys
import sysconfig
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tllint.analysis import analyze_source  # noqa: E402
from tllint.notebook_cells import NotebookError, combine, read_notebook  # noqa: E402
from tllint.reading import Unreadable, decode_source  # noqa: E402


def _files(paths):
    for path in paths:
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".py", ".ipynb") and p.is_file())


def _compiles(source: str, path: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, path, "exec", dont_inherit=True, flags=0x400)
    except Exception:  # noqa: BLE001 - SyntaxError, ValueError, RecursionError, MemoryError
        return False
    return True


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [Path(sysconfig.get_paths()["purelib"]), ROOT / "bench" / "realworld" / "cache"]
    total = compiled = 0
    gaps: dict[str, list[str]] = collections.defaultdict(list)
    for file in _files(paths):
        total += 1
        try:
            source = decode_source(file.read_bytes())
            if file.suffix == ".ipynb":
                source = combine(read_notebook(source).cells)
        except (Unreadable, OSError, NotebookError):
            continue
        if not _compiles(source, str(file)):
            continue
        compiled += 1
        for finding in analyze_source(source, str(file), enabled={"TL000"}):
            if finding.code == "TL000":
                gaps[finding.message].append(f"{file}:{finding.line}:{finding.column}")
    for message, where in sorted(gaps.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(where):5d}  {message}")
        for place in where[:5]:
            print(f"         {place}")
    rejected = sum(len(v) for v in gaps.values())
    print(f"{total} files, {compiled} compile, {rejected} of those get TL000")
    return 1 if rejected else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
