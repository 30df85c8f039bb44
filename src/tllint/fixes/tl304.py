"""TL304 fix: build the backbone without its ImageNet classifier (`include_top=False`,
`pooling="avg"`), so the new head sees pooled image features. Unsafe: it changes the model."""

from __future__ import annotations

import libcst as cst

from tllint.engine.values import Backbone
from tllint.fixes._cst import Change, keyword_arg


def fix(ctx, report):
    backbone = report.data.get("unit")
    if not isinstance(backbone, Backbone) or backbone.kind != "applications" or not isinstance(backbone.node, cst.Call):
        return None
    call = backbone.node
    if any(a.keyword is None for a in call.args) or keyword_arg(call, "pooling") is not None:
        return None
    if keyword_arg(call, "classes") is not None or keyword_arg(call, "classifier_activation") is not None:
        return None
    # The same backbone also used elsewhere (as an ImageNet classifier, say): leave it.
    if sum(1 for f in ctx.script.feeds if f.backbone is backbone) > 1:
        return None
    quote = "'" if ctx.source.count("'") > ctx.source.count('"') else '"'
    change = Change(ctx)
    top = keyword_arg(call, "include_top")
    if top is not None:
        if not (isinstance(top.value, cst.Name) and top.value.value == "True"):
            return None
        change.replace(top.value, cst.Name("False"))
        change.replace(call, lambda u: u.with_changes(args=[*_comma(u.args), _kw("pooling", cst.SimpleString(f"{quote}avg{quote}"))]))
    else:
        change.replace(call, lambda u: u.with_changes(args=[
            *_comma(u.args), _kw("include_top", cst.Name("False"), comma=True), _kw("pooling", cst.SimpleString(f"{quote}avg{quote}"))]))
    return change.fix("unsafe", f"Build {backbone.name} with `include_top=False, pooling=\"avg\"` (pooled features, no ImageNet classifier)")


def _kw(name, value, comma=False):
    return cst.Arg(value, keyword=cst.Name(name), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
                   comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if comma else cst.MaybeSentinel.DEFAULT)


def _comma(args):
    args = list(args)
    if args and not isinstance(args[-1].comma, cst.Comma):
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    elif args and isinstance(args[-1].comma, cst.Comma):
        # a trailing comma: keep the layout, the new argument follows it
        pass
    return args
