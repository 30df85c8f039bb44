"""TL101: raw 0..255 pixels reach a backbone whose pretrained weights expect scaled input."""

from __future__ import annotations

from tllint.rules import Report, Rule
from tllint.rules._pixels import judgements


class MissingPreprocessing(Rule):
    code = "TL101"
    name = "missing-preprocessing"
    severity = "error"
    summary = "Raw 0..255 pixels reach a backbone whose pretrained weights expect scaled or normalised input."

    def check(self, script):
        for j in judgements(script):
            if j.code == self.code:
                yield Report(j.node, j.message, severity=j.severity, keras=j.keras, data=j.data,
                             title=j.title, related=j.related)
