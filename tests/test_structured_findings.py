"""Titles and related locations in every output format (issue 20): text (concise and full), JSON
(against docs/json-output.schema.json), SARIF (against the SARIF 2.1.0 schema), GitHub annotations,
JUnit, the flake8 plugin; notebook cells, the cache and baseline fingerprints."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from cli_support import REPO, SARIF_SCHEMA, write

from tllint.baseline import fingerprints
from tllint.cache import finding_from_json, finding_to_json
from tllint.finding import Edit, Finding, Fix, Related
from tllint.formats import Context, render

pytest_plugins = ("cli_fixtures",)  # fixtures: fake_rules, run_cli

JSON_SCHEMA = REPO / "docs" / "json-output.schema.json"
EXAMPLE = REPO / "examples" / "unfreeze_without_recompile.py"

TRAIN = """import keras

train_ds = keras.utils.image_dataset_from_directory(
    "data/train", image_size=(224, 224))
train_ds = train_ds.map(lambda x, y: (x / 255.0, y))
base = keras.applications.MobileNetV2(include_top=False)
x = base(inputs)
"""
DATA = 'import keras\ndef make():\n\treturn keras.utils.image_dataset_from_directory("data")\n'


def chain_finding(**changes) -> Finding:
    values = dict(
        code="TL102", name="wrong-preprocessing", severity="error",
        message="pixels in [0, 1] after `x / 255.0` (line 5) reach MobileNetV2, whose weights expect [-1, 1]. "
        "Fix: use `mobilenet_v2.preprocess_input` instead.",
        path="train.py", line=7, column=5, end_line=7, end_column=17,
        title="MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]",
        related=[
            Related("pixels loaded here (0..255)", 3, 12, 4, 41),
            Related("rescaled to [0, 1] here", 5, 39, 5, 48),
            Related("backbone built here", 6, 8, 6, 57),
            Related("loaded in data.py", 3, 9, 3, 55, path="data.py"),
        ],
    )
    values.update(changes)
    return Finding(**values)


@pytest.fixture
def sarif_schema():
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (../shared beside the checkout)")
    return json.loads(SARIF_SCHEMA.read_text())


@pytest.fixture
def json_schema():
    return json.loads(JSON_SCHEMA.read_text())


@pytest.fixture
def example(tmp_path):
    """examples/unfreeze_without_recompile.py: TL101 at 25 (pixels loaded at 14), TL202 at 38
    (trained at 35, trained again at 39)."""
    shutil.copy(EXAMPLE, tmp_path / "train.py")
    return tmp_path


# ---------------------------------------------------------------------- text
def test_concise_line_is_the_title_and_falls_back_to_the_message():
    titled, plain = chain_finding(), chain_finding(title="", related=[])
    out = render("text", [titled, plain], Context())
    assert out.splitlines() == [
        "train.py:7:5: TL102 MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]",
        f"train.py:7:5: TL102 {plain.message}",
    ]


def test_full_view_shows_carets_labelled_related_places_explanation_and_help(tmp_path):
    write(tmp_path / "data.py", DATA)  # the related place in another file is read from disk
    context = Context(sources={"train.py": TRAIN}, show_source=True, cwd=tmp_path)
    assert render("text", [chain_finding()], context).splitlines() == [
        "train.py:7:5: TL102 MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]",
        "7 | x = base(inputs)",
        "  |     ^^^^^^^^^^^^",
        "  ...",
        " --> train.py:3:12",
        "3 | train_ds = keras.utils.image_dataset_from_directory(",
        "  |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ - pixels loaded here (0..255)",
        "  ...",
        " --> train.py:5:39",
        "5 | train_ds = train_ds.map(lambda x, y: (x / 255.0, y))",
        "  |                                       ^^^^^^^^^ - rescaled to [0, 1] here",
        " --> train.py:6:8",
        "6 | base = keras.applications.MobileNetV2(include_top=False)",
        "  |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ - backbone built here",
        " --> data.py:3:9",
        "3 |  return keras.utils.image_dataset_from_directory(\"data\")",
        "  |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ - loaded in data.py",
        "  |",
        "  = pixels in [0, 1] after `x / 255.0` (line 5) reach MobileNetV2, whose weights expect [-1, 1].",
        "  = help: use `mobilenet_v2.preprocess_input` instead.",
    ]


def test_full_view_help_is_the_fix_description_and_long_messages_wrap():
    fix = Fix("unsafe", "Apply `mobilenet_v2.preprocess_input` before MobileNetV2", [Edit(7, 10, 7, 16, "p(inputs)")])
    finding = chain_finding(related=[], fix=fix, message="word " * 50)
    lines = render("text", [finding], Context(sources={"train.py": TRAIN}, show_source=True)).splitlines()
    assert lines[3:] == [
        "  |",
        "  = " + ("word " * 20).strip(),
        "    " + ("word " * 20).strip(),
        "    " + ("word " * 10).strip(),
        "  = help: Apply `mobilenet_v2.preprocess_input` before MobileNetV2",
    ]


def test_full_view_without_title_adds_nothing_the_line_already_says():
    lines = render("text", [chain_finding(title="", related=[])], Context(sources={"train.py": TRAIN}, show_source=True))
    assert lines.splitlines()[1:] == ["7 | x = base(inputs)", "  |     ^^^^^^^^^^^^"]


def test_multi_line_span_gets_carets_to_the_end_of_its_first_line():
    finding = chain_finding(line=3, column=12, end_line=4, end_column=41, related=[], title="")
    lines = render("text", [finding], Context(sources={"train.py": TRAIN}, show_source=True)).splitlines()
    assert lines[2] == "  |            " + "^" * len("keras.utils.image_dataset_from_directory(")


def test_carets_line_up_under_wide_characters():
    source = 'print("训练模型"); base.trainable = True\n'
    finding = chain_finding(line=1, column=16, end_line=1, end_column=37, related=[], title="")
    lines = render("text", [finding], Context(sources={"train.py": source}, show_source=True)).splitlines()
    # 7 narrow characters, 4 wide ones (2 columns each), 4 narrow ones: 19 columns before the span.
    assert lines[2] == "  | " + " " * 19 + "^" * len("base.trainable = True")


def test_full_view_colours_only_when_asked():
    context = Context(sources={"train.py": TRAIN}, show_source=True)
    assert "\033[" not in render("text", [chain_finding()], context)
    coloured = render("text", [chain_finding()], dataclasses.replace(context, color=True))
    assert "\033[1;31m^^^^^^^^^^^^\033[0m" in coloured
    assert "\033[1;34m^^^^^^^^^ - rescaled to [0, 1] here\033[0m" in coloured


def test_output_format_full_is_show_source(run_cli, example):
    _, full, _ = run_cli("--no-cache", "--output-format", "full", "train.py", cwd=example)
    _, shown, _ = run_cli("--no-cache", "--show-source", "train.py", cwd=example)
    _, concise, _ = run_cli("--no-cache", "--output-format", "concise", "train.py", cwd=example)
    assert full == shown and len(full.splitlines()) > len(concise.splitlines()) == 2


def test_full_view_of_a_real_chain_points_at_the_right_lines(run_cli, example):
    """The snippet lines, caret lines and labels of the CLI's full output, against its JSON."""
    _, out, _ = run_cli("--no-cache", "--output-format", "full", "train.py", cwd=example)
    _, data, _ = run_cli("--no-cache", "--format", "json", "train.py", cwd=example)
    findings = json.loads(data)
    source = (example / "train.py").read_text().splitlines()
    lines = out.splitlines()
    tl202 = next(f for f in findings if f["code"] == "TL202")
    assert tl202["line"] == 38 and {35, 39} <= {r["line"] for r in tl202["related"]}
    start = lines.index(f"train.py:38:1: TL202 {tl202['title']}")
    assert lines[start + 1 : start + 3] == ["38 | base.trainable = True", "   | " + "^" * len("base.trainable = True")]
    for r in tl202["related"]:
        at = lines.index(f"  --> train.py:{r['line']}:{r['column']}", start)
        text = source[r["line"] - 1]
        assert lines[at + 1] == f"{r['line']} | {text}"
        first_line_end = r["end_column"] if r["end_line"] == r["line"] else len(text.rstrip()) + 1
        carets = "^" * (first_line_end - r["column"])
        assert lines[at + 2] == "   | " + " " * (r["column"] - 1) + f"{carets} - {r['label']}"
    tl101 = next(f for f in findings if f["code"] == "TL101")
    assert 14 in {r["line"] for r in tl101["related"]}
    assert "  --> train.py:14:13" in lines


def test_full_view_reads_a_related_place_in_another_module(run_cli, tmp_path):
    """Project mode: train.py feeds data.py's pixels to model.py's backbone; the finding is in
    model.py and the loader's line is read from data.py."""
    shutil.copytree(REPO / "tests" / "projects" / "no_preprocessing", tmp_path / "p")
    _, data, _ = run_cli("--no-cache", "--select=TL101", "--format", "json", "p/train.py", cwd=tmp_path)
    [finding] = json.loads(data)
    [loader] = [r for r in finding["related"] if r.get("path") == "p/data.py"]
    _, out, _ = run_cli("--no-cache", "--select=TL101", "--show-source", "p/train.py", cwd=tmp_path)
    text = (tmp_path / "p" / "data.py").read_text().splitlines()[loader["line"] - 1]
    lines = out.splitlines()
    at = lines.index(f"  --> p/data.py:{loader['line']}:{loader['column']}")
    assert lines[at + 1] == f"{loader['line']:>2} | {text}"
    assert lines[at + 2].endswith(f"^ - {loader['label']}")


# ---------------------------------------------------------------------- JSON
def test_json_carries_title_and_related_and_matches_the_schema(json_schema):
    import jsonschema

    everything = chain_finding(
        cell=2, fix=Fix("safe", "d", [Edit(1, 1, 1, 2, "x")]), keras="3",
        confirmation={"status": "confirmed", "evidence": "0..1 entered"}, source="confirm",
        related=[Related("compiled here", 3, 1, 3, 9, cell=1), Related("in data.py", 2, 1, 2, 5, path="data.py")],
    )
    data = json.loads(render("json", [everything, chain_finding(title="", related=[])], Context()))
    jsonschema.validate(data, json_schema)
    assert data[0]["title"] == "MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]"
    assert data[0]["related"] == [
        {"label": "compiled here", "line": 3, "column": 1, "end_line": 3, "end_column": 9, "cell": 1},
        {"label": "in data.py", "line": 2, "column": 1, "end_line": 2, "end_column": 5, "path": "data.py"},
    ]
    assert (data[1]["title"], data[1]["related"]) == (data[1]["message"], [])


def test_json_of_the_examples_matches_the_schema(run_cli, json_schema):
    import jsonschema

    _, out, _ = run_cli("--no-cache", "--exit-zero", "--format", "json", str(REPO / "examples"))
    data = json.loads(out)
    jsonschema.validate(data, json_schema)
    assert data and all(f["title"] for f in data)


def test_the_documented_example_matches_the_schema(json_schema):
    import jsonschema

    page = (REPO / "docs" / "json-output.md").read_text()
    example = page.split("```json\n", 1)[1].split("```", 1)[0]
    jsonschema.validate(json.loads(example), json_schema)


def test_json_schema_rejects_a_finding_without_related(json_schema):
    import jsonschema

    data = json.loads(render("json", [chain_finding()], Context()))
    del data[0]["related"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema)


# ---------------------------------------------------------------------- SARIF
def test_sarif_related_locations_code_flow_and_fix(sarif_schema, tmp_path):
    import jsonschema

    fix = Fix("unsafe", "Apply preprocess_input", [Edit(7, 10, 7, 16, "p(inputs)"), Edit(1, 1, 1, 1, "import p\n")])
    log = json.loads(render("sarif", [chain_finding(fix=fix)], Context(cwd=tmp_path)))
    jsonschema.validate(log, sarif_schema)
    result = log["runs"][0]["results"][0]
    assert result["message"]["text"] == (
        "MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]. pixels in [0, 1] after `x / 255.0` (line 5) reach "
        "MobileNetV2, whose weights expect [-1, 1]. Fix: use `mobilenet_v2.preprocess_input` instead. Related: "
        "[pixels loaded here (0..255)](1), [rescaled to \\[0, 1\\] here](2), [backbone built here](3), [loaded in data.py](4)."
    )
    related = result["relatedLocations"]
    assert [(r["id"], r["message"]["text"], r["physicalLocation"]["artifactLocation"]["uri"],
             r["physicalLocation"]["region"]["startLine"]) for r in related] == [
        (1, "pixels loaded here (0..255)", "train.py", 3),
        (2, "rescaled to [0, 1] here", "train.py", 5),
        (3, "backbone built here", "train.py", 6),
        (4, "loaded in data.py", "data.py", 3),
    ]
    assert related[0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 12, "endLine": 4, "endColumn": 41}
    # Another file in the chain: the primary goes last (where the pixels reach the backbone).
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [(s["location"]["physicalLocation"]["region"]["startLine"], s["location"]["message"]["text"]) for s in steps] == [
        (3, "pixels loaded here (0..255)"), (5, "rescaled to [0, 1] here"), (6, "backbone built here"),
        (3, "loaded in data.py"), (7, "MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]"),
    ]
    assert result["fixes"] == [{
        "description": {"text": "Apply preprocess_input"},
        "artifactChanges": [{"artifactLocation": {"uri": "train.py"}, "replacements": [
            {"deletedRegion": {"startLine": 7, "startColumn": 10, "endLine": 7, "endColumn": 16},
             "insertedContent": {"text": "p(inputs)"}},
            {"deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
             "insertedContent": {"text": "import p\n"}},
        ]}],
        "properties": {"applicability": "unsafe"},
    }]


def test_sarif_without_related_or_title_keeps_the_plain_result(sarif_schema):
    import jsonschema

    log = json.loads(render("sarif", [chain_finding(title="", related=[])], Context()))
    jsonschema.validate(log, sarif_schema)
    result = log["runs"][0]["results"][0]
    assert result["message"] == {"text": chain_finding().message}
    assert not {"relatedLocations", "codeFlows", "fixes"} & set(result)


def test_sarif_code_flows_only_for_pixel_paths_and_timelines():
    findings = [chain_finding(code=code, name="n") for code in ("TL102", "TL202", "TL301", "TL401")]
    results = json.loads(render("sarif", findings, Context()))["runs"][0]["results"]
    assert [("codeFlows" in r, "relatedLocations" in r) for r in results] == [(True, True), (True, True),
                                                                              (False, True), (False, True)]


def test_sarif_of_a_real_timeline_points_at_the_right_lines(run_cli, example, sarif_schema):
    import jsonschema

    _, out, _ = run_cli("--no-cache", "--format", "sarif", "train.py", cwd=example)
    log = json.loads(out)
    jsonschema.validate(log, sarif_schema)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    tl202 = results["TL202"]
    related = {r["physicalLocation"]["region"]["startLine"]: r["message"]["text"] for r in tl202["relatedLocations"]}
    assert {35, 39} <= set(related)
    steps = [s["location"]["physicalLocation"]["region"]["startLine"]
             for s in tl202["codeFlows"][0]["threadFlows"][0]["locations"]]
    # The timeline in execution order, the unfreeze at 38 between the fit at 35 and the fit at 39.
    assert steps == sorted(steps) and 38 in steps and steps.index(35) < steps.index(38) < steps.index(39)
    assert all(f"]({r['id']})" in tl202["message"]["text"] for r in tl202["relatedLocations"])
    tl101 = results["TL101"]
    assert tl101["locations"][0]["physicalLocation"]["region"]["startLine"] == 25
    assert 14 in [s["location"]["physicalLocation"]["region"]["startLine"]
                  for s in tl101["codeFlows"][0]["threadFlows"][0]["locations"]]
    replacements = tl101["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacements[0]["deletedRegion"]["startLine"] == 25


# ---------------------------------------------------------------------- GitHub, JUnit, flake8
def test_github_title_is_the_annotation_title_and_the_body_lists_the_chain():
    line = render("github", [chain_finding(message="50% off, see: here")], Context())
    assert line == (
        "::error file=train.py,line=7,col=5,endLine=7,endColumn=17,"
        "title=TL102 MobileNetV2 is fed [0%2C 1] pixels; it expects [-1%2C 1]::50%25 off, see: here%0A%0A"
        "line 3: pixels loaded here (0..255)%0Aline 5: rescaled to [0, 1] here%0Aline 6: backbone built here%0A"
        "data.py line 3: loaded in data.py\n"
    )
    cell = render("github", [chain_finding(cell=4, related=[Related("fit here", 2, 1, 2, 5, cell=3)])], Context())
    assert cell.endswith("%0A%0Acell 3, line 2: fit here\n") and "::cell 4: pixels" in cell


def test_junit_failure_uses_the_title_and_lists_the_chain():
    import xml.etree.ElementTree as ET

    out = render("junit", [chain_finding(related=chain_finding().related[:1])], Context(files=["train.py"]))
    failure = ET.fromstring(out).find("testsuite/testcase/failure")
    assert failure.get("message") == "TL102: MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]"
    assert failure.text.endswith("\n  train.py:3:12: pixels loaded here (0..255)")


def test_flake8_plugin_prints_the_title(monkeypatch, tmp_path):
    import tllint.linter
    from tllint.flake8_plugin import TllintChecker

    path = str(tmp_path / "train.py")
    monkeypatch.setattr(tllint.linter, "safe_analyze", lambda *args: [chain_finding(path=path)])
    results = list(TllintChecker(None, path, TRAIN.splitlines(True)).run())
    assert [r[:3] for r in results] == [(7, 4, "TL102 MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]")]


# ---------------------------------------------------------------------- notebooks, cache, baseline
def _notebook(cells: list[str]) -> str:
    raw = [{"cell_type": "markdown", "metadata": {}, "source": "# Fine-tuning"}]
    raw += [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for c in cells]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": raw})


def test_notebook_related_places_map_to_their_cell_and_line(run_cli, example):
    """The example split into three code cells (after a markdown cell): each related place is
    the same source line as in the script, named by its cell and its line within the cell."""
    lines = (example / "train.py").read_text().split("\n")
    cuts = [(0, 20), (20, 30), (30, len(lines))]
    write(example / "nb.ipynb", _notebook(["\n".join(lines[a:b]) for a, b in cuts]))
    _, script, _ = run_cli("--no-cache", "--format", "json", "train.py", cwd=example)
    _, notebook, _ = run_cli("--no-cache", "--format", "json", "nb.ipynb", cwd=example)
    first_line = {index: a for index, (a, _) in enumerate(cuts, 2)}  # cell index -> 0-based first line
    by_code = {f["code"]: f for f in json.loads(script)}
    found = json.loads(notebook)
    assert [f["code"] for f in found] == sorted(by_code) and found
    for f in found:
        want = by_code[f["code"]]
        assert first_line[f["cell"]] + f["line"] == want["line"]
        assert [(first_line[r["cell"]] + r["line"], r["column"], r["label"].split(" line ")[0])
                for r in f["related"]] == [(r["line"], r["column"], r["label"].split(" line ")[0]) for r in want["related"]]
        assert all(first_line[r["cell"]] + r["end_line"] == w["end_line"] for r, w in zip(f["related"], want["related"]))
    # --show-source reads the related lines from the cells.
    _, out, _ = run_cli("--no-cache", "--show-source", "nb.ipynb", cwd=example)
    tl101 = next(f for f in found if f["code"] == "TL101")
    loader = next(r for r in tl101["related"] if first_line[r["cell"]] + r["line"] == 14)
    assert f" --> nb.ipynb:cell {loader['cell']}:{loader['line']}:{loader['column']}" in out
    assert f"{loader['line']} |     train = tf.keras.utils.image_dataset_from_directory(" in out


def test_places_in_a_notebook_of_a_module_finding_get_their_cell(run_cli, tmp_path):
    """pipeline.py rescales what explore.ipynb feeds to its backbone: the finding is in the module,
    its backbone and fit places are in cell 3 of the notebook, with lines counted in the cell."""
    shutil.copytree(REPO / "tests" / "notebooks" / "with_local_module", tmp_path / "w")
    _, data, _ = run_cli("--no-cache", "--format", "json", "w", cwd=tmp_path)
    [finding] = json.loads(data)
    assert finding["path"] == "w/pipeline.py"
    in_notebook = [r for r in finding["related"] if r.get("path") == "w/explore.ipynb"]
    assert in_notebook and all(r["cell"] == 3 for r in in_notebook)
    cells = json.loads((tmp_path / "w" / "explore.ipynb").read_text())["cells"]
    cell3 = "".join(cells[2]["source"]).splitlines()
    assert any(cell3[r["line"] - 1][r["column"] - 1 :].startswith("model.fit(") for r in in_notebook)
    _, out, _ = run_cli("--no-cache", "--show-source", "w", cwd=tmp_path)
    lines = out.splitlines()
    for r in in_notebook:
        at = lines.index(f" --> w/explore.ipynb:cell 3:{r['line']}:{r['column']}")
        assert lines[at + 1] == f"{r['line']} | {cell3[r['line'] - 1]}"


def test_related_round_trips_through_the_cache_format():
    finding = chain_finding(cell=3, related=[Related("fit", 2, 1, 2, 9, cell=2), Related("m", 1, 1, 1, 2, path="m.py")])
    again = finding_from_json(json.loads(json.dumps(finding_to_json(finding))))
    assert again == finding and isinstance(again.related[0], Related)


def test_warm_cache_run_keeps_titles_and_related(run_cli, example):
    cold = run_cli("--format", "json", "train.py", cwd=example)[1]
    warm = run_cli("--format", "json", "train.py", cwd=example)[1]
    assert cold == warm and json.loads(warm)[0]["related"]


def test_baseline_fingerprints_ignore_title_and_related():
    bare = chain_finding(title="", related=[], statement="x = base(inputs)")
    assert fingerprints([chain_finding(statement="x = base(inputs)")], {}) == fingerprints([bare], {})


# ---------------------------------------------------------------------- README
@pytest.mark.parametrize("marker", ["sample", "show-source"])
def test_readme_output_samples_are_real_output(run_cli, marker):
    """The README's console samples are what tllint prints today; after changing a rule's title,
    labels or message, `python tools/render_readme.py` rewrites them."""
    import shlex

    readme = (REPO / "README.md").read_text()
    block = readme.split(f"<!-- {marker}:start -->", 1)[1].split(f"<!-- {marker}:end -->", 1)[0]
    lines = block.strip().removeprefix("```console").removesuffix("```").strip("\n").splitlines()
    command = shlex.split(lines[0].removeprefix("$ "))
    assert command[0] == "tllint"
    _, out, err = run_cli("--no-cache", "--color", "never", *command[1:], cwd=REPO)
    assert (out + err).splitlines() == lines[1:], f"README block {marker!r} is stale: run `python tools/render_readme.py`"
