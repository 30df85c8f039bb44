"""The ordered layers of every `keras.applications` model: names, classes, BatchNormalization positions.

Measured by `tools/compute_layer_table.py` (weights=None, include_top=False, default size; keras 3.15.1
and tf_keras 2.21) into `layer_table.json.gz` beside this module. The file is read on first use only,
so scripts that never ask about layer names cost nothing at start-up.

A layout is per flavour ("keras3" | "keras2") and build variant: "default", "no_preprocessing"
(`include_preprocessing=False` where the constructor has the switch) and "imagenet" (EfficientNetB*
with `weights="imagenet"`, which adds one layer after the built-in Normalization). Names that Keras
generates from the class (`input_layer`, `rescaling_1`) depend on what a script built before and are
listed in `auto`: name tests never decide on them.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).with_name("layer_table.json.gz")


@dataclass(frozen=True)
class Layout:
    """The layers of one build, in `model.layers` order."""

    model: str
    flavour: str
    variant: str
    names: tuple[str, ...]
    classes: tuple[str, ...]
    bn: frozenset[int]  # positions of BatchNormalization layers
    auto: frozenset[int]  # positions whose name Keras generated (not stable across scripts)

    def __len__(self) -> int:
        return len(self.names)

    def index_of(self, name: str) -> int | None:
        """Position of the layer called `name`; None when no layer has that stable name."""
        return self._index().get(name)

    def has_name(self, name: str) -> bool | None:
        """True / False when certain; None when `name` could be a generated name of this build."""
        if name in self._index():
            return True
        base = re.sub(r"_\d+$", "", name)
        generated = {re.sub(r"_\d+$", "", self.names[i]) for i in self.auto}
        return None if base in generated or name.startswith("tf.") else False

    def _index(self) -> dict[str, int]:
        cached = self.__dict__.get("_by_name")
        if cached is None:
            cached = {n: i for i, n in enumerate(self.names) if i not in self.auto}
            object.__setattr__(self, "_by_name", cached)
        return cached


@lru_cache(maxsize=1)
def _table() -> dict:
    with gzip.open(_DATA, "rt", encoding="utf-8") as f:
        return json.load(f)


def variant_of(entry, include_preprocessing: bool | None = None, weights_imagenet: bool = False,
               include_top: bool = False) -> str | None:
    """The build variant of an `AppEntry` built with these arguments; None when not measured."""
    no_pre = entry.builtin_flag == "include_preprocessing" and include_preprocessing is False
    extra = bool(entry.imagenet_extra_layers and weights_imagenet)
    if include_top:
        return None if no_pre or extra else "top"
    if no_pre:
        return "no_preprocessing"
    if extra:
        return "imagenet"
    return "default"


@lru_cache(maxsize=512)
def layout(model: str, flavour: str, variant: str = "default") -> Layout | None:
    """The layers of `keras.applications.<model>` in "keras3" or "keras2"; None when not measured."""
    row = _table().get(flavour, {}).get(model, {}).get(variant)
    if row is None:
        return None
    return Layout(model, flavour, variant, tuple(row["names"]), tuple(row["classes"]),
                  frozenset(row["bn"]), frozenset(row["auto"]))


def layout_of(entry, flavour: str, include_preprocessing: bool | None = None,
              weights_imagenet: bool = False, include_top: bool = False) -> Layout | None:
    """The layout of an `AppEntry` built with these arguments (include_top=True: 1000 classes)."""
    if not entry.exists_in(flavour):
        return None
    variant = variant_of(entry, include_preprocessing, weights_imagenet, include_top)
    return layout(entry.name, flavour, variant) if variant is not None else None


def names(entry, flavour: str, **build) -> tuple[str, ...] | None:
    found = layout_of(entry, flavour, **build)
    return found.names if found is not None else None


def bn_positions(entry, flavour: str, **build) -> frozenset[int] | None:
    found = layout_of(entry, flavour, **build)
    return found.bn if found is not None else None


def index_of(entry, flavour: str, name: str, **build) -> int | None:
    found = layout_of(entry, flavour, **build)
    return found.index_of(name) if found is not None else None


def measured_versions() -> dict:
    return dict(_table().get("_versions", {}))
