"""Titles and related locations of the input, head and evaluation rules (TL1xx, TL3xx, TL4xx).

Each finding carries a short title (what is wrong, no line numbers) and the chain's other places
(where the pixels were loaded, scaled, the backbone built, the model trained...), produced from the
script model by the rules (issue 20, "One finding, structured")."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from fixture_support import FIXTURES, _TARGET, codes_under_test, expected, fixture_files
from tllint.analysis import analyze_source
from tllint.discovery import discover
from tllint.rules import registry
from tllint.runner import lint_paths
from tllint.settings import Settings

CODES = ("TL101", "TL102", "TL103", "TL301", "TL302", "TL303", "TL304", "TL305", "TL306",
         "TL401", "TL402", "TL403", "TL404", "TL405")
PROJECTS = Path(__file__).resolve().parent / "projects"
_LINE_REF = re.compile(r"\bline \d+|:\d+")


def findings_of(path: Path):
    text = path.read_text()
    m = _TARGET.search(text)
    settings = Settings(target_keras=m.group(1) if m else "auto")
    return text, analyze_source(text, str(path), settings, enabled=set(registry()))


# (fixture, line of the finding, title, [(line, label) of each related place])
CASES = [
    ('TL101/idfd_mobilenetv2_functional.py', 13,
     'MobileNetV2 is fed raw 0..255 pixels; it expects [-1, 1]',
     [(4, 'pixels loaded here (0..255)'),
      (7, 'MobileNetV2 built here (expects [-1, 1])'),
      (18, 'trained here')]),
    ('TL101/predict_raw_after_preprocessed_training.py', 34,
     'At prediction: MobileNetV2 is fed raw 0..255 pixels; it expects [-1, 1]',
     [(22, 'pixels loaded here (0..255)'),
      (26, 'MobileNetV2 built here (expects [-1, 1])'),
      (30, 'trained here with the right preprocessing')]),
    ('TL101/predict_raw_after_preprocessed_training.py', 44,
     'At prediction: MobileNetV2 is fed raw 0..255 pixels; it expects [-1, 1]',
     [(41, 'pixels loaded here (0..255)'),
      (26, 'MobileNetV2 built here (expects [-1, 1])'),
      (30, 'trained here with the right preprocessing')]),
    ('TL102/generator_rescale_mobilenetv2.py', 6,
     'MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]',
     [(11, 'pixels loaded here (0..255)'),
      (13, 'MobileNetV2 built here (expects [-1, 1])'),
      (16, 'pixels reach MobileNetV2 here'),
      (21, 'trained here')]),
    ('TL103/rescaling_then_preprocess_input.py', 8,
     'Pixels are preprocessed twice before MobileNetV2',
     [(5, 'pixels loaded here (0..255)'),
      (7, 'rescaled to [0, 1] here'),
      (9, 'MobileNetV2 built here (expects [-1, 1])'),
      (11, 'pixels reach MobileNetV2 here'),
      (15, 'trained here')]),
    ('TL301/fire_activation_layer_loss_variable.py', 13,
     'Softmax output trained with from_logits=True',
     [(10, 'final Dense here (3 units)'),
      (11, 'softmax applied here'),
      (4, 'loss built here with from_logits=True')]),
    ('TL302/fire_class_count_mismatch.py', 13,
     'The labels have 3 classes, but the final layer has 5 units',
     [(4, 'one-hot labels made here (label_mode="categorical", 3 classes)'),
      (11, 'final layer here (5 units, softmax)'),
      (14, 'trained here')]),
    ('TL303/fire_dense_on_feature_map.py', 8,
     "Dense applied to ResNet50's 4-D feature map: no pooling or Flatten before it",
     [(3, 'ResNet50 built here (include_top=False, pooling=None)')]),
    ('TL304/fire_default_include_top.py', 8,
     "New head stacked on ResNet50's 1000-way ImageNet classifier",
     [(3, 'ResNet50 built here (include_top defaults to True: its output is the ImageNet predictions)')]),
    ('TL305/fire_compile_only.py', 4,
     'ConvNeXtSmall with random weights (weights=None) is frozen while the head trains',
     [(3, 'ConvNeXtSmall built here with weights=None (random weights)'),
      (7, 'compiled here: training starts with random features frozen')]),
    ('TL306/fire_pipeline_base_input.py', 16,
     'Images of 200x200 reach `model`, which takes only 224x224',
     [(14, 'images loaded here at 200x200'),
      (11, '`model` built here: it takes only 224x224')]),
    ('TL306/fire_mobilenet_v2_150.py', 4,
     'MobileNetV2 has no ImageNet weights for 150x150 input',
     []),
    ('TL401/flow_from_directory_classes.py', 31,
     'Predictions of a shuffled source scored against labels in file order',
     [(20, 'source built here: it reshuffles on every pass'),
      (29, 'predictions made here, in one pass')]),
    ('TL402/fire_validation_subset_of_augmenting_generator.py', 23,
     "Validation data is augmented (the generator's random transforms)",
     [(15, 'generator built here with random augmentation'),
      (30, 'passed as validation_data here')]),
    ('TL403/fire_shuffle_take_skip.py', 19,
     'Training and validation data are take()/skip() of a dataset reshuffled on every pass',
     [(9, 'shuffled here: a new order on every pass'),
      (11, 'training data cut here with skip()'),
      (10, 'validation data cut here with take()')]),
    ('TL404/sigmoid_functional_argmax.py', 26,
     'argmax over a single-unit output: every prediction is class 0',
     [(19, 'final layer here (1 unit, sigmoid)'),
      (25, 'predictions made here, one column')]),
    ('TL405/fire_class_folder_loop.py', 27,
     'validation_split=0.2 holds out only the last classes of class-ordered arrays',
     [(14, 'arrays built class by class here'),
      (20, 'array made here, never shuffled')]),
]


@pytest.mark.parametrize("fixture, line, title, related", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_title_and_related_places(fixture, line, title, related):
    code = fixture.split("/")[0]
    _, findings = findings_of(FIXTURES / fixture)
    [finding] = [f for f in findings if f.code == code and f.line == line]
    assert finding.title == title
    assert [(r.line, r.label) for r in finding.related] == related
    assert all(r.path is None for r in finding.related)


def test_every_rule_of_ours_has_a_case():
    assert {c[0].split("/")[0] for c in CASES} == set(CODES)


def _firing():
    out = []
    for path in fixture_files():
        text = path.read_text()
        codes = codes_under_test(path, text) & set(CODES)
        if codes and expected(text, codes):
            out.append(path)
    return out


@pytest.mark.parametrize("path", _firing(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_finding_has_a_short_title_and_related_places_in_the_file(path):
    text, findings = findings_of(path)
    n_lines = len(text.splitlines())
    ours = [f for f in findings if f.code in CODES]
    assert ours
    for f in ours:
        assert f.title and len(f.title) <= 100, f.title
        assert not _LINE_REF.search(f.title), f.title
        for r in f.related:
            assert r.label and not _LINE_REF.search(r.label), r
            assert r.path is None and 1 <= r.line <= n_lines, r
            assert (r.line, r.column) != (f.line, f.column), r
        places = [(r.line, r.column) for r in f.related]
        assert len(places) == len(set(places)), f.related


def test_related_places_in_another_module_name_their_file():
    # model.py feeds the backbone; the pixels are loaded in data.py and trained in train.py.
    settings = Settings(select=("TL101", "TL302"))
    old = Path.cwd()
    os.chdir(PROJECTS)
    try:
        found = discover(["no_preprocessing/train.py", "labels_from_data/train.py"], settings, PROJECTS)
        findings = lint_paths(found.targets, settings).findings
    finally:
        os.chdir(old)
    got = {(f.path, f.code, f.line): (f.title, [(r.path, r.line, r.label) for r in f.related]) for f in findings}
    assert got[("no_preprocessing/model.py", "TL101", 10)] == (
        "MobileNetV2 is fed raw 0..255 pixels; it expects [-1, 1]",
        [("no_preprocessing/data.py", 8, "pixels loaded here (0..255)"),
         (None, 7, "MobileNetV2 built here (expects [-1, 1])"),
         ("no_preprocessing/train.py", 6, "trained here")],
    )
    assert got[("labels_from_data/train.py", "TL302", 11)] == (
        "Integer labels trained with categorical_crossentropy, which expects one-hot",
        [("labels_from_data/data.py", 8, "integer labels made here (label_mode='int' by default)"),
         (None, 12, "trained here")],
    )
