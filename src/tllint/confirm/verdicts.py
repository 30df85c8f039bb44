"""Turn the child's events into verdicts on static findings, plus findings only seen at run time.

One module per family of rules judges its codes (pixel_verdicts, lifecycle_verdicts,
head_verdicts); `timeline` indexes the events, `new_findings` reports what only the run showed.
"""

from __future__ import annotations

from typing import Any, Callable

from tllint.finding import Finding

from .eval_verdicts import verdict_tl404
from .head_verdicts import verdict_tl301, verdict_tl302, verdict_tl303
from .lifecycle_verdicts import (
    verdict_tl201,
    verdict_tl202,
    verdict_tl203,
    verdict_tl204,
    verdict_tl205,
    verdict_tl206,
)
from .new_findings import runtime_findings
from .pixel_verdicts import classify, contract, verdict_tl101, verdict_tl102, verdict_tl103
from .timeline import CONFIRMED, INCONCLUSIVE, REFUTED, Timeline, Verdict, short_error

VERDICTS: dict[str, Callable[[Timeline, Finding], Verdict]] = {
    "TL101": verdict_tl101,
    "TL102": verdict_tl102,
    "TL103": verdict_tl103,
    "TL201": verdict_tl201,
    "TL202": verdict_tl202,
    "TL203": verdict_tl203,
    "TL204": verdict_tl204,
    "TL205": verdict_tl205,
    "TL206": verdict_tl206,
    "TL301": verdict_tl301,
    "TL302": verdict_tl302,
    "TL303": verdict_tl303,
    "TL404": verdict_tl404,
}


def judge(t: Timeline, finding: Finding) -> dict[str, Any]:
    fn = VERDICTS.get(finding.code)
    if fn is None:
        return {"status": INCONCLUSIVE, "evidence": f"{finding.code} is not checked at run time"}
    try:
        status, evidence = fn(t, finding)
    except Exception as exc:  # noqa: BLE001 - a verdict must never stop the run
        status, evidence = INCONCLUSIVE, f"tllint could not evaluate the run for {finding.code}: {type(exc).__name__}: {exc}"
    return {"status": status, "evidence": evidence}


__all__ = [
    "CONFIRMED",
    "INCONCLUSIVE",
    "REFUTED",
    "VERDICTS",
    "Timeline",
    "Verdict",
    "classify",
    "contract",
    "judge",
    "runtime_findings",
    "short_error",
]
