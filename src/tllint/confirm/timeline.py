"""The child's events indexed for the verdicts, and the wording helpers every verdict shares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .runner import RunResult

CONFIRMED, REFUTED, INCONCLUSIVE = "confirmed", "refuted", "inconclusive"

Verdict = tuple[str, str]  # (status, evidence)


def short_error(message: str, limit: int = 240) -> str:
    """An exception message without tensor dumps (torch prints the variable's values)."""
    msg = re.sub(r", value=[\s\S]*?\]\]>", ">", message or "")
    if ", value=" in msg:
        msg = msg.split(", value=")[0] + ">"
    msg = " ".join(msg.split())
    return msg if len(msg) <= limit else msg[: limit - 3] + "..."


def fmt_number(v: float | None) -> str:
    if v is None:
        return "?"
    if abs(v) >= 1000 or (v != 0 and abs(v) < 0.01):
        return f"{v:.3g}"
    return f"{v:.2f}"


def fmt_lr(v: float | None) -> str:
    return "?" if v is None else f"{v:.3g}"


@dataclass
class Timeline:
    """The run's events, indexed for the verdicts."""

    run: RunResult
    backbones: dict[int, dict] = field(default_factory=dict)
    calls: list[dict] = field(default_factory=list)  # training calls, each with its steps
    compiles: list[dict] = field(default_factory=list)
    trainable_sets: list[dict] = field(default_factory=list)
    dense: list[dict] = field(default_factory=list)
    pixels: list[dict] = field(default_factory=list)  # {"bid", "stats", "line", "seq"}
    exceptions: list[dict] = field(default_factory=list)
    synthetic: list[dict] = field(default_factory=list)
    end: dict | None = None
    meta: dict | None = None

    @classmethod
    def build(cls, run: RunResult) -> "Timeline":
        t = cls(run)
        by_call: dict[int, dict] = {}
        for e in run.events:
            k = e.get("kind")
            if k == "backbone":
                t.backbones[e["bid"]] = dict(e, call_lines=[], fallback=None)
            elif k == "weights_fallback" and e.get("bid") in t.backbones:
                t.backbones[e["bid"]]["fallback"] = e
            elif k == "backbone_call" and e.get("bid") in t.backbones:
                if e.get("line"):
                    t.backbones[e["bid"]]["call_lines"].append(e["line"])
            elif k == "compile":
                t.compiles.append(e)
            elif k == "trainable_set":
                t.trainable_sets.append(e)
            elif k == "dense_build":
                t.dense.append(e)
            elif k == "train_call":
                call = dict(e, begins=[], ends=[], exception=None, finished=False)
                by_call[e["call"]] = call
                t.calls.append(call)
            elif k == "step_begin" and e.get("call") in by_call:
                by_call[e["call"]]["begins"].append(e)
                for bid, st in (e.get("pixels") or {}).items():
                    t.pixels.append({"bid": int(bid), "stats": st, "line": by_call[e["call"]].get("line"), "seq": e["seq"]})
            elif k == "step_end" and e.get("call") in by_call:
                by_call[e["call"]]["ends"].append(e)
            elif k == "train_call_end" and e.get("call") in by_call:
                by_call[e["call"]]["finished"] = True
            elif k == "pixels":
                t.pixels.append({"bid": int(e["bid"]), "stats": e.get("stats") or {}, "line": e.get("line"), "seq": e["seq"]})
            elif k == "exception":
                t.exceptions.append(e)
                if e.get("call") in by_call:
                    by_call[e["call"]]["exception"] = e
            elif k == "data_synthetic":
                t.synthetic.append(e)
            elif k == "end":
                t.end = e
            elif k == "meta":
                t.meta = e
        return t

    # ---- what happened to the run ---------------------------------------------------------------
    def run_status(self) -> str:
        r = self.run
        if r.skipped:
            return r.skipped
        if getattr(r, "limit", None):  # stopped by the sandbox: memory bound, or it could not be set up
            return r.limit
        if r.timed_out or (self.end or {}).get("status") == "timeout":
            return f"the script was killed at the confirm timeout ({r.timeout:g} s)" if r.timeout else "the script was killed at the confirm timeout"
        if self.end is None:
            tail = (r.stderr_tail or "").strip().splitlines()
            hint = f" ({tail[-1][:200]})" if tail else ""
            return f"the script's process ended abnormally (exit code {r.returncode}){hint}"
        if self.end.get("status") == "error" and str(self.end.get("missing_module") or "").split(".")[0] == "tensorflow":
            return self.tensorflow_missing()
        if self.end.get("status") == "error":
            where = f" at line {self.end['line']}" if self.end.get("line") else ""
            return f"the script failed{where}: {self.end.get('type')}: {short_error(str(self.end.get('message', '')), 300)}"
        if self.end.get("status") == "exit":
            return f"the script exited with code {self.end.get('code')}"
        return "the script finished without reaching it"

    def tensorflow_missing(self) -> str:
        """The run stopped because TensorFlow is not installed (a jax or torch backend)."""
        end = self.end or {}
        backend = (self.meta or {}).get("backend")
        on = f" (backend {backend})" if backend else ""
        hint = "; run with --confirm-backend tensorflow where it is"
        if end.get("imported_by_script"):
            at = f" (line {end['line']})" if end.get("line") else ""
            return f"the script imports tensorflow{at}, which is not installed here{on}{hint}"
        at = f"what the script calls at line {end['line']}" if end.get("line") else "the script"
        return f"{at} needs tensorflow, which is not installed here{on}{hint}"

    def not_observed(self, what: str) -> tuple[str, str]:
        return INCONCLUSIVE, f"{what} was not observed: {self.run_status()}"


    # ---- lookups ------------------------------------------------------------------------------
    def backbone_near(self, line: int) -> dict | None:
        if not self.backbones:
            return None

        def distance(b):
            lines = [b.get("line") or 10**6] + list(b.get("call_lines") or [])
            return min(abs(line - x) for x in lines if x is not None)

        return min(self.backbones.values(), key=distance)

    def backbone_label(self, b: dict) -> str:
        return str(b.get("name") or "the backbone")

    def fallback_note(self, b: dict | None) -> str:
        if b and b.get("fallback"):
            looked = b["fallback"].get("looked_in") or "the Keras cache"
            return f" ({b['name']} was built with weights=None: no cached imagenet weights in {looked})"
        return ""

    def data_note(self) -> str:
        if not self.synthetic:
            return ""
        s = self.synthetic[0]
        return f" [synthetic 0..255 batches: {s.get('loader')}('{s.get('path')}') found no data]"

    def calls_after(self, seq: int, bid: int | None = None, mid: int | None = None) -> list[dict]:
        out = []
        for c in self.calls:
            if c["seq"] <= seq:
                continue
            if bid is not None and bid not in (c.get("backbones") or []):
                continue
            if mid is not None and c.get("mid") != mid:
                continue
            out.append(c)
        return out

    @staticmethod
    def bb_stats(call: dict, bid: int) -> dict | None:
        """Backbone counts over a training call: the maximum per step."""
        best = None
        for end in call.get("ends", []):
            st = (end.get("backbones") or {}).get(str(bid))
            if st is None:
                continue
            if best is None:
                best = dict(st)
            else:
                for key in ("changed", "flagged", "flagged_changed", "changed_not_flagged", "bn_moving_changed"):
                    best[key] = max(best.get(key) or 0, st.get(key) or 0)
        return best

    @staticmethod
    def head_stats(call: dict) -> dict | None:
        best = None
        for end in call.get("ends", []):
            st = end.get("head")
            if st and (best is None or st.get("changed", 0) > best.get("changed", 0)):
                best = st
        return best

    @staticmethod
    def where(call: dict) -> str:
        kind = call.get("call_kind", "fit")
        return f"the {kind} at line {call['line']}" if call.get("line") else f"the {kind}"

    def group_sets(self, line: int, tolerance: int = 0) -> list[dict]:
        exact = [e for e in self.trainable_sets if e.get("line") == line]
        if exact or not tolerance:
            return exact
        near = sorted({e["line"] for e in self.trainable_sets if abs(e["line"] - line) <= tolerance}, key=lambda x: abs(x - line))
        return [e for e in self.trainable_sets if near and e["line"] == near[0]]

    def compile_near(self, line: int) -> dict | None:
        """The compile at that line (the last one there), else the nearest one."""
        if not self.compiles:
            return None
        exact = [c for c in self.compiles if c.get("line") == line]
        if exact:
            return exact[-1]
        return min(self.compiles, key=lambda c: abs((c.get("line") or 10**6) - line))
