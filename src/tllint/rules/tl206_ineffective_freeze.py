"""TL206: a freeze or unfreeze that does not touch what the author meant.

- `model.layers[0]` of a functional model is its InputLayer (no weights);
- `model.layers[:N]` slices the OUTER model while the backbone is ONE nested layer of it;
- a numeric slice beyond the backbone's layer count (`[:-300]` on the 154-layer MobileNetV2) selects
  nothing or everything;
- inner layers re-enabled while their parent is frozen: no effect in Keras 2 / tf_keras, in Keras 3
  they train (and BatchNormalization layers update their statistics) while `base.trainable_weights`
  stays empty (keras-facts §0 item 3, §2(b), §2(d) rows 4-5);
- freezing a backbone that is not part of the model being trained;
- a flag loop (`if layer.name == "block5_conv1": set_trainable = True`) waiting for a name the
  backbone does not have (knowledge/layer_table.py): the flag never changes, every layer keeps the
  first value.
"""

from __future__ import annotations

import difflib

from tllint.engine.layersets import describe_selector, indices, layer_count, layouts, outer_entries, selection_size
from tllint.engine.timeline import TrainableEvent, compatible, unit_contains
from tllint.engine.values import Backbone, LayerSet, Model
from tllint.rules import Report, Rule
from tllint.rules._common import unit_label
from tllint.rules._timeline_places import BUILT, CALLED, Places, next_step, short_name, title


class IneffectiveFreeze(Rule):
    code = "TL206"
    name = "ineffective-freeze"
    severity = "error"
    summary = "A freeze or unfreeze that does not reach the layers the author meant."

    def check(self, script):
        reported: set[int] = set()

        def emit(report):
            if id(report.node) in reported:
                return None
            reported.add(id(report.node))
            return report

        trained_models = [m for m in script.models if script.steps(m)]
        for ev in script.trainable_events():
            target = ev.target
            report = None
            if isinstance(target, LayerSet) and isinstance(target.owner, Model):
                report = self._outer_slice(script, ev, target)
            elif isinstance(target, LayerSet) and isinstance(target.owner, Backbone):
                report = self._beyond_count(script, ev, target) or self._inner_of_frozen(script, ev, target)
            elif isinstance(target, Backbone) and ev.value is False:
                report = self._not_trained(script, ev, target, trained_models)
            if report is not None and emit(report) is not None:
                yield report
        for info in script.interp.__dict__.get("absent_name_loops", ()):
            report = self._absent_name(script, info)
            if report is not None and emit(report) is not None:
                yield report

    # -- a flag loop waiting for a layer name the backbone does not have ----------------------
    def _absent_name(self, script, info):
        backbone = info["owner"]
        if not isinstance(backbone, Backbone) or not backbone.pretrained:
            return None
        test = info["test"]
        wanted = " / ".join(repr(t) for t in test[1]) if isinstance(test[1], tuple) else repr(test[1])
        how = {"name_eq": "is named", "name_in": "is named", "name_contains": "has a name containing",
               "name_startswith": "has a name starting with", "name_endswith": "has a name ending with"}[test[0]]
        found = layouts(backbone, script.target.major)
        names = found[0].names if found else ()
        similar = _closest(test[1], names)
        hint = f" (did you mean {similar!r}?)" if similar else ""
        flag = info["flag"]
        changes = info["changes"]
        if changes is False:
            effect = f"so `{flag}` stays {info['start']} and the loop sets `trainable = False` on every layer: nothing of it is fine-tuned"
        elif changes is True:
            effect = f"so `{flag}` stays {info['start']} and the loop sets `trainable = True` on every layer: all of it is trained"
        else:
            effect = f"so `{flag}` stays {info['start']} and the loop changes no layer"
        return Report(
            info["test_node"],
            f"No layer of {unit_label(backbone)} {how} {wanted}{hint}: `{script.code(info['test_node'])}` (line "
            f"{script.line(info['test_node'])}) never holds, {effect}. Use a name the model has "
            f"(`{backbone.var or 'base_model'}.summary()` lists them).",
            data={"kind": "absent-layer-name", "name": test[1]},
            title=title(f"No layer of {short_name(backbone)} {how} {wanted}; the flag loop never fires",
                        f"No layer of {short_name(backbone)} has that name; the flag loop never fires"),
            related=_flag_loop_places(script, info, backbone),
        )

    # -- model.layers[0] / model.layers[:N] -----------------------------------------------
    def _outer_slice(self, script, ev, ls: LayerSet):
        model = ls.owner
        nested = [f.backbone for f in model.feeds if f.nested and f.backbone.pretrained]
        sel = ls.selector
        mlabel = model.label
        if sel == ("index", 0) and model.kind == "functional" and not ls.filters:
            return Report(
                ls.node or ev.node,
                f"`{mlabel}.layers[0]` is the InputLayer of the functional model `{mlabel}` (it has no weights), so "
                f"`{script.code(ev.node)}` (line {script.line(ev.node)}) changes nothing. Set `trainable` on the "
                f"backbone itself (`{nested[0].var or 'base_model'}.trainable = ...`)" + ("" if nested else " or on the layer you mean") + ".",
                data={"kind": "input-layer"},
                title=f"`{mlabel}.layers[0]` is the InputLayer; setting its `trainable` changes nothing",
                related=_built(script, ls.node or ev.node, (nested or model.backbones)[:1], model, ev),
            ) if nested or model.backbones else None
        if sel[0] != "slice" or not nested or ls.filters:
            return None
        n = outer_entries(model)
        if n is None:
            return None
        bounds = [b for b in sel[1:] if isinstance(b, int)]
        # (a number that can only be meant for the backbone's own layers: well above the outer count)
        if not bounds or max(abs(b) for b in bounds) <= max(n + 3, 9):
            return None
        picked = indices(sel, n)
        if picked is None:
            return None
        backbone = nested[0]
        count = layer_count(backbone, script.target.major)
        count_text = f" ({count} layers)" if count else ""
        if not picked:
            effect = "selects none of them, so it changes nothing"
        elif len(picked) == n:
            effect = "selects all of them, the head included" + (", so nothing is left to train" if ev.value is False else "")
        else:
            effect = f"selects {len(picked)} of them"
        return Report(
            ls.node or ev.node,
            f"`{mlabel}.{describe_selector(ls)}` slices the outer model, whose `layers` has only {n} entries: "
            f"{unit_label(backbone)}{count_text} is ONE nested layer of it. The slice {effect}. Slice the backbone's "
            f"own layers instead: `for layer in {backbone.var or 'base_model'}.{describe_selector(ls)}: layer.trainable = ...`.",
            data={"kind": "outer-slice", "entries": n},
            title=title(f"`{mlabel}.{describe_selector(ls)}` slices the outer model, not {short_name(backbone)}'s layers",
                        "This slices the outer model's layers, not the backbone's"),
            related=_built(script, ls.node or ev.node, [backbone], model, ev),
        )

    # -- slice beyond the layer count -------------------------------------------------------
    def _beyond_count(self, script, ev, ls: LayerSet):
        if ls.selector[0] != "slice" or ls.filters:
            return None
        size = selection_size(ls, script.target.major)
        if size is None:
            return None
        picked, n = size
        bounds = [b for b in ls.selector[1:] if isinstance(b, int)]
        if not bounds or max(abs(b) for b in bounds) <= n:
            return None
        if picked not in (0, n):
            return None
        backbone = ls.owner
        verb = "freezes" if ev.value is False else "unfreezes" if ev.value else "changes"
        effect = f"{verb} nothing" if picked == 0 else f"{verb} every layer"
        return Report(
            ls.node or ev.node,
            f"`{backbone.var or 'base_model'}.{describe_selector(ls)}`: {unit_label(backbone)} has {n} layers, so this "
            f"slice selects {'none' if picked == 0 else 'all'} of them and `{script.code(ev.node)}` (line "
            f"{script.line(ev.node)}) {effect}. Use a bound below {n}, e.g. "
            f"`{backbone.var or 'base_model'}.layers[:{n * 2 // 3}]` to freeze the first two thirds.",
            data={"kind": "beyond-count", "layers": n},
            title=title(f"`{backbone.var or 'base_model'}.{describe_selector(ls)}` {effect}: {short_name(backbone)} has {n} layers",
                        f"This slice {effect}: the backbone has {n} layers"),
            related=Places(script, ls.node or ev.node).add(backbone.node, "backbone built here", BUILT)
            .event(ev, f"{effect} here").step(next_step(script, backbone, ev), "trained here").build(),
        )

    # -- inner layers re-enabled while the parent is frozen ------------------------------------
    def _inner_of_frozen(self, script, ev, ls: LayerSet):
        if ev.value is not True:
            return None
        backbone = ls.owner
        state = script.state_at(backbone, ev)
        if state.parent is not False:
            return None  # (every inner layer frozen one by one leaves the parent's own flag True)
        feeds = [f for f in script.feeds if f.backbone is backbone]
        if feeds and not any(f.nested for f in feeds):
            # Inlined (`input_tensor=`): its layers are the outer model's own, no frozen parent there.
            return None
        # Only when a training step (or compile) follows on a compatible path, with the parent
        # still frozen and the re-enabled layers still re-enabled.
        later = [
            e
            for m in script.models
            for e in script.steps(m)
            if e.index > ev.index and compatible(e.cond, ev.cond) and unit_contains(e.model, backbone)
        ]
        if not later:
            return None
        at_step = script.state_at(backbone, min(later, key=lambda e: e.index))
        if at_step.parent is not False or not any(v for *_, v in at_step.overrides):
            return None
        freeze = None
        for e in script.events[: ev.index]:
            if isinstance(e, TrainableEvent) and e.target is backbone and e.value is False and compatible(e.cond, ev.cond):
                freeze = e
        var = backbone.var or "base_model"
        which = "BatchNormalization layers" if any(f[0] == "isinstance" and "BatchNorm" in str(f[1]) and not f[2] for f in ls.filters) else "inner layers"
        freeze_text = f" (frozen at line {script.line(freeze.node)})" if freeze is not None else ""
        bn_note = (
            " Re-enabled BatchNormalization layers also run in training mode and update their moving statistics."
            if which.startswith("Batch")
            else ""
        )
        message = (
            f"`{script.code(ev.node)}` (line {script.line(ev.node)}) re-enables {which} of {unit_label(backbone)} while "
            f"`{var}` itself is frozen{freeze_text}. What this does depends on the Keras version: Keras 2 / tf_keras "
            f"ignores it (a frozen parent freezes all its children, nothing of `{var}` trains); Keras 3 applies it (the "
            f"flag is per variable: the outer model trains those layers although `{var}.trainable_weights` stays "
            f"empty).{bn_note} To train only some layers, set `{var}.trainable = True` first, then freeze the layers "
            f"you want frozen."
        )
        short = "BatchNorm layers" if which.startswith("Batch") else "Inner layers"
        return Report(ev.node, message, severity="warning", data={"kind": "inner-of-frozen"},
                      title=title(f"{short} of {short_name(backbone)} re-enabled under a frozen parent: "
                                  f"Keras 2 and 3 disagree", f"{short} re-enabled under a frozen parent: Keras 2 and 3 disagree"),
                      related=Places(script, ev.node).add(backbone.node, "backbone built here", BUILT)
                      .event(freeze, "parent frozen here")
                      .step(min(later, key=lambda e: e.index), "trained here").build())

    # -- freezing something that is not trained ------------------------------------------------
    def _not_trained(self, script, ev, backbone: Backbone, trained_models):
        if not backbone.pretrained or not trained_models:
            return None
        if any(unit_contains(m, backbone) for m in script.models):
            return None
        # Another backbone of the same family is trained instead.
        others = [
            (m, b)
            for m in trained_models
            for b in m.backbones
            if b is not backbone and b.name == backbone.name and b.pretrained
            and script.steps(m) and script.state_at(b, script.steps(m)[0]).any_trainable
        ]
        if not others:
            return None
        model, other = others[0]
        var = backbone.var or "the backbone"
        family = backbone.name if short_name(backbone) == backbone.name else "backbone"
        return Report(
            ev.node,
            f"`{script.code(ev.node)}` freezes the {backbone.name} created at line {script.line(backbone.node)}, but "
            f"`{model.label}` is built on another {other.name} instance (line {script.line(other.node)}), which stays "
            f"trainable: this freeze does not reach the model being trained. Build the model on `{var}` (or freeze "
            f"the instance the model uses).",
            data={"kind": "not-trained"},
            title=title(f"This freezes a {family} that the trained model does not use",
                        "This freezes a backbone that the trained model does not use"),
            related=Places(script, ev.node).add(backbone.node, f"this {family} built here", BUILT)
            .add(other.node, f"the {family} of `{model.label}` built here", BUILT)
            .step(script.steps(model)[0], f"trained here, with that {family} trainable").build(),
        )


def _flag_loop_places(script, info, backbone):
    """Backbone built, (the test that never holds: the finding,) every layer set alike, trained."""
    places = Places(script, info["test_node"]).add(backbone.node, "backbone built here", BUILT)
    stmt = info.get("stmt")
    ev = next((e for e in script.trainable_events() if e.node is stmt), None)
    if ev is not None and info.get("changes") is not None:
        places.event(ev, "every layer " + ("unfrozen" if info["changes"] else "frozen") + " here")
        places.step(next_step(script, backbone, ev), "trained here")
    return places.build()


def _built(script, primary, backbones, model, ev):
    """Backbone built, nested into the model, (the change, the finding), trained."""
    places = Places(script, primary)
    for backbone in backbones:
        places.add(backbone.node, "backbone built here", BUILT)
        feed = next((f for f in model.feeds if f.backbone is backbone and f.nested), None)
        if feed is not None:
            places.add(feed.node, f"one nested layer of `{model.label}` here", CALLED)
    return places.step(next_step(script, model, ev), "trained here").build()


def _closest(wanted, names) -> str | None:
    if not isinstance(wanted, str):
        return None
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.8)
    return close[0] if close else None
