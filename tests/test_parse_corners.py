"""Source that CPython compiles in corners where LibCST differs (issue 18 item 2): every such file
is analysed, and findings land where CPython puts the statement (bench/parse_gaps.py measures
the same over site-packages and the real-code corpus)."""

from __future__ import annotations

import ast

import pytest

from tllint.analysis import analyze_source
from tllint.settings import Settings

HEAD = 'import keras\nbase = keras.applications.ResNet50(weights="imagenet", include_top=False)\n'
PROBE = "base.trainabel = False\n"  # TL208 at the attribute: an easy finding to place

# name -> text; PROBE marks where the finding must be (CPython's position of that statement).
CORNERS = {
    "backslash_only_line": HEAD + "x = 1\n\\\n" + PROBE,
    "indented_backslash_only_line": HEAD + "if True:\n    x = 1\n    \\\n    " + PROBE + "y = 2\n",
    "form_feed_before_code": HEAD + "\f" + PROBE,
    "form_feed_before_indented_code": HEAD + "if True:\n    x = 1\n\f    " + PROBE,
    "form_feed_line": HEAD + "x = 1\n\f\n" + PROBE,
    "form_feed_in_expression": HEAD + "x = (1,\f 2)\n" + PROBE,
    "tabs_and_spaces_per_block": HEAD + "if True:\n\tif True:\n\t    x = 1\n\t" + PROBE + "if True:\n    y = 2\n",
    "carriage_returns_only": (HEAD + "x = 1\n" + PROBE).replace("\n", "\r"),
    "mixed_line_endings": HEAD.replace("\n", "\r\n") + "x = 1\n" + PROBE,
    "carriage_return_in_comment": HEAD + "x = 1  # a\rb = 2\n" + PROBE,
    "line_separator_in_comment": HEAD + "x = 1  # a\u2028b\n" + PROBE,
    "backslash_continuation_with_tabs": HEAD + "if True:\n\tx = 1 + \\\n\t\t2\n\t" + PROBE,
}


def _cpython_position(text: str) -> tuple[int, int]:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Attribute) and node.attr == "trainabel":
            return node.lineno, node.col_offset + 1
    raise AssertionError("probe not found")


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_corner_is_analysed_at_cpython_positions(name):
    text = CORNERS[name]
    compile(text, name, "exec")  # CPython accepts every corner
    findings = analyze_source(text, f"{name}.py", Settings(), enabled={"TL208"})
    assert [f.code for f in findings] == ["TL208"], [(f.code, f.message) for f in findings]
    assert (findings[0].line, findings[0].column) == _cpython_position(text)


@pytest.mark.parametrize("name", ["backslash_only_line", "form_feed_before_code"])
def test_no_fix_where_libcst_dropped_text(name):
    # The fix's edits would be computed on LibCST's text, not the file's: none is offered.
    findings = analyze_source(CORNERS[name], f"{name}.py", Settings(), enabled={"TL208"})
    assert findings and all(f.fix is None for f in findings)


def test_libcst_rejection_of_python_says_so():
    import libcst as cst

    from tllint.parse import parse_error_finding

    try:
        cst.parse_module("x = (\n")
    except cst.ParserSyntaxError as exc:
        error = exc
    # What CPython accepts and LibCST rejects is reported as such, at LibCST's position.
    finding = parse_error_finding(error, "f.py", "x = 1\n")
    assert finding.message.startswith("cannot analyse: Python accepts this file, but LibCST")
    assert parse_error_finding(error, "f.py", "x = (\n").message.startswith("cannot parse:")


def _big_file_with_form_feeds() -> str:
    # Over slicing.MIN_LINES lines, page breaks (`^L`) between the functions, as in older code:
    # definitions are blanked by line number, so lines must be numbered as Python numbers them.
    parts = [HEAD, "\f\n"]
    for i in range(90):
        parts.append(f"def helper_{i}(x):\n    y = x + {i}\n    z = y * 2\n    return z - 1\n\f\n")
    return "".join(parts) + PROBE


def test_big_file_with_form_feeds_is_sliced_by_python_lines():
    text = _big_file_with_form_feeds()
    assert text.count("\n") > 400
    findings = analyze_source(text, "big.py", Settings(), enabled={"TL208", "TL000"})
    assert [(f.code, f.line, f.column) for f in findings] == [("TL208", *_cpython_position(text))]


def test_physical_lines_end_only_at_python_line_ends():
    from tllint.reading import physical_lines

    assert physical_lines("a\fb\nc\u2028d\r\ne\rf") == ["a\fb\n", "c\u2028d\r\n", "e\r", "f"]
