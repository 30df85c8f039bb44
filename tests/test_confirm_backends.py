"""Confirm mode where Keras 3 users train: the jax and torch backends need no TensorFlow.

The availability check is tested with a fake "importable" predicate and, end to end, with
TensorFlow hidden by a `sitecustomize` on PYTHONPATH (the confirm child inherits it). Runs on jax
or torch are skipped when that library is not importable here (install it in a venv without
TensorFlow to run them: `pip install -e . keras jax`).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tllint.confirm import (
    INSTALL_HINT,
    INSTALL_HINTS,
    ConfirmOptions,
    confirm_available,
    effective_backend,
    run_confirm,
)
from tllint.confirm.runner import RunResult
from tllint.confirm.timeline import Timeline
from tllint.finding import Finding

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).parent / "confirm_fixtures"

HIDE = '''\
import sys


class _Hidden:
    """Modules named in TLLINT_TEST_HIDE are "not installed"."""

    names = {"tensorflow", "torch", "jax"}

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _Hidden())
'''


def importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def only(*names: str):
    return set(names).__contains__


def finding(code: str, path: Path, line: int) -> Finding:
    return Finding(code, code.lower(), "error", f"{code} at line {line}", str(path), line, 1, line, 1)


# ---------------------------------------------------------------------------------------------
# what each backend needs
# ---------------------------------------------------------------------------------------------

def test_jax_and_torch_backends_do_not_need_tensorflow(monkeypatch):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    no_tf = only("keras", "jax", "torch")
    assert confirm_available("jax", importable=no_tf) is None
    assert confirm_available("torch", importable=no_tf) is None
    hint = confirm_available("tensorflow", importable=no_tf)
    assert hint.startswith(INSTALL_HINT) and "--confirm-backend jax / torch" in hint
    assert confirm_available(None, importable=no_tf) == hint  # the default backend is tensorflow
    monkeypatch.setenv("KERAS_BACKEND", "torch")  # ... unless KERAS_BACKEND says otherwise
    assert effective_backend(None) == "torch"
    assert confirm_available(None, importable=no_tf) is None
    assert effective_backend("jax") == "jax"


def test_install_hint_names_the_backends_needs():
    tf_only = only("keras", "tensorflow")
    assert confirm_available("tensorflow", importable=tf_only) is None
    jax_hint = confirm_available("jax", importable=tf_only)
    assert jax_hint == INSTALL_HINTS["jax"] and jax_hint.endswith("pip install keras jax")
    torch_hint = confirm_available("torch", importable=only("torch"))  # keras missing
    assert torch_hint == INSTALL_HINTS["torch"] and torch_hint.endswith("pip install keras torch")
    assert "tllint[confirm]" not in jax_hint + torch_hint  # that extra installs TensorFlow


@pytest.fixture
def hidden_path(tmp_path):
    """A PYTHONPATH folder whose sitecustomize hides tensorflow, torch and jax."""
    folder = tmp_path / "hide"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(HIDE)
    return folder


def _cli(args, cwd, hidden):
    env = dict(os.environ, PYTHONPATH=str(hidden))
    env.pop("KERAS_BACKEND", None)
    code = "import sys; from tllint.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_cli_without_tensorflow_names_what_each_backend_needs(tmp_path, hidden_path):
    (tmp_path / "train.py").write_text("import keras\n")
    default = _cli(["--confirm", "train.py"], tmp_path, hidden_path)
    assert default.returncode == 2, default.stderr
    assert 'pip install "tllint[confirm]"' in default.stderr and "--confirm-backend jax / torch" in default.stderr
    torch = _cli(["--confirm", "--confirm-backend", "torch", "train.py"], tmp_path, hidden_path)
    assert torch.returncode == 2, torch.stderr
    assert "needs Keras and PyTorch (no TensorFlow): pip install keras torch" in torch.stderr
    assert "tllint[confirm]" not in torch.stderr


# ---------------------------------------------------------------------------------------------
# a script that needs TensorFlow on a backend without it: a clear inconclusive reason
# ---------------------------------------------------------------------------------------------

def _timeline(end: dict, backend: str | None = "jax") -> Timeline:
    events = [{"kind": "start", "seq": 1}]
    if backend:
        events.append({"kind": "meta", "seq": 2, "keras": "3.15.1", "backend": backend, "device": "CPU"})
    events.append(dict(end, kind="end", seq=3, status="error"))
    return Timeline.build(RunResult(script="s.py", events=events, returncode=1))


def test_missing_tensorflow_reasons_from_the_events():
    own = _timeline({"type": "ModuleNotFoundError", "message": "No module named 'tensorflow'", "line": 7,
                     "missing_module": "tensorflow", "imported_by_script": True})
    assert own.run_status() == (
        "the script imports tensorflow (line 7), which is not installed here (backend jax);"
        " run with --confirm-backend tensorflow where it is"
    )
    assert own.not_observed("a backbone construction")[0] == "inconclusive"
    library = _timeline({"type": "ModuleNotFoundError", "message": "No module named 'tensorflow'", "line": 2,
                         "missing_module": "tensorflow", "imported_by_script": False}, backend="torch")
    assert library.run_status().startswith("what the script calls at line 2 needs tensorflow, which is not installed here (backend torch)")
    other = _timeline({"type": "ModuleNotFoundError", "message": "No module named 'cv2'", "line": 3,
                       "missing_module": "cv2", "imported_by_script": True})
    assert other.run_status() == "the script failed at line 3: ModuleNotFoundError: No module named 'cv2'"


def test_script_importing_tensorflow_where_it_is_not_installed(tmp_path, hidden_path, monkeypatch):
    """A real child run with TensorFlow hidden: the script's own import is named, with the way out."""
    script = tmp_path / "train.py"
    script.write_text("import numpy as np\n\nimport tensorflow as tf\n\nbase = tf.keras.applications.MobileNetV2()\n")
    monkeypatch.setenv("PYTHONPATH", str(hidden_path))
    f = finding("TL101", script, 5)
    run_confirm({str(script): [f]}, ConfirmOptions(timeout=120, backend="jax"))
    assert f.confirmation["status"] == "inconclusive", f.confirmation
    assert "the script imports tensorflow (line 3), which is not installed here" in f.confirmation["evidence"]
    assert f.confirmation["evidence"].endswith("run with --confirm-backend tensorflow where it is")


# ---------------------------------------------------------------------------------------------
# real runs on jax / torch (skipped where the backend is not installed)
# ---------------------------------------------------------------------------------------------

BACKENDS = [
    pytest.param(b, marks=[pytest.mark.confirm, pytest.mark.skipif(confirm_available(b) is not None, reason=f"keras and {b} are not importable here")])
    for b in ("jax", "torch")
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_gan_example_confirmed_on_backend(backend):
    script = EXAMPLES / "gan_idiom_keras3.py"
    line = next(i for i, t in enumerate(script.read_text().splitlines(), 1) if t.startswith("discriminator.trainable = False"))
    f = finding("TL202", script, line)
    result = run_confirm({str(script): [f]}, ConfirmOptions(timeout=180, backend=backend))
    assert f"backend {backend}" in result.summary
    assert f.confirmation["status"] == "confirmed", f.confirmation
    assert f"after the freeze at line {line}, 0 of 4 variables" in f.confirmation["evidence"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_keras_utility_needing_tensorflow_on_backend(backend, tmp_path):
    if importable("tensorflow"):
        pytest.skip("tensorflow is installed here: image_dataset_from_directory works")
    script = tmp_path / "train.py"
    script.write_text(
        "import keras\n"
        "train = keras.utils.image_dataset_from_directory('data/train', image_size=(64, 64))\n"
        "base = keras.applications.MobileNetV2(include_top=False, input_shape=(64, 64, 3), weights=None)\n"
    )
    f = finding("TL101", script, 3)
    run_confirm({str(script): [f]}, ConfirmOptions(timeout=120, backend=backend))
    assert f.confirmation["status"] == "inconclusive"
    assert f"what the script calls at line 2 needs tensorflow, which is not installed here (backend {backend})" in f.confirmation["evidence"]
