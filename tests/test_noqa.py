"""`# noqa` (flake8 semantics), `# tllint: noqa` for the whole file, and TL001."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tllint.noqa import file_is_skipped, parse_noqa
from tllint.linter import lint_text
from tllint.settings import Settings

pytest_plugins = ("cli_fixtures",)  # fixtures: fake_rules, run_cli


def codes(text: str, settings: Settings | None = None) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in lint_text("import keras\n" + text, "t.py", settings or Settings())]


@pytest.mark.parametrize(
    "comment",
    [
        "# noqa",
        "# NOQA",
        "#noqa",
        "# noqa: TL101",
        "# noqa:TL101",
        "# noqa: tl101",
        "# noqa: E501,TL101",
        "# noqa: E501 TL101",
        "# noqa: TL1",
        "# noqa: TL",
        "# type: ignore # noqa: TL101",
        "# noqa : TL201",  # not the codes form: flake8 reads it as blanket
    ],
)
def test_suppressed(fake_rules, comment):
    assert codes(f"x = fire_tl101()  {comment}\n") == []


@pytest.mark.parametrize(
    "comment", ["# noqa: TL201", "# noqa: TL102", "# noqa: TL11", "# noqa: E501", "# noqa:TL1011", "# no qa"]
)
def test_not_suppressed(fake_rules, comment):
    assert codes(f"x = fire_tl101()  {comment}\n") == [(2, "TL101")]


def test_only_listed_codes_are_suppressed(fake_rules):
    assert codes("fire_tl101(); fire_tl201()  # noqa: TL201\n") == [(2, "TL101")]


def test_noqa_inside_a_string_does_not_count(fake_rules):
    assert codes('fire_tl101(); s = "# noqa"\n') == [(2, "TL101")]
    assert codes('s = """\n# noqa\n"""; fire_tl101()\n') == [(4, "TL101")]


def test_noqa_applies_to_the_line_of_the_finding_only(fake_rules):
    assert codes("# noqa\nfire_tl101()\n") == [(3, "TL101")]


def test_noqa_at_the_end_of_a_multiline_statement_covers_it(fake_rules):
    source = "x = f(\n    fire_tl101(),\n)  # noqa: TL101\ny = fire_tl201()\n"
    assert codes(source) == [(5, "TL201")]


def test_file_level_noqa_in_the_first_lines(fake_rules):
    assert codes("# tllint: noqa\nfire_tl101()\n") == []
    assert file_is_skipped("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n\n# TLLINT: NOQA\nimport keras\n")


def test_file_level_noqa_in_a_comment_block_before_the_first_statement():
    header = "".join(f"# licence line {i}\n" for i in range(10))
    assert file_is_skipped(header + "\n# tllint: noqa\nimport keras\n")
    assert not file_is_skipped("import os\n" * 6 + "# tllint: noqa\n")


def test_file_level_noqa_must_be_a_comment():
    assert not file_is_skipped('x = "# tllint: noqa"\n')
    assert not file_is_skipped("# tllint noqa is not the marker\n")


def test_unused_noqa_reported_when_selected(fake_rules):
    on = Settings(extend_select=("TL001",))
    source = "fire_tl101()  # noqa: TL101, TL2\nx = 1  # noqa: TL301\ny = 2  # noqa\nz = 3  # noqa: E501\n"
    found = lint_text("import keras\n" + source, "t.py", on)
    assert [(f.line, f.column, f.code, f.message) for f in found] == [
        (2, 15, "TL001", "unused `noqa` directive (unused: TL2)"),
        (3, 8, "TL001", "unused `noqa` directive (unused: TL301)"),
    ]
    assert codes(source) == []  # off by default


def test_unused_noqa_respects_ignore(fake_rules):
    source = "import keras\nx = 1  # noqa: TL301\n"
    assert lint_text(source, "t.py", Settings(extend_select=("TL001",), ignore=("TL001",))) == []


def test_tl000_is_not_hidden_by_a_line_noqa(fake_rules):
    found = lint_text("import keras\nx = (  # noqa\n", "t.py", Settings())
    assert [f.code for f in found] == ["TL000"]


def test_parse_noqa_on_untokenizable_source_falls_back_to_text():
    noqa = parse_noqa('x = "a # b"  # noqa: TL101\ndef (:\n  """\n')
    assert [(d.line, d.codes) for d in noqa.directives] == [(1, ("TL101",))]


def apply_edits(source: str, edits) -> str:
    lines = source.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        assert edit.line == edit.end_line
        text = lines[edit.line - 1]
        lines[edit.line - 1] = text[: edit.column - 1] + edit.text + text[edit.end_column - 1 :]
    return "".join(lines)


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("fire_tl101()  # noqa: TL101, TL204", "fire_tl101()  # noqa: TL101"),
        ("x = 1  # noqa: TL204", "x = 1"),
        ("x = 1  # noqa:TL204,tl3 because", "x = 1  # because"),
        ("x = 1  # why: # noqa: TL204", "x = 1  # why:"),
    ],
)
def test_unused_noqa_fix(fake_rules, line, fixed):
    source = f"import keras\n{line}\n"
    (finding,) = lint_text(source, "t.py", Settings(extend_select=("TL001",)))
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert apply_edits(source, finding.fix.edits) == f"import keras\n{fixed}\n"


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_noqa_parsing_never_raises(text):
    noqa = parse_noqa(text)
    assert all(d.line >= 1 and d.column >= 1 for d in noqa.directives)
    file_is_skipped(text)


PIECES = ["x = 1", "# noqa", "# noqa: TL101", "'''", '"# noqa"', "(", ")", "\\", "# tllint: noqa", ""]


@given(st.lists(st.sampled_from(PIECES), max_size=12))
@settings(max_examples=300, deadline=None)
def test_noqa_directives_are_comments_only(lines):
    source = "\n".join(lines) + "\n"
    for directive in parse_noqa(source).directives:
        assert directive.comment.lstrip().startswith("#")
