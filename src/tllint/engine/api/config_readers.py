"""`open()` of a project file and the json / PyYAML readers that turn it into a configuration.

`with open("config.yaml") as f: cfg = yaml.safe_load(f)` and `json.load(open("cfg.json"))` with
a literal relative path give the file's content as values (engine/config_files.py), so
`cfg["model"]["backbone"]` is a constant engine/branches.py can decide on. The file is read
through the project (`ProjectModules.read_config`): a path that does not exist in the project, a
file linted without one, a path built at run time or a mode other than reading: unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from tllint.engine import registry
from tllint.engine.api.support import kw
from tllint.engine.config_files import parse_json, parse_yaml, to_value
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, Const, Ref, Value


@dataclass(eq=False)
class OpenFile(Value):
    """A file of the project opened for reading text, by its literal path."""

    path: str


def _read(interp: InterpreterApi, path: str) -> str | None:
    project = getattr(interp, "project", None)
    reader = getattr(project, "read_config", None)
    return reader(interp, path) if reader is not None else None


@registry.builtin("open")
def _open(interp: InterpreterApi, ref, args, kwargs, node) -> Value:
    path = kw(args, kwargs, "file", 0)
    mode = kw(args, kwargs, "mode", 1, Const("r"))
    if not (isinstance(path, Const) and isinstance(path.value, str) and isinstance(mode, Const)):
        return UNKNOWN
    if mode.value not in ("r", "rt", "rb"):
        return UNKNOWN
    return OpenFile(path.value)


@registry.hook("attribute", OpenFile)
def _file_attribute(interp: InterpreterApi, obj: OpenFile, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.method(OpenFile, "read")
def _file_read(interp: InterpreterApi, obj: OpenFile, name: str, args, kwargs, node) -> Value:
    if args or kwargs:
        return UNKNOWN
    text = _read(interp, obj.path)
    return Const(text) if text is not None else UNKNOWN


def _loaded(interp: InterpreterApi, source: Value, parse) -> Value:
    if isinstance(source, OpenFile):
        text = _read(interp, source.path)
    elif isinstance(source, Const) and isinstance(source.value, str):
        text = source.value  # `yaml.safe_load(f.read())`, `json.loads(text)`
    else:
        return UNKNOWN
    if text is None:
        return UNKNOWN
    data = parse(text)
    return to_value(data) if data is not None else UNKNOWN


@registry.function("json.load", "json.loads")
def _json_load(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    if len(args) != 1 or kwargs:
        return UNKNOWN  # object_hook=, parse_float=...: not what json alone gives
    return _loaded(interp, args[0], parse_json)


@registry.function("yaml.safe_load", "yaml.full_load")
def _yaml_safe_load(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    source = kw(args, kwargs, "stream", 0)
    return _loaded(interp, source, parse_yaml) if len(args) + len(kwargs) == 1 else UNKNOWN


@registry.function("yaml.load")
def _yaml_load(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`yaml.load(f, Loader=yaml.SafeLoader | FullLoader | Loader)`: the plain subset reads the same."""
    loader = kw(args, kwargs, "Loader", 1)
    if not isinstance(loader, Ref) or loader.name.rsplit(".", 1)[-1] not in ("SafeLoader", "FullLoader", "Loader", "CSafeLoader", "CLoader"):
        return UNKNOWN
    return _loaded(interp, kw(args, kwargs, "stream", 0), parse_yaml)


__all__ = ["OpenFile"]
