"""TL207: Keras 3 leaks an explicit `training=False` to the layers called after it.

Keras 3 keeps the call context in one shared object and never restores it after a nested call
with an explicit `training=` (keras-facts §0 item 2, §2(d); `layers/layer.py`), so a Dropout after
`self.base(x, training=False)` in a subclassed model's `call()` never drops during fit (3.x, all
versions checked). In functional models the same leak appears on Keras 3.16+ (after the fix that
makes construction-time arguments win); on 3.0 to 3.15 the functional override bug ignores the
`training=False` instead (TL205's subject). Keras 2 / tf_keras scopes `training` per call.
"""

from __future__ import annotations

from tllint.engine.subclass import call_sites, is_backbone_call
from tllint.engine.values import Const, LayerV, Model
from tllint.rules import Report, Rule
from tllint.rules._common import applies
from tllint.rules._timeline_places import CALLED, Places, title

TRAINING_LAYERS = {
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout",
    "AlphaDropout", "BatchNormalization",
}


def _is_false(v) -> bool:
    return isinstance(v, Const) and v.value is False


class TrainingFlagLeak(Rule):
    code = "TL207"
    name = "training-flag-leak"
    severity = "warning"
    summary = "Keras 3: `training=False` on a nested call disables the Dropout/BatchNormalization layers called after it."

    def check(self, script):
        target = script.target
        if not applies(target, {"3"}):
            return
        reported: set[int] = set()
        for model in script.models:
            if model.kind == "subclass":
                yield from self._subclass(script, model, reported)
            elif model.kind == "functional" and target.major == 3 and target.training_arg_overridden is False:
                yield from self._functional(script, model, reported)

    def _subclass(self, script, model, reported):
        sites = call_sites(script, model)
        leak = None
        for site in sites:
            if leak is None:
                if is_backbone_call(site) and _is_false(site.training):
                    leak = site
                continue
            if site.training is not None or id(site.node) in reported:
                continue
            cls = site.layer_class if site.layer_class in TRAINING_LAYERS else None
            if cls is None and isinstance(site.callee, Model) and not site.callee.backbones:
                # A head built as a Sequential of its own: its Dropout sees the leaked flag too.
                inner = [l.short for l in site.callee.layers if isinstance(l, LayerV) and l.short in TRAINING_LAYERS]
                cls = inner[0] if inner else None
            if cls is not None:
                reported.add(id(site.node))
                yield self._report(script, site.node, cls, leak.node, "subclass", model)

    def _functional(self, script, model, reported):
        feeds = [f for f in model.feeds if f.nested and _is_false(f.training)]
        if not feeds:
            return
        for layer in model.head:
            if isinstance(layer, LayerV) and layer.short in TRAINING_LAYERS and id(layer.node) not in reported:
                reported.add(id(layer.node))
                yield self._report(script, layer.node, layer.short, feeds[0].node, "functional", model)

    def _report(self, script, node, cls, leak_node, kind, model=None):
        leak_line = script.line(leak_node)
        leak_code = script.code(leak_node)
        effect = (
            "never drops during training" if "Dropout" in cls
            else "never adds noise during training" if cls.startswith("Gaussian")
            else "runs in inference mode during training (its statistics never adapt)"
        )
        if kind == "subclass":
            versions = (
                "This happens on every Keras 3 release (and 3.16+); Keras 2 / tf_keras scopes `training` per call and "
                "is not affected."
            )
        else:
            versions = (
                "This is the behaviour of functional models on Keras 3.16+; on Keras 3.0 to 3.15 fit overrides the "
                "`training=False` instead (the backbone then runs in training mode), and Keras 2 / tf_keras is not affected."
            )
        if kind == "subclass":
            fix = (
                "Pass the flag on explicitly: take `training=None` in `call` and call the layer as "
                "`self.<layer>(x, training=training)`; or call the backbone without `training=False` and keep it in "
                "inference mode by freezing its BatchNormalization layers (`layer.trainable = False`)."
            )
        else:
            fix = (
                "Call the backbone without `training=False` and keep it in inference mode by freezing it, or, while "
                "fine-tuning, its BatchNormalization layers (`layer.trainable = False`): that works on every version."
            )
        message = (
            f"This {cls} {effect}: the explicit `training=False` of `{leak_code}` (line {leak_line}) leaks to every "
            f"layer called after it, because Keras 3 never restores the call context after a nested call. {versions} "
            f"{fix}"
        )
        short = (
            "never drops during training" if "Dropout" in cls
            else "never adds noise during training" if cls.startswith("Gaussian")
            else "runs in inference mode during training"
        )
        versions_word = "Keras 3.16+" if kind == "functional" else "Keras 3"
        places = Places(script, node).add(leak_node, "backbone called with training=False here", CALLED)
        steps = [s for s in script.steps(model) if not s.implicit] if model is not None else []
        if steps:
            places.step(steps[0], "trained here")
        return Report(node, message, keras="3.16+" if kind == "functional" else "3",
                      data={"leak_line": leak_line, "kind": kind},
                      title=title(f"{cls} {short}: training=False leaks into it ({versions_word})",
                                  f"This layer {short}: training=False leaks into it ({versions_word})"),
                      related=places.build())
