"""Script fragments: Keras names used without an import (a blog snippet, a notebook cell copied alone).

`GlobalAveragePooling2D()(base_model.output)`, `Dense(3, activation="softmax")`, `Model(...)` in a
file that never imports them are the Keras names they obviously are. `resolve()` answers the
dotted name such a name stands for, ONLY when all of these hold:

- the file binds the name nowhere: no import, assignment, `for`/`with`/`except` target, function
  or class, parameter, comprehension variable, `global`; and it is not a Python builtin;
- the file has no star import of a module the engine does not follow (`from utils import *`
  may bind anything) and no `exec`/`globals()`/`__builtins__` trickery;
- the name is in the short list below: the well-known Keras layers, `Model`/`Sequential`/`Input`,
  the `keras.applications` constructors, the optimizers, the image loaders. Anything else
  (`preprocess_input`, whose family the text does not say; `base_model`) stays unknown.

The flavour follows the file's own Keras imports (`tensorflow.keras` when it imports from there).
Findings of a file that used such a name rest on a guess: the script model downgrades them to
warning severity (engine/script.py reads `interp.fragment_names`).
"""

from __future__ import annotations

import builtins
import re
from typing import TYPE_CHECKING

import libcst as cst

from tllint.parse import walk_nodes

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.interpreter import Interpreter

_LAYERS = frozenset({
    "Dense", "Flatten", "Dropout", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
    "BatchNormalization", "Conv2D", "SeparableConv2D", "DepthwiseConv2D", "MaxPooling2D", "MaxPool2D",
    "AveragePooling2D", "Activation", "Rescaling", "Normalization", "Resizing", "RandomFlip", "RandomRotation",
    "RandomZoom", "RandomContrast", "RandomTranslation", "LayerNormalization", "Concatenate", "Add",
    "Reshape", "ZeroPadding2D", "UpSampling2D", "Softmax", "ReLU", "LeakyReLU", "SpatialDropout2D",
})
_MODELS = {"Model": "models.Model", "Sequential": "models.Sequential", "Input": "layers.Input",
           "load_model": "models.load_model"}
_LOADERS = {"ImageDataGenerator": "preprocessing.image.ImageDataGenerator",
            "image_dataset_from_directory": "utils.image_dataset_from_directory",
            "to_categorical": "utils.to_categorical"}
_OPTIMIZERS = frozenset({"Adam", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "AdamW"})
_BUILTINS = frozenset(dir(builtins))
_TRICKS = re.compile(r"\b(?:exec|eval|globals|locals|__builtins__|__import__)\s*\(|\bimport_module\(")


def resolve(interp: "Interpreter", name: str) -> str | None:
    """The dotted Keras name an unbound `name` stands for in a fragment, else None."""
    if name in _BUILTINS:
        return None
    short = _short(name)
    if short is None:
        return None
    bound = _bound_names(interp)
    if bound is None or name in bound:
        return None
    interp.__dict__.setdefault("fragment_names", set()).add(name)
    return _prefix(interp) + short


def note(interp: "Interpreter") -> str:
    """The sentence findings of a fragment end with (empty for other files)."""
    names = sorted(getattr(interp, "fragment_names", ()) or ())
    if not names:
        return ""
    shown = ", ".join(f"`{n}`" for n in names[:4]) + (", ..." if len(names) > 4 else "")
    return f" ({shown} {'is' if len(names) == 1 else 'are'} not imported in this file: read as the Keras names; a warning, not an error.)"


def _short(name: str) -> str | None:
    if name in _LAYERS:
        return "layers." + name
    if name in _MODELS:
        return _MODELS[name]
    if name in _LOADERS:
        return _LOADERS[name]
    if name in _OPTIMIZERS:
        return "optimizers." + name
    from tllint.knowledge.applications import lookup

    if name[:1].isupper() and lookup("keras.applications." + name) is not None:
        return "applications." + name
    return None


def _prefix(interp: "Interpreter") -> str:
    flavours = interp.flavours
    if "tf_keras" in flavours:
        return "tf_keras."
    if "tf.keras" in flavours and "keras" not in flavours:
        return "tensorflow.keras."
    return "keras."


def _bound_names(interp: "Interpreter") -> set[str] | None:
    """Every name the file binds anywhere; None when it may bind names the text does not show."""
    cache = interp.__dict__
    if "_fragment_bound" not in cache:
        cache["_fragment_bound"] = _collect(interp)
    return cache["_fragment_bound"]


def _collect(interp: "Interpreter") -> set[str] | None:
    module = interp.module
    text = getattr(interp, "source_text", None)
    if text is None:
        text = module.code
    if _TRICKS.search(text):
        return None
    names: set[str] = set(interp.imports.names)
    for node in walk_nodes(module):
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            base = "." * len(node.relative) + (cst.Module([]).code_for_node(node.module) if node.module else "")
            if base.startswith(".") or base.split(".")[0] not in ("keras", "tensorflow", "tf_keras"):
                return None  # a star import of a module the engine does not follow
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            names.add(node.name.value)
        elif isinstance(node, cst.Param):
            names.add(node.name.value)
        elif isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr)):
            _targets(node.target, names)
        elif isinstance(node, cst.AsName):
            _targets(node.name, names)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            names.update(n.name.value for n in node.names)
        elif isinstance(node, cst.Del):
            _targets(node.target, names)
    return names


def _targets(node: cst.CSTNode, names: set[str]) -> None:
    if isinstance(node, cst.Name):
        names.add(node.value)
    elif isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            _targets(element.value, names)
    elif isinstance(node, cst.StarredElement):
        _targets(node.value, names)


__all__ = ["note", "resolve"]
