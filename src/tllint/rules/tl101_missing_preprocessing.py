"""TL101: raw 0..255 pixels reach a backbone whose weights expect scaled input."""

from __future__ import annotations

from tllint.engine import kb
from tllint.rules import Report, Rule
from tllint.rules._pixels import CONTRACT_TEXT, backbone_fix, source_text


class MissingPreprocessing(Rule):
    code = "TL101"
    name = "missing-preprocessing"
    severity = "error"
    summary = "Raw 0..255 pixels reach a backbone whose pretrained weights expect scaled or normalised input."

    def check(self, script):
        for arrival in script.arrivals():
            backbone = arrival.feed.backbone
            if not backbone.pretrained or arrival.verdict.kind != "raw":
                continue
            contract = kb.contract_of(backbone)
            if contract is None or contract == "raw":
                continue
            message = (
                f"raw pixels (0..255){source_text(arrival, script)} reach {backbone.name}, whose pretrained weights expect "
                f"{CONTRACT_TEXT[contract]}; nothing on the way scales them, so the features are garbage and accuracy "
                f"plateaus. Fix: {backbone_fix(backbone)} before the backbone."
            )
            yield Report(arrival.feed.node, message, data={"backbone": backbone.name, "contract": contract})
