"""Confirm mode's parent-side API: runs without TensorFlow, never imports it."""

from __future__ import annotations

import argparse
import subprocess
import sys

from tllint import confirm as confirm_mod
from tllint.confirm import (
    INSTALL_HINT,
    ConfirmOptions,
    add_arguments,
    confirm_available,
    format_confirmation,
    run_confirm,
)
from tllint.finding import Finding


def test_add_arguments_defaults_and_values():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    ns = parser.parse_args([])
    assert (ns.confirm, ns.confirm_timeout, ns.confirm_steps, ns.confirm_backend) == (False, 300.0, 2, None)
    ns = parser.parse_args(["--confirm", "--confirm-timeout", "20", "--confirm-steps", "3", "--confirm-backend", "jax"])
    assert (ns.confirm, ns.confirm_timeout, ns.confirm_steps, ns.confirm_backend) == (True, 20.0, 3, "jax")
    opts = ConfirmOptions.from_namespace(ns)
    assert (opts.timeout, opts.steps, opts.backend) == (20.0, 3, "jax")


def test_confirm_available_hint(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tensorflow" else real(name, *a))
    hint = confirm_available()
    assert hint.startswith(INSTALL_HINT)
    assert 'pip install "tllint[confirm]"' in hint


def test_parent_never_imports_tensorflow_or_keras():
    code = (
        "import sys, tllint.confirm, tllint.confirm.runner, tllint.confirm.verdicts;"
        "tllint.confirm.confirm_available();"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras', 'jax', 'torch')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_format_confirmation():
    f = Finding("TL101", "missing-preprocessing", "error", "m", "a.py", 3, 1, 3, 1)
    assert format_confirmation(f) == ""
    f.confirmation = {"status": "refuted", "evidence": "pixels entering X ranged -1.00..1.00"}
    assert format_confirmation(f) == "refuted: pixels entering X ranged -1.00..1.00"
    assert f.to_json()["confirmation"]["status"] == "refuted"


def test_skipped_scripts_are_inconclusive_without_running(tmp_path):
    k2 = tmp_path / "k2.py"
    k2.write_text("import tf_keras as keras\nkeras.applications.MobileNetV2()\n")
    nb = tmp_path / "n.ipynb"
    nb.write_text("{}")
    plain = tmp_path / "plain.py"
    plain.write_text("print('hello')\n")
    fs = {str(p): [Finding("TL101", "x", "error", "m", str(p), 1, 1, 1, 1)] for p in (k2, nb, plain)}
    result = run_confirm(fs, ConfirmOptions(timeout=5))
    for path, (finding,) in fs.items():
        assert finding.confirmation["status"] == "inconclusive"
        assert finding.confirmation["evidence"].startswith("not run: ")
    assert "tf_keras (Keras 2)" in fs[str(k2)][0].confirmation["evidence"]
    assert result.summary.endswith("0 confirmed, 0 refuted, 3 inconclusive")


def test_verdict_helpers():
    from tllint.confirm.verdicts import classify, contract

    assert classify({"min": 0.0, "max": 255.0}) == "raw"
    assert classify({"min": 0.0, "max": 1.0}) == "unit"
    assert classify({"min": -1.0, "max": 1.0}) == "tf"
    assert classify({"min": -123.7, "max": 151.1}) == "caffe"
    assert classify({"min": -2.1, "max": 2.6}) == "torch"
    assert classify({"min": -0.0039, "max": 0.0039}) == "collapsed"
    assert classify({"min": 200.0, "max": 200.0}) == "raw"
    assert contract({"name": "MobileNetV2"})[0] == "tf"
    assert contract({"name": "EfficientNetB0"})[0] == "raw"
    assert contract({"name": "ResNet50"})[0] == "caffe"
    assert contract({"name": "MobileNetV3Small", "include_preprocessing": False})[0] == "tf"
    assert confirm_mod.DEFAULT_STEPS == 2
