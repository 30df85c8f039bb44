"""`from keras.layers import *` and friends resolve names like explicit imports would."""

from __future__ import annotations

import libcst as cst
import pytest

import tllint.engine.api  # noqa: F401 - registers the library modules the resolution consults
from tllint.engine.imports import build_import_table

STARS = """\
from keras.applications import *
from keras.layers import *
from keras.models import *
from keras.optimizers import *
from .helpers import *
"""


@pytest.mark.parametrize("local, dotted", [
    ("ResNet50", "keras.applications.ResNet50"),     # an application wins although imported first
    ("Dense", "keras.layers.Dense"),                 # a layer class, though keras.optimizers came last
    ("GlobalAveragePooling2D", "keras.layers.GlobalAveragePooling2D"),
    ("Adam", "keras.optimizers.Adam"),
    ("Model", "keras.models.Model"),
    ("len", None),                                    # Python's own names stay Python's
    ("Exception", None),
    ("build_model", None),                            # unknown lower-case names stay unknown
])
def test_star_imported_names(local, dotted):
    table = build_import_table(cst.parse_module(STARS))
    assert table.resolve(local) == dotted


def test_a_star_import_of_a_local_module_resolves_nothing():
    table = build_import_table(cst.parse_module("from .helpers import *\nfrom utils import *\n"))
    assert table.stars == []
    assert table.resolve("Dense") is None


def test_explicit_imports_win_over_stars():
    table = build_import_table(cst.parse_module("from keras.layers import *\nfrom mylib import Dense\n"))
    assert table.resolve("Dense") == "mylib.Dense"
