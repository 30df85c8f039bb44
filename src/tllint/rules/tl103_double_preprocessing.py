"""TL103: the pixels are scaled twice, or scaled in front of a backbone that scales them itself."""

from __future__ import annotations

from tllint.rules import Report, Rule
from tllint.rules._pixels import judgements


class DoublePreprocessing(Rule):
    code = "TL103"
    name = "double-preprocessing"
    severity = "error"
    summary = (
        "Scaling applied twice (generator rescale plus preprocess_input, Rescaling plus preprocess_input), or any "
        "scaling in front of a backbone with built-in preprocessing (EfficientNet, EfficientNetV2, MobileNetV3, "
        "ConvNeXt, RegNet, ResNetRS, keras_hub tasks)."
    )

    def check(self, script):
        for j in judgements(script):
            if j.code == self.code:
                yield Report(j.node, j.message, keras=j.keras, data=j.data,
                             title=j.title, related=j.related)
