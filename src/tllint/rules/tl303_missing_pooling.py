"""TL303: a Dense head sits on the backbone's 4-D feature map (no Flatten / global pooling)."""

from __future__ import annotations

from tllint.engine.heads import final_head
from tllint.engine.values import Backbone, LayerV
from tllint.rules import Report, Rule


class MissingPooling(Rule):
    code = "TL303"
    name = "missing-pooling"
    severity = "error"
    summary = "A Dense head is applied to the 4-D feature map of an `include_top=False, pooling=None` backbone."

    def check(self, script):
        reported: set[int] = set()
        for model in script.models:
            out = model.output
            if out is None or out.rank != 4 or model.__dict__.get("unknown_graph"):
                continue
            backbone = out.backbone
            if not isinstance(backbone, Backbone) or backbone.kind != "applications":
                continue
            if backbone.include_top is not False or backbone.pooling is not None:
                continue
            head = final_head(script, model)
            if head is None or head.dense is None:
                continue  # a segmentation-style head (Conv2D last) is fine on a feature map
            first = next((l for l in out.layers if isinstance(l, LayerV) and l.short == "Dense"), None)
            if first is None or id(first) in reported:
                continue
            reported.add(id(first))
            message = (
                f"`{script.code(first.node)}` (line {script.line(first.node)}) is applied to the 4-D feature map of "
                f"{backbone.name} (`include_top=False`, `pooling=None`, line {script.line(backbone.node)}): Dense acts on "
                f"the last axis only, so the model outputs one prediction per spatial position, shape "
                f"(batch, h, w, units), not (batch, units). The loss then fails on the shape or broadcasts the label "
                f"over every position. Add `keras.layers.GlobalAveragePooling2D()` (or `Flatten()`) before the Dense, "
                f"or build the backbone with `pooling='avg'`."
            )
            yield Report(first.node, message, data={"backbone": backbone.name, "backbone_line": script.line(backbone.node)},
                         title=f"Dense applied to {backbone.name}'s 4-D feature map: no pooling or Flatten before it",
                         related=[(backbone.node, f"{backbone.name} built here (include_top=False, pooling=None)")])
