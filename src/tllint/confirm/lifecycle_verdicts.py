"""Verdicts on the fine-tuning lifecycle (TL201-TL206): which backbone variables really trained,
after which `trainable` assignment, compile and learning rate."""

from __future__ import annotations

from tllint.finding import Finding

from .timeline import CONFIRMED, INCONCLUSIVE, REFUTED, Timeline, Verdict, fmt_lr, short_error


def first_call_for(t: Timeline, b: dict) -> dict | None:
    for c in t.calls:
        if b["bid"] in (c.get("backbones") or []) and c.get("first"):
            return c
    return None


def verdict_tl201(t: Timeline, f: Finding) -> Verdict:
    b = t.backbone_near(f.line)
    if b is None:
        return t.not_observed("a backbone construction")
    call = first_call_for(t, b)
    if call is None:
        return t.not_observed(f"a training step of a model containing {b['name']}")
    st = t.bb_stats(call, b["bid"])
    if st is None:
        if call.get("exception"):
            ex = call["exception"]
            return INCONCLUSIVE, f"{t.where(call)} failed before its first step ended: {ex['type']}: {short_error(ex['message'], 200)}"
        return t.not_observed(f"a finished step of {t.where(call)}")
    head = t.head_stats(call) or {}
    which = "first fit" if call.get("call_kind") == "fit" else f"first {call.get('call_kind')}"
    where = f"during the {which} (line {call['line']})" if call.get("line") else f"during the {which}"
    note = t.fallback_note(b)
    if st["changed"] > 0:
        return CONFIRMED, (
            f"{where}, {st['changed']} of {st['n_vars']} {b['name']} variables changed while the head was new "
            f"({head.get('changed', 0)} of {head.get('n_vars', 0)} head variables changed){note}"
        )
    return REFUTED, f"{where}, 0 of {st['n_vars']} {b['name']} variables changed: only the head trained ({head.get('changed', 0)} of {head.get('n_vars', 0)} head variables changed){note}"


def _sets_for(t: Timeline, f: Finding) -> list[dict]:
    sets = t.group_sets(f.line, tolerance=0)
    if not sets:
        sets = t.group_sets(f.line, tolerance=6)
    return sets


def _affected_bid(t: Timeline, sets: list[dict], f: Finding) -> int | None:
    for e in sets:
        if e.get("bid"):
            return e["bid"]
        if e.get("contains"):
            return e["contains"][0]
    b = t.backbone_near(f.line)
    return b["bid"] if b else None


def _group_stats(call: dict, line: int) -> dict | None:
    """The variables of the layers set at `line` over a training call: the most that changed in a step."""
    best = None
    for end in call.get("ends", []):
        grp = (end.get("groups") or {}).get(str(line))
        if grp is not None and (best is None or grp.get("changed", 0) > best.get("changed", 0)):
            best = grp
    return best


def _frozen_before_own_step(t: Timeline, sets: list[dict]) -> Verdict | None:
    """The GAN idiom: a whole model frozen after its compile and before its first own training step,
    then trained on its own and inside a combined model. Judged on its own next training call."""
    mids = {e.get("mid") for e in sets if e.get("role") == "model"}
    if len(mids) != 1 or None in mids or sets[-1]["value"]:
        return None
    mid = mids.pop()
    first, last = min(e["seq"] for e in sets), max(e["seq"] for e in sets)
    if any(c.get("mid") == mid and c["seq"] < first for c in t.calls):
        return None  # it trained before the freeze: the other TL202 shape
    own = t.calls_after(last, mid=mid)
    if not own:
        return None
    call, line, name = own[0], sets[0]["line"], sets[0].get("layer") or "the model"
    if call.get("exception") and not call.get("ends"):
        ex = call["exception"]
        return INCONCLUSIVE, f"{t.where(call)} of {name} after the freeze at line {line} failed: {ex['type']}: {short_error(ex['message'], 200)}"
    grp = _group_stats(call, line)
    if grp is None or not grp.get("n_vars"):
        return None
    combined = [c for c in t.calls_after(last) if c.get("mid") != mid and _group_stats(c, line)]
    inside = ""
    if combined:
        g = _group_stats(combined[0], line) or {}
        inside = (
            f"; {combined[0].get('model')}, which contains it, trained in {t.where(combined[0])}"
            f" ({g.get('changed', 0)} of its {g.get('n_vars', 0)} variables changed there)"
        )
    base = f"after the freeze at line {line}, {grp['changed']} of {grp['n_vars']} variables of {name} changed in its own {t.where(call)[4:]}"
    if grp["changed"] == 0:
        return CONFIRMED, f"{base}: Keras 3 captured trainable=False at its first training step{inside}"
    return REFUTED, f"{base}: it trains on its own{inside}"


def verdict_tl202(t: Timeline, f: Finding) -> Verdict:
    sets = _sets_for(t, f)
    if not sets:
        return t.not_observed(f"a `trainable` assignment near line {f.line}")
    own = _frozen_before_own_step(t, sets)
    if own is not None:
        return own
    bid = _affected_bid(t, sets, f)
    last = max(e["seq"] for e in sets)
    line = sets[0]["line"]
    value = sets[-1]["value"]
    calls = t.calls_after(last, bid=bid) if bid else t.calls_after(last)
    if not calls:
        return t.not_observed(f"a training step after the change at line {line}")
    call = calls[0]
    b = t.backbones.get(bid) if bid else None
    name = b["name"] if b else "backbone"
    change = "unfreeze" if value else "freeze"
    if call.get("exception") and not call.get("ends"):
        ex = call["exception"]
        return CONFIRMED, f"after the {change} at line {line}, {t.where(call)} failed: {ex['type']}: {short_error(ex['message'])}"
    st = t.bb_stats(call, bid) if bid else None
    if st is None:
        return t.not_observed(f"a finished step after the change at line {line}")
    grp = None
    for end in call.get("ends", []):
        grp = (end.get("groups") or {}).get(str(line)) or grp
    note = t.fallback_note(b)
    base = f"after the {change} at line {line}, {st['changed']} of {st['n_vars']} {name} variables changed in {t.where(call)}"
    if value and st["flagged"] > 0 and st["flagged_changed"] == 0:
        return CONFIRMED, f"{base}, although {st['flagged']} were flagged trainable{note}"
    if not value and st["changed_not_flagged"] > 0:
        return CONFIRMED, f"{base}, although only {st['flagged']} were flagged trainable: the freeze was not applied{note}"
    if grp and value and grp["flagged"] > 0 and grp["changed"] == 0:
        return CONFIRMED, f"after the {change} at line {line}, 0 of {grp['n_vars']} variables of the layers set there changed in {t.where(call)}{note}"
    return REFUTED, f"{base}: the change was applied{note}"



def is_unknown_var(ex: dict | None) -> bool:
    if not ex:
        return False
    msg = ex.get("message", "")
    return (
        "Unknown variable" in msg  # Keras 3 (TensorFlow, torch backends)
        or "cannot recognize variable" in msg  # Keras 2
        or "originally built with" in msg
        or "the optimizer was built with" in msg  # Keras 3 JAX backend
    )


def verdict_tl203(t: Timeline, f: Finding) -> Verdict:
    comp = t.compile_near(f.line)
    if comp is None:
        return t.not_observed("the recompile")
    calls = t.calls_after(comp["seq"], mid=comp["mid"])
    if not calls:
        return t.not_observed(f"a training step after the recompile at line {comp['line']}")
    call = calls[0]
    ex = call.get("exception")
    reuse = " (the optimizer object had already been built by an earlier training step)" if comp.get("opt_reused_built") else ""
    if is_unknown_var(ex):
        return CONFIRMED, f"{t.where(call)} after the recompile at line {comp['line']} failed: {ex['type']}: {short_error(ex['message'])}{reuse}"
    if ex:
        return INCONCLUSIVE, f"{t.where(call)} after the recompile at line {comp['line']} failed for another reason: {ex['type']}: {short_error(ex['message'], 200)}"
    if call.get("ends"):
        return REFUTED, f"{t.where(call)} after the recompile at line {comp['line']} ran without error with {comp.get('optimizer')}"
    return t.not_observed(f"a finished step after the recompile at line {comp['line']}")


def verdict_tl204(t: Timeline, f: Finding) -> Verdict:
    comp = t.compile_near(f.line)
    if comp is None:
        return t.not_observed("the compile")
    later = [c for c in t.compiles if c["seq"] > comp["seq"] and c["mid"] == comp["mid"]]
    stop = later[0]["seq"] if later else 10**12
    calls = [c for c in t.calls_after(comp["seq"], mid=comp["mid"]) if c["seq"] < stop]
    if not calls:
        return t.not_observed(f"a training step compiled at line {comp['line']}")
    head_lr = None
    for c in t.calls:
        if c["seq"] < comp["seq"] and c.get("mid") == comp["mid"] and c.get("begins"):
            head_lr = c["begins"][0].get("lr")
    for call in calls:
        for bid in call.get("backbones") or []:
            st = t.bb_stats(call, bid)
            if st and st["changed"] > 0:
                lr = next((bg.get("lr") for bg in call.get("begins", []) if bg.get("lr") is not None), comp.get("lr"))
                opt = next((bg.get("optimizer") for bg in call.get("begins", []) if bg.get("optimizer")), comp.get("optimizer"))
                name = t.backbones.get(bid, {}).get("name", "backbone")
                text = f"learning rate {fmt_lr(lr)} ({opt}) while {st['changed']} of {st['n_vars']} {name} variables changed in {t.where(call)}"
                too_high = lr is not None and (lr >= 1e-3 or (head_lr is not None and lr >= head_lr))
                if too_high:
                    if head_lr is not None and lr < 1e-3:
                        text += f" (not lower than the head-training rate {fmt_lr(head_lr)})"
                    return CONFIRMED, text
                return REFUTED, text
    call = calls[0]
    if call.get("ends"):
        return REFUTED, f"no backbone variable changed in the training compiled at line {comp['line']} ({t.where(call)}): the rate {fmt_lr(comp.get('lr'))} only trains the head"
    if call.get("exception"):
        ex = call["exception"]
        return INCONCLUSIVE, f"{t.where(call)} failed: {ex['type']}: {short_error(ex['message'], 200)}"
    return t.not_observed(f"a finished step compiled at line {comp['line']}")


def verdict_tl205(t: Timeline, f: Finding) -> Verdict:
    sets = _sets_for(t, f)
    seq = max(e["seq"] for e in sets) if sets else 0
    bid = _affected_bid(t, sets, f) if sets else None
    if bid is None:
        b = t.backbone_near(f.line)
        bid = b["bid"] if b else None
    if bid is None:
        return t.not_observed("a backbone")
    b = t.backbones[bid]
    calls = t.calls_after(seq, bid=bid)
    fine = [c for c in calls if (t.bb_stats(c, bid) or {}).get("changed", 0) > 0]
    call = fine[0] if fine else (calls[0] if sets and calls else None)
    if call is None:
        return t.not_observed(f"a fine-tuning step of {b['name']}")
    st = t.bb_stats(call, bid)
    if st is None:
        return t.not_observed(f"a finished step of {t.where(call)}")
    after = f" after the unfreeze at line {sets[0]['line']}" if sets else ""
    if not fine and st["bn_moving_changed"] == 0:
        return INCONCLUSIVE, (
            f"no {b['name']} variable trained in {t.where(call)}{after}, so no fine-tuning step was observed"
            " (the unfreeze did not take effect: see TL202)"
        )
    text = f"during {t.where(call)}{after}, the moving mean/variance of {st['bn_moving_changed']} of {st['n_bn']} {b['name']} BatchNormalization layers changed ({st['changed']} of {st['n_vars']} backbone variables trained)"
    return (CONFIRMED if st["bn_moving_changed"] > 0 else REFUTED), text + t.fallback_note(b)


def verdict_tl206(t: Timeline, f: Finding) -> Verdict:
    sets = _sets_for(t, f)
    if not sets:
        return t.not_observed(f"a `trainable` assignment near line {f.line}")
    line = sets[0]["line"]
    names = sorted({e["layer"] for e in sets})
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    n_vars = sum(e.get("n_vars", 0) for e in sets)
    values = {e["value"] for e in sets}
    value_txt = "/".join(str(v) for v in sorted(values))
    bid = _affected_bid(t, sets, f)
    calls = t.calls_after(max(e["seq"] for e in sets), bid=bid) if bid else t.calls_after(max(e["seq"] for e in sets))
    call = calls[0] if calls else None
    st = t.bb_stats(call, bid) if call and bid else None
    b = t.backbones.get(bid) if bid else None
    after = ""
    if st is not None:
        after = f"; in {t.where(call)}, {st['flagged']} of {st['n_vars']} {b['name']} variables were trainable and {st['changed']} changed"
    if n_vars == 0:
        owns = "owns" if len(names) == 1 else "own"
        return CONFIRMED, f"the assignment at line {line} set trainable={value_txt} on {shown}, which {owns} no variables{after}"
    whole = [e for e in sets if e.get("role") in ("backbone",) or e.get("contains")]
    if whole and len(sets) > 1:
        return CONFIRMED, (
            f"the assignment at line {line} reached {b['name'] if b else 'the backbone'} as one layer of the outer model "
            f"(layers touched: {shown}): all {n_vars} of their variables got trainable={value_txt}{after}"
        )
    inner_on = [e for e in sets if e.get("role") == "backbone_layer" and e["value"]]
    if inner_on and st is not None and not st.get("backbone_trainable_flag", True):
        return CONFIRMED, (
            f"line {line} re-enabled {len(inner_on)} layers inside {b['name']} while {b['name']}.trainable is False"
            f"{after} (Keras 3 trains them although {b['name']}.trainable_weights is empty)"
        )
    if st is None:
        return t.not_observed(f"a training step after the assignment at line {line}")
    grp = None
    for end in call.get("ends", []):
        grp = (end.get("groups") or {}).get(str(line)) or grp
    if grp is not None:
        wanted_on = True in values and False not in values
        ok = (grp["changed"] > 0) if wanted_on else (grp["changed"] == 0)
        text = f"the assignment at line {line} set trainable={value_txt} on {len(names)} layers owning {grp['n_vars']} variables; {grp['changed']} of them changed in {t.where(call)}"
        return (REFUTED if ok else CONFIRMED), text
    return REFUTED, f"the assignment at line {line} set trainable={value_txt} on {shown} ({n_vars} variables){after}"
