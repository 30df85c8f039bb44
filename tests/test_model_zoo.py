"""Models picked by name at run time (issue 18): `importlib.import_module` of a partly known dotted
name, `getattr(module, name)` over a module's model classes, and one model that stands for every
candidate. The whole-project outcome is tests/projects/model_zoo_by_name; these tests pin the
pieces on small projects written to tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

from tllint.discovery import discover
from tllint.engine.script import ScriptModel
from tllint.engine.values import UNKNOWN, Choice, LocalModule, Model, Ref, TextPattern
from tllint.linter import new_project
from tllint.project import _glob_module
from tllint.runner import lint_paths
from tllint.settings import Settings


def _write(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'zoo'\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _globals(root: Path, script: str = "train.py") -> dict:
    path = root / script
    source = path.read_text()
    model = ScriptModel(cst.parse_module(source), source, str(path), Settings(), project=new_project(Settings()))
    return model.interp.globals


def _findings(root: Path, *codes: str) -> list[tuple[str, str, int]]:
    settings = Settings(select=codes or ("TL102",))
    result = lint_paths(discover([str(root / "train.py")], settings, root).targets, settings)
    return sorted((f.path, f.code, f.line) for f in result.findings if f.code != "TL000")


CLASSES = """
    import tensorflow as tf


    class {name}(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.base = tf.keras.applications.{backbone}(include_top=False, weights="imagenet", pooling="avg")
            self.head = tf.keras.layers.Dense(3, activation="softmax")

        def call(self, x):
            return self.head(self.base(x))
"""


def test_a_dotted_pattern_matches_modules_at_any_depth_below_its_literal_parts(tmp_path):
    _write(tmp_path, {"train/jsh/model/zoo.py": "", "train/jsh/model/__init__.py": "", "train/ana/nets.py": "",
                      "train/readme.txt": "", "other/x.py": ""})
    found = sorted(str(p.relative_to(tmp_path)) for p in _glob_module(tmp_path, ("train", "*", "*")))
    # `f"train.{user}.{module}"` with module "model.zoo": a field may hold dots.
    assert found == ["train/ana/nets.py", "train/jsh/model/__init__.py", "train/jsh/model/zoo.py"]
    assert _glob_module(tmp_path, ("train", "ana", "net*")) == [tmp_path / "train/ana/nets.py"]
    assert _glob_module(tmp_path, ("missing", "*")) == []
    assert _glob_module(tmp_path, ("*", "zoo")) == []  # no literal package to start from: not walked


def test_import_module_of_a_constant_name_is_that_module_or_the_library(tmp_path):
    _write(tmp_path, {
        "nets/zoo.py": CLASSES.format(name="Net", backbone="ResNet50"),
        "train.py": """
            import importlib
            local = importlib.import_module("nets.zoo")
            library = importlib.import_module("tensorflow.keras.applications")
            missing = importlib.import_module("nets.nothing_here")
        """,
    })
    env = _globals(tmp_path)
    assert isinstance(env["local"], LocalModule) and env["local"].name.endswith("zoo.py")
    assert isinstance(env["library"], Ref) and env["library"].name == "keras.applications"
    assert isinstance(env["missing"], Ref)  # not local: a library name as far as tllint knows


def test_a_partly_known_module_name_is_a_choice_of_the_modules_it_matches(tmp_path):
    _write(tmp_path, {
        "nets/resnet.py": CLASSES.format(name="A", backbone="ResNet50"),
        "nets/mobilenet.py": CLASSES.format(name="B", backbone="MobileNetV2"),
        "train.py": """
            import importlib, sys
            pattern = "nets." + sys.argv[1]
            chosen = importlib.import_module(pattern)
            one = importlib.import_module(f"nets.mobile{sys.argv[1]}")
            cls = getattr(chosen, sys.argv[2])
            model = cls()
        """,
    })
    env = _globals(tmp_path)
    assert isinstance(env["pattern"], TextPattern) and env["pattern"].pattern == "nets.*"
    assert isinstance(env["chosen"], Choice) and len(env["chosen"].options) == 2
    assert isinstance(env["one"], LocalModule) and env["one"].name.endswith("mobilenet.py")  # the one name "mobile*" matches
    assert isinstance(env["cls"], Choice) and sorted(c.name for c in env["cls"].options) == ["A", "B"]
    model = env["model"]
    assert isinstance(model, Model) and sorted(b.name for b in model.backbones) == ["MobileNetV2", "ResNet50"]
    # One input for the stand-in: each candidate's backbone call is a feed of it.
    assert len(model.input_ids) == 1 and len(model.feeds) == 2


def test_getattr_by_name_keeps_to_model_classes_defined_in_the_module(tmp_path):
    _write(tmp_path, {
        "nets/zoo.py": textwrap.dedent(CLASSES.format(name="Only", backbone="ResNet50")) + textwrap.dedent("""
            from tensorflow.keras.applications import MobileNetV2  # imported, not defined here

            class Config:
                size = 224

            def make():
                return MobileNetV2()
        """),
        "helpers.py": "def util():\n    return 1\n",
        "train.py": """
            import importlib, sys
            import helpers
            zoo = importlib.import_module("nets.zoo")
            cls = getattr(zoo, sys.argv[1])
            other = getattr(helpers, sys.argv[1])
            unknown_module = getattr(sys.modules[__name__], sys.argv[1])
        """,
    })
    env = _globals(tmp_path)
    assert env["cls"].name == "Only"  # one candidate: the class itself
    assert env["other"] is UNKNOWN and env["unknown_module"] is UNKNOWN


def test_too_many_candidate_modules_say_nothing(tmp_path):
    files = {f"nets/m{i}.py": CLASSES.format(name=f"M{i}", backbone="ResNet50") for i in range(20)}
    files["train.py"] = """
        import importlib, sys
        mod = importlib.import_module("nets." + sys.argv[1])
    """
    _write(tmp_path, files)
    assert _globals(tmp_path)["mod"] is UNKNOWN


@pytest.mark.parametrize("scaling, expected", [
    ("/ 255.0", [("nets/a.py", "TL102", 12), ("nets/b.py", "TL102", 12)]),
    # Right for MobileNetV2, wrong for ResNet50: only the ResNet50 candidate is reported.
    ("/ 127.5 - 1", [("nets/a.py", "TL102", 12)]),
])
def test_each_candidate_is_judged_at_its_own_backbone(tmp_path, monkeypatch, scaling, expected):
    monkeypatch.chdir(tmp_path)  # as a run from the project folder
    _write(tmp_path, {
        "nets/a.py": CLASSES.format(name="A", backbone="ResNet50"),
        "nets/b.py": CLASSES.format(name="B", backbone="MobileNetV2"),
        "train.py": f"""
            import importlib, sys
            import tensorflow as tf

            ds = tf.keras.utils.image_dataset_from_directory("photos", image_size=(224, 224))
            ds = ds.map(lambda x, y: (x {scaling}, y))
            model = getattr(importlib.import_module("nets." + sys.argv[1]), sys.argv[2])()
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(ds, epochs=3)
        """,
    })
    assert _findings(tmp_path) == expected


def test_a_candidate_class_is_still_judged_by_itself(tmp_path, monkeypatch):
    # TL207 is a property of the class (Keras 3: `training=False` on the backbone call leaks into the
    # Dropout after it): said of the candidate although only the stand-in model is trained.
    monkeypatch.chdir(tmp_path)
    leaky = textwrap.dedent(CLASSES.format(name="Leaky", backbone="MobileNetV2")).replace(
        "        return self.head(self.base(x))",
        "        x = self.base(x, training=False)\n        return self.head(self.drop(x))").replace(
        '    self.head = tf.keras.layers.Dense(3, activation="softmax")',
        '    self.head = tf.keras.layers.Dense(3, activation="softmax")\n        self.drop = tf.keras.layers.Dropout(0.3)')
    _write(tmp_path, {
        "nets/leaky.py": leaky,
        "nets/plain.py": CLASSES.format(name="Plain", backbone="ResNet50"),
        "train.py": """
            import importlib, sys
            model = getattr(importlib.import_module("nets." + sys.argv[1]), sys.argv[2])()
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        """,
    })
    assert _findings(tmp_path, "TL207") == [("nets/leaky.py", "TL207", 14)]
