"""The language server's pure parts: noqa edits, settings, message and column conversion."""

from __future__ import annotations

import pytest

pytest.importorskip("pygls")

from tllint.finding import Finding  # noqa: E402
from tllint.fixes._edits import apply_edits  # noqa: E402
from tllint.lsp import convert  # noqa: E402
from tllint.lsp.actions import noqa_edit, wanted  # noqa: E402
from tllint.lsp.server import debounce_from  # noqa: E402
from tllint.noqa import parse_noqa  # noqa: E402


def suppressed(text: str, code: str, line: int) -> bool:
    return parse_noqa(text).suppresses(Finding(code, "", "info", "", "", line, 1, line, 1))


@pytest.mark.parametrize(
    "text, line, expected",
    [
        ("x = 1\n", 1, "x = 1  # noqa: TL201\n"),
        ("x = 1   \n", 1, "x = 1  # noqa: TL201\n"),  # trailing blanks replaced
        ("x = 1  # why\n", 1, "x = 1  # why  # noqa: TL201\n"),
        ("x = 1  # noqa:E501\n", 1, "x = 1  # noqa: E501, TL201\n"),
        ("x = 1  # noqa: TL101 keep this\n", 1, "x = 1  # noqa: TL101, TL201 keep this\n"),
        ("x = f(1,\n      2)\n", 1, "x = f(1,\n      2)  # noqa: TL201\n"),
        ("x = f(1,  # noqa: E501\n      2)\n", 2, "x = f(1,  # noqa: E501, TL201\n      2)\n"),
        ("x = 1\r\ny = 2\r\n", 1, "x = 1  # noqa: TL201\r\ny = 2\r\n"),
        ('s = """a\nb"""\n', 1, 's = """a\nb"""  # noqa: TL201\n'),
        ("if x:\n    y = 1\n", 1, "if x:  # noqa: TL201\n    y = 1\n"),
        ("x = 1 + \\\n    2\n", 1, "x = 1 + \\\n    2  # noqa: TL201\n"),  # after a backslash continuation
    ],
)
def test_noqa_edit_is_read_back(text, line, expected):
    edit = noqa_edit(text, "TL201", line)
    new = apply_edits(text, [edit])
    assert new == expected
    assert suppressed(new, "TL201", line)


@pytest.mark.parametrize(
    "text, line",
    [
        ("x = 1  # noqa\n", 1),  # a blanket directive already covers it
        ("x = 1  # noqa: TL2\n", 1),  # so does a prefix
        ("\n# just a comment\n", 2),  # no statement on the line
        ("x = (\n", 1),  # does not tokenize
    ],
)
def test_noqa_edit_refused(text, line):
    assert noqa_edit(text, "TL201", line) is None


def test_debounce_settings():
    assert debounce_from({"debounceMs": 50}) == (True, 50.0)
    assert debounce_from({"tllint": {"debounceMs": 0}}) == (True, 0.0)
    assert debounce_from({"tllint": {"debounceMs": "50"}}) == (True, None)
    assert debounce_from({"debounceMs": True}) == (True, None)
    assert debounce_from({"debounceMs": 20000}) == (True, None)
    assert debounce_from({"other": 1}) == (False, None)
    assert debounce_from(None) == (False, None)


def test_code_action_kind_filter():
    assert wanted(None, "quickfix") and wanted(None, "source.fixAll.tllint")
    assert wanted(["source"], "source.fixAll.tllint") and wanted(["source.fixAll"], "source.fixAll.tllint")
    assert not wanted(["source"], "quickfix") and not wanted(["source.organizeImports"], "source.fixAll.tllint")


def test_message_is_title_then_explanation():
    finding = Finding("TL102", "n", "error", "pixels in [0, 1] reach X.", "p.py", 1, 1, 1, 2)
    assert convert.diagnostic_message(finding) == "pixels in [0, 1] reach X."
    finding.title = "X is fed [0, 1] pixels"
    assert convert.diagnostic_message(finding) == "X is fed [0, 1] pixels\npixels in [0, 1] reach X."


@pytest.mark.parametrize("encoding, column, past_end", [("utf-16", 4, 8), ("utf-8", 7, 11), ("utf-32", 3, 7)])
def test_columns_per_encoding(encoding, column, past_end):
    line = "é😀x y"  # é: 1 UTF-16 unit, 2 UTF-8 bytes; 😀: 2 units, 4 bytes
    convert.set_position_encoding(encoding)
    try:
        assert convert.lsp_column(line, 3) == column
        assert convert.char_column(line, column) == 3
        assert convert.lsp_column(line, 7) == past_end  # 2 past the end of the line
    finally:
        convert.set_position_encoding("utf-16")
