"""Baselines: record today's findings so that only new ones are reported.

A fingerprint hashes the code, the path and the normalised text of the statement the finding
points at, plus an occurrence index among equal keys; never the line number, so code moving
up or down keeps its findings hidden.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path, PurePath

from tllint.finding import Finding

FORMAT_VERSION = 1


class BaselineError(Exception):
    pass


def normalise(text: str) -> str:
    return " ".join(text.split())


def statement_text(finding: Finding, sources: dict[str, str]) -> str:
    if finding.statement:
        return normalise(finding.statement)
    source = sources.get(finding.path)
    if source is not None:
        lines = source.splitlines()
        if 1 <= finding.line <= len(lines):
            return normalise(lines[finding.line - 1])
    # No source (e.g. a notebook cell): the message is the most stable text left.
    return normalise(finding.message)


def relative_path(path: str, base: Path | None) -> str:
    if base is not None:
        try:
            return Path(os.path.abspath(path)).relative_to(base).as_posix()
        except ValueError:
            pass
    return PurePath(path).as_posix()


def fingerprints(findings: list[Finding], sources: dict[str, str], base: Path | None = None) -> list[str]:
    """One fingerprint per finding, in the same order; `base` is the folder paths are relative to."""
    occurrences: Counter[tuple] = Counter()
    out = []
    for finding in findings:
        cell = "" if finding.cell is None else f"cell:{finding.cell}"
        key = (finding.code, relative_path(finding.path, base), cell, statement_text(finding, sources))
        index = occurrences[key]
        occurrences[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(index))).encode("utf-8", "surrogatepass")).hexdigest()
        out.append(digest[:32])
    return out


def base_folder(baseline_file: Path) -> Path:
    return Path(os.path.abspath(baseline_file)).parent


def write_baseline(path: Path, findings: list[Finding], sources: dict[str, str]) -> None:
    base = base_folder(path)
    entries = [
        {"fingerprint": fp, "code": f.code, "path": relative_path(f.path, base), "message": f.message}
        for f, fp in zip(findings, fingerprints(findings, sources, base))
    ]
    document = {"tool": "tllint", "version": FORMAT_VERSION, "findings": entries}
    try:
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None


def read_baseline(path: Path) -> Counter[str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
        raise BaselineError(f"baseline {path} is not a tllint baseline (no \"findings\" list of fingerprints)")
    return Counter(e["fingerprint"] for e in entries)


def filter_baseline(
    findings: list[Finding], sources: dict[str, str], baseline_file: Path
) -> tuple[list[Finding], int]:
    """Findings not in the baseline, and how many it hid. Count-aware: each entry hides one."""
    known = read_baseline(baseline_file)
    kept = []
    hidden = 0
    for finding, fp in zip(findings, fingerprints(findings, sources, base_folder(baseline_file))):
        if known[fp] > 0:
            known[fp] -= 1
            hidden += 1
        else:
            kept.append(finding)
    return kept, hidden
