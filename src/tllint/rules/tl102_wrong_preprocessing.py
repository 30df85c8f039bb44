"""TL102: the pixels are scaled, but into another contract than the backbone's."""

from __future__ import annotations

from tllint.rules import Report, Rule
from tllint.rules._pixels import judgements


class WrongPreprocessing(Rule):
    code = "TL102"
    name = "wrong-preprocessing"
    severity = "error"
    summary = (
        "The input is scaled into another range than the backbone's pretrained weights expect ([0, 1] into "
        "MobileNetV2, `vgg16.preprocess_input` before a MobileNetV2, `//` on pixels)."
    )

    def check(self, script):
        for j in judgements(script):
            if j.code == self.code:
                yield Report(j.node, j.message, severity=j.severity, keras=j.keras, data=j.data,
                             title=j.title, related=j.related)
