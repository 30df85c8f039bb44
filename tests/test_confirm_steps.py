"""Confirm mode observes every kind of training step: `fit`, `train_on_batch`, a custom
`train_step` driven by `fit`, and a model trained both on its own and inside a combined model (the
GAN idiom). Capped fits skip the validation pass and cut batches to a few rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tllint.confirm import ConfirmOptions, confirm_available, run_confirm
from tllint.finding import Finding

pytestmark = [
    pytest.mark.confirm,
    pytest.mark.skipif(confirm_available() is not None, reason="confirm mode needs tensorflow and keras"),
]

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "confirm_fixtures"


def markers(path: Path) -> dict[str, int]:
    return {t.split("# L:")[1].strip(): i for i, t in enumerate(path.read_text().splitlines(), 1) if "# L:" in t}


def finding(code: str, path: Path, line: int) -> Finding:
    return Finding(code, code.lower(), "error", f"{code} at line {line}", str(path), line, 1, line, 1)


def test_gan_example_tl202_confirmed_by_the_discriminators_own_step():
    """examples/gan_idiom_keras3.py (README): its TL202 finding (at the freeze), judged by running it."""
    script = ROOT / "examples" / "gan_idiom_keras3.py"
    line = next(i for i, t in enumerate(script.read_text().splitlines(), 1) if t.startswith("discriminator.trainable = False"))
    f = finding("TL202", script, line)
    result = run_confirm({str(script): [f]}, ConfirmOptions(timeout=180))
    assert f.confirmation["status"] == "confirmed", f.confirmation
    evidence = f.confirmation["evidence"]
    assert f"after the freeze at line {f.line}, 0 of 4 variables of sequential_1 changed in its own train_on_batch at line 39" in evidence
    assert "functional_2, which contains it, trained in the train_on_batch at line 40" in evidence
    timeline = result.timelines[str(script)]
    assert [c["call_kind"] for c in timeline.calls] == ["train_on_batch"] * 4  # 2 per line, then capped
    own = timeline.calls[0]["begins"][0]
    assert own["labels"]["shape"] == [64]  # observed on the script's batch (trained on its first rows)


def test_gan_clean_twin_tl202_refuted():
    script = FIXTURES / "gan_ok.py"
    m = markers(script)
    f = finding("TL202", script, m["TL202"])
    run_confirm({str(script): [f]}, ConfirmOptions(timeout=180))
    assert f.confirmation["status"] == "refuted", f.confirmation
    assert f"4 of 4 variables of sequential_1 changed in its own train_on_batch at line {m['d_step']}: it trains on its own" in f.confirmation["evidence"]
    assert f"trained in the train_on_batch at line {m['g_step']} (0 of its 4 variables changed there)" in f.confirmation["evidence"]


def test_custom_train_step_driven_by_fit_is_observed():
    script = FIXTURES / "train_step_no_recompile.py"
    m = markers(script)
    tl202, tl201 = finding("TL202", script, m["TL202"]), finding("TL201", script, m["ctor"])
    result = run_confirm({str(script): [tl202, tl201]}, ConfirmOptions(timeout=180))
    assert tl202.confirmation["status"] == "confirmed", tl202.confirmation
    assert f"after the unfreeze at line {m['TL202']}, 0 of 156 MobileNetV2 variables changed in the fit at line {m['fit2']}" in tl202.confirmation["evidence"]
    assert tl201.confirmation["status"] == "refuted", tl201.confirmation
    assert "only the head trained (2 of 2 head variables changed)" in tl201.confirmation["evidence"]
    calls = result.timelines[str(script)].calls
    assert [len(c["ends"]) for c in calls] == [2, 2]


def test_validation_is_skipped_and_batches_are_cut():
    script = FIXTURES / "validation_skipped.py"
    m = markers(script)
    result = run_confirm({str(script): [finding("TL101", script, 1)]}, ConfirmOptions(timeout=180))
    run = result.runs[str(script)]
    assert run["status"] == "ok", result.timelines[str(script)].run_status()
    timeline = result.timelines[str(script)]
    assert [(c["line"], len(c["ends"])) for c in timeline.calls] == [(m["fit1"], 2), (m["fit2"], 2), (m["fit3"], 2)]
    data = [e for e in timeline.run.events if e["kind"] == "data"]
    assert [(d["how"], d["validation_skipped"], d["rows"]) for d in data] == [
        ("arrays", True, 8), ("arrays", True, 8), ("tf.data", True, 8)
    ]
    # the labels are observed on the script's batches of 32, the steps train on their first 8 rows
    assert all(b["labels"]["shape"] == [32] for c in timeline.calls for b in c["begins"])
