"""Titles and related places of the timeline rules (TL2xx): the freeze / compile / fit chain.

Each TL2xx finding has a short title (no line numbers) and the other places of its timeline,
labelled, in execution order, its own place left out (rules/_timeline_places.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import libcst as cst
import pytest

from fixture_support import FIXTURES, _TARGET, fixture_files
from tllint.analysis import analyze_source, enabled_rules, iter_reports
from tllint.discovery import discover
from tllint.engine.script import build_script_model
from tllint.rules import registry
from tllint.runner import lint_paths
from tllint.settings import Settings

TL2 = re.compile(r"TL2\d\d")
PROJECTS = Path(__file__).resolve().parent / "projects"


def _settings(text: str) -> Settings:
    m = _TARGET.search(text)
    return Settings(target_keras=m.group(1) if m else "auto")


def _findings(path: Path):
    text = path.read_text()
    return [f for f in analyze_source(text, str(path), _settings(text), enabled=set(registry())) if TL2.fullmatch(f.code)]


def _chain(relpath: str, code: str, line: int):
    found = [f for f in _findings(FIXTURES / relpath) if f.code == code and f.line == line]
    assert len(found) == 1, found
    f = found[0]
    return f.title, [(r.line, r.label) for r in f.related]


# (fixture, code, line) -> (title, [(line, label), ...])
CHAINS = {
    ("TL201/fire_keras3_unfreeze_before_first_fit.py", "TL201", 8): (
        "MobileNetV2 is trainable while the new head trains",
        [(4, "backbone built here"), (5, "frozen here"), (7, "compiled here (Adam, lr 1e-3)"), (9, "trained here (head)")],
    ),
    ("TL201/fire_partial_freeze_only.py", "TL201", 5): (
        "MobileNetV2 is partly trainable while the new head trains",
        [(3, "backbone built here"), (13, "compiled here (RMSprop, lr 1e-4)"), (14, "trained here (head)")],
    ),
    ("TL202/fire_unfreeze_after_fit_functional.py", "TL202", 11): (
        "MobileNetV2 unfrozen after training started; ignored until you recompile",
        [(9, "compiled here (Adam, lr 1e-4)"), (10, "trained here"), (12, "trained again here, with the old trainable state")],
    ),
    ("TL202/fire_gan_idiom_keras3.py", "TL202", 8): (
        "`discriminator` frozen after its compile; on Keras 3 its own training updates nothing",
        [(7, "compiled here (Adam, lr 1e-3)"), (13, "trained here, with nothing trainable on Keras 3")],
    ),
    ("TL203/fire_same_object_after_unfreeze.py", "TL203", 10): (
        "Recompile reuses the Adam optimizer already built by a fit; the next fit fails",
        [
            (6, "optimizer created here"),
            (7, "first compiled here (Adam, lr 1e-4)"),
            (8, "trained here: builds the optimizer for these variables"),
            (9, "unfrozen here: new trainable variables"),
            (11, "fails here"),
        ],
    ),
    # The unfreeze and the compile live in a function called after the head's fit: execution order.
    ("TL204/fire_default_adam_in_function.py", "TL204", 19): (
        "Fine-tuning EfficientNetB3 at Adam's default learning rate (1e-3)",
        [(24, "head compiled here (Adam, lr 1e-3)"), (25, "head trained here"), (15, "unfrozen here"), (20, "fine-tuned here (lr 1e-3)")],
    ),
    ("TL204/fire_same_constant_as_head.py", "TL204", 11): (
        "Fine-tuning DenseNet169 at the head's learning rate (1e-4)",
        [(8, "head compiled here (Adam, lr 1e-4)"), (9, "head trained here"), (10, "unfrozen here"), (12, "fine-tuned here (lr 1e-4)")],
    ),
    ("TL205/fire_functional_training_false_keras315.py", "TL205", 15): (
        "Xception's BatchNorm layers update during fine-tuning despite training=False",
        [
            (8, "called with training=False here (overridden by fit on Keras 3.0-3.15)"),
            (16, "compiled here (Adam, lr 1e-5)"),
            (17, "fine-tuned here"),
        ],
    ),
    ("TL205/fire_sequential_outer_loop_unfreezes_backbone.py", "TL205", 14): (
        "ResNet50's BatchNorm layers update during fine-tuning",
        [(5, "backbone built here"), (12, "unfrozen here"), (13, "compiled here (Adam, lr 1e-5)")],
    ),
    ("TL206/fire_bn_reenabled_in_frozen_base.py", "TL206", 10): (
        "BatchNorm layers of ResNet50 re-enabled under a frozen parent: Keras 2 and 3 disagree",
        [(6, "backbone built here"), (7, "parent frozen here"), (19, "trained here")],
    ),
    ("TL206/fire_slice_beyond_layer_count.py", "TL206", 5): (
        "`base.layers[:-300]` freezes nothing: MobileNetV2 has 154 layers",
        [(3, "backbone built here"), (6, "freezes nothing here"), (9, "trained here")],
    ),
    ("TL206/fire_flag_loop_name_absent.py", "TL206", 23): (
        "No layer of VGG16 is named 'blocks_conv1'; the flag loop never fires",
        [(7, "backbone built here"), (28, "every layer frozen here"), (31, "trained here")],
    ),
    ("TL207/fire_functional_keras316.py", "TL207", 10): (
        "Dropout never drops during training: training=False leaks into it (Keras 3.16+)",
        [(8, "backbone called with training=False here"), (14, "trained here")],
    ),
    ("TL208/trainabel_backbone.py", "TL208", 16): (
        "`trainabel` is not `trainable`: this freeze does nothing",
        [(25, "trained here, unaffected by that line")],
    ),
    ("TL208/training_flag_on_layer.py", "TL208", 8): (
        "`training` is not a layer attribute: this neither freezes nor sets inference mode",
        [(15, "compiled here, unaffected by that line")],
    ),
}


@pytest.mark.parametrize("key", sorted(CHAINS), ids=lambda k: f"{k[0]}:{k[2]}")
def test_exact_title_and_related(key):
    assert _chain(*key) == CHAINS[key]


def test_every_tl2xx_rule_has_an_exact_chain():
    assert {code for _, code, _ in CHAINS} == {f"TL20{i}" for i in range(1, 9)}


def test_related_place_in_another_module():
    """Compiled in model.py, unfrozen and trained again in train.py: the runner places each."""
    old = Path.cwd()
    os.chdir(PROJECTS)
    try:
        settings = Settings(select=("TL202",))
        found = discover(["unfreeze_in_train/train.py"], settings, PROJECTS)
        findings = lint_paths(found.targets, settings).findings
    finally:
        os.chdir(old)
    assert [(f.path, f.line, f.title) for f in findings] == [
        ("unfreeze_in_train/train.py", 10, "MobileNetV2 unfrozen after training started; ignored until you recompile")]
    assert [(r.path, r.line, r.label) for r in findings[0].related] == [
        ("unfreeze_in_train/model.py", 12, "compiled here (Adam, lr 1e-3)"),
        (None, 7, "trained here"),
        (None, 11, "trained again here, with the old trainable state"),
    ]


def _firing_tl2xx() -> list[Path]:
    expect = re.compile(r"#\s*expect:[^\n]*TL2\d\d")
    return [p for p in fixture_files() if expect.search(p.read_text())]


# "line 12", "lines 3-5", "train.py:12" (a slice such as `layers[:250]` is not a line number)
_LINE_NUMBER = re.compile(r"\blines?\s*\d|\.py:\d")


@pytest.mark.parametrize("path", _firing_tl2xx(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_titles_and_related_of_every_firing_fixture(path):
    text = path.read_text()
    n_lines = len(text.splitlines())
    findings = _findings(path)
    assert findings
    for f in findings:
        assert f.title and len(f.title) <= 100 and not _LINE_NUMBER.search(f.title), f.title
        for r in f.related:
            assert r.label
            assert r.path is None  # fixtures are single files
            assert 1 <= r.line <= r.end_line <= n_lines
            assert (r.line, r.column) != (f.line, f.column), (f.code, f.line, r.label)
    _assert_execution_order(path, text)


def _assert_execution_order(path: Path, text: str) -> None:
    """Related places that are timeline events come in the timeline's order."""
    settings = _settings(text)
    script = build_script_model(cst.parse_module(text), text, str(path), settings)
    first_index: dict[int, int] = {}
    for ev in script.events:
        first_index.setdefault(id(ev.node), ev.index)
    rules = [cls for cls in enabled_rules(set(registry())) if TL2.fullmatch(cls.code)]
    for cls, report in iter_reports(script, rules):
        assert report.title
        order = [first_index[id(node)] for node, _ in report.related if id(node) in first_index]
        assert order == sorted(order), (cls.code, [label for _, label in report.related])
