"""TL203: a recompile passes the optimizer object a previous training step already built.

The optimizer builds its slots for the variables of the first training step; a recompile after
a `trainable` change that reuses it fails at the next fit with ValueError "Unknown variable"
(Keras 3, `optimizers/base_optimizer.py`) or KeyError (Keras 2), keras-facts §2(c) case A3.
A string optimizer ('adam') is a new instance at every compile: fine.
"""

from __future__ import annotations

from tllint.engine.values import ModelOptimizer
from tllint.engine.learning_rates import optimizer_of
from tllint.engine.timeline import CompileEvent, TrainableEvent, TrainEvent, compatible, unit_contains
from tllint.engine.values import Model
from tllint.rules import Report, Rule
from tllint.rules._timeline_places import Places, compile_label, owner_of, title


class RecompileReusesOptimizer(Rule):
    code = "TL203"
    name = "recompile-reuses-optimizer"
    severity = "error"
    summary = "A recompile reuses an optimizer that a training step already built: the next fit fails."

    def check(self, script):
        events = script.events
        for ev in events:
            if not isinstance(ev, CompileEvent):
                continue
            opt = optimizer_of(script, ev)
            if opt is None:
                continue
            via_model = isinstance(ev.optimizer, ModelOptimizer)
            if getattr(opt, "from_string", False) and not via_model:
                continue
            built = self._built_by(script, opt, ev)
            if built is None:
                continue
            prev_compile, prev_step = built
            nxt = self._next_step(script, ev)
            if nxt is None:
                continue
            grows = self._new_variables(script, prev_compile.model, prev_step, ev.model, nxt)
            if not grows:
                continue
            yield self._report(script, ev, opt, prev_compile, prev_step, nxt, via_model, grows)

    @staticmethod
    def _built_by(script, opt, compile_ev):
        """(earlier compile with the same optimizer object, a training step after it) before this one."""
        found = None
        for ev in script.events[: compile_ev.index]:
            if not isinstance(ev, CompileEvent) or not compatible(ev.cond, compile_ev.cond):
                continue
            if optimizer_of(script, ev) is not opt:
                continue
            for later in script.events[ev.index + 1 : compile_ev.index]:
                if isinstance(later, CompileEvent) and later.model is ev.model and compatible(later.cond, compile_ev.cond):
                    break
                if isinstance(later, TrainEvent) and later.model is ev.model and compatible(later.cond, compile_ev.cond):
                    found = (ev, later)
                    break
        return found

    @staticmethod
    def _next_step(script, compile_ev):
        for later in script.events[compile_ev.index + 1 :]:
            if getattr(later, "model", None) is not compile_ev.model or not compatible(later.cond, compile_ev.cond):
                continue
            if isinstance(later, CompileEvent):
                return None
            if isinstance(later, TrainEvent):
                return later
        return None

    @staticmethod
    def _new_variables(script, old_model: Model, old_step, new_model: Model, new_step) -> str | None:
        """Does the next step train variables the optimizer was not built with?"""
        if new_model is not old_model:
            return "another model"
        for unit in [new_model] + new_model.units():
            before = script.state_at(unit, old_step)
            after = script.state_at(unit, new_step)
            if not (before.known and after.known) or before == after:
                continue
            if before.any_trainable is False and after.any_trainable:
                return "unfreeze"
            if after.base and not before.base:
                return "unfreeze"
            if any(v for *_, v in after.overrides[len(before.overrides):]) and before.base == after.base and after.overrides[: len(before.overrides)] == before.overrides:
                return "unfreeze"
        return None

    def _report(self, script, ev, opt, prev_compile, prev_step, nxt, via_model, grows):
        prev_line = script.line(prev_compile.node)
        step_line = script.line(prev_step.node)
        what = "`model.optimizer`" if via_model else f"the optimizer object created at line {script.line(opt.node)}"
        step_word = f"`{prev_step.method}` at line {step_line}" if not prev_step.implicit else f"the training after the compile at line {prev_line}"
        reason = (
            "the model it was built for is not this one"
            if grows == "another model"
            else "the `trainable` change since then adds variables it has never seen"
        )
        next_word = f"`{nxt.method}` at line {script.line(nxt.node)}" if not nxt.implicit else "the next fit"
        cls = opt.cls or "Adam"
        message = (
            f"This compile reuses {what}, already built by {step_word} for the variables trainable then; "
            f"{reason}, so {next_word} fails: Keras 3 raises ValueError \"Unknown variable ... This optimizer can "
            f"only be called for the variables it was originally built with\", Keras 2 / tf_keras raises KeyError "
            f"\"The optimizer cannot recognize variable\" (after the first training run already spent its time). "
            f"Pass a new instance instead, e.g. `optimizer=keras.optimizers.{cls}(learning_rate=1e-5)`."
        )
        name = "`model.optimizer`" if via_model else f"the {cls} optimizer"
        return Report(ev.node, message, data={"previous_compile_line": prev_line, "step_line": step_line,
                                                "compile": ev, "optimizer": opt, "via_model": via_model},
                      title=title(f"Recompile reuses {name} already built by a fit; the next fit fails",
                                  "Recompile reuses an optimizer already built by a fit; the next fit fails"),
                      related=_related(script, ev, opt, prev_compile, prev_step, nxt, via_model, grows))


def _related(script, ev, opt, prev_compile, prev_step, nxt, via_model, grows):
    """Optimizer created, compiled, trained (builds it), unfrozen, recompiled (the finding), fails."""
    places = Places(script, ev.node)
    if not via_model:
        places.add(opt.node, "optimizer created here", prev_compile.index - 0.5)
    places.event(prev_compile, compile_label(script, prev_compile, "first compiled here"))
    places.step(prev_step, "trained here: builds the optimizer for these variables")
    if grows == "unfreeze":
        units = [ev.model] + ev.model.units()
        change = None
        for later in script.events[prev_step.index + 1 : ev.index]:
            if not isinstance(later, TrainableEvent) or not later.value or not compatible(later.cond, ev.cond):
                continue
            owner = owner_of(later.target)
            if owner is not None and any(unit_contains(u, owner) or unit_contains(owner, u) for u in units):
                change = later
        places.event(change, "unfrozen here: new trainable variables")
    places.step(nxt, "fails here")
    return places.build()
