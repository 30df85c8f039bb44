"""Configuration files of the project: `json.load(open("config.json"))`, `yaml.safe_load(open("config.yaml"))`.

A script that takes its backbone from `cfg["model"]["backbone"]` decides its branches on the
file's content. The engine reads such a file only through `ProjectModules.read_config` (a literal
relative path that exists in the project) and turns its content into values: a mapping becomes a
`DictV`, a list a `Seq`, a scalar a `Const`.

JSON goes through the `json` module. YAML is NOT parsed with PyYAML (not a dependency): `parse_yaml`
reads the block subset configuration files use and answers None (unknown: the whole file) for
anything else:

- block mappings (`key: value`, nested by indentation, spaces only), `#` comments, one document
  (an optional leading `---`);
- block sequences (`- item`) of scalars, flow sequences of scalars (`[a, b, 3]`);
- scalars as PyYAML's YAML 1.1 resolver reads them: quoted strings, `true/false/yes/no/on/off`
  (any case PyYAML accepts), `null`/`~`/empty, decimal integers, floats WITH a dot (`1e-3` is a
  string to PyYAML: unknown here, so no finding rests on it), other plain text as a string.
  Anchors, aliases, tags, block scalars (`|`, `>`), flow mappings, multi-line plain scalars and
  several documents make the file unknown.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tllint.engine.values import UNKNOWN, Const, DictV, Seq, Value

MAX_CONFIG_BYTES = 256 * 1024
MAX_DEPTH = 12

_UNKNOWN_SCALAR = object()
_BOOL = {**{w: True for w in ("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON")},
         **{w: False for w in ("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF")}}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?$|\.[0-9_]+(?:[eE][-+][0-9]+)?$")
_PLAIN = re.compile(r"[A-Za-z_/][\w./\- ]*$")  # identifiers, names, paths: a string to PyYAML
_ODD_INT = re.compile(r"[-+]?(?:0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+)$")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)$|\.(?:nan|NaN|NAN)$|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$")
_KEY = re.compile(r"""^(?P<key>"[^"\\]*"|'[^']*'|[A-Za-z0-9_][\w.\- ]*?)\s*:(?:\s+(?P<value>.*?))?\s*$""")


class _Unsupported(Exception):
    pass


def to_value(data: Any, depth: int = 0) -> Value:
    """Python data read from a config file as the engine's values."""
    if depth > MAX_DEPTH or data is _UNKNOWN_SCALAR:
        return UNKNOWN
    if isinstance(data, dict):
        return DictV({k: to_value(v, depth + 1) for k, v in data.items()})
    if isinstance(data, list):
        return Seq([to_value(v, depth + 1) for v in data], "list")
    if isinstance(data, (bool, int, float, str, type(None))):
        return Const(data)
    return UNKNOWN


def parse_json(text: str) -> Any | None:
    if len(text) > MAX_CONFIG_BYTES:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def parse_yaml(text: str) -> Any | None:
    """The block-mapping subset of YAML (module docstring), else None."""
    if len(text) > MAX_CONFIG_BYTES:
        return None
    try:
        lines = _lines(text)
        if not lines:
            return None
        value, rest = _block(lines, 0, lines[0][0], 0)
        if rest != len(lines):
            return None
        return value
    except (_Unsupported, RecursionError):
        return None


def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    seen_document = False
    for raw in text.splitlines():
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise _Unsupported()
        stripped = _strip_comment(raw).rstrip()
        if not stripped.strip():
            continue
        if stripped.startswith(("---", "...")) and stripped.strip() in ("---", "..."):
            if seen_document or out:
                raise _Unsupported()  # several documents
            seen_document = True
            continue
        if stripped.lstrip().startswith(("%", "!", "&", "*", "? ")):
            raise _Unsupported()
        out.append((len(stripped) - len(stripped.lstrip()), stripped.strip()))
    return out


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'" and (i == 0 or line[i - 1] in " [,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _block(lines, i: int, indent: int, depth: int) -> tuple[Any, int]:
    if depth > MAX_DEPTH:
        raise _Unsupported()
    if lines[i][1].startswith("- ") or lines[i][1] == "-":
        return _sequence(lines, i, indent, depth)
    return _mapping(lines, i, indent, depth)


def _mapping(lines, i: int, indent: int, depth: int) -> tuple[dict, int]:
    out: dict = {}
    while i < len(lines) and lines[i][0] == indent:
        match = _KEY.match(lines[i][1])
        if match is None:
            raise _Unsupported()
        key = _scalar(match.group("key"))
        if not isinstance(key, (str, int, bool)) or key in out:
            raise _Unsupported()  # a duplicate key: PyYAML keeps the last, too subtle to follow
        value_text = match.group("value")
        i += 1
        if value_text:
            out[key] = _inline(value_text)
        elif i < len(lines) and lines[i][0] > indent:
            out[key], i = _block(lines, i, lines[i][0], depth + 1)
        elif i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
            out[key], i = _sequence(lines, i, indent, depth + 1)  # `key:\n- a` (same indentation)
        else:
            out[key] = None
    if i < len(lines) and lines[i][0] > indent:
        raise _Unsupported()
    return out, i


def _sequence(lines, i: int, indent: int, depth: int) -> tuple[list, int]:
    out: list = []
    while i < len(lines) and lines[i][0] == indent and (lines[i][1].startswith("- ") or lines[i][1] == "-"):
        item = lines[i][1][1:].strip()
        if not item or _KEY.match(item):
            raise _Unsupported()  # nested blocks inside a sequence: not in the subset
        out.append(_inline(item))
        i += 1
    if i < len(lines) and lines[i][0] > indent:
        raise _Unsupported()
    return out, i


def _inline(text: str) -> Any:
    if text[:1] in "|>{&*!":
        raise _Unsupported()
    if text.startswith("["):
        if not text.endswith("]"):
            raise _Unsupported()
        inner = text[1:-1].strip()
        if not inner:
            return []
        if any(c in inner for c in "[]{}\"'"):
            raise _Unsupported()
        return [_scalar(part.strip()) for part in inner.split(",")]
    return _scalar(text)


def _scalar(text: str) -> Any:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        body = text[1:-1]
        return body if "\\" not in body else _UNKNOWN_SCALAR
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if text[:1] in "\"'":
        raise _Unsupported()
    if text in _BOOL:
        return _BOOL[text]
    if text in _NULL:
        return None
    if _INT.match(text):
        return int(text.replace("_", ""))
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        return float(text.replace("_", ""))
    if _PLAIN.match(text) and not _ODD_INT.match(text) and not _SPECIAL_FLOAT.match(text):
        return text
    return _UNKNOWN_SCALAR  # octal, hex, sexagesimal, dates, 1e-3 (a string to PyYAML), .inf ...


__all__ = ["MAX_CONFIG_BYTES", "parse_json", "parse_yaml", "to_value"]
