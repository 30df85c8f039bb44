"""The confirm child's package: what it imports before its sandbox is in place, and that its module
names neither shadow a user's modules nor get shadowed by them."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest

from tllint.confirm import ConfirmOptions, confirm_available, run_confirm
from tllint.confirm.runner import CHILD, run_script
from tllint.finding import Finding

CHILD_DIR = CHILD.parent
CHILD_MODULES = sorted(p.stem for p in CHILD_DIR.glob("*.py") if not p.stem.startswith("__"))


def _module_level_imports(tree: ast.Module):
    """Import statements outside any function body (class bodies and if/try blocks included)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def test_child_is_a_package_started_through_its_main_file():
    assert CHILD.name == "__main__.py" and CHILD.is_file()
    assert (CHILD_DIR / "__init__.py").is_file()
    expected = {"events", "sandbox", "patching", "observations", "capping", "synthetic", "main"}
    assert expected <= set(CHILD_MODULES)


def test_child_modules_import_only_the_standard_library_at_module_level():
    bad = []
    for path in sorted(CHILD_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _module_level_imports(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level > 0:
                    continue  # a sibling module of the child
                names = [node.module or ""]
            else:
                names = [alias.name for alias in node.names]
            for name in names:
                top = name.split(".")[0]
                if top != "__future__" and top not in sys.stdlib_module_names:
                    bad.append(f"{path.name}:{node.lineno} imports {name}")
    assert not bad, bad


FAKE_KERAS = '''
import builtins, json, os, socket, sys
startup = set(json.loads(os.environ["TLLINT_TEST_STARTUP_MODULES"]))
extra = sorted(
    m for m in sys.modules
    if m.split(".")[0] not in sys.stdlib_module_names
    and m not in startup
    and not m.startswith("tllint-confirm-child")
    and m not in ("__main__", "keras")
)
report = {
    "network_blocked": socket.socket.connect.__name__ == "_no_network",
    "open_redirected": builtins.open.__name__ == "_open",
    "extra_modules": extra,
    "child_dir_on_path": any(os.path.realpath(p or ".") == os.environ["TLLINT_TEST_CHILD_DIR"] for p in sys.path),
}
print("FAKE-KERAS " + json.dumps(report), file=sys.stderr)
raise ImportError("fake keras for tllint tests")
'''


def test_sandbox_is_in_place_before_the_first_non_standard_import(tmp_path, monkeypatch):
    """The first module the child imports that is not the standard library (Keras) already finds
    the network blocked and `open` redirected, and nothing else outside the standard library loaded."""
    fake = tmp_path / "fake_site"
    (fake / "keras").mkdir(parents=True)
    (fake / "keras" / "__init__.py").write_text(FAKE_KERAS)
    pythonpath = os.pathsep.join(filter(None, [str(fake), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", pythonpath)
    startup = subprocess.run(
        [sys.executable, "-c", "import sys, json; print(json.dumps(sorted(sys.modules)))"],
        check=True, capture_output=True, text=True, env=dict(os.environ),
    ).stdout
    monkeypatch.setenv("TLLINT_TEST_STARTUP_MODULES", startup)
    monkeypatch.setenv("TLLINT_TEST_CHILD_DIR", os.path.realpath(CHILD_DIR))
    script = tmp_path / "plain.py"
    script.write_text("print('ran')\n")
    result = run_script(script, timeout=60)
    assert result.returncode == 0, result.stderr_tail
    (line,) = [ln for ln in result.stderr_tail.splitlines() if ln.startswith("FAKE-KERAS ")]
    report = json.loads(line[len("FAKE-KERAS "):])
    assert report == {
        "network_blocked": True,
        "open_redirected": True,
        "extra_modules": [],
        "child_dir_on_path": False,
    }
    (error,) = result.of_kind("instrumentation_error")
    assert "fake keras for tllint tests" in error["error"]
    assert result.first("end")["status"] == "ok"


# A user module named like a module of the child: it records every import of itself and refuses
# any import that does not come from the user's script.
USER_MODULE = '''
import builtins, sys
builtins.__dict__.setdefault("_user_module_imports", []).append(__name__)
_frame = sys._getframe(1)
while _frame is not None and not _frame.f_code.co_filename.endswith("train.py"):
    _frame = _frame.f_back
if _frame is None:
    raise ImportError("user module " + __name__ + " imported by someone other than the script")
MARKER = "user " + __name__
'''

SCRIPT = '''
import builtins, sys
assert not [m for m in {names!r} if m in sys.modules], "a user module is loaded before the script"
import sandbox
import events
assert sandbox.MARKER == "user sandbox" and events.MARKER == "user events"
import numpy as np
import keras

backbone = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3), alpha=0.35)
backbone.trainable = False
inputs = keras.Input((32, 32, 3))
x = backbone(inputs, training=False)  # L:call
x = keras.layers.GlobalAveragePooling2D()(x)
outputs = keras.layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
images = np.random.default_rng(0).integers(0, 256, (16, 32, 32, 3)).astype("float32")
labels = np.arange(16) % 2
model.fit(images, labels, batch_size=4, epochs=3)
model.predict(images, batch_size=4)
assert builtins._user_module_imports == ["sandbox", "events"], builtins._user_module_imports
'''


@pytest.mark.confirm
@pytest.mark.skipif(confirm_available() is not None, reason="confirm mode needs tensorflow and keras")
def test_user_modules_named_like_the_child_modules(tmp_path):
    for name in CHILD_MODULES:
        (tmp_path / f"{name}.py").write_text(USER_MODULE)
    script = tmp_path / "train.py"
    script.write_text(SCRIPT.format(names=CHILD_MODULES))
    line = next(n for n, text in enumerate(script.read_text().splitlines(), 1) if "# L:call" in text)
    finding = Finding("TL101", "missing-preprocessing", "error", "m", str(script), line, 1, line, 1)
    result = run_confirm({str(script): [finding]}, ConfirmOptions(timeout=180, steps=2))
    run = result.runs[str(script)]
    timeline = result.timelines[str(script)]
    assert run["status"] == "ok", (run, timeline.end, timeline.run.stderr_tail)
    assert not timeline.run.of_kind("instrumentation_error"), timeline.run.of_kind("instrumentation_error")
    assert [b["name"] for b in timeline.backbones.values()] == ["MobileNetV2"]
    (call,) = timeline.calls
    assert len(call["ends"]) == 2
    assert finding.confirmation["status"] == "confirmed", finding.confirmation
    assert "pixels entering MobileNetV2 ranged" in finding.confirmation["evidence"]
