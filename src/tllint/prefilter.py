"""Pre-filters: which files can involve Keras, and which can lead to a finding, decided on the
raw text before anything is parsed (sources layer).
"""

from __future__ import annotations

import re

from tllint.settings import Settings

# Names whose presence makes a file worth parsing. A file without any of them cannot involve
# Keras (local imports of such files are followed from the files that do).
_KERAS_HINT = re.compile(
    rb"keras|tensorflow|tf_keras|tensorflow_hub|keras_hub|keras_cv|\btf\b|applications|\.fit\(|\.(?:fit|predict|evaluate)_generator\("
    rb"|\.compile\(|trainable"
)


# Literal pre-checks: `in` (memchr-fast) before the regexes, which scan big files slowly.
# `.fit_generator(` alone: an old-Keras train script that imports its model from a local module.
_KERAS_WORDS = ("keras", "tensorflow", "applications", ".fit(", ".fit_generator(", ".predict_generator(",
                ".evaluate_generator(", ".compile(", "trainable")
_KERAS_WORDS_B = tuple(w.encode() for w in _KERAS_WORDS)
_FINDING_WORDS = ("compile", "fit", "train_on_batch", "evaluate", "predict", "trainable", "applications", "hub",
                  "keras_cv", "keras_nlp", "from_preset", "GradientTape", "apply_gradients", "noqa", "tllint")
_FINDING_WORDS_B = tuple(w.encode() for w in _FINDING_WORDS)


def might_involve_keras(source: str | bytes) -> bool:
    words = _KERAS_WORDS if isinstance(source, str) else _KERAS_WORDS_B
    if any(word in source for word in words):
        return True
    if ("tf" if isinstance(source, str) else b"tf") not in source:
        return False
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    return _KERAS_HINT.search(data) is not None


# Second pre-filter, for files that do mention Keras. Every rule needs an event of the file's
# own program: a compile or training step, a trainable flag, a custom training loop, or a
# backbone (keras.applications, TF-Hub, keras_hub/keras_cv/keras_nlp presets). Without any of
# these names, and without local imports that could bring them in (may_import_locally),
# parsing cannot lead to a finding; Python's own parser still checks the syntax (TL000). Library code (most of the keras package itself) stops here.
# (slicing.py blanks top-level definitions that match none of them, on text.)
FINDING_HINT_TEXT = (
    r"\.\s*(?:compile|fit|fit_generator|train_on_batch|evaluate|predict|evaluate_generator|predict_generator)\s*\("
    r"|trainable|applications|\bhub\b"
    r"|keras_hub|keras_cv|keras_nlp|from_preset|GradientTape|apply_gradients|noqa\s*:\s*TL|tllint"
)
_FINDING_HINT = re.compile(FINDING_HINT_TEXT.encode())


def might_have_findings(source: str | bytes) -> bool:
    words = _FINDING_WORDS if isinstance(source, str) else _FINDING_WORDS_B
    if not any(word in source for word in words):
        return False
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    return _FINDING_HINT.search(data) is not None


def may_import_locally(source: str, path: str, settings: Settings, project=None) -> bool:
    """Whether the file may import a module found beside it or under the project root.

    A text without a file on disk (stdin, an unsaved editor buffer) cannot be resolved: yes.
    """
    from pathlib import Path

    file = Path(path)
    try:
        if not file.is_file():
            return True
        deps = _dependencies(settings, project)
        return bool(deps.direct(file, source.encode("utf-8", "surrogatepass")))
    except Exception:  # noqa: BLE001 - when unsure, analyse
        return True


# A script without Keras words that imports a local module which has them (`run.py`:
# `from src.main import Main; Main(...).train()`) is the entry point of that project: analysed.
_MAX_REACH = 64  # local modules scanned per script before giving up (then: not analysed)
# A call statement at the top level (`main()`, `trainer.fit_all(cfg)`): what scripts run.
_TOP_LEVEL_CALL = re.compile(rb"^[A-Za-z_][\w.]*\s*\(", re.M)
_KERAS_IMPORT = re.compile(rb"^[ \t]*(?:from|import)[ \t]+(?:keras|tensorflow|tf_keras)\b", re.M)


def _imports_keras(data: bytes) -> bool:
    """The reached module imports Keras itself (a word in a docstring is not enough)."""
    return _KERAS_IMPORT.search(data) is not None


def reaches_keras_locally(source: str | bytes, path: str, settings: Settings, project=None) -> bool:
    """Whether a file without Keras words imports, directly or through other local modules, a
    local module that has them."""
    from pathlib import Path

    file = Path(path)
    try:
        if not file.is_file():
            return False
        data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
        deps = _dependencies(settings, project)
        if b"__main__" not in data and (_TOP_LEVEL_CALL.search(data) is None or (file.parent / "__init__.py").exists()):
            # Not a script: a module of a package, or defs and imports only. (A package module
            # run with `python -m` has its `__main__` guard.)
            return False
        return deps.reaches(file, data, _imports_keras, _MAX_REACH)
    except Exception:  # noqa: BLE001 - a scan that fails says nothing: the file stays skipped
        return False


def _dependencies(settings: Settings, project):
    """The run's local-import scanner, memoised on the project object when there is one."""
    from tllint.local_imports import Dependencies

    if project is None:
        return Dependencies(settings.project_root)
    deps = project.__dict__.get("_tllint_dependencies")
    if deps is None:
        deps = project.__dict__["_tllint_dependencies"] = Dependencies(settings.project_root)
    return deps
