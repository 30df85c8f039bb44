"""Backbones of third-party packages (knowledge/packages.py): `from efficientnet.keras import
EfficientNetB3`. They are `Backbone(kind="package")` values: pretrained, with the package's input
contract and preprocess_input mode; layer positions and counts are not known (unknown, never guessed).
"""

from __future__ import annotations

import libcst as cst

from tllint.engine import registry
from tllint.engine.api.applications import register_backbone, weights_kind
from tllint.engine.api.support import kw
from tllint.engine.pixels import Step
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, Backbone, Const, Data, Ref, Tensor, Value, const_value, with_step
from tllint.knowledge.packages import PACKAGES, PackageBackbones


def _constructor(package: PackageBackbones, module: str):
    def make(interp: InterpreterApi, ref: Ref, args, kwargs, node: cst.Call) -> Value:
        weights_s = weights_kind(kw(args, kwargs, "weights", 1, Const("imagenet")), package.pretrained_weights)
        include_top = const_value(kw(args, kwargs, "include_top", 0, Const(True)))
        pooling_v = kw(args, kwargs, "pooling", None, Const(None))
        pooling = const_value(pooling_v) if isinstance(pooling_v, Const) else "unknown"
        name = ref.name.rsplit(".", 1)[-1]
        backbone = Backbone(
            "package", name, node, module=module, flavour=package.flavours.get(module), weights=weights_s,
            include_top=include_top if isinstance(include_top, bool) else None,
            pooling=pooling if isinstance(pooling, (str, type(None))) else "unknown", kwargs=dict(kwargs),
        )
        backbone.kwargs["__contract__"] = Const(package.contract)
        backbone.kwargs["__batchnorm__"] = Const(package.has_batchnorm)
        return register_backbone(interp, backbone, kwargs, node)

    return make


def _preprocess(package: PackageBackbones, module: str):
    def preprocess(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
        x = args[0] if args else kwargs.get("x", UNKNOWN)
        if not isinstance(x, (Tensor, Data)):
            return UNKNOWN
        return with_step(x, Step("preprocess", f"{module}.preprocess_input", node, mode=package.preprocess_mode, module=None))

    return preprocess


for _package in PACKAGES:
    for _module in _package.modules:
        registry.function(*(f"{_module}.{n}" for n in _package.names))(_constructor(_package, _module))
        registry.function(f"{_module}.preprocess_input")(_preprocess(_package, _module))
