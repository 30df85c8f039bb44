"""The command-line contract: output lines, summary, exit codes, options and subcommands."""

from __future__ import annotations

import json
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from cli_support import IMPORTING_SCRIPT, LOCAL_DATA, REAL_SCRIPT, REPO, run_subprocess, write

import tllint

SCRIPT = """import keras
base = fire_tl201()
lr = fire_tl204()
"""

pytest_plugins = ("cli_fixtures",)  # fixtures: fake_rules, run_cli


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "train.py", SCRIPT)
    write(tmp_path / "clean.py", "import keras\nmodel = keras.Sequential()\n")
    return tmp_path


def test_findings_exit_1_and_summary_on_stderr_only(fake_rules, run_cli, project):
    code, out, err = run_cli("train.py", "clean.py", cwd=project)
    assert code == 1
    assert out == (
        "train.py:2:8: TL201 fake backbone-trainable-during-head-training\n"
        "train.py:3:6: TL204 fake fine-tune-learning-rate-too-high\n"
    )
    assert err == "Found 2 findings in 1 file.\n"


def test_clean_run_exit_0(fake_rules, run_cli, project):
    code, out, err = run_cli("clean.py", cwd=project)
    assert (code, out, err) == (0, "", "All checks passed (1 file).\n")


def test_folder_default_is_cwd_and_output_sorted(fake_rules, run_cli, tmp_path):
    write(tmp_path / "b.py", "import keras\nfire_tl101()\n")
    write(tmp_path / "a.py", "import keras\n\n\nfire_tl301(); fire_tl101()\nfire_tl201()\n")
    write(tmp_path / "pkg" / "c.py", "import keras\nfire_tl201()\n")
    code, out, err = run_cli(cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == [
        "a.py:4:1: TL301 fake loss-activation-mismatch",
        "a.py:4:15: TL101 fake missing-preprocessing",
        "a.py:5:1: TL201 fake backbone-trainable-during-head-training",
        "b.py:2:1: TL101 fake missing-preprocessing",
        "pkg/c.py:2:1: TL201 fake backbone-trainable-during-head-training",
    ]
    assert err == "Found 5 findings in 3 files.\n"


def test_exit_zero(fake_rules, run_cli, project):
    code, out, err = run_cli("--exit-zero", "train.py", cwd=project)
    assert code == 0
    assert out.count("\n") == 2
    assert err == "Found 2 findings in 1 file.\n"


def test_nonexistent_path_exit_2(fake_rules, run_cli, project):
    code, out, err = run_cli("train.py", "missing.py", cwd=project)
    assert code == 2
    assert out == ""
    assert "missing.py: no such file or folder" in err


def test_syntax_error_is_tl000_and_other_files_still_linted(fake_rules, run_cli, project):
    write(project / "broken.py", "import keras\ndef (:\n")
    code, out, err = run_cli(".", cwd=project)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(r"broken\.py:2:\d+: TL000 cannot parse: .+", lines[0])
    assert lines[1:] == [
        "train.py:2:8: TL201 fake backbone-trainable-during-head-training",
        "train.py:3:6: TL204 fake fine-tune-learning-rate-too-high",
    ]
    assert err == "Found 3 findings in 2 files (1 file unreadable).\n"


def test_tl000_with_real_rules(run_cli, tmp_path):
    # No fakes: the real analysis entry point reports the parse error.
    write(tmp_path / "broken.py", "import keras\nmodel = keras.Sequential(\n")
    code, out, err = run_cli("broken.py", cwd=tmp_path)
    assert code == 1
    assert out.startswith("broken.py:")
    assert ": TL000 cannot parse" in out
    assert err == "Found 1 finding in 1 file (1 file unreadable).\n"


def test_binary_and_undecodable_files_are_tl000(fake_rules, run_cli, tmp_path):
    (tmp_path / "bin.py").write_bytes(b"import keras\x00\x01\x02")
    (tmp_path / "latin.py").write_bytes(b"import keras\nname = 'caf\xe9'\n")
    (tmp_path / "cookie.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport keras\nname = 'caf\xe9'\nfire_tl101()\n")
    code, out, err = run_cli(".", cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == [
        "bin.py:1:1: TL000 binary file (contains NUL bytes)",
        "cookie.py:4:1: TL101 fake missing-preprocessing",
        "latin.py:2:12: TL000 cannot decode as utf-8: invalid byte 0xe9",
    ]
    assert err == "Found 3 findings in 3 files (2 files unreadable).\n"


def test_file_without_keras_is_counted_not_parsed(fake_rules, run_cli, tmp_path):
    write(tmp_path / "util.py", "def (:\n")
    assert run_cli("util.py", cwd=tmp_path) == (0, "", "All checks passed (1 file).\n")


def test_empty_folder_warns_and_exits_0(run_cli, tmp_path):
    (tmp_path / "empty").mkdir()
    code, out, err = run_cli("empty", cwd=tmp_path)
    assert (code, out) == (0, "")
    assert "no Python files found" in err


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        ((), ["TL101", "TL201", "TL204", "TL301"]),
        (("--select", "TL2"), ["TL201", "TL204"]),
        (("--select", "TL20,TL101"), ["TL101", "TL201", "TL204"]),
        (("--select", "TL", "--ignore", "TL2"), ["TL101", "TL301"]),
        (("--ignore", "TL2", "--extend-select", "TL204"), ["TL101", "TL204", "TL301"]),
        (("--select", "TL2", "--ignore", "TL2"), []),
        (("--select", "ALL", "--ignore", "tl1,tl3"), ["TL201", "TL204"]),
        (("--ignore", "TL"), []),
    ],
)
def test_select_and_ignore_prefixes(fake_rules, run_cli, tmp_path, options, codes):
    write(tmp_path / "s.py", "import keras\nfire_tl101()\nfire_tl201()\nfire_tl204()\nfire_tl301()\n")
    code, out, _ = run_cli(*options, "s.py", cwd=tmp_path)
    assert [line.split()[1] for line in out.splitlines()] == codes
    assert code == (1 if codes else 0)


def test_unused_noqa_only_when_selected(fake_rules, run_cli, tmp_path):
    write(tmp_path / "n.py", "import keras\nfire_tl101()  # noqa: TL101, TL204\n")
    assert run_cli("n.py", cwd=tmp_path)[0] == 0
    code, out, _ = run_cli("--extend-select", "TL001", "n.py", cwd=tmp_path)
    assert code == 1
    assert out == "n.py:2:15: TL001 unused `noqa` directive (unused: TL204)\n"


@pytest.mark.parametrize("value", ["TL1x", "E501", "TL1234", "X"])
def test_invalid_selector_exit_2(fake_rules, run_cli, project, value):
    code, out, err = run_cli("--select", value, "train.py", cwd=project)
    assert code == 2
    assert out == ""
    assert f"--select: invalid rule selector {value!r}" in err


def test_config_discovery_from_subfolder(fake_rules, run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tllint]\nignore = ["TL204"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "inner"\n')  # no [tool.tllint]: skipped
    write(tmp_path / "pkg" / "sub" / "train.py", SCRIPT)
    code, out, _ = run_cli("train.py", cwd=tmp_path / "pkg" / "sub")
    assert code == 1
    assert out == "train.py:2:8: TL201 fake backbone-trainable-during-head-training\n"


def test_config_option_overrides_discovery(fake_rules, run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tllint]\nignore = ["TL204"]\n')
    write(tmp_path / "other.toml", 'select = ["TL204"]\n')
    write(tmp_path / "train.py", SCRIPT)
    code, out, _ = run_cli("--config", "other.toml", "train.py", cwd=tmp_path)
    assert out == "train.py:3:6: TL204 fake fine-tune-learning-rate-too-high\n"


def test_cli_select_replaces_config_selection(fake_rules, run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tllint]\nignore = ["TL204"]\n')
    write(tmp_path / "train.py", SCRIPT)
    code, out, _ = run_cli("--select", "TL204", "train.py", cwd=tmp_path)
    assert out == "train.py:3:6: TL204 fake fine-tune-learning-rate-too-high\n"


def test_per_file_ignores(fake_rules, run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tllint]\nper-file-ignores = { "legacy/*.py" = ["TL2"] }\n')
    write(tmp_path / "legacy" / "old.py", SCRIPT)
    write(tmp_path / "new.py", SCRIPT)
    code, out, _ = run_cli(".", cwd=tmp_path / "legacy")
    assert (code, out) == (0, "")
    code, out, _ = run_cli(".", cwd=tmp_path)
    assert [line.split(":")[0] for line in out.splitlines()] == ["new.py", "new.py"]


def test_unknown_config_key_exit_2_names_key(fake_rules, run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tllint]\nselcet = ["TL1"]\n')
    write(tmp_path / "train.py", SCRIPT)
    code, out, err = run_cli("train.py", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert "unknown key 'selcet'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ['"4"', '"3.x"', "3.16", '"latest"'])
def test_bad_target_keras_in_config_exit_2(fake_rules, run_cli, tmp_path, value):
    write(tmp_path / "pyproject.toml", f"[tool.tllint]\ntarget-keras = {value}\n")
    write(tmp_path / "train.py", SCRIPT)
    code, out, err = run_cli("train.py", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert "target-keras: invalid value" in err


def test_bad_target_keras_on_command_line_exit_2(fake_rules, run_cli, project):
    code, out, err = run_cli("--target-keras", "5", "train.py", cwd=project)
    assert code == 2
    assert "--target-keras: invalid value '5'" in err


def test_target_keras_reaches_the_analysis(monkeypatch, run_cli, tmp_path):
    seen = []

    def spy(source, path, settings=None, **kwargs):
        seen.append(settings.target_keras)
        return []

    monkeypatch.setattr("tllint.linter.analyze_source", spy)
    write(tmp_path / "pyproject.toml", '[tool.tllint]\ntarget-keras = "2"\n')
    write(tmp_path / "train.py", SCRIPT)
    run_cli("train.py", cwd=tmp_path)
    run_cli("--target-keras", "3.16", "train.py", cwd=tmp_path)
    assert seen == ["2", "3.16"]


def test_usage_error_exit_2(run_cli, project):
    code, out, err = run_cli("--format", "xml", "train.py", cwd=project)
    assert code == 2
    assert "invalid choice: 'xml'" in err


def test_version(run_cli):
    code, out, _ = run_cli("--version")
    assert (code, out) == (0, f"tllint {tllint.__version__}\n")


def test_reserved_options_are_accepted(fake_rules, run_cli, project):
    code, out, _ = run_cli("--no-cache", "--jobs", "2", "--timeout-per-file", "5", "train.py", cwd=project)
    assert code == 1
    assert out.count("\n") == 2


def test_json_format(fake_rules, run_cli, project):
    code, out, err = run_cli("--format", "json", "train.py", cwd=project)
    assert code == 1
    data = json.loads(out)
    assert [d["code"] for d in data] == ["TL201", "TL204"]
    assert set(data[0]) == {"code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column", "keras",
                            "title", "related"}
    assert data[0] | {} == {
        "code": "TL201",
        "name": "backbone-trainable-during-head-training",
        "severity": "error",
        "message": "fake backbone-trainable-during-head-training",
        "path": "train.py",
        "line": 2,
        "column": 8,
        "end_line": 2,
        "end_column": 20,
        "keras": None,
        "title": "fake backbone-trainable-during-head-training",
        "related": [],
    }
    assert err == "Found 2 findings in 1 file.\n"


def test_json_format_empty_is_array(run_cli, project):
    code, out, _ = run_cli("--format", "json", "clean.py", cwd=project)
    assert (code, json.loads(out)) == (0, [])


def test_output_file(fake_rules, run_cli, project):
    code, out, err = run_cli("--output-file", "report.txt", "--color", "always", "train.py", cwd=project)
    assert (code, out) == (1, "")
    first = (project / "report.txt").read_text().splitlines()[0]
    assert first == "train.py:2:8: TL201 fake backbone-trainable-during-head-training"
    assert err == "Found 2 findings in 1 file.\n"


def test_statistics(fake_rules, run_cli, tmp_path):
    write(tmp_path / "s.py", "import keras\nfire_tl101()\nfire_tl201()\nfire_tl101()\n")
    code, out, _ = run_cli("--statistics", "s.py", cwd=tmp_path)
    assert code == 1
    assert out == "2\tTL101\tmissing-preprocessing\n1\tTL201\tbackbone-trainable-during-head-training\n"


def test_show_source(fake_rules, run_cli, project):
    code, out, _ = run_cli("--show-source", "train.py", cwd=project)
    assert out.splitlines()[:3] == [
        "train.py:2:8: TL201 fake backbone-trainable-during-head-training",
        "2 | base = fire_tl201()",
        "  |        ^^^^^^^^^^^^",
    ]


def test_color_always_never_and_no_color(fake_rules, run_cli, project, monkeypatch):
    _, out, _ = run_cli("--color", "always", "train.py", cwd=project)
    assert "\033[" in out
    _, out, _ = run_cli("--color", "never", "train.py", cwd=project)
    assert "\033[" not in out
    # auto: capsys is not a terminal, so no colour.
    _, out, _ = run_cli("train.py", cwd=project)
    assert "\033[" not in out


def test_no_color_env_disables_auto(fake_rules, monkeypatch, project):
    from tllint.cli_common import use_color

    class Tty:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color("auto", Tty()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", Tty()) is False
    assert use_color("always", Tty()) is True


def test_rule_page_for_tool_code(run_cli):
    code, out, _ = run_cli("rule", "TL000")
    assert code == 0
    assert out.startswith("# TL000: unreadable-source\n")
    for section in ("## What it does", "## Why it matters", "## Example", "## Use instead", "## References"):
        assert section in out


def test_rule_code_is_case_insensitive(run_cli):
    assert run_cli("rule", "tl001")[1].startswith("# TL001: unused-noqa\n")


def test_rule_unknown_code_exit_2(run_cli):
    code, out, err = run_cli("rule", "TL998")
    assert (code, out) == (2, "")
    assert "unknown rule code 'TL998'" in err


def test_rule_all_lists_every_code(run_cli):
    from tllint.rules import registry

    code, out, _ = run_cli("rule", "--all")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert [r[0] for r in rows] == list(registry())
    assert ["TL000", "unreadable-source", "error"] in rows
    assert ["TL001", "unused-noqa", "info"] in rows


def test_tool_codes_have_pages():
    from tllint.rule_docs import rule_page

    assert [code for code in ("TL000", "TL001", "TL999") if rule_page(code) is None] == []


def test_stdin_with_filename(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tllint]\nper-file-ignores = { "skipped.py" = ["TL204"] }\n')
    proc = run_subprocess(["--stdin-filename", "pkg/train.py", "-"], tmp_path, stdin=SCRIPT.encode(), fake=True)
    assert proc.returncode == 1
    assert proc.stdout.decode() == (
        "pkg/train.py:2:8: TL201 fake backbone-trainable-during-head-training\n"
        "pkg/train.py:3:6: TL204 fake fine-tune-learning-rate-too-high\n"
    )
    assert proc.stderr.decode() == "Found 2 findings in 1 file.\n"
    proc = run_subprocess(["--stdin-filename", "skipped.py", "-"], tmp_path, stdin=SCRIPT.encode(), fake=True)
    assert proc.stdout.decode() == "skipped.py:2:8: TL201 fake backbone-trainable-during-head-training\n"


def test_stdin_without_filename_and_syntax_error(tmp_path):
    proc = run_subprocess(["-"], tmp_path, stdin=b"import keras\nx = (\n")
    assert proc.returncode == 1
    assert re.fullmatch(r"-:\d+:\d+: TL000 cannot parse: .+\n", proc.stdout.decode())
    assert proc.stderr.decode() == "Found 1 finding in 1 file (1 file unreadable).\n"


def test_python_dash_m_and_summary_on_stderr(tmp_path):
    write(tmp_path / "ok.py", "import keras\n")
    proc = run_subprocess(["ok.py"], tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"All checks passed (1 file).\n")


def test_import_time_has_no_ml_frameworks(tmp_path):
    write(tmp_path / "train.py", "import keras\nimport tensorflow as tf\nmodel = keras.Sequential()\nmodel.fit(x)\n")
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tllint", "train.py", "--format", "sarif"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in lines}
    assert "tllint" in imported
    assert imported.isdisjoint({"tensorflow", "keras", "jax", "torch", "tf_keras", "pygls"})


def test_server_without_pygls_is_a_usage_error(run_cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "tllint.lsp", None)  # makes `import tllint.lsp` raise ImportError
    code, out, err = run_cli("server")
    assert code == 2
    assert "pip install 'tllint[lsp]'" in err


def test_rule_pages_found_in_repo_checkout():
    from tllint.rule_docs import page_folders

    assert REPO / "rules" in [p.resolve() for p in page_folders()]


def locations(out: str) -> list[str]:
    return [" ".join(line.split(" ")[:2]) for line in out.splitlines()]


def test_real_rules_end_to_end(run_cli, tmp_path):
    write(tmp_path / "train.py", REAL_SCRIPT)
    code, out, err = run_cli("train.py", cwd=tmp_path)
    assert code == 1
    assert locations(out) == ["train.py:7:5: TL101", "train.py:13:1: TL202"]
    assert err == "Found 2 findings in 1 file.\n"


def test_real_rules_noqa_select_and_baseline(run_cli, tmp_path):
    write(tmp_path / "train.py", REAL_SCRIPT.replace("base.trainable = True\n", "base.trainable = True  # noqa: TL202\n"))
    assert locations(run_cli("train.py", cwd=tmp_path)[1]) == ["train.py:7:5: TL101"]
    assert run_cli("--ignore", "TL1", "train.py", cwd=tmp_path)[:2] == (0, "")
    write(tmp_path / "train.py", REAL_SCRIPT)
    assert locations(run_cli("--select", "TL2", "train.py", cwd=tmp_path)[1]) == ["train.py:13:1: TL202"]
    assert run_cli("--write-baseline", "b.json", "train.py", cwd=tmp_path)[0] == 0
    write(tmp_path / "train.py", "# A new header comment.\n\n" + REAL_SCRIPT)
    assert run_cli("--baseline", "b.json", "train.py", cwd=tmp_path)[:2] == (0, "")


def test_real_rules_examples_folder(run_cli):
    if not (REPO / "examples").is_dir():
        pytest.skip("no examples/ in this checkout")
    code, out, err = run_cli("--exit-zero", "--format", "json", str(REPO / "examples"))
    assert code == 0
    data = json.loads(out)
    assert all(d["code"] not in ("TL000", "TL999") for d in data)
    assert [d["path"] for d in data] == sorted(d["path"] for d in data)


def test_confirm_without_tensorflow_is_a_usage_error(run_cli, project, monkeypatch):
    hint = 'confirm mode needs TensorFlow and Keras: pip install "tllint[confirm]"'
    monkeypatch.setattr("tllint.confirm.confirm_available", lambda backend=None: hint)
    code, out, err = run_cli("--confirm", "train.py", cwd=project)
    assert (code, out) == (2, "")
    assert 'pip install "tllint[confirm]"' in err


def test_confirm_results_reach_the_report(fake_rules, run_cli, project, monkeypatch):
    from tllint.confirm import ConfirmResult

    def fake_confirm(by_path, options):
        assert sorted(by_path) == ["train.py"] and options.confirm_steps == 2
        for f in by_path["train.py"]:
            f.confirmation = {"status": "refuted", "evidence": "lr was 1e-5"}
        return ConfirmResult(summary="confirm: 0 confirmed, 2 refuted")

    monkeypatch.setattr("tllint.confirm.confirm_available", lambda backend=None: None)
    monkeypatch.setattr("tllint.confirm.run_confirm", fake_confirm)
    code, out, err = run_cli("--confirm", "train.py", cwd=project)
    assert code == 1
    assert out.splitlines()[0] == "train.py:2:8: TL201 fake backbone-trainable-during-head-training [refuted: lr was 1e-5]"
    assert err == "confirm: 0 confirmed, 2 refuted\nFound 2 findings in 1 file.\n"


def test_short_output_option(fake_rules, run_cli, project):
    code, out, _ = run_cli("-o", "out.json", "--format", "json", "train.py", cwd=project)
    assert (code, out) == (1, "")
    assert len(json.loads((project / "out.json").read_text())) == 2


def test_stdin_follows_local_imports_of_the_named_file(tmp_path):
    write(tmp_path / "data.py", LOCAL_DATA)
    proc = run_subprocess(["--stdin-filename", "train.py", "-"], tmp_path, stdin=IMPORTING_SCRIPT.encode())
    assert proc.returncode == 1
    assert locations(proc.stdout.decode()) == ["train.py:8:5: TL101", "train.py:14:1: TL202"]


def test_installed_rule_pages_win_over_the_checkout(tmp_path, monkeypatch, run_cli):
    # A wheel ships rules/ as tllint/rule_pages/ (pyproject force-include) next to the modules.
    import tllint.rule_docs

    package = tmp_path / "site-packages" / "tllint"
    write(package / "rule_pages" / "TL000.md", "# TL000: unreadable-source\n\nfrom the wheel\n")
    monkeypatch.setattr(tllint.rule_docs, "PACKAGE_DIR", package)
    assert run_cli("rule", "TL000")[1] == "# TL000: unreadable-source\n\nfrom the wheel\n"
    assert run_cli("rule", "TL999")[1].startswith("# TL999: internal-error\n")  # falls back: registry text


@pytest.mark.parametrize(
    ("args", "config"),
    [(("--select", "TL4"), ""), (("--ignore", "TL998"), ""), ((), 'extend-select = ["TL305"]'), ((), 'ignore = ["TL5"]')],
)
def test_selector_matching_no_rule_exit_2(fake_rules, run_cli, project, args, config):
    # The fake rule set has no TL4xx, TL5xx, TL305 or TL998: a typo must not silently do nothing.
    write(project / "pyproject.toml", f"[tool.tllint]\n{config}\n")
    code, out, err = run_cli(*args, "train.py", cwd=project)
    assert (code, out) == (2, "")
    assert "unknown rule code or prefix" in err


@given(st.binary(max_size=400))
@settings(max_examples=300, deadline=None)
def test_decoding_arbitrary_bytes_gives_text_or_unreadable(data):
    from tllint.reading import Unreadable, decode_source

    try:
        text = decode_source(data)
    except Unreadable as exc:
        assert str(exc) and exc.line >= 1 and exc.column >= 1
    else:
        assert isinstance(text, str)
