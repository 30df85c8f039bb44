"""Autofix: one module per rule code (`tlNNN.py` with `fix(ctx, report) -> Fix | None`).

`attach_fix` is called by the analysis for every finding: when a fixer exists for the code, the
finding gets a `tllint.finding.Fix` (applicability, description, edits). The fixers build the
fixed source with LibCST transformations on the parsed module (lossless: formatting and comments
survive) and the edits are the line diff between the original and the fixed text, so JSON, the
language server and `--fix` all carry the same change. `tllint.fixes.apply` applies them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from typing import Callable

from tllint.finding import Finding, Fix

_MODULE = re.compile(r"^tl\d{3}$")


@lru_cache(maxsize=1)
def fixers() -> dict[str, Callable]:
    """Rule code -> fixer function, from the modules of this package named like `tl201`."""
    found: dict[str, Callable] = {}
    for mod in pkgutil.iter_modules(__path__):
        if not _MODULE.match(mod.name):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        fn = getattr(module, "fix", None)
        if callable(fn):
            found[mod.name.upper()] = fn
    return found


def fixable_codes() -> set[str]:
    return set(fixers())


def attach_fix(script, report, finding: Finding) -> None:
    """Give `finding` the fix of its rule's fixer, if any. Never raises: a fixer bug is no fix."""
    if finding.fix is not None:
        return
    fn = fixers().get(finding.code)
    if fn is None:
        return
    try:
        from tllint.fixes._cst import FixContext

        fix = fn(FixContext.of(script), report)
    except Exception:  # noqa: BLE001 - a fixer must never break linting
        return
    if isinstance(fix, Fix) and fix.edits:
        finding.fix = fix
