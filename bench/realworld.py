"""The real-world corpus: rehydrate it, score tllint on it, check the second readings.

The corpus is a list of public training scripts and notebooks (`bench/realworld/manifest.json`),
each pinned by repository, commit, path and sha256 and labelled by a reader with every finding a
careful Keras engineer would make (`bench/realworld/LABELLING.md`). No outside code is committed:
`rehydrate` copies the files into the ignored folder `bench/realworld/cache/` from git mirrors
(`git show COMMIT:PATH`) or from a folder the user names.

    python bench/realworld.py rehydrate [--mirrors DIR] [--from DIR] [--clone]
    python bench/realworld.py score [--split dev|test|all] [--details] [--json FILE]
    python bench/realworld.py agreement
    python bench/realworld.py check
    python bench/realworld.py add VERDICTS.jsonl [--second]   (new labels from readers)

Matching rule used by `score`: a finding counts as *found* for a label when it has the label's
code, is in the same file (and, for a notebook, the same cell), and its line is within
`TOLERANCE` (3) lines of the label's line or of one of the label's `also` lines (the other places
of the same chain: loader, rescale, unfreeze, compile; such a place may name another file of the
same repository with `path`, since tllint reports a finding in the file that holds its
statement). Each label is found or missed once, however
many findings match it. A finding that matches no label of its file is a false positive, except
when it matches an *uncertain* label (one whose answer depends on code the corpus does not have):
uncertain labels count neither as misses nor as hits, and findings on them are left out of
precision. `NEW:` labels name problems no rule covers yet; they are counted by name, not scored.
TL000 (unreadable source) and TL999 (internal error) are listed apart: such a file was not
analysed, so its labels are misses.

The split is fixed by the repository name (`split_of`): files of one repository are never on
both sides. Tune on dev; report both.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "realworld"
MANIFEST = CORPUS / "manifest.json"
CACHE = CORPUS / "cache"
CONFIG = CORPUS / "tllint.toml"
TOLERANCE = 3
# Git mirrors named owner+name: $TLLINT_MIRRORS, else the search tool's mirror folder where it
# exists, else an ignored folder beside the manifest (where `rehydrate --clone` puts them).
DEFAULT_MIRRORS = Path(os.environ.get("TLLINT_MIRRORS")
                       or ("/work/.mirror" if Path("/work/.mirror").is_dir() else CORPUS / "mirrors"))

# The codes of ../shared/rule-catalog.md (the contract), including the ones tllint does not
# implement yet: a label names what is wrong, not what the tool can find.
CATALOG_CODES = frozenset({
    "TL101", "TL102", "TL103",
    "TL201", "TL202", "TL203", "TL204", "TL205", "TL206", "TL207", "TL208",
    "TL301", "TL302", "TL303", "TL304", "TL305", "TL306",
    "TL401", "TL402", "TL403", "TL404", "TL405",
})
TOOL_CODES = frozenset({"TL000", "TL001", "TL999"})
NEW_LABEL = re.compile(r"^NEW: [a-z0-9]+(?:-[a-z0-9]+)*$")
FLAVOURS = frozenset({"keras2", "tf.keras", "keras3", "tf_keras", "keras_hub", "tfhub"})


def split_of(repo: str) -> str:
    """'test' for one repository in three, by a hash of its name; 'dev' for the others."""
    digest = hashlib.sha256(repo.lower().encode("utf-8")).hexdigest()
    return "test" if int(digest, 16) % 3 == 0 else "dev"


def repo_folder(repo: str) -> str:
    return repo.replace("/", "+")


def cache_path(entry: dict, cache: Path = CACHE) -> Path:
    return cache / repo_folder(entry["repo"]) / entry["path"]


def load_manifest(path: Path = MANIFEST) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def file_id(entry: dict) -> str:
    return f"{entry['repo']}:{entry['path']}"


# --------------------------------------------------------------------------- rehydration
def _git_show(git_dir: Path, commit: str, path: str) -> bytes | None:
    try:
        done = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                              capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _mirror_git_dirs(mirrors: Path, repo: str) -> list[Path]:
    base = mirrors / repo_folder(repo)
    return [d for d in (base / "repo", base / "repo" / ".git", base, base / ".git") if (d / "HEAD").is_file()]


def _from_mirrors(mirrors: Path, entry: dict) -> bytes | None:
    """The file's bytes at its commit, from the first mirror of its repository that has it."""
    for git_dir in _mirror_git_dirs(mirrors, entry["repo"]):
        data = _git_show(git_dir, entry["commit"], entry["path"])
        if data is not None:
            return data
    return None


def _clone(mirrors: Path, repo: str) -> None:
    """A blobless bare clone of a public repository (needs network access to GitHub)."""
    target = mirrors / repo_folder(repo) / "repo"
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "clone", "--quiet", "--bare", "--filter=blob:none",
                    f"https://github.com/{repo}.git", str(target)], check=False, timeout=600)


def _from_folder(folder: Path, entry: dict) -> bytes | None:
    owner, name = entry["repo"].split("/", 1)
    for base in (folder / repo_folder(entry["repo"]), folder / owner / name, folder / name):
        candidate = base / entry["path"]
        if candidate.is_file():
            return candidate.read_bytes()
    return None


def rehydrate(manifest: dict, mirrors: Path, folder: Path | None, clone: bool, cache: Path = CACHE) -> list[str]:
    """Write every file of the manifest into the cache; return what could not be found."""
    missing: list[str] = []
    for entry in manifest["files"]:
        data = _from_folder(folder, entry) if folder is not None else None
        if data is None:
            if clone:
                _clone(mirrors, entry["repo"])
            data = _from_mirrors(mirrors, entry)
        if data is None:
            missing.append(f"{file_id(entry)} (not in {'the folder or ' if folder else ''}the mirrors)")
            continue
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            missing.append(f"{file_id(entry)} (sha256 differs: another version of the file)")
            continue
        target = cache_path(entry, cache)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        # The repository's root, as its .git marks it upstream: local imports resolve from here.
        (cache / repo_folder(entry["repo"]) / "setup.cfg").write_text(
            "# root marker written by bench/realworld.py rehydrate\n", encoding="utf-8")
    return missing


# --------------------------------------------------------------------------- scoring
@dataclass
class Finding:
    code: str
    line: int
    cell: int | None
    message: str = ""
    path: str | None = None  # the file's path in its repository


@dataclass
class Outcome:
    """Per-file matching of findings against labels."""
    found: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    false_positives: list[Finding] = field(default_factory=list)
    on_uncertain: list[Finding] = field(default_factory=list)
    tool_errors: list[Finding] = field(default_factory=list)
    true_positive_findings: list[Finding] = field(default_factory=list)


def _positions(label: dict) -> list[tuple[str | None, int | None, int]]:
    """(path, cell, line) of the label and of each `also` place; a place in another file of the
    same repository names its `path`."""
    home = label.get("_path")
    places = [(home, label.get("cell"), label["line"])]
    places += [(other.get("path", home), other.get("cell"), other["line"]) for other in label.get("also", [])]
    return places


def _matches(finding: Finding, label: dict) -> bool:
    if finding.code != label["code"]:
        return False
    return any(path == finding.path and cell == finding.cell and abs(line - finding.line) <= TOLERANCE
               for path, cell, line in _positions(label))


def match_file(labels: list[dict], findings: list[Finding]) -> Outcome:
    """Match findings against labels: of one file, or of all files of one repository (then
    labels carry `_path` and findings `path`, so a chain may cross files)."""
    outcome = Outcome()
    scored = [lab for lab in labels if lab["code"] in CATALOG_CODES]
    hit: set[int] = set()
    for finding in findings:
        if finding.code in TOOL_CODES:
            if finding.code != "TL001":
                outcome.tool_errors.append(finding)
            continue
        matched = [i for i, lab in enumerate(scored) if _matches(finding, lab)]
        certain = [i for i in matched if not scored[i].get("uncertain")]
        if certain:
            hit.update(certain)
            outcome.true_positive_findings.append(finding)
        elif matched:
            outcome.on_uncertain.append(finding)
        else:
            outcome.false_positives.append(finding)
    for i, label in enumerate(scored):
        if label.get("uncertain"):
            continue
        (outcome.found if i in hit else outcome.missed).append(label)
    return outcome


def run_tllint(entries: list[dict], cache: Path = CACHE) -> dict[str, list[Finding]]:
    """tllint's findings per manifest file, from one JSON run per repository folder."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    wanted = {str(cache_path(e, cache).resolve()): file_id(e) for e in entries}
    for folder in sorted({repo_folder(e["repo"]) for e in entries}):
        root = cache / folder
        if not root.is_dir():
            continue
        command = [sys.executable, "-m", "tllint", "--format", "json", "--exit-zero", "--no-cache",
                   "--config", str(CONFIG), str(root)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=root)
        if done.returncode != 0:
            raise SystemExit(f"tllint failed on {root}:\n{done.stderr}")
        for item in json.loads(done.stdout or "[]"):
            path = Path(item["path"])
            resolved = str((root / path).resolve() if not path.is_absolute() else path.resolve())
            if resolved in wanted:
                fid = wanted[resolved]
                by_path[fid].append(Finding(item["code"], item["line"], item.get("cell"),
                                            item.get("message", ""), fid.split(":", 1)[1]))
    return by_path


def implemented_codes() -> frozenset[str]:
    """The catalog codes that the installed tllint has rules for (the others are labelled but
    cannot be found yet)."""
    from tllint.rules import registry
    return frozenset(registry()) & CATALOG_CODES


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def score(manifest: dict, findings: dict[str, list[Finding]], split: str) -> dict:
    entries = [e for e in manifest["files"] if split in ("all", e["split"])]
    per_code: dict[str, Counter] = defaultdict(Counter)
    misses, fps, errors, new_labels, uncertain = [], [], [], Counter(), 0
    by_repo: dict[str, list[dict]] = defaultdict(list)
    for entry in entries:
        by_repo[entry["repo"]].append(entry)
        for label in entry["labels"]:
            if label["code"].startswith("NEW:"):
                new_labels[label["code"]] += 1
            elif label.get("uncertain"):
                uncertain += 1
            else:
                per_code[label["code"]]["labels"] += 1
    for repo, group in sorted(by_repo.items()):
        labels = [{**label, "_path": e["path"]} for e in group for label in e["labels"]]
        found_here = [f for e in group for f in findings.get(file_id(e), [])]
        outcome = match_file(labels, found_here)
        for label in outcome.found:
            per_code[label["code"]]["found"] += 1
        for label in outcome.missed:
            per_code[label["code"]]["missed"] += 1
            misses.append((f"{repo}:{label['_path']}", label))
        for finding in outcome.true_positive_findings:
            per_code[finding.code]["tp_findings"] += 1
        for finding in outcome.false_positives:
            per_code[finding.code]["false_positives"] += 1
            fps.append((f"{repo}:{finding.path}", finding))
        errors += [(f"{repo}:{f.path}", f) for f in outcome.tool_errors]
    total = Counter()
    for counts in per_code.values():
        total.update(counts)
    return {"split": split, "files": len(entries), "per_code": per_code, "total": total,
            "misses": misses, "false_positives": fps, "tool_errors": errors,
            "new_labels": new_labels, "uncertain": uncertain}


def _where(fid: str, cell: int | None, line: int) -> str:
    return f"{fid}:{'cell ' + str(cell) + ':' if cell else ''}{line}"


def render(result: dict, details: bool) -> str:
    out = [f"## {result['split']} ({result['files']} files)", "",
           "| code | labels | found | missed | false positives | precision | recall |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    rows = sorted(result["per_code"].items())
    implemented = Counter()
    for code, counts in rows:
        if code in implemented_codes():
            implemented.update(counts)
    for code, c in rows + [("all", result["total"]), ("all implemented", implemented)]:
        precision = _ratio(c["tp_findings"], c["tp_findings"] + c["false_positives"])
        recall = _ratio(c["found"], c["labels"])
        out.append(f"| {code} | {c['labels']} | {c['found']} | {c['missed']} | {c['false_positives']} | "
                   f"{precision} | {recall} |")
    out.append("")
    out.append(f"Uncertain labels (not scored): {result['uncertain']}. Unreadable or crashed files "
               f"(TL000/TL999): {len(result['tool_errors'])}.")
    if result["new_labels"]:
        out += ["", "`NEW:` labels (problems no rule covers yet):", ""]
        out += [f"- {count} {name}" for name, count in result["new_labels"].most_common()]
    if details:
        out += ["", "Misses:", ""]
        out += [f"- {_where(fid, lab.get('cell'), lab['line'])}: {lab['code']} {lab['why']}"
                for fid, lab in result["misses"]]
        out += ["", "False positives:", ""]
        out += [f"- {_where(fid, f.cell, f.line)}: {f.code} {f.message[:160]}"
                for fid, f in result["false_positives"]]
        if result["tool_errors"]:
            out += ["", "Unreadable or crashed:", ""]
            out += [f"- {_where(fid, f.cell, f.line)}: {f.code} {f.message[:160]}"
                    for fid, f in result["tool_errors"]]
    return "\n".join(out)


# --------------------------------------------------------------------------- second readings
def _label_keys(labels: list[dict]) -> list[tuple[str, int | None, list[tuple[int | None, int]]]]:
    return [(lab["code"], lab.get("cell"), _positions(lab)) for lab in labels]


def agreement(manifest: dict) -> dict:
    """How far the first and second readings agree, label by label.

    Two labels agree when they have the same code (NEW: labels: any NEW: label) and one's
    position is within TOLERANCE lines of a position of the other. Reported: the labels each
    reading has that the other lacks, the label agreement 2 * shared / (first + second) (the
    Dice coefficient), and the share of files both readings call clean or both call buggy.
    """
    first_total = second_total = matched = files = same_verdict = 0
    disagreements = []
    for entry in manifest["files"]:
        second = entry.get("second_reading")
        if second is None:
            continue
        files += 1
        a = [lab for lab in entry["labels"] if not lab.get("uncertain")]
        b = [lab for lab in second["labels"] if not lab.get("uncertain")]
        first_total, second_total = first_total + len(a), second_total + len(b)
        same_verdict += (not a) == (not b)
        used: set[int] = set()
        for lab in a:
            hit = None
            for j, other in enumerate(b):
                if j in used or not _same_problem(lab, other):
                    continue
                hit = j
                break
            if hit is None:
                disagreements.append((file_id(entry), "first only", lab))
            else:
                used.add(hit)
                matched += 1
        disagreements += [(file_id(entry), "second only", other) for j, other in enumerate(b) if j not in used]
    denominator = first_total + second_total
    return {"files": files, "first": first_total, "second": second_total, "matched": matched,
            "agreement": (2 * matched / denominator) if denominator else 1.0,
            "file_verdict_agreement": (same_verdict / files) if files else 1.0,
            "disagreements": disagreements}


def _same_problem(a: dict, b: dict) -> bool:
    same_code = a["code"] == b["code"] or (a["code"].startswith("NEW:") and b["code"].startswith("NEW:"))
    if not same_code:
        return False
    return any(pa == pb and ca == cb and abs(la - lb) <= TOLERANCE
               for pa, ca, la in _positions(a) for pb, cb, lb in _positions(b))


# --------------------------------------------------------------------------- adding readings
READING_KEYS = ("labels", "notes")


def add_readings(manifest: dict, records: list[dict], mirrors: Path, second: bool) -> list[str]:
    """Merge readers' verdicts into the manifest; return the records that could not be added."""
    by_id = {file_id(e): e for e in manifest["files"]}
    rejected = []
    for record in records:
        fid = file_id(record)
        if second:
            if fid not in by_id:
                rejected.append(f"{fid}: second reading of a file that is not in the manifest")
                continue
            by_id[fid]["second_reading"] = {key: record.get(key, "") for key in READING_KEYS}
            continue
        data = _from_mirrors(mirrors, record)
        if data is None:
            rejected.append(f"{fid}: not found at {record['commit'][:12]} in the mirrors")
            continue
        entry = {"repo": record["repo"], "commit": record["commit"], "path": record["path"],
                 "sha256": hashlib.sha256(data).hexdigest(), "split": split_of(record["repo"]),
                 "genre": record.get("genre", ""), "flavour": record.get("flavour", ""),
                 "summary": record.get("summary", ""), "labels": record.get("labels", []),
                 "notes": record.get("notes", "")}
        if fid in by_id and "second_reading" in by_id[fid]:
            entry["second_reading"] = by_id[fid]["second_reading"]
        by_id[fid] = entry
    manifest["files"] = sorted(by_id.values(), key=lambda e: (e["repo"].lower(), e["path"]))
    return rejected


# --------------------------------------------------------------------------- well-formedness
def problems(manifest: dict) -> list[str]:
    """Everything that is wrong with the manifest's shape (empty when it is well formed)."""
    found: list[str] = []
    seen: set[str] = set()
    for entry in manifest.get("files", []):
        fid = file_id(entry) if {"repo", "path"} <= entry.keys() else repr(entry)[:80]
        for key in ("repo", "commit", "path", "sha256", "split", "flavour", "labels"):
            if key not in entry:
                found.append(f"{fid}: no {key}")
        if any(key not in entry for key in ("repo", "commit", "path", "sha256", "split", "labels")):
            continue
        if fid in seen:
            found.append(f"{fid}: listed twice")
        seen.add(fid)
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", entry["repo"]):
            found.append(f"{fid}: repo is not owner/name")
        if not re.fullmatch(r"[0-9a-f]{40}", entry["commit"]):
            found.append(f"{fid}: commit is not 40 hex digits")
        if not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]):
            found.append(f"{fid}: sha256 is not 64 hex digits")
        if not entry["path"].endswith((".py", ".ipynb")):
            found.append(f"{fid}: not a .py or .ipynb file")
        if entry["split"] != split_of(entry["repo"]):
            found.append(f"{fid}: split {entry['split']} but the hash rule says {split_of(entry['repo'])}")
        if not set(str(entry.get("flavour", "")).split("+")) <= FLAVOURS:
            found.append(f"{fid}: unknown flavour {entry.get('flavour')!r}")
        readings = [("labels", entry["labels"])]
        if "second_reading" in entry:
            readings.append(("second_reading", entry["second_reading"].get("labels")))
        for where, labels in readings:
            if not isinstance(labels, list):
                found.append(f"{fid}: {where} is not a list")
                continue
            for label in labels:
                found += [f"{fid}: {where}: {p}" for p in _label_problems(label, entry["path"])]
    return found


def _label_problems(label: dict, path: str) -> list[str]:
    out = []
    code = label.get("code", "")
    if code not in CATALOG_CODES and not NEW_LABEL.match(code):
        out.append(f"unknown code {code!r}")
    if not str(label.get("why", "")).strip():
        out.append(f"{code} has no reason")
    for place in [label, *label.get("also", [])]:
        if place is not label and "path" in place:
            if not str(place["path"]).endswith((".py", ".ipynb")):
                out.append(f"{code} has an `also` place in {place['path']!r}, not a .py or .ipynb file")
            notebook = str(place["path"]).endswith(".ipynb")
        else:
            notebook = path.endswith(".ipynb")
        if not isinstance(place.get("line"), int) or place["line"] < 1:
            out.append(f"{code} has no valid line")
        if notebook and (not isinstance(place.get("cell"), int) or place["cell"] < 1):
            out.append(f"{code} in a notebook has no valid cell")
        if not notebook and place.get("cell") is not None:
            out.append(f"{code} in a script has a cell")
    return out


# --------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rh = sub.add_parser("rehydrate", help="copy the corpus files into bench/realworld/cache/")
    rh.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS,
                    help="folder of git mirrors named owner+name (default: $TLLINT_MIRRORS, else "
                         "/work/.mirror where it exists, else bench/realworld/mirrors)")
    rh.add_argument("--from", dest="folder", type=Path, help="a folder holding the repositories' files")
    rh.add_argument("--clone", action="store_true", help="clone missing repositories from GitHub first")
    sc = sub.add_parser("score", help="run tllint on the cache and score it against the labels")
    sc.add_argument("--split", choices=("dev", "test", "all", "both"), default="both")
    sc.add_argument("--details", action="store_true", help="list every miss and false positive")
    sc.add_argument("--json", type=Path, help="also write the findings tllint made to FILE")
    sub.add_parser("agreement", help="agreement between first and second readings")
    sub.add_parser("check", help="check that the manifest is well formed")
    ad = sub.add_parser("add", help="merge readers' verdicts (JSON lines) into the manifest")
    ad.add_argument("verdicts", type=Path, nargs="+")
    ad.add_argument("--second", action="store_true", help="the verdicts are second readings")
    ad.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    args = parser.parse_args(argv)
    manifest = load_manifest() if MANIFEST.exists() else {"files": [], "revisions": []}

    if args.command == "add":
        records = [json.loads(line) for path in args.verdicts
                   for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        rejected = add_readings(manifest, records, args.mirrors, args.second)
        MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"manifest: {len(manifest['files'])} files")
        for item in rejected:
            print(f"not added: {item}")
        return 1 if rejected else 0

    if args.command == "check":
        found = problems(manifest)
        print("\n".join(found) if found else f"manifest ok: {len(manifest['files'])} files")
        return 1 if found else 0
    if args.command == "rehydrate":
        if CACHE.exists():
            shutil.rmtree(CACHE)
        missing = rehydrate(manifest, args.mirrors, args.folder, args.clone)
        print(f"rehydrated {len(manifest['files']) - len(missing)} of {len(manifest['files'])} files into {CACHE}")
        for item in missing:
            print(f"missing: {item}")
        return 1 if missing else 0
    if args.command == "agreement":
        result = agreement(manifest)
        print(f"second readings: {result['files']} files; labels {result['first']} (first) and "
              f"{result['second']} (second), {result['matched']} shared; agreement "
              f"{result['agreement']:.2f}; clean-or-not agreement {result['file_verdict_agreement']:.2f}")
        for fid, side, lab in result["disagreements"]:
            print(f"- {_where(fid, lab.get('cell'), lab['line'])}: {side}: {lab['code']} {lab['why']}")
        return 0

    present = [e for e in manifest["files"] if cache_path(e).is_file()]
    if len(present) < len(manifest["files"]):
        print(f"note: {len(manifest['files']) - len(present)} files are not in the cache "
              "(run `rehydrate`); their labels count as misses", file=sys.stderr)
    findings = run_tllint(present)
    if args.json:
        args.json.write_text(json.dumps({fid: [f.__dict__ for f in fs] for fid, fs in findings.items()},
                                        indent=1), encoding="utf-8")
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    print("\n\n".join(render(score(manifest, findings, split), args.details) for split in splits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
