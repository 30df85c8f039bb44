"""Per-file result cache: a warm run over an unchanged tree reads, hashes and looks up.

An entry holds everything one file contributed to a run (its findings, the findings it reported
in imported modules, the project's coverage records; see `tllint.parallel.Outcome`). Its key is
a SHA-256 of:

- the file's bytes, its resolved path and the path it is shown under;
- tllint itself: the version plus the size and mtime of every file of the installed package (an
  edited rule invalidates the cache even without a version bump), the Python version;
- the settings of the run and the enabled codes, plus what version detection reads when
  `target-keras` is "auto" (the installed keras/tensorflow versions, TF_USE_LEGACY_KERAS);
- the local modules it may import, transitively: every candidate file of every import statement
  (found with a cheap scan, resolved the way `tllint.project` resolves them: the importing
  file's folder, the project root, root/src) with the SHA-256 of the ones that exist. A changed,
  new or deleted module changes the key. This is stricter than hashing the modules' summaries:
  any edit of a dependency re-analyses its importers.

Storage: one JSON file per entry under `<cache dir>/v1/<2 hex>/<62 hex>.json`. The cache dir is
`TLLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/tllint`, else `~/.cache/tllint`; `--no-cache` turns
the cache off. Writes go to a temporary file in the same folder, then `os.replace` (atomic
on POSIX and Windows), so concurrent runs and jobs never see half an entry. Any entry that
cannot be read, parsed or does not match its key is ignored (and rewritten). Files whose
analysis crashed or ran out of time (TL999) are never cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from tllint.finding import Edit, Finding, Fix, Related
from tllint.local_imports import Dependencies

FORMAT = 2


def default_cache_dir() -> Path:
    env = os.environ.get("TLLINT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "tllint"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """tllint's version and the size/mtime of its installed files (editable installs change)."""
    from tllint import __version__

    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version_info[:3]}".encode())
    package = Path(__file__).resolve().parent
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            digest.update(f"{os.path.relpath(path, package)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    try:
        from importlib.metadata import version

        digest.update(f"libcst {version('libcst')}".encode())
    except Exception:  # noqa: BLE001 - no metadata: the version string above still applies
        pass
    return digest.hexdigest()


def settings_fingerprint(settings: Any, enabled: set[str] | frozenset[str]) -> str:
    """The run's settings, enabled codes and what Keras version detection reads."""
    fields = dataclasses.asdict(settings) if dataclasses.is_dataclass(settings) else vars(settings)
    env: Any = None
    if getattr(settings, "target_keras", "auto") == "auto":
        from tllint.versions import installed

        env = [installed(), os.environ.get("TF_USE_LEGACY_KERAS", "")]
    text = json.dumps([fields, sorted(enabled), env], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------- findings <-> JSON
def finding_to_json(finding: Finding) -> dict[str, Any]:
    return dataclasses.asdict(finding)


def finding_from_json(data: dict[str, Any]) -> Finding:
    data = dict(data)
    fix = data.get("fix")
    if fix is not None:
        data["fix"] = Fix(fix["applicability"], fix["description"], [Edit(**e) for e in fix.get("edits", ())])
    data["related"] = [Related(**r) for r in data.get("related", ())]
    return Finding(**data)


# ---------------------------------------------------------------------- the store
class Cache:
    def __init__(self, root: Path, settings: Any, enabled: set[str] | frozenset[str]) -> None:
        self.root = Path(root) / f"v{FORMAT}"
        self.run_key = f"{code_fingerprint()}|{settings_fingerprint(settings, enabled)}"
        self.deps = Dependencies(getattr(settings, "project_root", None))
        self.hits = 0
        self.misses = 0

    def key(self, data: bytes, path: Path, display: str) -> str:
        resolved = self.deps.real(path)
        digest = hashlib.sha256()
        digest.update(self.run_key.encode())
        digest.update(f"|{resolved}|{display}|".encode("utf-8", "surrogateescape"))
        digest.update(hashlib.sha256(data).digest())
        digest.update(self.deps.fingerprint(resolved, data, resolved=True).encode())
        return digest.hexdigest()

    def _file(self, key: str) -> Path:
        return self.root / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            with open(self._file(key), "rb") as handle:
                payload = json.loads(handle.read())
            if not isinstance(payload, dict) or payload.get("key") != key or payload.get("format") != FORMAT:
                raise ValueError("not this entry")
            value = payload["value"]
            if not isinstance(value, dict):
                raise ValueError("bad value")
        except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: a miss
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: dict[str, Any]) -> None:
        target = self._file(key)
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"format": FORMAT, "key": key, "value": value}, handle, separators=(",", ":"))
            os.replace(tmp, target)
            tmp = None
        except Exception:  # noqa: BLE001 - a read-only or full disk only costs speed
            pass
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
