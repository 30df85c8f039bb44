"""TL305 fix: load the pretrained weights (`weights=None` -> `weights="imagenet"`) of a backbone
that is frozen. Unsafe: it needs the weight file at run time and changes what the model computes."""

from __future__ import annotations

import libcst as cst

from tllint.engine.values import Backbone
from tllint.fixes._cst import Change, keyword_arg


def fix(ctx, report):
    backbone = report.data.get("unit")
    if not isinstance(backbone, Backbone) or backbone.kind != "applications" or not isinstance(backbone.node, cst.Call):
        return None
    arg = keyword_arg(backbone.node, "weights")
    if arg is None or not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
        return None
    change = Change(ctx)
    change.replace(arg.value, cst.SimpleString(f'{_quote(ctx)}imagenet{_quote(ctx)}'))
    return change.fix("unsafe", f"Load the ImageNet weights of {backbone.name} (`weights=\"imagenet\"`)")


def _quote(ctx) -> str:
    """The file's usual string quote."""
    return "'" if ctx.source.count("'") > ctx.source.count('"') else '"'
