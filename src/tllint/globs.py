"""Path patterns as the configuration writes them (`exclude`, `per-file-ignores`): paths made
relative to the configuration's folder, matched like ruff's globs (sources layer).
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path, PurePath


def relative_posix(path: str | Path, root: Path | None) -> str:
    """`path` relative to `root` (the config folder) in forward slashes, else as it is.

    Lexical first (a symlinked folder inside the project keeps its project path), then resolved.
    """
    if root is not None:
        absolute, base = os.path.abspath(path), os.path.abspath(root)
        if absolute == base or absolute.startswith(base.rstrip(os.sep) + os.sep):
            return PurePath(os.path.relpath(absolute, base)).as_posix()
        try:
            return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return PurePath(path).as_posix()


def glob_matches(pattern: str, rel: str, *, below: bool = True) -> bool:
    """Glob match as ruff does it: against the path relative to the config root, and the basename.

    `below`: a pattern naming a folder also matches everything inside it (the walk in
    discovery prunes folder by folder instead, so a folder given explicitly is still walked).
    """
    name = rel.rsplit("/", 1)[-1]
    pattern = pattern.rstrip("/")
    candidates = {pattern}
    if pattern.startswith("**/"):
        candidates.add(pattern[3:])
    if pattern.startswith("./"):
        candidates.add(pattern[2:])
    for pat in candidates:
        if fnmatch.fnmatchcase(rel, pat) or ("/" not in pat and fnmatch.fnmatchcase(name, pat)):
            return True
        if below and fnmatch.fnmatchcase(rel, pat + "/*"):
            return True
    return False


def path_matches(pattern: str, path: str | Path, root: Path | None, *, below: bool = True) -> bool:
    return glob_matches(pattern, relative_posix(path, root), below=below)
