"""Helpers shared by rules: wording of Keras versions and of layers and backbones."""

from __future__ import annotations

from tllint.engine.values import Backbone, Model, Value
from tllint.versions import KerasTarget


def versions_field(affected: set[str]) -> str | None:
    """The JSON `keras` field: None when every version behaves alike."""
    if not affected or affected == {"2", "3"}:
        return None
    return ", ".join(sorted(affected))


def applies(target: KerasTarget, affected: set[str]) -> bool:
    """Report when the target is affected, or when the target is unknown and any version is."""
    if not affected:
        return False
    if target.major is None:
        return True
    return str(target.major) in affected


def unit_label(unit: Value) -> str:
    if isinstance(unit, Backbone):
        if unit.var and unit.var != unit.name:
            return f"`{unit.var}` ({unit.name})"
        return unit.name
    if isinstance(unit, Model):
        return f"`{unit.label}`"
    return "the layer"
