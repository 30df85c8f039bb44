"""Findings seen only at run time: problems the static pass did not report (raw or wrongly scaled
pixels, a backbone training with a new head, an optimizer rejecting new variables)."""

from __future__ import annotations

from tllint.finding import Finding
from tllint.rules import registry

from .lifecycle_verdicts import first_call_for, is_unknown_var, verdict_tl201
from .pixel_verdicts import classify, contract, pixel_obs, pixel_text
from .timeline import CONFIRMED, Timeline, short_error


def _new_finding(code: str, path: str, line: int, message: str, evidence: str) -> Finding:
    info = registry()[code]
    line = max(int(line or 1), 1)
    return Finding(
        code=code,
        name=info.name,
        severity=info.severity,
        message=message,
        path=path,
        line=line,
        column=1,
        end_line=line,
        end_column=1,
        confirmation={"status": CONFIRMED, "evidence": evidence},
        source="confirm",
    )


def runtime_findings(t: Timeline, findings: list[Finding], path: str) -> list[Finding]:
    """Confirmed findings for what the run showed and the static pass did not report in this file."""
    out: list[Finding] = []
    codes = {f.code for f in findings}
    pixel_claimed: set[int] = set()
    for f in findings:
        if f.code in ("TL101", "TL102", "TL103"):
            b = t.backbone_near(f.line)
            if b:
                pixel_claimed.add(b["bid"])
    for b in t.backbones.values():
        if b["bid"] in pixel_claimed:
            continue
        obs = pixel_obs(t, b)
        expect = contract(b)
        if obs is None or expect is None:
            continue
        kind = classify(obs["stats"])
        if kind == expect[0] or kind in ("unknown",):
            continue
        if kind == "raw":
            code, msg = "TL101", f"raw pixels reach {b['name']}, whose weights expect {expect[1]} (seen at run time)"
        elif kind == "collapsed" or (expect[0] == "raw" and kind in ("unit", "tf", "torch")):
            code, msg = "TL103", f"the input of {b['name']} is scaled twice (seen at run time)"
        else:
            code, msg = "TL102", f"the input of {b['name']} is preprocessed for another contract than its weights' {expect[1]} (seen at run time)"
        line = (b.get("call_lines") or [None])[0] or b.get("line") or 1
        out.append(_new_finding(code, path, line, msg, pixel_text(b, obs, expect) + t.fallback_note(b) + t.data_note()))
    if "TL201" not in codes:
        for b in t.backbones.values():
            call = first_call_for(t, b)
            st = t.bb_stats(call, b["bid"]) if call else None
            if st and st["changed"] > 0 and b.get("weights_requested") not in (None, "None"):
                line = b.get("line") or 1
                text = verdict_tl201(t, Finding("TL201", "", "", "", path, line, 1, line, 1))[1]
                out.append(_new_finding("TL201", path, line, f"{b['name']} trains together with a new head in the first training step (seen at run time)", text))
    if "TL203" not in codes:
        for c in t.calls:
            if is_unknown_var(c.get("exception")):
                comps = [k for k in t.compiles if k["seq"] < c["seq"] and k["mid"] == c["mid"]]
                if not comps or not comps[-1].get("opt_reused_built"):
                    continue  # no recompile with a built optimizer: an ignored trainable change (TL202)
                line = comps[-1]["line"] or c.get("line") or 1
                ex = c["exception"]
                out.append(
                    _new_finding(
                        "TL203", path, line,
                        "the recompile reuses an optimizer built for other variables (seen at run time)",
                        f"{t.where(c)} failed: {ex['type']}: {short_error(ex['message'])}",
                    )
                )
                break
    return out
