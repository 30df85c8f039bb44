"""Output formats: text, json, SARIF 2.1.0 (schema-validated), GitHub annotations, JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from cli_support import REAL_SCRIPT, SARIF_SCHEMA, write

from tllint.finding import Finding
from tllint.formats import Context, render
from tllint.formats.github_format import escape_data, escape_property

SOURCE = "import keras\nbase = fire_tl201()\nlr = fire_tl204()\nx = fire_tl301()\n"

pytest_plugins = ("cli_fixtures",)  # fixtures: fake_rules, run_cli


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "src" / "train.py", SOURCE)
    write(tmp_path / "src" / "ok.py", "import keras\n")
    return tmp_path


def finding(**changes) -> Finding:
    values = dict(code="TL101", name="missing-preprocessing", severity="error", message="raw pixels", path="a.py",
                  line=3, column=5, end_line=3, end_column=9)
    values.update(changes)
    return Finding(**values)


def test_text_format_plain_and_notebook_cell():
    text = render("text", [finding(), finding(path="nb.ipynb", cell=3, line=2)], Context())
    assert text == "a.py:3:5: TL101 raw pixels\nnb.ipynb:cell 3:2:5: TL101 raw pixels\n"


def test_json_includes_cell_and_fix_when_present():
    from tllint.finding import Edit, Fix

    data = json.loads(render("json", [finding(cell=2, fix=Fix("safe", "d", [Edit(1, 1, 1, 2, "x")]))], Context()))
    assert data[0]["cell"] == 2
    assert data[0]["fix"] == {"applicability": "safe", "description": "d",
                              "edits": [{"line": 1, "column": 1, "end_line": 1, "end_column": 2, "text": "x"}]}


@pytest.fixture
def sarif_schema():
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (../shared beside the checkout)")
    return json.loads(SARIF_SCHEMA.read_text())


def test_sarif_is_valid_and_complete(fake_rules, run_cli, project, sarif_schema):
    import jsonschema

    code, out, err = run_cli("--format", "sarif", "src", cwd=project)
    assert code == 1
    log = json.loads(out)
    jsonschema.validate(log, sarif_schema)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "tllint"
    assert driver["informationUri"] == "https://tllint.readthedocs.io"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["TL000", "TL001", "TL101", "TL201", "TL204", "TL301", "TL999"]
    tl000 = driver["rules"][0]
    assert tl000["name"] == "unreadable-source"
    assert tl000["helpUri"] == "https://tllint.readthedocs.io/rules/TL000"
    assert tl000["help"]["markdown"].startswith("# TL000: unreadable-source")
    assert tl000["defaultConfiguration"] == {"level": "error"}
    assert driver["rules"][1]["defaultConfiguration"] == {"level": "note"}
    results = run["results"]
    assert [(r["ruleId"], r["level"], ids[r["ruleIndex"]]) for r in results] == [
        ("TL201", "error", "TL201"),
        ("TL204", "warning", "TL204"),
        ("TL301", "note", "TL301"),
    ]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "src/train.py"},
        "region": {"startLine": 2, "startColumn": 8, "endLine": 2, "endColumn": 20},
    }
    assert results[0]["message"] == {"text": "fake backbone-trainable-during-head-training"}
    prints = [r["partialFingerprints"]["tllint/v1"] for r in results]
    assert len(set(prints)) == 3 and all(len(p) == 32 for p in prints)


def test_sarif_empty_run_is_valid(run_cli, project, sarif_schema):
    import jsonschema

    code, out, _ = run_cli("--format", "sarif", "src/ok.py", cwd=project)
    log = json.loads(out)
    jsonschema.validate(log, sarif_schema)
    assert (code, log["runs"][0]["results"]) == (0, [])


def test_sarif_fingerprint_survives_lines_inserted_above(fake_rules, run_cli, project):
    first = json.loads(run_cli("--format", "sarif", "src", cwd=project)[1])["runs"][0]["results"][0]
    write(project / "src" / "train.py", "# new comment\n\n" + SOURCE)
    second = json.loads(run_cli("--format", "sarif", "src", cwd=project)[1])["runs"][0]["results"][0]
    assert second["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    assert first["partialFingerprints"] == second["partialFingerprints"]


def test_github_format(fake_rules, run_cli, project):
    code, out, _ = run_cli("--format", "github", "src", cwd=project)
    assert code == 1
    assert out.splitlines() == [
        "::error file=src/train.py,line=2,col=8,endLine=2,endColumn=20,"
        "title=TL201 (backbone-trainable-during-head-training)::fake backbone-trainable-during-head-training",
        "::warning file=src/train.py,line=3,col=6,endLine=3,endColumn=18,"
        "title=TL204 (fine-tune-learning-rate-too-high)::fake fine-tune-learning-rate-too-high",
        "::notice file=src/train.py,line=4,col=5,endLine=4,endColumn=17,"
        "title=TL301 (loss-activation-mismatch)::fake loss-activation-mismatch",
    ]


def test_github_escaping():
    assert escape_data("100% a\r\nb") == "100%25 a%0D%0Ab"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    line = render("github", [finding(path="dir,x/a:b.py", message="50% off\nnext")], Context())
    assert line == (
        "::error file=dir%2Cx/a%3Ab.py,line=3,col=5,endLine=3,endColumn=9,"
        "title=TL101 (missing-preprocessing)::50%25 off%0Anext\n"
    )


def test_junit_format(fake_rules, run_cli, project):
    write(project / "src" / "broken.py", "import keras\ndef (:\n")
    code, out, _ = run_cli("--format", "junit", "src", cwd=project)
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("3", "4")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert list(cases) == ["src/broken.py", "src/ok.py", "src/train.py"]
    assert cases["src/ok.py"].findall("failure") == []
    failures = cases["src/train.py"].findall("failure")
    assert [f.get("type") for f in failures] == ["TL201", "TL204", "TL301"]
    assert failures[0].get("message") == "TL201: fake backbone-trainable-during-head-training"
    assert failures[0].text == (
        "src/train.py:2:8: TL201 (backbone-trainable-during-head-training, error) fake backbone-trainable-during-head-training"
    )
    assert [f.get("type") for f in cases["src/broken.py"].findall("failure")] == ["TL000"]


def test_junit_escapes_markup():
    out = render("junit", [finding(message='<b> & "q"')], Context(files=["a.py"]))
    failure = ET.fromstring(out).find("testsuite/testcase/failure")
    assert failure.get("message") == 'TL101: <b> & "q"'


def test_sarif_with_real_rules_is_valid(run_cli, tmp_path, sarif_schema):
    import jsonschema

    write(tmp_path / "train.py", REAL_SCRIPT)
    code, out, _ = run_cli("--format", "sarif", "train.py", cwd=tmp_path)
    log = json.loads(out)
    jsonschema.validate(log, sarif_schema)
    results = log["runs"][0]["results"]
    assert code == 1
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("TL101", 7),
        ("TL202", 13),
    ]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[results[1]["ruleIndex"]]["id"] == "TL202"
    assert rules[results[1]["ruleIndex"]]["help"]["markdown"].startswith("# TL202: trainable-change-not-applied")


def test_confirmation_is_shown_in_every_format(sarif_schema):
    import jsonschema

    confirmed = finding(confirmation={"status": "confirmed", "evidence": "pixels 0..255 entered the backbone"})
    expected = "raw pixels [confirmed: pixels 0..255 entered the backbone]"
    assert render("text", [confirmed], Context()) == f"a.py:3:5: TL101 {expected}\n"
    assert render("github", [confirmed], Context()).endswith(f"::{expected}\n")
    assert expected in render("junit", [confirmed], Context(files=["a.py"]))
    log = json.loads(render("sarif", [confirmed], Context()))
    jsonschema.validate(log, sarif_schema)
    assert log["runs"][0]["results"][0]["properties"]["confirmation"]["status"] == "confirmed"
    assert json.loads(render("json", [confirmed], Context()))[0]["confirmation"]["status"] == "confirmed"
