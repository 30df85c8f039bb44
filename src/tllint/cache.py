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
import re
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from tllint.finding import Edit, Finding, Fix

FORMAT = 1
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
# Import heads that are never local modules (tllint.project keeps the same list).
_EXTERNAL = frozenset({"tensorflow", "keras", "tf_keras", "numpy", "tensorflow_hub", "keras_hub", "keras_cv",
                       "keras_nlp", "torch", "jax", "sklearn", "cv2", "PIL", "matplotlib", "pandas", "os", "sys",
                       "__future__"})
# `from X import names` (names may be parenthesised over several lines) and `import a.b as c, d`,
# each starting a statement: at a line start, or after `;`, `:` or a quote (notebooks hold their
# code inside JSON strings).
_FROM = re.compile(rb"(?:^|[;:\"'])[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;\"\\]*)", re.M)
_IMPORT = re.compile(
    rb"(?:^|[;:\"'])[ \t]*import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)", re.M
)
_NAME = re.compile(rb"[A-Za-z_]\w*")


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
    return Finding(**data)


# ---------------------------------------------------------------------- local dependencies
class Dependencies:
    """Fingerprints of the local modules a file may import, memoised for one run."""

    def __init__(self, project_root: Path | None = None) -> None:
        self.project_root = Path(project_root).resolve() if project_root is not None else None
        self._roots: dict[Path, Path] = {}
        self._is_file: dict[Path, bool] = {}
        self._direct: dict[Path, tuple[Path, ...]] = {}
        self._hash: dict[Path, str | None] = {}
        self._memo: dict[tuple[Path, str], list[Path]] = {}
        self._folders: dict[Path, Path] = {}

    def fingerprint(self, path: Path, data: bytes, *, resolved: bool = False) -> str:
        """SHA-256 over (path, content hash) of every existing candidate module, transitively."""
        start = path if resolved else path.resolve()
        seen: dict[Path, str | None] = {start: None}
        stack = list(self._deps_of(start, data))
        while stack:
            dep = stack.pop()
            if dep in seen:
                continue
            seen[dep] = self._content_hash(dep)
            if seen[dep] is not None:
                stack.extend(self._deps_of(dep, None))
        seen.pop(start)
        digest = hashlib.sha256()
        for dep in sorted(seen):
            digest.update(f"{dep}|{seen[dep]}\n".encode())
        return digest.hexdigest()

    def direct(self, path: Path, data: bytes) -> tuple[Path, ...]:
        """The existing local modules (or namespace folders) `path` may import directly."""
        return self._deps_of(self.real(path), data)

    def real(self, path: Path) -> Path:
        """`path.resolve()`, with one realpath per folder (resolve stats every component)."""
        try:
            if os.path.islink(path):
                return path.resolve()
            folder = path.parent
            real = self._folders.get(folder)
            if real is None:
                real = self._folders[folder] = folder.resolve()
            return real / path.name
        except (OSError, RuntimeError):
            return path.absolute()

    def _content_hash(self, path: Path) -> str | None:
        if path not in self._hash:
            try:
                self._hash[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._hash[path] = None
        return self._hash[path]

    def _deps_of(self, path: Path, data: bytes | None) -> tuple[Path, ...]:
        if path in self._direct:
            return self._direct[path]
        if data is None:
            try:
                data = path.read_bytes()
            except OSError:
                data = b""
        found: list[Path] = []
        for dotted in _imported_names(data):
            if dotted[:1] != "." and dotted.split(".", 1)[0] in _EXTERNAL:
                continue
            found.extend(self._candidates(path, dotted))
        self._direct[path] = tuple(dict.fromkeys(found))
        return self._direct[path]

    def _root_of(self, folder: Path) -> Path:
        if self.project_root is not None:
            return self.project_root
        if folder not in self._roots:
            found = folder
            for candidate in (folder, *folder.parents):
                if any(self._exists(candidate / marker) for marker in ROOT_MARKERS):
                    found = candidate
                    break
            self._roots[folder] = found
        return self._roots[folder]

    def _exists(self, path: Path) -> bool:
        if path not in self._is_file:
            self._is_file[path] = os.path.exists(path)
        return self._is_file[path]

    def _candidates(self, importer: Path, dotted: str) -> list[Path]:
        key = (importer.parent, dotted)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._resolve(importer, dotted)
        return [c for c in found if c != importer]

    def _resolve(self, importer: Path, dotted: str) -> list[Path]:
        if dotted.startswith("."):
            dots = len(dotted) - len(dotted.lstrip("."))
            base = importer.parent
            for _ in range(dots - 1):
                base = base.parent
            bases = [base]
            parts = [p for p in dotted[dots:].split(".") if p]
        else:
            parts = dotted.split(".")
            if not parts or parts[0] in _EXTERNAL:
                return []
            root = self._root_of(importer.parent)
            bases = list(dict.fromkeys([importer.parent, root, root / "src"]))
        out: list[Path] = []
        for base in bases:
            if not parts:
                candidates = [base / "__init__.py"]
            else:
                # A namespace folder (no __init__.py) counts too: its modules are found by name.
                candidates = [base / parts[0]]
                for cut in range(1, len(parts) + 1):
                    target = base.joinpath(*parts[:cut])
                    candidates += [target.parent / (target.name + ".py"), target / "__init__.py"]
            out.extend(c for c in candidates if self._exists(c))
        return out


def _import_lines(data: bytes) -> bytes:
    """The lines that mention `import` (with the rest of a parenthesised name list): the regexes
    below then scan a few hundred bytes instead of the whole file."""
    if b"import" not in data:
        return b""
    lines = data.split(b"\n")
    out: list[bytes] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if b"import" in line:
            out.append(line)
            if b"(" in line and b")" not in line:
                j = i + 1
                while j < n and j - i < 500 and b")" not in lines[j]:
                    out.append(lines[j])
                    j += 1
                if j < n:
                    out.append(lines[j])
                i = j
        i += 1
    return b"\n".join(out)


def _imported_names(data: bytes) -> list[str]:
    names: list[str] = []
    data = _import_lines(data)
    for m in _FROM.finditer(data):
        module = m.group(1).decode("ascii", "replace")
        names.append(module)
        for name in _NAME.findall(m.group(2)):
            if name != b"as":
                names.append(f"{module}.{name.decode('ascii', 'replace')}" if not module.endswith(".") else module + name.decode("ascii", "replace"))
    for m in _IMPORT.finditer(data):
        for item in m.group(1).split(b","):
            dotted = item.strip().split()[0] if item.strip() else b""
            if dotted:
                names.append(dotted.decode("ascii", "replace"))
    return names


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
