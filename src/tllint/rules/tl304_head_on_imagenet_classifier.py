"""TL304: a new head is stacked on the 1000-way ImageNet predictions of an `include_top=True` backbone."""

from __future__ import annotations

from tllint.engine.values import Backbone, LayerV, Model, Tensor
from tllint.rules import Report, Rule

WEIGHTED = ("Dense", "Conv", "SeparableConv", "DepthwiseConv", "EinsumDense")


class HeadOnImagenetClassifier(Rule):
    code = "TL304"
    name = "head-on-imagenet-classifier"
    severity = "error"
    summary = "A new head is stacked on the ImageNet class probabilities of an `include_top=True` backbone."

    def check(self, script):
        apps = script.interp.applications
        backbone_outs = {id(out) for callee, _x, out in apps if isinstance(callee, Backbone)}
        model_outs = {id(out) for callee, _x, out in apps if isinstance(callee, Model)}
        # first layer applied to the predictions -> (backbone, whether a weighted layer follows it)
        firsts: dict[int, tuple[LayerV, Backbone]] = {}
        weighted: set[int] = set()
        for callee, x, _out in apps:
            if not isinstance(callee, LayerV) or not isinstance(x, Tensor):
                continue
            b = x.backbone
            if not isinstance(b, Backbone) or b.kind != "applications" or b.include_top is not True or not b.pretrained:
                continue
            if "classes" in b.kwargs:
                continue  # a custom classifier size: not the ImageNet head
            if x.layers:
                first = x.layers[0]
            else:
                if id(x) in model_outs or (id(x) not in backbone_outs and x.rank != 2):
                    continue
                first = callee
                firsts.setdefault(id(first), (first, b))
            if callee.short.startswith(WEIGHTED):
                weighted.add(id(first))
        for key, (layer, b) in firsts.items():
            if key not in weighted:
                continue
            default = "" if "include_top" in b.kwargs or (b.node.args and b.node.args[0].keyword is None) else " (`include_top` defaults to True)"
            var = b.var or "base_model"
            message = (
                f"`{script.code(layer.node)}` (line {script.line(layer.node)}) is stacked on the output of {b.name} "
                f"(line {script.line(b.node)}), built with `include_top=True`{default}: that output is its 1000-way "
                f"ImageNet classifier (softmax by default), so the new head only sees scores for ImageNet's 1000 "
                f"classes instead of image features and learns little. Build it with `include_top=False, "
                f"pooling='avg'` and put the new head on those pooled features."
            )
            top = "include_top defaults to True" if default else "include_top=True"
            yield Report(layer.node, message, data={"backbone": b.name, "backbone_line": script.line(b.node), "var": var,
                                                  "unit": b},
                         title=f"New head stacked on {b.name}'s 1000-way ImageNet classifier",
                         related=[(b.node, f"{b.name} built here ({top}: its output is the ImageNet predictions)")])
