"""Print a script or notebook with the positions that labels use.

    python bench/realworld/show.py FILE

A `.py` file is printed with 1-based line numbers. A notebook is printed cell by cell: cells are
numbered 1-based among *all* cells (markdown cells count, as tllint and Jupyter number them), and
lines 1-based inside the cell, so a label reads `cell 5, line 3`. Outputs are left out.
"""

from __future__ import annotations

import json
import sys


def _cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def render(path: str, text: str) -> str:
    out: list[str] = []
    if path.endswith(".ipynb"):
        cells = json.loads(text).get("cells", [])
        for index, cell in enumerate(cells, 1):
            kind = cell.get("cell_type", "?") if isinstance(cell, dict) else "?"
            out.append(f"===== cell {index} [{kind}] =====")
            source = _cell_source(cell) if isinstance(cell, dict) else ""
            if kind != "code":
                # Markdown is context, not code: keep it short.
                out.extend("   | " + line for line in source.split("\n")[:12])
                continue
            out.extend(f"{n:4d} | {line}" for n, line in enumerate(source.split("\n"), 1))
    else:
        out.extend(f"{n:5d} | {line}" for n, line in enumerate(text.split("\n"), 1))
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8", errors="replace") as handle:
        print(render(argv[1], handle.read()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
