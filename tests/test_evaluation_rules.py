"""TL401 / TL404 (issue 21): a notebook, the engine's evaluation values, the run-time verdict."""

from __future__ import annotations

from pathlib import Path

from tllint.analysis import analyze_source
from tllint.confirm.runner import RunResult
from tllint.confirm.timeline import CONFIRMED, INCONCLUSIVE, REFUTED, Timeline
from tllint.confirm.verdicts import judge
from tllint.notebook import lint_notebook
from tllint.settings import Settings

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


def _findings(src: str, codes=("TL401", "TL404")):
    return [(f.code, f.line) for f in analyze_source(src, "t.py", Settings(), enabled=set(codes))]


def test_notebook_findings_at_cell_and_line():
    text = (NOTEBOOKS / "shuffled_evaluation.ipynb").read_text()
    findings = lint_notebook("shuffled_evaluation.ipynb", text, Settings(), {"TL401", "TL404"})
    assert [(f.code, f.cell, f.line) for f in findings] == [("TL404", 6, 3), ("TL401", 6, 4)]
    tl401 = next(f for f in findings if f.code == "TL401")
    assert "(cell 3, line 3)" in tl401.message  # the generator, in cell coordinates


HEAD = """import numpy as np
from sklearn.metrics import accuracy_score
from tensorflow import keras
base = keras.applications.MobileNetV2(include_top=False, weights="imagenet", pooling="avg")
base.trainable = False
model = keras.Sequential([base, keras.layers.Dense(4, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy")
"""


def test_predictions_keep_their_pass_through_transforms():
    src = HEAD + """ds = keras.utils.image_dataset_from_directory("d", image_size=(224, 224))
ds = ds.map(lambda x, y: (keras.applications.mobilenet_v2.preprocess_input(x), y)).prefetch(2)
y = []
for _, labels in ds.unbatch().batch(64):
    y.append(labels)
print(accuracy_score(np.array(y), model.predict(ds).argmax(-1)))
"""
    assert _findings(src) == [("TL401", 13)]


def test_labels_from_the_file_order_of_an_unshuffled_flow_are_clean():
    src = HEAD + """gen = keras.preprocessing.image.ImageDataGenerator().flow_from_directory("d", shuffle=False)
print(accuracy_score(gen.classes, np.argmax(model.predict(gen), axis=1)))
other = keras.preprocessing.image.ImageDataGenerator().flow_from_directory("e")
print(accuracy_score(gen.classes, np.argmax(model.predict(other), axis=1)))
"""
    assert _findings(src) == []


def _timeline(events):
    return Timeline.build(RunResult("t.py", events=[dict(e, seq=i) for i, e in enumerate(events)]))


def _tl404(line=9):
    src = """import numpy as np
from tensorflow import keras
base = keras.applications.MobileNetV2(include_top=False, weights="imagenet", pooling="avg")
base.trainable = False
model = keras.Sequential([base, keras.layers.Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy")
x = np.load("x.npy")
preds = model.predict(x)
print(np.argmax(preds, axis=-1))
"""
    (finding,) = analyze_source(src, "t.py", Settings(), enabled={"TL404"})
    assert finding.line == line
    return finding


def test_tl404_verdict_from_the_predict_shape():
    finding = _tl404()
    assert judge(_timeline([{"kind": "predicted", "line": 8, "shape": [32, 1]}]), finding)["status"] == CONFIRMED
    assert judge(_timeline([{"kind": "predicted", "line": 8, "shape": [32, 3]}]), finding)["status"] == REFUTED
    assert judge(_timeline([]), finding)["status"] == INCONCLUSIVE


def test_tl401_is_not_checked_at_run_time():
    src = HEAD + """gen = keras.preprocessing.image.ImageDataGenerator().flow_from_directory("d")
print(accuracy_score(gen.classes, np.argmax(model.predict(gen), axis=1)))
"""
    (finding,) = analyze_source(src, "t.py", Settings(), enabled={"TL401"})
    verdict = judge(_timeline([]), finding)
    assert verdict == {"status": INCONCLUSIVE, "evidence": "TL401 is not checked at run time"}
