"""What every `keras.applications` model expects: lookups over the tables of contracts.py,
applications_table.py and hub_models.py (all re-exported here).

Pure data (no TensorFlow / Keras import, nothing computed at import time beyond two dict indexes).
Sources: `../shared/keras-facts.md` (the project's verified Keras facts) §1 (applications), §4 (keras_hub, TF-Hub) and its `keras-facts/*.out`
outputs. Layer / BatchNormalization counts were measured by `tools/compute_layer_counts.py` (output
`tools/layer_counts.json`, keras 3.15.1 / tf_keras 2.21.0). `docs/applications.md` is rendered from this
table by `render_markdown_table()`; a test keeps the two identical.

Names are canonical: `keras.applications.<Name>` or `keras.applications.<module>.<Name>`. The engine maps
`tf.keras` / `tensorflow.keras` / `tf_keras` spellings to `keras.` plus a flavour ("keras3" or "keras2");
`lookup` also strips those prefixes itself, but never decides the flavour.
"""

from __future__ import annotations

from tllint.knowledge.applications_table import (
    APPLICATIONS,
    AppEntry,
)
from tllint.knowledge.contracts import (
    CONTRACTS,
    Contract,
    FLAVOURS,
    KERAS2_ONLY_MODULES,
    PREPROCESS_MODES,
    classify_interval,
)
from tllint.knowledge.hub_models import (
    HUB_MODELS,
    HubEntry,
    hub_lookup,
)

__all__ = [
    "APPLICATIONS",
    "AppEntry",
    "CONTRACTS",
    "Contract",
    "FLAVOURS",
    "HUB_MODELS",
    "HubEntry",
    "KERAS2_ONLY_MODULES",
    "PREPROCESS_MODES",
    "classify_interval",
    "hub_lookup",
    "contract_of",
    "exists_in",
    "lookup",
    "lookup_loose",
    "module_exists_in",
    "preprocess_mode",
    "render_markdown_table",
    "weights_size_ok",
]

# --------------------------------------------------------------------------------------------------
# Lookups.
# --------------------------------------------------------------------------------------------------

_BY_NAME: dict[str, AppEntry] = {e.name: e for e in APPLICATIONS}

# Prefixes under which keras.applications is reachable; stripped before looking up.
_APPLICATION_PREFIXES = (
    "keras.applications.",
    "tf.keras.applications.",
    "tensorflow.keras.applications.",
    "tf_keras.applications.",
    "applications.",
)


def _split(name: str) -> tuple[str | None, str] | None:
    """(submodule or None, constructor) for a dotted path, or None when it cannot name an application."""
    for prefix in _APPLICATION_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    parts = name.split(".")
    if len(parts) == 1:
        return None, parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    return None


def lookup_loose(name: str) -> AppEntry | None:
    """The entry the user meant, ignoring whether the submodule really exports it
    ("mobilenet_v3.MobileNetV3Small" -> MobileNetV3Small). The submodule must still be a known one."""
    split = _split(name)
    if split is None:
        return None
    module, ctor = split
    if module is not None and module not in PREPROCESS_MODES:
        return None
    return _BY_NAME.get(ctor)


def lookup(name: str) -> AppEntry | None:
    """The entry for "MobileNetV2", "mobilenet_v2.MobileNetV2", "keras.applications.MobileNetV2" or
    "keras.applications.mobilenet_v2.MobileNetV2"; None when that path does not exist in any flavour
    (e.g. "mobilenet_v3.MobileNetV3Small", "resnet50.ResNet101": keras-facts §1.2, e8.out)."""
    split = _split(name)
    if split is None:
        return None
    module, ctor = split
    entry = _BY_NAME.get(ctor)
    if entry is None or (module is not None and module not in entry.modules):
        return None
    return entry


def exists_in(entry_or_path: AppEntry | str, flavour: str) -> bool:
    """Whether the entry (or dotted path, as accepted by `lookup`) exists in "keras3" or "keras2"."""
    entry = lookup(entry_or_path) if isinstance(entry_or_path, str) else entry_or_path
    return entry is not None and entry.exists_in(flavour)


def preprocess_mode(module: str) -> str | None:
    """"caffe" | "tf" | "torch" | "passthrough" for a submodule ("mobilenet_v2"), its dotted path
    ("keras.applications.mobilenet_v2") or its function ("...mobilenet_v2.preprocess_input")."""
    parts = module.split(".")
    if parts[-1] == "preprocess_input":
        parts = parts[:-1]
    return PREPROCESS_MODES.get(parts[-1]) if parts else None


def module_exists_in(module: str, flavour: str) -> bool:
    return module in PREPROCESS_MODES and (flavour == "keras2" or module not in KERAS2_ONLY_MODULES)


def contract_of(entry: AppEntry, include_preprocessing: bool | None = None) -> str:
    """The CONTRACTS key the model input expects given the constructor's `include_preprocessing`
    keyword (None: not passed, i.e. the default True). EfficientNetB* ignore it (no such argument)."""
    if entry.builtin_flag == "include_preprocessing" and include_preprocessing is False:
        return entry.contract_without_builtin or entry.contract
    return entry.contract


def weights_size_ok(entry: AppEntry, size: int | tuple[int | None, int | None] | None,
                    include_top: bool = False) -> bool:
    """Whether imagenet weights load for this input size without a warning or an error.

    `size` is the square side, an (height, width) pair, or None for a dynamic shape (input_shape=None).
    keras-facts §1.2 and the obtain_input_shape checks listed under its Notes (e7.out).
    """
    if isinstance(size, tuple):
        h, w = size
        size = h if (h is not None and h == w) else None if (h is None or w is None) else -1
    if size is None:
        # Dynamic shape: MobileNet* warn and load the default weights; NASNet raises; include_top=True raises.
        return entry.size_mismatch_behaviour is None and not include_top
    if size == -1:  # non-square
        return entry.weight_sizes is None and not include_top
    if size < entry.min_size:
        return False
    if entry.size_mismatch_behaviour == "warning_loads_default":
        return size in (entry.weight_sizes or (entry.default_size,))
    if include_top:
        return size == entry.default_size
    return True


# --------------------------------------------------------------------------------------------------
# Documentation (docs/applications.md embeds this table; tests/test_knowledge.py keeps them equal).
# --------------------------------------------------------------------------------------------------


def render_markdown_table() -> str:
    """The knowledge base as a markdown table, one row per application."""
    header = (
        "| name | module(s) | contract | built-in preprocessing | without built-in | default size | min size "
        "| imagenet weight sizes | Keras 3 | Keras 2 | layers (K3 / tf_keras) | BN layers |"
    )
    rule = "|---|---|---|---|---|---|---|---|---|---|---|---|"
    lines = [header, rule]
    for e in APPLICATIONS:
        modules = ", ".join(f"`{m}`" for m in e.modules) or f"(none; `{e.module}` has preprocess_input)"
        builtin = "always" if e.builtin_flag == "always" else (
            "`include_preprocessing=True`" if e.builtin_flag else "no"
        )
        sizes = "any" if e.weight_sizes is None else ", ".join(str(s) for s in e.weight_sizes)
        if e.size_mismatch_behaviour == "warning_loads_default":
            sizes += " (else warning, default loaded)"
        elif e.size_mismatch_behaviour == "static_shape_required":
            sizes += " (static shape)"
        elif e.weight_sizes is not None:
            sizes += " (`imagenet-i<size>` variants; any size loads)"
        k3_layers = str(e.layer_count) if e.keras3 else "-"
        k3_bn = str(e.bn_layers) if e.keras3 else "-"
        lines.append(
            f"| {e.name} | {modules} | {e.contract} | {builtin} | {e.contract_without_builtin or '-'} "
            f"| {e.default_size} | {e.min_size} | {sizes} | {'yes' if e.keras3 else 'no'} "
            f"| {'yes' if e.keras2 else 'no'} | {k3_layers} / {e.layer_count_keras2} "
            f"| {k3_bn} / {e.bn_layers_keras2} |"
        )
    return "\n".join(lines) + "\n"
