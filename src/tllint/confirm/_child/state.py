"""What the instrumentation has seen so far, shared by the Keras wrappers."""

from __future__ import annotations


class S:
    backbones: dict[int, dict] = {}  # id(model) -> info
    layer_owner: dict[int, int] = {}  # id(layer inside a backbone) -> bid
    watch: dict[int, tuple[str, int]] = {}  # id(layer) -> (role, bid)
    models: dict[int, dict] = {}
    groups: dict[int, set] = {}  # user line -> ids of variables of layers assigned `trainable` there
    probe: dict | None = None
    depth = 0
    trainable_depth = 0
    call_counts: dict[tuple, int] = {}
    cached: dict[tuple, object] = {}
    n_classes_hint: int | None = None
    synthetic: list = []
    pending_fallback: list = []
    training_calls = 0
    direct_probes: dict[int, int] = {}


def model_info(model) -> dict:
    info = S.models.get(id(model))
    if info is None:
        info = {"mid": len(S.models) + 1, "model": model, "trained": False}
        S.models[id(model)] = info
    return info
