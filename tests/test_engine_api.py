"""The engine's library registry (engine/registry.py) and the library modules (engine/api/).

A library is taught to the engine by one module that registers handlers for canonical names;
every import spelling of those names reaches them, and one name can never be registered twice.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import libcst as cst
import pytest

from tllint.analysis import analyze_source
from tllint.engine import registry
from tllint.engine.registry import DuplicateRegistration
from tllint.engine.script import ScriptModel
from tllint.engine.values import Model, Tensor
from tllint.rules import registry as rule_registry
from tllint.settings import Settings

ENGINE = Path(__file__).resolve().parents[1] / "src" / "tllint" / "engine"

TOY_LIBRARY = '''\
"""A toy image library, taught to the engine the way the modules of engine/api/ are."""

from tllint.engine import registry
from tllint.engine.api.support import decoder

registry.function("toylib.load_pixels")(decoder("toylib.load_pixels"))
'''

# Images from the toy loader, stacked and fed to DenseNet121 without its preprocess_input.
SCRIPT = """\
{imports}
import numpy as np
from tensorflow.keras.applications import DenseNet121
{body}
extractor = DenseNet121(weights="imagenet", include_top=False, pooling="avg")
features = extractor.predict(images)
"""
STACK = 'images = np.array([{call}("a.jpg"), {call}("b.jpg")], dtype="float32")'
SPELLINGS = [
    ("import toylib", "toylib.load_pixels"),
    ("import toylib as t", "t.load_pixels"),
    ("from toylib import load_pixels", "load_pixels"),
    ("from toylib import load_pixels as lp", "lp"),
]


def _script(imports: str, call: str) -> str:
    return SCRIPT.format(imports=imports, body=STACK.format(call=call))


def _findings(source: str) -> set[tuple[str, int]]:
    out = analyze_source(source, "t.py", Settings(), enabled=set(rule_registry()))
    assert not [f for f in out if f.code in ("TL000", "TL999")], out
    return {(f.code, f.line) for f in out if f.code.startswith("TL1")}


@pytest.fixture
def toylib(tmp_path, monkeypatch):
    """The toy library module, imported (so registered) for one test and forgotten after it."""
    (tmp_path / "toylib_engine_api.py").write_text(TOY_LIBRARY)
    monkeypatch.syspath_prepend(str(tmp_path))
    with registry.scope():
        try:
            yield importlib.import_module("toylib_engine_api")
        finally:
            sys.modules.pop("toylib_engine_api", None)


# ---------------------------------------------------------------------- registering
def test_registering_a_name_twice_raises():
    def handler(interp, ref, args, kwargs, node):
        return None

    with registry.scope():
        registry.function("toylib.twice")(handler)
        with pytest.raises(DuplicateRegistration, match="toylib.twice"):
            registry.function("toylib.twice")(handler)
        with pytest.raises(DuplicateRegistration):
            registry.function("keras.utils.image_dataset_from_directory")(handler)
        with pytest.raises(DuplicateRegistration):
            registry.prefix("keras.layers.")(handler)
        with pytest.raises(DuplicateRegistration):
            registry.method(Model, "compile")(handler)
        with pytest.raises(DuplicateRegistration):
            registry.hook("call", Tensor)(handler)
            registry.hook("call", Tensor)(handler)
        with pytest.raises(DuplicateRegistration):
            registry.setter("trainable")(handler)
        with pytest.raises(ValueError):
            registry.hook("no such kind", Tensor)
    assert registry.function_entry("toylib.twice") is None
    assert registry.hook_handler("call", Tensor(None)) is None


def test_a_module_that_registers_a_taken_name_fails_at_import(tmp_path, monkeypatch):
    (tmp_path / "toylib_clash.py").write_text(
        "from tllint.engine import registry\n"
        "from tllint.engine.api.support import neutral\n"
        'registry.function("tensorflow.image.resize")(neutral)\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with registry.scope():
        try:
            with pytest.raises(DuplicateRegistration, match="tensorflow.image.resize"):
                importlib.import_module("toylib_clash")
        finally:
            sys.modules.pop("toylib_clash", None)


# ---------------------------------------------------------------------- a toy library
@pytest.mark.parametrize("imports, call", SPELLINGS)
def test_every_import_spelling_reaches_a_registered_library(toylib, imports, call):
    assert _findings(_script(imports, call)) == {("TL101", 6)}


@pytest.mark.parametrize("imports, call", SPELLINGS)
def test_toy_pixels_reach_the_script_model(toylib, imports, call):
    source = _script(imports, call)
    script = ScriptModel(cst.parse_module(source), source, "t.py", Settings())
    (arrival,) = list(script.arrivals())
    assert arrival.encoding.source.kind == "raw"
    assert arrival.encoding.source.what == "toylib.load_pixels"
    assert arrival.verdict.kind == "raw"


def test_an_import_inside_a_function_reaches_it_too(toylib):
    body = 'def load(path):\n    from toylib import load_pixels as read\n    return read(path)\n\n\n' + STACK.format(call="load")
    source = SCRIPT.format(imports="", body=body)
    line = source.splitlines().index("features = extractor.predict(images)") + 1
    assert _findings(source) == {("TL101", line)}


@pytest.mark.parametrize("imports, call", SPELLINGS)
def test_an_unregistered_library_is_unknown(imports, call):
    # The same script without the toy module: the loader is unknown and nothing is reported.
    assert _findings(_script(imports, call)) == set()


# ---------------------------------------------------------------------- one home per API
@pytest.mark.parametrize("name", [
    "keras.utils.image_dataset_from_directory",
    "tensorflow.image.resize",
    "tensorflow.io.decode_jpeg",
    "keras.preprocessing.image.ImageDataGenerator",
])
def test_each_api_name_lives_in_one_engine_module(name):
    holders = [p.relative_to(ENGINE).as_posix() for p in sorted(ENGINE.rglob("*.py")) if name in p.read_text(encoding="utf-8")]
    assert len(holders) == 1, holders
    assert holders[0].startswith("api/")


def _imports(path: Path) -> set[str]:
    """Every module an engine/api module imports, `if TYPE_CHECKING:` blocks included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", sorted((ENGINE / "api").glob("*.py")), ids=lambda p: p.name)
def test_library_modules_call_back_only_through_the_interpreter(path):
    # Handlers get the interpreter as a registry.InterpreterApi; they never import the
    # dispatcher or the interpreter, not even for type hints.
    imported = _imports(path)
    for forbidden in ("tllint.engine.calls", "tllint.engine.interpreter", "tllint.engine.script"):
        assert forbidden not in imported, f"{path.name} imports {forbidden}"


def test_library_modules_are_all_registered():
    import tllint.engine.api as api

    modules = {p.stem for p in (ENGINE / "api").glob("*.py")} - {"__init__", "support"}
    assert modules == {name for name in modules if hasattr(api, name)}


def test_the_same_script_with_a_built_in_loader_fires_alike():
    # Control: the toy scripts differ from a cv2 feature extractor only in their loader.
    assert _findings(_script("import cv2", "cv2.imread")) == {("TL101", 6)}


def _docs_example() -> str:
    text = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text()
    section = text.split("## Teaching the engine a new API", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


SCALED = """\
import cv2
import numpy as np
{imports}
from tensorflow import keras

images = np.array([cv2.imread("a.jpg"), cv2.imread("b.jpg")], dtype="float32")
scaler = {ctor}
x = scaler.fit_transform(images)
{model}
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, np.array([0, 1]), epochs=1)
"""
MOBILENET = """\
base = keras.applications.MobileNetV2(include_top=False, weights="imagenet", pooling="avg")
base.trainable = False
model = keras.Sequential([base, keras.layers.Dense(2, activation="softmax")])"""
TFHUB = """\
import tensorflow_hub as hub
model = keras.Sequential([hub.KerasLayer("https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5"),
                          keras.layers.Dense(2, activation="softmax")])"""


@pytest.mark.parametrize("imports, ctor", [
    ("from sklearn.preprocessing import MinMaxScaler", "MinMaxScaler()"),
    ("import sklearn.preprocessing as pp", "pp.MinMaxScaler()"),
])
def test_the_documented_example_teaches_the_engine_min_max_scaler(imports, ctor):
    """docs/architecture.md's MinMaxScaler entry, registered for this test only in place of the real
    one (engine/api/sklearn.py), reaches the rules alike."""
    firing = SCALED.format(imports=imports, ctor=ctor, model=MOBILENET)
    clean = SCALED.format(imports=imports, ctor=ctor, model=TFHUB)
    assert ("TL102", 8) in _findings(firing)  # the engine's own entry
    assert not {code for code, _ in _findings(clean)} & {"TL101", "TL102", "TL103"}
    namespace = {"__name__": "docs_example"}
    exec(  # noqa: S102 - the documentation's own example, run as documented
        "import dataclasses\nfrom dataclasses import dataclass\nimport libcst as cst\nfrom tllint.engine import registry\n"
        "from tllint.engine.pixels import Step, describe\n"
        "from tllint.engine.values import UNKNOWN, BoundMethod, Data, Tensor, Value\n", namespace)
    with registry.scope():
        registry._functions.pop("sklearn.preprocessing.MinMaxScaler")  # the documented entry in its place
        exec(_docs_example(), namespace)  # noqa: S102
        assert ("TL102", 8) in _findings(firing)
        assert not {code for code, _ in _findings(clean)} & {"TL101", "TL102", "TL103"}
    assert ("TL102", 8) in _findings(firing)
