"""Expand the PATH arguments into the files to lint."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tllint.globs import glob_matches, relative_posix
from tllint.settings import Settings

SOURCE_SUFFIXES = (".py", ".ipynb")


@dataclass(frozen=True)
class Target:
    path: Path  # where to read it
    display: str  # how to show it: as the user gave it, or relative to the CWD

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"


@dataclass
class Discovery:
    targets: list[Target] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # arguments that do not exist
    warnings: list[str] = field(default_factory=list)


def display_path(path: Path, cwd: Path) -> str:
    if not path.is_absolute():
        return os.path.normpath(path)
    try:
        return os.path.normpath(path.relative_to(cwd))
    except ValueError:
        return str(path)


def is_excluded(rel: str, settings: Settings) -> bool:
    """`rel`: the path relative to the config root (or the CWD), with forward slashes."""
    return any(glob_matches(p, rel, below=False) for p in (*settings.exclude, *settings.extend_exclude))


def force_excluded(path: Path, settings: Settings, cwd: Path) -> bool:
    """Whether an explicitly named path, or a folder above it, matches an exclude pattern."""
    parts = relative_posix(path, settings.config_root or cwd).split("/")
    return any(is_excluded("/".join(parts[: i + 1]), settings) for i in range(len(parts)))


def discover(
    args: list[str], settings: Settings, cwd: Path | None = None, *, force_exclude: bool = False
) -> Discovery:
    """Files under `args`, deduplicated, in a stable order.

    A path named on the command line is linted even if excluded (as with ruff's default), unless
    `force_exclude` (pre-commit passes every staged file by name); excludes and virtual
    environments (folders holding pyvenv.cfg) prune the walk below it.
    """
    cwd = cwd or Path.cwd()
    result = Discovery()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):
            key = path.absolute()
        if key not in seen:
            seen.add(key)
            result.targets.append(Target(path, display_path(path, cwd)))

    for arg in args:
        given = Path(arg)
        if not os.path.lexists(given):
            result.missing.append(arg)
        elif force_exclude and force_excluded(given, settings, cwd):
            continue
        elif given.is_dir():
            _walk(given, settings, cwd, add, result.warnings, ancestors=())
        else:
            add(given)
    return result


class _Enough(Exception):
    pass


def project_files(root: Path, settings: Settings, cwd: Path, limit: int) -> list[Target] | None:
    """The source files under `root` as a walk of `discover` finds them (excludes and virtual
    environments pruned), or None when there are more than `limit` (a home folder, a monorepo)."""
    found: list[Target] = []

    def add(path: Path) -> None:
        if len(found) >= limit:
            raise _Enough
        found.append(Target(path, display_path(path, cwd)))

    try:
        _walk(root, settings, cwd, add, [], ancestors=())
    except _Enough:
        return None
    return found


def _walk(folder: Path, settings: Settings, cwd: Path, add, warnings: list[str], ancestors: tuple) -> None:
    try:
        stat = folder.stat()
    except OSError as exc:
        warnings.append(f"cannot read folder {display_path(folder, cwd)}: {exc.strerror or exc}")
        return
    identity = (stat.st_dev, stat.st_ino)
    if identity in ancestors:
        warnings.append(f"skipping {display_path(folder, cwd)}: symlink loop")
        return
    ancestors = (*ancestors, identity)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        warnings.append(f"cannot read folder {display_path(folder, cwd)}: {exc.strerror or exc}")
        return
    # One relative path per folder; entries only append their name (the walk's hot loop).
    folder_rel = relative_posix(folder, settings.config_root or cwd)
    prefix = "" if folder_rel == "." else folder_rel + "/"
    for entry in entries:
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError as exc:  # e.g. a symlink loop (ELOOP)
            if entry.name.endswith(SOURCE_SUFFIXES):
                warnings.append(f"skipping {display_path(path, cwd)}: {exc.strerror or exc}")
            continue
        if not is_dir and not is_file and entry.name.endswith(SOURCE_SUFFIXES) and entry.is_symlink():
            warnings.append(f"skipping {display_path(path, cwd)}: broken symbolic link")
            continue
        if is_excluded(prefix + entry.name, settings):
            continue
        if is_dir:
            if (path / "pyvenv.cfg").exists():
                continue
            _walk(path, settings, cwd, add, warnings, ancestors)
        elif is_file and path.suffix in SOURCE_SUFFIXES:
            add(path)


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"tllint: warning: {warning}", file=sys.stderr)
