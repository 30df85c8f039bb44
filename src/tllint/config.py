"""`[tool.tllint]` in pyproject.toml: where it is found and how it becomes Settings."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any

from tllint.settings import DEFAULT_EXCLUDE, Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration the run cannot go on with; the CLI prints it and exits 2."""


SELECTOR = re.compile(r"^(ALL|TL\d{0,3})$")
TARGET_KERAS = re.compile(r"^(auto|2|3|[23]\.\d{1,3})$")

KNOWN_KEYS = (
    "select",
    "ignore",
    "extend-select",
    "per-file-ignores",
    "exclude",
    "extend-exclude",
    "target-keras",
    "fine-tune-learning-rate",
    "confirm-isolation",
    "lsp-debounce-ms",
)


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml holding a `[tool.tllint]` table, from `start` upward.

    Like ruff, a pyproject.toml without the table does not stop the search: a package's own
    pyproject.toml inside a monorepo must not hide the repository's configuration.
    """
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_tllint_table(pyproject):
            return pyproject
    return None


def _has_tllint_table(path: Path) -> bool:
    try:
        data = _read_toml(path)
    except ConfigError:
        # A broken pyproject.toml that mentions tllint is ours to report.
        try:
            return "[tool.tllint" in path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return isinstance(data.get("tool"), dict) and "tllint" in data["tool"]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def read_table(path: Path) -> dict[str, Any]:
    """The tllint table of a config file: `[tool.tllint]` of a pyproject.toml, else the whole file."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("tllint", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.tllint] must be a table")
        return table
    return data


def settings_from_table(table: dict[str, Any], root: Path | None, source: str = "config") -> Settings:
    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        raise ConfigError(
            f"{source}: unknown key {unknown[0]!r} in [tool.tllint] (known keys: {', '.join(KNOWN_KEYS)})"
        )
    settings = Settings(config_root=root)
    if "select" in table:
        settings.select = _selectors(table, "select", source)
    if "ignore" in table:
        settings.ignore = _selectors(table, "ignore", source)
    if "extend-select" in table:
        settings.extend_select = _selectors(table, "extend-select", source)
    if "exclude" in table:
        settings.exclude = _strings(table, "exclude", source)
    if "extend-exclude" in table:
        settings.extend_exclude = _strings(table, "extend-exclude", source)
    if "per-file-ignores" in table:
        settings.per_file_ignores = _per_file_ignores(table["per-file-ignores"], source)
    if "target-keras" in table:
        settings.target_keras = parse_target_keras(table["target-keras"], f"{source}: target-keras")
    if "fine-tune-learning-rate" in table:
        settings.fine_tune_learning_rate = _learning_rate(table["fine-tune-learning-rate"], source)
    if "confirm-isolation" in table:
        value = table["confirm-isolation"]
        if value not in ("auto", "python"):
            raise ConfigError(f'{source}: confirm-isolation must be "auto" or "python", not {value!r}')
        settings.confirm_isolation = value
    if "lsp-debounce-ms" in table:
        settings.lsp_debounce_ms = _debounce(table["lsp-debounce-ms"], source)
    return settings


def parse_target_keras(value: Any, where: str = "target-keras") -> str:
    # A TOML float would turn 3.10 into 3.1, so versions are strings; bare 2 and 3 are fine.
    if isinstance(value, int) and not isinstance(value, bool) and value in (2, 3):
        return str(value)
    if isinstance(value, str) and TARGET_KERAS.match(value.strip()):
        return value.strip()
    raise ConfigError(
        f"{where}: invalid value {value!r}; expected \"auto\", \"2\", \"3\" or a minor version such as \"3.16\" (a string)"
    )


def parse_selectors(values: list[str] | tuple[str, ...], where: str) -> tuple[str, ...]:
    out = []
    for raw in values:
        code = raw.strip().upper()
        if not code:
            continue
        if not SELECTOR.match(code):
            raise ConfigError(f"{where}: invalid rule selector {raw!r}; expected a code or prefix such as TL101, TL2, TL or ALL")
        out.append(code)
    return tuple(out)


def split_codes(text: str) -> list[str]:
    return [part for part in re.split(r"[,\s]+", text) if part]


def _selectors(table: dict[str, Any], key: str, source: str) -> tuple[str, ...]:
    return parse_selectors(_strings(table, key, source), f"{source}: {key}")


def _strings(table: dict[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = table[key]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{source}: {key} must be a list of strings, got {value!r}")


def _per_file_ignores(value: Any, source: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: per-file-ignores must be a table of glob = [codes], got {value!r}")
    out: dict[str, tuple[str, ...]] = {}
    for pattern, codes in value.items():
        if isinstance(codes, str):
            codes = split_codes(codes)
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{source}: per-file-ignores.{pattern!r} must be a list of codes, got {codes!r}")
        out[pattern] = parse_selectors(codes, f"{source}: per-file-ignores")
    return out


def _learning_rate(value: Any, source: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        rate = float(value)
        if math.isfinite(rate) and 0 < rate < 1:
            return rate
    raise ConfigError(f"{source}: fine-tune-learning-rate must be a number between 0 and 1 (exclusive), got {value!r}")


def _debounce(value: Any, source: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000:
        return value
    raise ConfigError(f"{source}: lsp-debounce-ms must be a whole number of milliseconds from 0 to 10000, got {value!r}")


def load_settings(config_file: Path | None = None, start: Path | None = None) -> Settings:
    """Settings from `config_file`, or from the nearest configuration above `start` (default CWD)."""
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file not found: {config_file}")
        path = config_file.resolve()
    else:
        path = find_config(start or Path.cwd())
        if path is None:
            return Settings(config_root=None)
    return settings_from_table(read_table(path), path.parent, str(path))


def merge_cli(
    settings: Settings,
    *,
    select: tuple[str, ...] | None = None,
    ignore: tuple[str, ...] = (),
    extend_select: tuple[str, ...] = (),
    target_keras: str | None = None,
) -> Settings:
    """Command-line options over the config, ruff-style.

    `--select` starts the selection afresh (the config's select, extend-select and ignore are
    dropped, as in ruff where the command line is a later layer); `--ignore` and
    `--extend-select` add to the config's lists.
    """
    if select is not None:
        settings.select, settings.extend_select, settings.ignore = select, extend_select, ignore
    else:
        settings.extend_select = settings.extend_select + extend_select
        settings.ignore = settings.ignore + ignore
    if target_keras is not None:
        settings.target_keras = target_keras
    return settings


__all__ = [
    "ConfigError",
    "DEFAULT_EXCLUDE",
    "find_config",
    "load_settings",
    "merge_cli",
    "parse_selectors",
    "parse_target_keras",
    "read_table",
    "settings_from_table",
    "split_codes",
]
