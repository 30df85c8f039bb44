"""TL202: a training step runs with `trainable` flags that differ from the ones training uses.

Keras 3 captures the flags at the first training step after a compile, Keras 2 / tf_keras at
the compile itself (keras-facts §2(c)). A change that lands in neither capture point is ignored.
"""

from __future__ import annotations

from tllint.engine.timeline import CompileEvent, TrainableEvent, compatible, unit_contains
from tllint.engine.values import Backbone, LayerSet, Model
from tllint.rules import Report, Rule
from tllint.rules._common import applies, step_words, unit_label, versions_field
from tllint.rules._timeline_places import Places, compile_label, short_name, title


def touches(target, unit) -> bool:
    if isinstance(target, LayerSet):
        return target.owner is unit or (isinstance(target.owner, Model) and unit_contains(target.owner, unit))
    return target is unit or (isinstance(target, (Model, Backbone)) and unit_contains(target, unit))


class TrainableChangeNotApplied(Rule):
    code = "TL202"
    name = "trainable-change-not-applied"
    severity = "error"
    summary = "A `trainable` change is ignored because the model was not recompiled (or was, on Keras 3, too early)."

    def check(self, script):
        reported: set[int] = set()
        for model in script.models:
            for step in script.steps(model):
                compile_ev = script.last_compile_before(model, step)
                if compile_ev is None:
                    continue
                first = script.first_step_after(model, compile_ev, cond=step.cond)
                for unit in [model] + model.units():
                    problem = self._problem(script, model, unit, step, compile_ev, first)
                    if problem is None:
                        continue
                    change, affected, kind = problem
                    if change.index in reported or not applies(script.target, affected):
                        continue
                    reported.add(change.index)
                    yield self._report(script, model, unit, step, compile_ev, first, change, affected, kind)

    def _problem(self, script, model, unit, step, compile_ev, first):
        now = script.state_at(unit, step)
        at_compile = script.state_at(unit, compile_ev)
        affected: set[str] = set()
        kind = None
        # Keras 2: fit restores the compile-time state.
        if now.known and at_compile.known and now != at_compile:
            change = self._last_change(script, unit, compile_ev, step)
            if change is not None and not self._meant_for_other_model(script, model, unit, change, step):
                affected.add("2")
                kind = "before-first" if first is step else "after-fit"
        # Keras 3: the first step after compile captures the state.
        if first is not None and first is not step:
            captured = script.state_at(unit, first)
            if now.known and captured.known and now != captured:
                affected.add("3")
                kind = "after-fit"
                change = self._last_change(script, unit, first, step)
        elif first is step and unit is model:
            # The model itself frozen between its compile and its first step: Keras 3 traces its
            # train function with no trainable variables (the classic GAN idiom).
            if now.known and at_compile.known and now.any_trainable is False and at_compile.any_trainable:
                affected.add("3")
                kind = "self-frozen"
                change = self._last_change(script, unit, compile_ev, step)
        if not affected or change is None:
            return None
        return change, affected, kind

    @staticmethod
    def _last_change(script, unit, after, before):
        found = None
        for ev in script.events[after.index + 1 : before.index]:
            if isinstance(ev, TrainableEvent) and compatible(ev.cond, before.cond) and touches(ev.target, unit):
                found = ev
        return found

    @staticmethod
    def _meant_for_other_model(script, model, unit, change, step) -> bool:
        """A freeze followed by compiling another model that contains the unit (GAN idiom)."""
        for ev in script.events[change.index + 1 : step.index]:
            if (
                isinstance(ev, CompileEvent)
                and ev.model is not model
                and compatible(ev.cond, step.cond)
                and unit_contains(ev.model, unit)
            ):
                return True
        return False

    def _report(self, script, model, unit, step, compile_ev, first, change, affected, kind):
        code = script.code(change.node)
        line = script.line(change.node)
        step_line = script.line(step.node)
        compile_line = script.line(compile_ev.node)
        label = unit_label(unit)
        mlabel = f"`{model.label}`"
        step_word = "the compile" if step.implicit else step_words(step, step_line)
        if kind == "self-frozen":
            message = (
                f"`{code}` (line {line}) freezes {mlabel} after its compile (line {compile_line}) and before its first "
                f"training step ({step_word}). Keras 3 captures `trainable` at the first training step, so {mlabel}'s "
                f"own training updates no variables: it never learns. The classic Keras 2 GAN idiom works on Keras 2 "
                f"only (fit restores the compile-time state there). On Keras 3, set `{model.label}.trainable = True` "
                f"before each of its training steps and `False` before each step of the combined model, or recompile it."
            )
        elif kind == "after-fit":
            prev_fit = first
            when = f"after `fit` at line {script.line(prev_fit.node)}" if prev_fit is not None and not prev_fit.implicit else "after training started"
            what = "unfreeze" if change.value else ("re-freeze" if change.value is False else "change")
            effect = (
                "no backbone weight will train" if change.value else "the layers keep training"
            ) if change.value is not None else "the change is ignored"
            message = (
                f"This {what} of {label} (`{code}`, line {line}) comes {when} without a recompile: {step_word} still "
                f"uses the trainable state captured before, so {effect} (no error, no warning). "
                f"Recompile with a new optimizer instance (e.g. `{model.label}.compile(optimizer=keras.optimizers.Adam(1e-5), ...)`) "
                f"after changing `trainable` and before training again."
            )
            if affected == {"3"}:
                message += " (Keras 3; Keras 2 restores the compile-time state at every fit, which ignores it too.)"
        else:  # before-first: change between compile and the first fit
            if affected == {"2"}:
                message = (
                    f"`{code}` (line {line}) changes `trainable` after `compile` (line {compile_line}) and before "
                    f"{step_word}. Keras 2 / tf_keras trains with the state captured at compile time, so the change is "
                    f"ignored there; Keras 3 captures it at the first fit and applies it. Call `compile` after "
                    f"changing `trainable` so it means the same on every version."
                )
            else:
                message = (
                    f"`{code}` (line {line}) changes `trainable` after `compile` (line {compile_line}): recompile after "
                    f"changing `trainable`."
                )
        severity = "error"
        if affected == {"2"} and not script.target.known:
            severity = "warning"
        return Report(change.node, message, severity=severity, keras=versions_field(affected),
                      data={"kind": kind, "step_line": step_line, "compile_line": compile_line,
                            "model": model, "unit": unit, "step": step, "compile": compile_ev, "change": change},
                      title=_title(unit, change, kind, affected),
                      related=_related(script, change, kind, step, compile_ev, first))


def _title(unit, change, kind, affected) -> str:
    name = short_name(unit, start=True)
    if kind == "self-frozen":
        return title(f"{name} frozen after its compile; on Keras 3 its own training updates nothing",
                     "Model frozen after its compile; on Keras 3 its own training updates nothing")
    what = "unfrozen" if change.value else "frozen" if change.value is False else "`trainable` changed"
    if kind == "after-fit":
        what = "re-frozen" if what == "frozen" else what
        return title(f"{name} {what} after training started; ignored until you recompile",
                     f"Layers {what} after training started; ignored until you recompile")
    if affected == {"2"}:
        return title(f"{name} {what} after compile; Keras 2 / tf_keras ignores it until you recompile",
                     f"Layers {what} after compile; Keras 2 / tf_keras ignores it until you recompile")
    return title(f"{name} {what} after compile; recompile to apply it", f"Layers {what} after compile; recompile to apply it")


def _related(script, change, kind, step, compile_ev, first):
    """Compiled, (first trained), changed (the finding), trained again with the old state."""
    places = Places(script, change.node).event(compile_ev, compile_label(script, compile_ev))
    if kind == "after-fit":
        places.step(first, "trained here")
        places.step(step, "trained again here, with the old trainable state")
    elif kind == "self-frozen":
        places.step(step, "trained here, with nothing trainable on Keras 3")
    else:
        places.step(step, "trained here" + (", with the compile-time state on Keras 2" if change is not None else ""))
    return places.build()
