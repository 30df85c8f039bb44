"""Whole projects: follow imports of local modules and report each finding once.

One `Project` lives for one run. It finds the project root (the folder holding pyproject.toml,
setup.py, setup.cfg or .git above the linted file, else the linted file's folder), resolves
`from data import make_datasets`, `from .model import build`, `import utils.preprocessing as pp`
(the importing file's folder, the root, then root/src), and parses each module once per run.

Each linted file is one program: an imported module's top level runs once per program, into
the program's event lists (Python runs a module when it is first imported; its `if __name__ ==
"__main__":` block does not run), so `train.py` sees the datasets, models and compiles that
`data.py` and `model.py` make. Import cycles stop at the partially run module, as in Python.
A module that cannot be found, read or parsed is unknown: it gives no finding.

Across programs the project keeps findings consistent: a finding is reported once, at the file
that holds its statement (deduplicated by path, cell, code, line and column), and a module's
own analysis (unknown arguments, no data in sight) gives way to the richer analysis of a script
that imports it, for the statements that script ran.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst
from tllint.knowledge.frameworks import EXTERNAL_HEADS, ROOT_MARKERS
from tllint.parse import ParsedModule, is_main_guard
from tllint.rule_base import TOOL_CODE_SET

_BARE_LINE = re.compile(r"\blines? \d+(?:-\d+)?\b(?! in [\w.-]+\.(?:py|ipynb)\b)")


@dataclass
class Program:
    """The modules one linted file (the root interpreter) has imported, by resolved path."""

    root_path: Path
    display: str
    modules: dict[Path, Any] = field(default_factory=dict)  # path -> Interpreter
    root: Any = None  # the linted file's Interpreter
    namespaces: set[Path] = field(default_factory=set)


class Project:
    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root).resolve() if root is not None else None
        self._parsed: dict[Path, ParsedModule | None] = {}
        self._roots: dict[Path, Path] = {}
        self._find_cache: dict[tuple, Path | None] = {}
        self._kinds: dict[Path, tuple[bool, Path]] = {}
        self._displays: dict[Path, str] = {}
        self._targets: set[Path] = set()  # the run's files (registered by the runner)
        self._programs: dict[str, Program] = {}
        # Per module path: line ranges some program ran (its top level, the functions it called).
        self._coverage: dict[Path, list[tuple[str, int, int]]] = {}
        self._foreign: list = []  # findings one program reported in another file
        self._foreign_ids: set[int] = set()
        self._used_noqa: set[tuple[Path, int]] = set()
        self.parse_count = 0

    # ------------------------------------------------------------------ files and roots
    def register(self, path: Path | str, display: str) -> None:
        """How the run shows a file (the runner registers every target)."""
        try:
            resolved = Path(path).resolve()
        except (OSError, RuntimeError):
            return
        self._displays[resolved] = display
        self._targets.add(resolved)

    def root_of(self, file: Path) -> Path:
        if self.root is not None:
            return self.root
        folder = file.parent
        if folder in self._roots:
            return self._roots[folder]
        found = None
        for candidate in (folder, *folder.parents):
            if any((candidate / marker).exists() for marker in ROOT_MARKERS):
                found = candidate
                break
        if found is None:
            # No marker: the linted folder (the common folder of the run's files), else the file's.
            found = folder
            linted = self._linted_folder()
            if linted is not None and (folder == linted or linted in folder.parents):
                found = linted
        self._roots[folder] = found
        return found

    def _linted_folder(self) -> Path | None:
        if not self._targets:
            return None
        try:
            common = Path(os.path.commonpath([str(p.parent) for p in self._targets]))
        except ValueError:
            return None
        return common

    def parsed(self, path: Path) -> ParsedModule | None:
        if path in self._parsed:
            return self._parsed[path]
        result = None
        try:
            from tllint.hostile import nesting_problem
            from tllint.reading import read_source

            source = read_source(path)
            if nesting_problem(source) is None:  # the native parser would crash on it
                result = ParsedModule(path, source, cst.parse_module(source))
                self.parse_count += 1
        except Exception:  # noqa: BLE001 - unreadable or unparsable: unknown, no finding
            result = None
        self._parsed[path] = result
        return result

    def parse_source(self, source: str, path: str) -> cst.Module:
        """Parse a linted file's text once per run: a module it is also imported as reuses it.

        Raises what `cst.parse_module` raises (the caller turns it into TL000).
        """
        try:
            key = Path(path).resolve()
        except (OSError, RuntimeError):
            return cst.parse_module(source)
        cached = self._parsed.get(key)
        if cached is not None and cached.source == source:
            return cached.module
        module = cst.parse_module(source)
        if key not in self._parsed and key.suffix == ".py" and key.is_file():
            self._parsed[key] = ParsedModule(key, source, module)
            self.parse_count += 1
        return module

    def positions_of(self, module: cst.Module):
        """The positions of a module parsed through this project (shared), else None."""
        for parsed in self._parsed.values():
            if parsed is not None and parsed.module is module:
                return parsed.positions
        return None

    def read_config(self, interp, path: str) -> str | None:
        """A configuration file opened by a literal relative path (engine/api/config_readers.py):
        relative to the module's folder or the project root, inside the project; both must agree."""
        from tllint.engine.config_files import MAX_CONFIG_BYTES

        if not path or Path(path).is_absolute() or path.startswith("~"):
            return None
        file = self._file_of(interp)
        root = self.root_of(file)
        texts = set()
        for base in (file.parent, root):
            try:
                candidate = (base / path).resolve()
                if root.resolve() not in candidate.parents or not candidate.is_file():
                    continue
                if candidate.stat().st_size > MAX_CONFIG_BYTES:
                    return None
                texts.add(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, RuntimeError, ValueError):
                return None
        return texts.pop() if len(texts) == 1 else None

    def _bases(self, file: Path, script: Path | None = None) -> list[Path]:
        root = self.root_of(file)
        bases = [file.parent, root, root / "src"]
        if script is not None:
            # Python puts the folder of the script it runs first on sys.path: a module that
            # script imports resolves its own absolute imports (`from src.model import X`) there.
            bases.insert(1, script.parent)
        out: list[Path] = []
        for base in bases:
            if base not in out:
                out.append(base)
        return out

    def _find(self, base: Path, parts: tuple[str, ...]) -> Path | None:
        """The file (or namespace folder) of `parts` under `base`, or None."""
        key = (base, parts)
        if key in self._find_cache:
            return self._find_cache[key]
        found: Path | None = None
        if parts:
            target = base.joinpath(*parts)
            py = target.parent / (target.name + ".py")
            if py.is_file():
                found = py
            elif (target / "__init__.py").is_file():
                found = target / "__init__.py"
            elif target.is_dir() and not (target / "pyvenv.cfg").exists() and _looks_like_namespace(target):
                found = target
        self._find_cache[key] = found
        return found

    # ------------------------------------------------------------------ programs
    def program(self, interp) -> Program:
        program = getattr(interp, "_tllint_program", None)
        if program is None:
            path = Path(interp.path)
            try:
                path = path.resolve()
            except OSError:
                pass
            program = Program(path, interp.path)
            program.root = interp
            interp._tllint_program = program
            self._programs[interp.path] = program
        return program

    def _file_of(self, interp) -> Path:
        program = self.program(interp)
        own = getattr(interp, "_tllint_file", None)
        return own if own is not None else program.root_path

    def resolve_import(self, interp, dotted: str) -> Any:
        """The value of an imported dotted name if it names a local module (or a name in one)."""
        from tllint.engine.values import UNKNOWN

        file = self._file_of(interp)
        if dotted.startswith("."):
            dots = len(dotted) - len(dotted.lstrip("."))
            base = file.parent
            for _ in range(dots - 1):
                base = base.parent
            parts = tuple(p for p in dotted[dots:].split(".") if p)
            if not parts:
                init = base / "__init__.py"
                return self._module_value(interp, init if init.is_file() else base)
            return self._resolve_parts(interp, [base], parts)
        parts = tuple(dotted.split("."))
        if parts[0] in EXTERNAL_HEADS:
            return UNKNOWN
        return self._resolve_parts(interp, self._bases(file, self.program(interp).root_path), parts)

    def _resolve_parts(self, interp, bases: list[Path], parts: tuple[str, ...]) -> Any:
        from tllint.engine.values import UNKNOWN

        for base in bases:
            # The longest prefix that is a module; the rest are attributes of it.
            for cut in range(len(parts), 0, -1):
                found = self._find(base, parts[:cut])
                if found is None:
                    continue
                value = self._module_value(interp, found)
                for attr in parts[cut:]:
                    value = self._attribute(interp, value, attr)
                return value
            # A dotted name under a namespace-less base only resolves fully or not at all.
        return UNKNOWN

    def _module_value(self, interp, found: Path) -> Any:
        from tllint.engine.values import UNKNOWN, LocalModule

        program = self.program(interp)
        if found not in self._kinds:  # looked up on every use of an imported name: no syscalls twice
            self._kinds[found] = (found.is_dir(), found.resolve())
        is_dir, resolved = self._kinds[found]
        if is_dir:
            program.namespaces.add(found)
            return LocalModule(str(found))
        if resolved == program.root_path:
            return UNKNOWN  # the linted file importing itself: nothing to learn
        if found not in program.modules:
            if self._load(interp, program, found) is None:
                return UNKNOWN
        return LocalModule(str(found))

    def _load(self, interp, program: Program, path: Path):
        from tllint.engine.interpreter import Interpreter

        parsed = self.parsed(path)
        if parsed is None:
            return None
        mod = Interpreter(parsed.module, str(path), project=self, module_name=path.stem)
        mod.source_text = parsed.source
        mod._tllint_program = program
        mod._tllint_file = path
        program.modules[path] = mod  # before running: an import cycle sees the partial module
        root = _root_interpreter(interp)
        if root is not None:
            root.flavours |= mod.flavours
        try:
            _run_module_body(mod, interp)
        except Exception as exc:  # noqa: BLE001 - an imported module never breaks its importer
            from tllint.engine.interpreter import Budget

            if isinstance(exc, (Budget, RecursionError)):
                raise
            # Keep what its top level defined before the failure; the rest is unknown.
        return mod

    def import_pattern(self, interp, pattern: str, limit: int) -> list:
        """The local modules a name known only in part can import (`importlib.import_module(
        f"models.{name}")`, each `*` standing for part of one dotted component); none when more
        than `limit` match."""
        from tllint.engine.values import LocalModule

        parts = tuple(pattern.split("."))
        if pattern.startswith(".") or parts[0] in EXTERNAL_HEADS or not all(parts):
            return []
        found: list[Path] = []
        for base in self._bases(self._file_of(interp), self.program(interp).root_path):
            for path in _glob_module(base, parts):
                if path not in found:
                    found.append(path)
            if len(found) > limit:
                return []
        values = [self._module_value(interp, path) for path in found]
        return [v for v in values if isinstance(v, LocalModule)]

    def module_globals(self, interp, local_module) -> dict:
        """The names a local module's top level bound (empty when it was not run)."""
        mod = self.program(interp).modules.get(Path(local_module.name))
        return dict(mod.globals) if mod is not None else {}

    def module_attribute(self, interp, local_module, attr: str) -> Any:
        return self._attribute(interp, local_module, attr)

    def _attribute(self, interp, value, attr: str) -> Any:
        from tllint.engine import calls
        from tllint.engine.values import UNKNOWN, LocalModule

        if not isinstance(value, LocalModule):
            if value is UNKNOWN:
                return UNKNOWN
            return calls.get_attribute(interp, value, attr, None)
        program = self.program(interp)
        path = Path(value.name)
        is_dir = self._kinds[path][0] if path in self._kinds else path.is_dir()
        folder = path if is_dir else (path.parent if path.name == "__init__.py" else None)
        mod = program.modules.get(path)
        if mod is not None:
            if attr in mod.globals:
                return mod.globals[attr]
            dotted = mod.imports.resolve(attr)
            if dotted is not None:
                # A re-export cycle (a.py: `from .b import x`, b.py: `from .a import x`, both
                # partially run) would recurse forever: the second lookup of (module, name) is unknown.
                resolving = self.__dict__.setdefault("_resolving_attributes", set())
                if (path, attr) in resolving:
                    return UNKNOWN
                resolving.add((path, attr))
                try:
                    return calls.import_value(mod, dotted)
                finally:
                    resolving.discard((path, attr))
        if folder is not None:
            sub = self._find(folder, (attr,))
            if sub is not None:
                return self._module_value(interp, sub)
        return UNKNOWN

    # ------------------------------------------------------------------ positions
    def locate(self, interp, node) -> tuple[str, Any, str] | None:
        """(display path, CodeRange, source) of a node that lives in an imported module."""
        program = getattr(interp, "_tllint_program", None)
        if program is None:
            return None
        for path in program.modules:
            parsed = self._parsed.get(path)
            if parsed is None or not parsed.holds(node):
                continue
            pos = parsed.positions.get(node)
            if pos is not None:
                return self.display_of(path, program), pos, parsed.source
        return None

    @staticmethod
    def qualify_lines(message: str, path: str) -> str:
        """`line 6` (of the linted file) becomes `line 6 in train.py` in a message shown elsewhere."""
        name = os.path.basename(path)
        return _BARE_LINE.sub(lambda m: f"{m.group(0)} in {name}", message)

    def display_of(self, path: Path, program: Program | None = None) -> str:
        if path in self._displays:
            return self._displays[path]
        if program is not None:
            try:
                rel = os.path.relpath(path, program.root_path.parent)
                return os.path.normpath(os.path.join(os.path.dirname(program.display), rel))
            except ValueError:
                pass
        try:
            return os.path.normpath(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    # ------------------------------------------------------------------ findings across files
    def split_foreign(self, display: str, findings: list, settings, keep) -> tuple[list, list]:
        """(own findings, findings in other files with their noqa and per-file-ignores applied)."""
        from tllint.noqa import file_is_skipped, parse_noqa
        from tllint.selection import per_file_ignored

        program = self._programs.pop(display, None)
        crashed = any(f.code == "TL999" and f.path == display for f in findings)
        if program is not None and not crashed:
            self._record_coverage(program)
        own = [f for f in findings if f.path == display]
        foreign_in = [f for f in findings if f.path != display]
        foreign: list = []
        by_path: dict[str, Path] = {}
        if program is not None:
            for path in program.modules:
                by_path[self.display_of(path, program)] = path
        for finding in foreign_in:
            path = by_path.get(finding.path)
            parsed = self._parsed.get(path) if path is not None else None
            if parsed is not None:
                if file_is_skipped(parsed.source):
                    continue
                noqa = parse_noqa(parsed.source)
                if noqa.suppresses(finding):
                    for directive in noqa.by_line.get(finding.line, ()):
                        self._used_noqa.add((finding.path, directive.line))
                    continue
            ignored = per_file_ignored(settings, path if path is not None else finding.path)
            if not keep(finding, ignored):
                continue
            foreign.append(finding)
            self._foreign.append(finding)
            self._foreign_ids.add(id(finding))
        return own, foreign

    def _record_coverage(self, program: Program) -> None:
        # Line ranges of each imported module that this program ran: its top level and the
        # functions it called. Plain (program, first line, last line) records: tllint.parallel
        # carries them between processes.
        for path, mod in program.modules.items():
            parsed = self._parsed.get(path)
            if parsed is None:
                continue
            top, functions = parsed.line_ranges()
            ranges = self._coverage.setdefault(path, [])
            ranges.extend((program.display, first, last) for first, last in top)
            ranges.extend((program.display, first, last) for key, (first, last) in functions.items() if key in mod.called)
            self._displays.setdefault(path, self.display_of(path, program))

    def finalize(self, findings: list) -> list:
        """Deduplicate and let importers' richer analyses override a module's own one."""
        covered: dict[str, list[tuple[str, int, int]]] = {}
        for path, ranges in self._coverage.items():
            covered.setdefault(self.display_of(path), []).extend(ranges)
        out = []
        seen: set[tuple] = set()
        # Where a module's own finding and an importer's coincide, the importer's (richer) one wins.
        findings = sorted(findings, key=lambda f: id(f) not in self._foreign_ids)
        for finding in findings:
            key = (finding.path, finding.cell, finding.code, finding.line, finding.column)
            if key in seen:
                continue
            if id(finding) not in self._foreign_ids:
                if finding.code == "TL001" and (finding.path, finding.line) in self._used_noqa:
                    continue
                if finding.code not in TOOL_CODE_SET and finding.cell is None:
                    ranges = covered.get(finding.path, ())
                    if any(by != finding.path and start <= finding.line <= end for by, start, end in ranges):
                        continue
            seen.add(key)
            out.append(finding)
        return out

    def sources(self, findings: list) -> dict[str, str]:
        """Text of the imported files that hold findings (for --show-source and baselines)."""
        out: dict[str, str] = {}
        wanted = {f.path for f in findings}
        for path, parsed in self._parsed.items():
            if parsed is None:
                continue
            display = self.display_of(path)
            if display in wanted:
                out[display] = parsed.source
        return out


# ---------------------------------------------------------------------- helpers
def _glob_module(base: Path, parts: tuple[str, ...]) -> list[Path]:
    """Module files under `base` whose dotted path matches `parts`, a `*` standing for any
    non-empty run of name characters and dots (`f"train.{user}.{module}"` with module
    "model.mymodel"). The literal leading parts are walked directly, the rest at most 3 levels
    further down."""
    fixed = 0
    while fixed < len(parts) - 1 and "*" not in parts[fixed]:
        fixed += 1
    top = base.joinpath(*parts[:fixed])
    if fixed == 0 or not top.is_dir():
        return []  # no literal package to start from: too vague to walk the project for
    rest = ".".join(parts[fixed:])
    matches = re.compile(re.escape(rest).replace(r"\*", r"[\w.]+")).fullmatch
    out: list[Path] = []
    depth_limit = len(parts) - fixed + 2
    for visited, (folder, dirs, files) in enumerate(os.walk(top)):
        if visited > 200:
            return []
        depth = len(Path(folder).relative_to(top).parts)
        dirs[:] = sorted(d for d in dirs if d.isidentifier() and depth + 1 < depth_limit)
        for name in sorted(files):
            if not name.endswith(".py") or not name[:-3].isidentifier():
                continue
            rel = Path(folder).relative_to(top).parts + ((name[:-3],) if name != "__init__.py" else ())
            if rel and matches(".".join(rel)):
                out.append(Path(folder) / name)
        if len(out) > 64:
            break
    return out


def _looks_like_namespace(folder: Path) -> bool:
    """A folder without __init__.py counts as a package only if it holds Python files."""
    try:
        return any(child.suffix == ".py" or (child / "__init__.py").is_file() for child in folder.iterdir())
    except OSError:
        return False


def _root_interpreter(interp):
    program = getattr(interp, "_tllint_program", None)
    if program is None:
        return interp
    # The root is the interpreter without a module file of its own.
    return interp if getattr(interp, "_tllint_file", None) is None else getattr(program, "root", None)


def _run_module_body(mod, caller) -> None:
    """Run an imported module's top level into the caller's program (not its main block)."""
    saved = (mod.events, mod.feeds, mod.backbones, mod.models, mod.datas, mod.layers, mod.applications, mod.cond, mod.iteration)
    mod.events, mod.feeds, mod.backbones, mod.models = caller.events, caller.feeds, caller.backbones, caller.models
    mod.datas, mod.layers, mod.applications = caller.datas, caller.layers, caller.applications
    mod.cond, mod.iteration = (), 0
    mod.steps = caller.steps
    try:
        for stmt in mod.module.body:
            if (isinstance(stmt, cst.If) and is_main_guard(stmt.test)):
                continue
            try:
                mod.exec_stmt(stmt)
            except Exception as exc:  # noqa: BLE001
                from tllint.engine.interpreter import Budget

                if isinstance(exc, Budget):
                    raise
                # A return/raise-like escape at module level: stop the module, keep what ran.
                if type(exc).__name__ == "_Return":
                    break
                raise
    finally:
        caller.steps = mod.steps
        (mod.events, mod.feeds, mod.backbones, mod.models, mod.datas, mod.layers, mod.applications, mod.cond, mod.iteration) = saved
        # Later calls into this module swap the caller's lists in again (Interpreter._call_in_module).
