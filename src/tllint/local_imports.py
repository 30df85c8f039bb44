"""Local modules a file may import: a cheap byte scan of its import statements, resolved the
way `tllint.project` resolves them (the importing file's folder, the project root, root/src).

Sources layer: the pre-filter asks it whether a file without Keras words may still import code
that has them, and the cache keys entries on the fingerprints of those modules.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Iterable

from tllint.knowledge.frameworks import EXTERNAL_HEADS, ROOT_MARKERS

# `from X import names` (names may be parenthesised over several lines) and `import a.b as c, d`,
# each starting a statement: at a line start, or after `;`, `:` or a quote (notebooks hold their
# code inside JSON strings).
_FROM = re.compile(rb"(?:^|[;:\"'])[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;\"\\]*)", re.M)
_IMPORT = re.compile(
    rb"(?:^|[;:\"'])[ \t]*import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)", re.M
)
_NAME = re.compile(rb"[A-Za-z_]\w*")
_CONFIG_PATH = re.compile(rb"[\"']([\w./\-]{1,200}\.(?:ya?ml|json))[\"']")


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
        self._reach: dict[Path, bool] = {}

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

    def reaches(self, path: Path, data: bytes, test, limit: int) -> bool:
        """Whether a local module `path` imports (transitively, at most `limit` files read) has a
        text for which `test(bytes)` holds. Answers are memoised per module for the run, so a
        tree of modules that import each other is read once."""
        budget = [limit]
        return any(self._reaches(dep, test, budget, set()) for dep in self._deps_of(self.real(path), data))

    def _reaches(self, dep: Path, test, budget: list[int], visiting: set[Path]) -> bool:
        if dep in self._reach:
            return self._reach[dep]
        if dep in visiting or budget[0] <= 0 or dep.suffix != ".py" or not self._exists(dep) or not dep.is_file():
            return False  # a FIFO named x.py would block; a cycle or the budget: no answer here
        budget[0] -= 1
        visiting.add(dep)
        try:
            text = dep.read_bytes()
        except OSError:
            text = b""
        result = bool(test(text)) or any(self._reaches(d, test, budget, visiting) for d in self._deps_of(dep, text))
        if result or budget[0] > 0:
            self._reach[dep] = result  # a search cut short by the budget is not an answer
        return result

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
            if dotted[:1] != "." and dotted.split(".", 1)[0] in EXTERNAL_HEADS:
                continue
            found.extend(self._candidates(path, dotted))
        if path.suffix in (".py", ".ipynb"):
            found.extend(self._config_files(path, data))
        self._direct[path] = tuple(dict.fromkeys(found))
        return self._direct[path]

    def _config_files(self, path: Path, data: bytes) -> list[Path]:
        """Configuration files named by a literal path (`open("config.yaml")`), where the engine
        would read them (engine/api/config_readers.py: the file's folder, the project root): a
        changed config changes the analysis of the scripts that read it."""
        if b".y" not in data and b".json" not in data:
            return []
        out: list[Path] = []
        root = self._root_of(path.parent)
        for literal in _CONFIG_PATH.findall(data):
            relative = literal.decode("utf-8", "replace")
            if os.path.isabs(relative):
                continue
            out.extend((path.parent / relative, root / relative))
        return out

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
            if not parts or parts[0] in EXTERNAL_HEADS:
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


# ---------------------------------------------------------------------- importers
def importers(
    modules: Iterable[Path], candidates: Iterable[Path], deps: Dependencies, *, depth: int = 3, limit: int = 16
) -> list[Path]:
    """The files among `candidates` that import one of `modules` (resolved paths), directly or
    through other candidates (up to `depth` steps), nearest first, at most `limit` of them.

    The entry points a module of a project is used by: linting that module alone (pre-commit, an
    editor), its importers supply what it cannot see (tllint.project)."""
    wanted = {deps.real(m) for m in modules}
    pool: dict[Path, bytes] = {}
    for path in candidates:
        real = deps.real(path)
        if real in wanted or real in pool or real.suffix not in (".py", ".ipynb"):
            continue
        try:
            data = real.read_bytes()
        except OSError:
            continue
        if b"import" in data:
            pool[real] = data
    found: list[Path] = []
    for _ in range(depth):
        # A file that names none of the wanted modules cannot import them: skip the import scan.
        names = {(m.parent.name if m.name == "__init__.py" else m.stem).encode("utf-8", "surrogateescape") for m in wanted}
        new = [
            path for path, data in pool.items()
            if path not in found and any(n in data for n in names) and wanted.intersection(deps.direct(path, data))
        ]
        if not new:
            break
        found.extend(sorted(new))
        wanted = set(new)
    return found[:limit]


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
