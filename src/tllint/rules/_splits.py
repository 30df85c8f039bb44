"""Helpers of the data-split rules (TL402, TL403, TL405): which data a script trains on, validates
on and evaluates on, as the engine saw them."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tllint.engine.timeline import TrainEvent
from tllint.engine.values import Data, Value


@dataclass
class Use:
    """One place data reaches a model: `role` is "train" (the x of a fit), "validation" (its
    `validation_data`) or "test" (`evaluate`)."""

    role: str
    data: Value
    node: cst.CSTNode  # the fit / evaluate call
    step: TrainEvent | None = None


def fits(script) -> list[TrainEvent]:
    """Explicit `fit` / `fit_generator` steps, once per call node."""
    seen: set[int] = set()
    out: list[TrainEvent] = []
    for ev in script.events:
        if isinstance(ev, TrainEvent) and ev.method in ("fit", "fit_generator") and id(ev.node) not in seen:
            seen.add(id(ev.node))
            out.append(ev)
    return out


def uses(script) -> list[Use]:
    """Training, validation and evaluation data of every fit and evaluate, in script order."""
    out: list[Use] = []
    for ev in fits(script):
        out.append(Use("train", ev.data, ev.node, ev))
        if "validation_data" in ev.kwargs:
            out.append(Use("validation", ev.kwargs["validation_data"], ev.node, ev))
    seen: set[int] = set()
    for model in script.models:
        for name, x, node in model.__dict__.get("uses", []):
            if name == "evaluate" and id(node) not in seen:
                seen.add(id(node))
                out.append(Use("test", x, node))
    return out


def mark(value: Value, key: str):
    return value.__dict__.get(key) if isinstance(value, Data) else None


def arg_text(script, node: cst.CSTNode) -> str:
    try:
        return script.module.code_for_node(node).strip()
    except Exception:  # noqa: BLE001 - a node of another module
        return ""
