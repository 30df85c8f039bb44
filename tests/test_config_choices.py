"""Choices a script takes from its configuration: command-line defaults, YAML/JSON config files of
the project, class attributes, loops over backbones, import-less fragments (engine/branches.py,
engine/api/cli_args.py, engine/config_files.py, engine/unroll.py, engine/fragments.py)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from tllint.analysis import analyze_source
from tllint.discovery import discover
from tllint.engine.config_files import _UNKNOWN_SCALAR, parse_yaml
from tllint.runner import lint_paths
from tllint.settings import Settings

CODES = ("TL101", "TL102", "TL103", "TL201", "TL204", "TL205")

NET = '''\
from tensorflow import keras


def build(arch, num_classes):
    if arch == "resnet50":
        base = keras.applications.ResNet50(include_top=False, weights="imagenet", pooling="avg")
        base.trainable = False
    elif arch == "efficientnet":
        base = keras.applications.EfficientNetB0(include_top=False, weights="imagenet", pooling="avg")
    else:
        raise ValueError(arch)
    inputs = keras.Input((224, 224, 3))
    outputs = keras.layers.Dense(num_classes, activation="softmax")(base(inputs))
    return keras.Model(inputs, outputs)
'''

TRAINER = '''\
from tensorflow import keras


def compile_model(model, lr):
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy")
    return model
'''

YAML_TRAIN = '''\
import yaml
from tensorflow import keras

from models.net import build
from trainer import compile_model

with open("config.yaml") as f:
    cfg = yaml.safe_load(f)

model = compile_model(build(cfg["model"]["backbone"], cfg["model"]["classes"]), cfg["train"]["lr"])
train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=(224, 224))
model.fit(train_ds, epochs=cfg["train"]["epochs"])
'''

YAML = '''\
# experiment settings
model:
  backbone: {backbone}   # resnet50 | efficientnet
  classes: 5
train:
  lr: 0.0001
  epochs: 3
'''


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    (root / "pyproject.toml").write_text("")
    return root


def _lint(root: Path, *targets: str) -> list:
    settings = Settings(select=CODES)
    old = Path.cwd()
    os.chdir(root)
    try:
        return lint_paths(discover(list(targets) or ["."], settings, root).targets, settings).findings
    finally:
        os.chdir(old)


def _where(findings) -> set[tuple[str, str, int]]:
    return {(f.path, f.code, f.line) for f in findings if f.code != "TL000"}


def test_yaml_config_picks_the_backbone_across_modules(tmp_path):
    root = _project(tmp_path, {"models/net.py": NET, "trainer.py": TRAINER, "train.py": YAML_TRAIN,
                               "config.yaml": YAML.format(backbone="efficientnet")})
    found = _where(_lint(root))
    # EfficientNetB0 is never frozen: trainable in the first fit; it scales its input itself (no TL101).
    assert ("models/net.py", "TL201", 9) in found
    assert not any(code in ("TL101", "TL102", "TL103") for _, code, _ in found)


def test_yaml_config_choosing_the_frozen_arm_is_clean(tmp_path):
    root = _project(tmp_path, {"models/net.py": NET, "trainer.py": TRAINER, "train.py": YAML_TRAIN,
                               "config.yaml": YAML.format(backbone="resnet50")})
    found = _where(_lint(root))
    # ResNet50 is frozen; its raw pixels are TL101 (the pixel rules still see the chosen backbone).
    assert not any(code in ("TL201", "TL204", "TL205") for _, code, _ in found)
    assert ("models/net.py", "TL101", 13) in found


def test_json_config_and_missing_or_unsupported_files_are_unknown(tmp_path):
    train_json = YAML_TRAIN.replace("import yaml", "import json").replace("yaml.safe_load(f)", "json.load(f)") \
        .replace("config.yaml", "config.json")
    root = _project(tmp_path, {"models/net.py": NET, "trainer.py": TRAINER, "train.py": train_json,
                               "config.json": '{"model": {"backbone": "efficientnet", "classes": 5},'
                                              ' "train": {"lr": 1e-4, "epochs": 3}}'})
    assert ("models/net.py", "TL201", 9) in _where(_lint(root))
    # No config file in the project: the backbone is unknown, nothing is said about it.
    (root / "config.json").unlink()
    assert not any(code == "TL201" for _, code, _ in _where(_lint(root)))
    # YAML outside the subset (an anchor): unknown as a whole.
    root2 = _project(tmp_path / "b", {"models/net.py": NET, "trainer.py": TRAINER, "train.py": YAML_TRAIN,
                                      "config.yaml": "base: &b efficientnet\nmodel:\n  backbone: *b\n  classes: 5\n"})
    assert not any(code == "TL201" for _, code, _ in _where(_lint(root2)))


ARGS_TRAIN = '''\
import argparse

from tensorflow import keras

from models.net import build
from trainer import compile_model

parser = argparse.ArgumentParser()
parser.add_argument("--arch", default="efficientnet", help="resnet50 | efficientnet")
parser.add_argument("--resume", action="store_true")
args = parser.parse_args()

model = compile_model(build(args.arch, 5), 1e-4)
train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=(224, 224))
model.fit(train_ds, epochs=3)
'''


def test_argparse_default_decides_and_the_message_says_so(tmp_path):
    root = _project(tmp_path, {"models/net.py": NET, "trainer.py": TRAINER, "train.py": ARGS_TRAIN})
    findings = [f for f in _lint(root) if f.code == "TL201"]
    assert [(f.path, f.line) for f in findings] == [("models/net.py", 9)]
    assert "With the default `--arch efficientnet`" in findings[0].message


def _analyze(text: str, codes=CODES) -> list:
    return [f for f in analyze_source(textwrap.dedent(text), "t.py", Settings()) if f.code in codes]


def _single(text: str, codes=CODES):
    return {(f.code, f.line) for f in _analyze(text, codes)}


def test_switches_and_explicit_argument_lists_are_not_decided():
    text = '''\
    import argparse
    from tensorflow import keras
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--arch", default="resnet50")
    args = parser.parse_args(["--arch", "efficientnet"])
    base = keras.applications.ResNet50(include_top=False, weights="imagenet", pooling="avg")
    base.trainable = False
    if args.arch == "resnet50":
        base.trainable = True
    model = keras.Sequential([base, keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy")
    model.fit(train_ds, epochs=2)
    '''
    # parse_args with an explicit list: nothing is certain; both arms walked, the unfreeze in one arm
    # is reported as before (the arm is a path of the program).
    assert ("TL201", 10) in _single(text)
    decided = text.replace('parser.parse_args(["--arch", "efficientnet"])', "parser.parse_args()")
    assert ("TL201", 10) in _single(decided)
    other = decided.replace('default="resnet50"', 'default="vgg16"')
    assert not any(code == "TL201" for code, _ in _single(other))


def test_fragment_findings_are_warnings():
    text = '''\
    from tensorflow.keras.applications import ResNet50
    base_model = ResNet50(include_top=False, weights="imagenet")
    x = GlobalAveragePooling2D()(base_model.output)
    model = Model(base_model.input, Dense(3, activation="softmax")(x))
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    '''
    findings = _analyze(text, ("TL201",))
    assert [(f.code, f.line, f.severity) for f in findings] == [("TL201", 2, "warning")]
    # A file that defines `Dense` itself is not a fragment: nothing is guessed.
    bound = textwrap.dedent(text) + "\n\ndef Dense(*args, **kwargs):\n    return None\n"
    assert _analyze(bound, ("TL201",)) == []


def test_loop_over_backbone_constructors_is_unrolled_each_iteration_its_own_model():
    text = '''\
    from tensorflow import keras
    for name, ctor in {"vgg": keras.applications.VGG16, "res": keras.applications.ResNet50}.items():
        base = ctor(include_top=False, weights="imagenet", pooling="avg")
        if name == "vgg":
            base.trainable = False
        model = keras.Sequential([base, keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy")
        model.fit(train_ds, epochs=2)
    '''
    findings = _analyze(text, ("TL201",))
    # Only the ResNet50 iteration trains its backbone with the random head.
    assert [(f.code, f.line) for f in findings] == [("TL201", 3)]
    assert "ResNet50" in findings[0].message
    assert "(In the loop's iteration `name, ctor = ('res', ...)`.)" in findings[0].message


@pytest.mark.parametrize("scalar", ["1", "-3", "1_000", "0.5", ".5", "5.", "1.0e-3", "1e-3", "0x1f", "017", "1:30",
                                    "true", "True", "yes", "no", "on", "Off", "y", "n", "null", "~", "resnet50",
                                    "a b", "data/train", "efficientnet-b0", "2024-01-01", "-.5", "+.5", ".inf",
                                    "'q'", '"dq"', "'it''s'", "@x", "%x", "http://x"])
def test_yaml_scalars_read_as_pyyaml_reads_them(scalar):
    yaml = pytest.importorskip("yaml")
    got = parse_yaml(f"k: {scalar}\n")
    if got is None or got["k"] is _UNKNOWN_SCALAR:
        return  # unknown: allowed, never wrong
    want = yaml.safe_load(f"k: {scalar}\n")["k"]
    assert (got["k"], type(got["k"])) == (want, type(want))


def test_yaml_blocks_read_as_pyyaml_reads_them():
    yaml = pytest.importorskip("yaml")
    text = YAML.format(backbone="efficientnet") + "aug:\n  - flip\n  - rotate\nsizes: [224, 299]\nempty:\n"
    assert parse_yaml(text) == yaml.safe_load(text)
    for unsupported in ("a: |\n  x\n", "a: 1\na: 2\n", "a: {b: 1}\n", "---\na: 1\n---\nb: 2\n", "a:\n\tb: 1\n"):
        assert parse_yaml(unsupported) is None, unsupported


def test_class_constant_changed_anywhere_is_not_trusted():
    text = '''\
    from tensorflow import keras
    class Config:
        MODEL_MAP = {"res": keras.applications.ResNet50, "vgg": keras.applications.VGG16}
        ARCH = "res"
    Config.MODEL_MAP["res"] = keras.applications.MobileNetV2
    base = Config.MODEL_MAP[Config.ARCH](include_top=False, weights="imagenet", pooling="avg")
    model = keras.Sequential([base, keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy")
    model.fit(train_ds, epochs=2)
    '''
    assert not any(code == "TL201" for code, _ in _single(text))
    assert ("TL201", 5) in _single(text.replace('    Config.MODEL_MAP["res"] = keras.applications.MobileNetV2\n', ""))


def test_a_rate_from_a_default_says_so():
    text = '''\
    import argparse
    from tensorflow import keras
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()
    base = keras.applications.ResNet50(include_top=False, weights="imagenet", pooling="avg")
    model = keras.Sequential([base, keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(args.lr), loss="sparse_categorical_crossentropy")
    model.fit(train_ds, epochs=2)
    '''
    [finding] = _analyze(text, ("TL204",))
    assert finding.line == 8
    assert "(With the default `--lr 0.001`; another value on the command line may change this.)" in finding.message


NET_SWITCH = '''\
import argparse
import sys
from tensorflow import keras
from tensorflow.keras.preprocessing.image import ImageDataGenerator

parser = argparse.ArgumentParser()
parser.add_argument("--net", default="{net}")
parser.add_argument("--pretrained_model", type=str)
args = parser.parse_args()
if args.net.startswith("inception"):
    dim = 299
elif args.net.startswith("mobilenet"):
    dim = 224
else:
    sys.exit("unsupported")
if args.pretrained_model:
    base = keras.models.load_model(args.pretrained_model)
elif args.net == "inception_v3":
    base = keras.applications.InceptionV3(input_shape=(dim, dim, 3), weights="imagenet", include_top=False)
else:
    base = keras.applications.MobileNetV2(input_shape=(dim, dim, 3), weights="imagenet", include_top=False)
base.trainable = False
gen = ImageDataGenerator(rescale=1.0 / 255)
flow = gen.flow_from_directory("data/train", target_size=(dim, dim), class_mode="sparse")
x = keras.layers.GlobalAveragePooling2D()(base.output)
model = keras.Model(base.input, keras.layers.Dense(5, activation="softmax")(x))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(flow, epochs=3)
'''


@pytest.mark.parametrize("net", ["mobilenet_v2", "inception_v3"])
def test_text_tests_of_a_default_decide_and_a_backbone_or_its_file_is_the_backbone(net):
    # `args.net.startswith(...)` decides `dim`; `load_model(--pretrained_model)` or a built backbone is
    # the built one (the option has no default: the file arm is a switch the user turns on).
    findings = _analyze(NET_SWITCH.format(net=net), ("TL102", "TL306"))
    assert [(f.code, f.line) for f in findings] == [("TL102", 23)]  # no TL306: `dim` is decided, 224 or 299
    assert f"With the default `--net {net}`" in findings[0].message
    right = NET_SWITCH.replace("rescale=1.0 / 255", "preprocessing_function=keras.applications.mobilenet_v2.preprocess_input")
    assert _analyze(right.format(net="mobilenet_v2"), ("TL102", "TL306")) == []


def test_text_methods_fold_on_known_strings_only():
    from tllint.engine.script import ScriptModel
    import libcst as cst

    source = textwrap.dedent('''\
        import sys
        name = "EfficientNetB3"
        low = name.lower()
        parts = "a.b.c".split(".")
        yes = name.startswith("Efficient")
        unknown = sys.argv[1].lower()
        odd = name.startswith(3)
    ''')
    env = ScriptModel(cst.parse_module(source), source, "t.py", Settings()).interp.globals
    assert env["low"].value == "efficientnetb3" and [c.value for c in env["parts"].items] == ["a", "b", "c"]
    assert env["yes"].value is True
    assert not hasattr(env["unknown"], "value")  # not folded from unknown text
    assert not hasattr(env["odd"], "value")
