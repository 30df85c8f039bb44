"""`[tool.tllint]`: discovery, every key, validation errors, and code selection."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import write

from tllint.config import ConfigError, find_config, load_settings, merge_cli, settings_from_table
from tllint.selection import enabled_codes, per_file_ignored
from tllint.settings import DEFAULT_EXCLUDE, Settings

pytest_plugins = ("cli_fixtures",)  # fixtures: fake_rules, run_cli


def test_nearest_pyproject_with_table_wins(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.tllint]\n")
    write(tmp_path / "a" / "pyproject.toml", "[tool.black]\n")
    write(tmp_path / "a" / "b" / "pyproject.toml", '[tool.tllint]\nselect = ["TL1"]\n')
    (tmp_path / "a" / "b" / "c").mkdir()
    assert find_config(tmp_path / "a" / "b" / "c") == (tmp_path / "a" / "b" / "pyproject.toml").resolve()
    assert find_config(tmp_path / "a") == (tmp_path / "pyproject.toml").resolve()


def test_no_config_gives_defaults(tmp_path):
    settings = load_settings(start=tmp_path)
    assert settings == Settings(config_root=None)


def test_every_key(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        """[tool.tllint]
select = ["TL1", "tl201"]
ignore = ["TL103"]
extend-select = ["TL001"]
exclude = ["generated"]
extend-exclude = ["notebooks/old/*"]
target-keras = "3.16"
fine-tune-learning-rate = 2e-5

[tool.tllint.per-file-ignores]
"tests/*.py" = ["TL2"]
"legacy.py" = "TL101, TL102"
""",
    )
    settings = load_settings(start=tmp_path)
    assert settings.select == ("TL1", "TL201")
    assert settings.ignore == ("TL103",)
    assert settings.extend_select == ("TL001",)
    assert settings.exclude == ("generated",)
    assert settings.extend_exclude == ("notebooks/old/*",)
    assert settings.target_keras == "3.16"
    assert settings.fine_tune_learning_rate == 2e-5
    assert settings.per_file_ignores == {"tests/*.py": ("TL2",), "legacy.py": ("TL101", "TL102")}
    assert settings.config_root == tmp_path.resolve()


def test_exclude_defaults_kept_without_exclude_key():
    assert settings_from_table({"extend-exclude": ["x"]}, None).exclude == DEFAULT_EXCLUDE


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"selct": ["TL1"]}, "unknown key 'selct'"),
        ({"select": "TL1"}, "select must be a list of strings"),
        ({"ignore": ["TL1x"]}, "ignore: invalid rule selector 'TL1x'"),
        ({"target-keras": "4"}, "target-keras: invalid value '4'"),
        ({"target-keras": 3.16}, "target-keras: invalid value 3.16"),
        ({"target-keras": "3.16.1"}, "target-keras: invalid value '3.16.1'"),
        ({"fine-tune-learning-rate": "1e-5"}, "fine-tune-learning-rate must be a number"),
        ({"fine-tune-learning-rate": 0}, "fine-tune-learning-rate must be a number"),
        ({"fine-tune-learning-rate": True}, "fine-tune-learning-rate must be a number"),
        ({"per-file-ignores": ["a"]}, "per-file-ignores must be a table"),
        ({"per-file-ignores": {"*.py": ["E501"]}}, "invalid rule selector 'E501'"),
        ({"exclude": [1]}, "exclude must be a list of strings"),
    ],
)
def test_bad_values_raise_config_error_naming_the_key(table, message):
    with pytest.raises(ConfigError) as info:
        settings_from_table(table, None, "pyproject.toml")
    assert message in str(info.value)


@pytest.mark.parametrize(("value", "expected"), [("auto", "auto"), ("2", "2"), (3, "3"), ("3.9", "3.9"), (" 3.15 ", "3.15")])
def test_target_keras_values(value, expected):
    assert settings_from_table({"target-keras": value}, None).target_keras == expected


def test_invalid_toml(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.tllint]\nselect = [\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(start=tmp_path)


def test_config_file_that_is_not_pyproject(tmp_path):
    path = write(tmp_path / "tllint.toml", 'ignore = ["TL2"]\n')
    settings = load_settings(path)
    assert settings.ignore == ("TL2",)
    assert settings.config_root == tmp_path.resolve()


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_merge_cli_select_replaces_ignore_extends():
    base = Settings(select=("TL1",), ignore=("TL101",), extend_select=("TL001",))
    merged = merge_cli(Settings(**vars(base)), ignore=("TL2",), extend_select=("TL3",))
    assert (merged.select, merged.ignore, merged.extend_select) == (("TL1",), ("TL101", "TL2"), ("TL001", "TL3"))
    merged = merge_cli(Settings(**vars(base)), select=("TL2",), target_keras="2")
    assert (merged.select, merged.ignore, merged.extend_select, merged.target_keras) == (("TL2",), (), (), "2")


ALL = ["TL000", "TL001", "TL101", "TL201", "TL204", "TL301", "TL999"]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (Settings(), {"TL000", "TL101", "TL201", "TL204", "TL301", "TL999"}),
        (Settings(select=("TL2",)), {"TL201", "TL204"}),
        (Settings(select=("TL",)), set(ALL)),
        (Settings(select=("ALL",), ignore=("TL0", "TL9")), {"TL101", "TL201", "TL204", "TL301"}),
        # The more specific selector wins, whichever list it is in.
        (Settings(select=("TL201",), ignore=("TL2",)), {"TL201"}),
        (Settings(select=("TL2",), ignore=("TL201",)), {"TL204"}),
        (Settings(ignore=("TL2",), extend_select=("TL204",)), {"TL000", "TL101", "TL204", "TL301", "TL999"}),
        # On a tie, ignore wins.
        (Settings(select=("TL20",), ignore=("TL20",)), set()),
        (Settings(extend_select=("TL001",)), {"TL000", "TL001", "TL101", "TL201", "TL204", "TL301", "TL999"}),
    ],
)
def test_selection(fake_rules, settings, expected):
    assert enabled_codes(settings) == expected


def test_per_file_ignores_match_relative_path_and_basename(tmp_path):
    settings = Settings(per_file_ignores={"tests/*.py": ("TL2",), "conftest.py": ("TL1",), "nb/": ("TL3",)}, config_root=tmp_path)
    assert per_file_ignored(settings, tmp_path / "tests" / "test_a.py") == ("TL2",)
    assert per_file_ignored(settings, tmp_path / "deep" / "conftest.py") == ("TL1",)
    assert per_file_ignored(settings, tmp_path / "nb" / "x" / "a.py") == ("TL3",)
    assert per_file_ignored(settings, tmp_path / "src" / "tests.py") == ()


def test_per_file_ignores_relative_to_config_root_not_cwd(tmp_path, monkeypatch):
    settings = Settings(per_file_ignores={"pkg/*.py": ("TL2",)}, config_root=tmp_path)
    (tmp_path / "pkg").mkdir()
    monkeypatch.chdir(tmp_path / "pkg")
    assert per_file_ignored(settings, Path("train.py")) == ("TL2",)
