"""Reading a file's bytes and decoding them the way Python reads a module (sources layer)."""

from __future__ import annotations

import codecs
import io
import re
import stat
import tokenize
from pathlib import Path

BINARY_SNIFF = 8192
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def physical_lines(text: str) -> list[str]:
    """The lines Python numbers (ends kept): only `\n`, `\r\n` and `\r` end one. `str.splitlines`
    also ends lines at form feeds, `\v`, `\x1c`-`\x1e`, `\x85`, U+2028 and U+2029, which
    CPython, LibCST and editors keep inside a line: line numbers from it drift after such a character."""
    return _PHYSICAL_LINE.findall(text)


class Unreadable(Exception):
    """A file's bytes cannot become text; the message says why, the position where."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def decode_source(data: bytes) -> str:
    """Bytes to text the way Python reads a module: BOM, PEP 263 cookie, else UTF-8."""
    if b"\0" in data[:BINARY_SNIFF]:
        raise Unreadable("binary file (contains NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise Unreadable(f"cannot decode: {exc.msg if hasattr(exc, 'msg') else exc}", exc.lineno or 1) from None
    try:
        codecs.lookup(encoding)
        text = data.decode(encoding)
    except LookupError:
        raise Unreadable(f"cannot decode: unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise Unreadable(f"cannot decode as {encoding}: invalid byte 0x{data[exc.start]:02x}", line, column) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def read_source(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise Unreadable("cannot read: is a directory")
    if not stat.S_ISREG(mode):
        # Reading a FIFO without a writer would block the run forever.
        raise Unreadable("cannot read: not a regular file (a FIFO, socket or device)")
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise Unreadable("cannot read: is a directory") from None
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    return decode_source(data)
