"""Hover on a backbone constructor (`MobileNetV2(`...): the input its pretrained weights expect
and the pixels this script feeds it, from the script model TL101-TL103 judge (rules/_pixels.py).

Nothing is shown anywhere else, nor where the engine does not know the backbone. A feed whose
pixels the engine cannot follow says so instead of guessing.
"""

from __future__ import annotations

import libcst as cst

from tllint.engine import kb
from tllint.engine.pixels import fmt_interval
from tllint.rules._pixels import (
    CONTRACT_TEXT,
    arrived_text,
    assumed,
    family_fix,
    judge,
    source_text,
    step_text,
    task_arrivals,
)

MAX_FEEDS = 6
_PHASES = {"predict": "predict", "predict_on_batch": "predict_on_batch", "evaluate": "evaluate",
           "test_on_batch": "test_on_batch", "validation": "validation data", "__call__": "a direct call"}


def build_script(text: str, display: str, settings, project=None):
    """The script model of a text, parsed as tllint.analysis parses it, or None where there is
    none to trust: not Python, hostile nesting, positions LibCST does not keep, an engine crash."""
    from tllint.engine.script import build_script_model
    from tllint.hostile import nesting_problem
    from tllint.notebook_cells import blank_ipython
    from tllint.parse import position_map
    from tllint.slicing import slice_source

    if nesting_problem(text) is not None:
        return None  # LibCST's native parser would overflow the C stack
    parsed_text = slice_source(text)  # large files: unused definitions blanked, positions kept
    try:
        if parsed_text is not text:
            module = cst.parse_module(parsed_text)
        else:
            module = project.parse_source(text, display) if project is not None else cst.parse_module(text)
    except cst.ParserSyntaxError:
        text = parsed_text = blank_ipython(text)  # a notebook exported as .py (`!pip install ...`): lines kept
        try:
            module = cst.parse_module(text)
        except Exception:  # noqa: BLE001 - not Python (yet): no hover
            return None
    except Exception:  # noqa: BLE001
        return None
    if position_map(module, parsed_text) is not None:
        return None  # LibCST dropped a `\`-only line: its positions are not the editor's
    try:
        return build_script_model(module, text, display, settings, project=project)
    except (Exception, RecursionError):  # noqa: BLE001 - the lint reports crashes (TL999); a hover shows nothing
        return None


def backbone_at(script, line: int, column0: int):
    """(backbones, range) of the constructor whose callee spans (line, column0); 1-based line."""
    for backbone in script.backbones:
        node = backbone.node
        if not isinstance(node, cst.Call):
            continue
        found = script.origin(node.func)
        if found is None or found[0] != script.path or found[1] is None:
            continue  # built in an imported module
        pos = found[1]
        start, end = (pos.start.line, pos.start.column), (pos.end.line, pos.end.column)
        if start <= (line, column0) <= end:
            same = [b for b in script.backbones if b.node is node]
            return same, pos
    return None


def _expected(backbone) -> str:
    name = backbone.name
    if not backbone.pretrained:
        if backbone.weights == "none":
            return f"**{name}** has random weights (`weights=None`): no pretrained input contract to match"
        return f"**{name}**: tllint cannot tell which weights it loads"
    contract = kb.contract_of(backbone)
    if contract == "preset":
        return (f"**{name}** expects what its preset's ImageConverter makes of the 0..255 pixels "
                f"(`keras_hub.layers.ImageConverter.from_preset(...)`)")
    if contract is None or contract not in CONTRACT_TEXT:
        return f"**{name}**: tllint does not know its input contract"
    how = family_fix(backbone, contract)
    if contract == "raw":
        return f"**{name}** expects {CONTRACT_TEXT[contract]}: {how}"
    return f"**{name}** expects {CONTRACT_TEXT[contract]}.\n\nProduce it with {how}"


def _fed(arrival, script) -> str:
    verdict = arrival.verdict
    if assumed(arrival):
        return "the model's input unchanged; no data in sight (images as decoded would be 0..255)"
    if verdict.kind == "raw":
        return f"raw 0..255 pixels{source_text(arrival, script)}"
    if verdict.kind == "affine" and verdict.interval is not None:
        where = f" after {step_text(verdict.last, script)}" if verdict.last is not None else ""
        return f"pixels in {fmt_interval(verdict.interval)}{where}{source_text(arrival, script)}"
    if verdict.kind == "preprocess":
        return arrived_text(verdict, script) + source_text(arrival, script)
    if verdict.kind == "double" and verdict.first is not None and verdict.second is not None:
        return f"pixels scaled twice: {step_text(verdict.first, script)}, then {step_text(verdict.second, script)}"
    if verdict.kind == "normalized" and verdict.last is not None:
        return f"pixels normalised by {step_text(verdict.last, script)}"
    return "pixels tllint cannot follow (an opaque step, or data not in sight)"


def _phase(arrival, script) -> str:
    phase = getattr(arrival, "phase", "train")
    if phase != "train":
        return _PHASES.get(phase, phase)
    step = arrival.step
    if step is not None and not getattr(step, "implicit", False) and getattr(step, "node", None) is not None:
        return f"training (`{step.method}`, line {script.line(step.node)})"
    return "training"


def hover_markdown(script, backbones) -> str:
    node = backbones[0].node
    lines = [_expected(backbones[0]).rstrip(".") + "."]
    feeds: list[str] = []
    if backbones[0].pretrained:
        arrivals = [a for a in (*script.arrivals(), *task_arrivals(script)) if a.feed.backbone.node is node]
        for arrival in arrivals:
            text = f"- {_phase(arrival, script)}: {_fed(arrival, script)}"
            found = judge(arrival, script)
            if found is not None:
                text += f" (mismatch: {found.code}, line {script.line(found.node)})"
            if text not in feeds:
                feeds.append(text)
    if feeds:
        lines.append("")
        lines.append("This script feeds it:")
        lines.extend(feeds[:MAX_FEEDS])
        if len(feeds) > MAX_FEEDS:
            lines.append(f"- ... and {len(feeds) - MAX_FEEDS} more")
    elif backbones[0].pretrained:
        lines.append("")
        lines.append("tllint sees no pixels reaching it in this file.")
    return "\n".join(lines)


def hover_at_script(script, line: int, column0: int):
    """(markdown, ((line, col0), (end_line, end_col0))) for a 1-based line and 0-based column, else None."""
    found = backbone_at(script, line, column0)
    if found is None:
        return None
    backbones, pos = found
    return hover_markdown(script, backbones), ((pos.start.line, pos.start.column), (pos.end.line, pos.end.column))


def hover_at(text: str, display: str, settings, line: int, column0: int, project=None):
    script = build_script(text, display, settings, project)
    return hover_at_script(script, line, column0) if script is not None else None
