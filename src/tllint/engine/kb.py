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
    choices = backbone.__dict__.get("choices")
    if choices:
        # A constructor picked at run time (api/backbone_choice.py): the contract all choices share.
        contracts = {contract_of(b) for b in choices}
        return contracts.pop() if len(contracts) == 1 else None
    if backbone.kind == "hub":
        return "unit"
    if backbone.kind == "keras_hub_task":
        # `from_preset(..., preprocessor=None)` keeps None (KH utils/preset_utils.py: the preset's
        # preprocessor is loaded only when the argument is absent): no preprocessing in fit either.
        off = backbone.kwargs.get("preprocessor")
        return "preset" if off is not None and getattr(off, "value", 0) is None and _hub(backbone) else "raw"
    if backbone.kind == "keras_hub_backbone":
        # keras_hub (and keras_nlp, its former name) backbones take what the preset's ImageConverter
        # makes of the pixels (scaled, offset: per preset), never raw 0..255; keras_cv backbones may
        # rescale inside (`include_rescaling`): unknown.
        return "preset" if _hub(backbone) else None
    if backbone.kind == "package":  # knowledge/packages.py
        contract = backbone.kwargs.get("__contract__")
        return getattr(contract, "value", None)
    entry = backbone.entry
    if entry is None:
        return None
    return _apps.contract_of(entry, include_preprocessing=backbone.include_preprocessing)


def _hub(backbone) -> bool:
    library = backbone.kwargs.get("__library__")
    return getattr(library, "value", None) in ("keras_hub", "keras_nlp")
