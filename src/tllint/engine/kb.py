"""The engine's view of the knowledge base (tllint.knowledge.applications)."""

from __future__ import annotations

from tllint.knowledge import applications as _apps


def lookup_loose(name: str):
    return _apps.lookup_loose(name)


def preprocess_mode(module: str | None) -> str | None:
    if module is None:
        return None
    return _apps.preprocess_mode(module)


def contract_of(backbone) -> str | None:
    """The pixel contract of a backbone value: caffe | tf | torch | raw | unit | None (unknown)."""
    if backbone.kind == "hub":
        return "unit"
    if backbone.kind == "keras_hub_task":
        return "raw"
    if backbone.kind == "keras_hub_backbone":
        return None
    entry = backbone.entry
    if entry is None:
        return None
    return _apps.contract_of(entry, include_preprocessing=backbone.include_preprocessing)
