"""`Model.fit` and `Model.train_on_batch`: capped to STEPS batches, each step observed."""

from __future__ import annotations

import inspect

from .capping import capped, head, is_array_like, length, rows_for, take_batches
from .config import STEPS
from .events import emit, user_line
from .state import S
from .steps import step_begin, step_end, training_call_start
from .synthetic import resolve_classes


def install(Model, ProbeCallback, ValidationStandIn) -> None:
    _wrap_fit(Model, ProbeCallback, ValidationStandIn)
    _wrap_train_on_batch(Model)


def _skip_validation(a) -> bool:
    """Drop the validation pass of a capped fit (no verdict reads it; it costs a pass over the
    validation batches every epoch). True when the script asked for one."""
    asked = a.get("validation_data") is not None or bool(a.get("validation_split"))
    a["validation_data"] = None
    a["validation_split"] = 0.0
    a["validation_steps"] = None
    return asked


def _wrap_fit(Model, ProbeCallback, ValidationStandIn) -> None:
    orig_fit = Model.fit
    fit_sig = inspect.signature(orig_fit)

    def fit(self, *args, **kwargs):
        if S.depth:
            return orig_fit(self, *args, **kwargs)
        line = user_line()
        key = ("fit", id(self), line)
        if capped(key) and key in S.cached:
            emit("call_skipped", what="fit", line=line, reason=f"called more than {STEPS} times from this line")
            return S.cached[key]
        bound = fit_sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        a = dict(bound.arguments)
        a.pop("self", None)
        extra = a.pop("kwargs", {}) or {}
        a.update(extra)
        resolve_classes(self)
        info, call_id = training_call_start(self, "fit", line)
        rows, rank = rows_for(self)
        try:
            batches, feed, how, fed_rows = take_batches(a.get("x"), a.get("y"), a.get("sample_weight"), a.get("batch_size"), STEPS, rows, rank)
        except Exception as exc:
            emit("exception", call=call_id, mid=info["mid"], line=line, where="fit data", type=type(exc).__name__, message=str(exc)[:4000])
            raise
        a.update(feed)
        if how != "arrays":
            a["y"] = None
            a["sample_weight"] = None
            a["batch_size"] = None
            a["steps_per_epoch"] = None
        else:
            a["steps_per_epoch"] = None
            a["shuffle"] = False
        a["epochs"] = int(a.get("initial_epoch") or 0) + 1
        skipped_validation = _skip_validation(a)
        cbs = list(a.get("callbacks") or [])
        if skipped_validation:
            cbs.insert(0, ValidationStandIn())  # val_* logs for the script's callbacks and History
        cbs.append(ProbeCallback(self, info, call_id, batches))
        a["callbacks"] = cbs
        emit("data", call=call_id, how=how, batches=len(batches), rows=fed_rows, validation_skipped=skipped_validation)
        S.depth += 1
        try:
            hist = orig_fit(self, **a)
        except Exception as exc:
            emit("exception", call=call_id, mid=info["mid"], line=line, where="fit", type=type(exc).__name__, message=str(exc)[:4000])
            raise
        finally:
            S.depth -= 1
        emit("train_call_end", call=call_id)
        S.cached[key] = hist
        return hist

    Model.fit = fit


def _wrap_train_on_batch(Model) -> None:
    orig_tob = Model.train_on_batch

    def train_on_batch(self, x, y=None, *args, **kwargs):
        if S.depth:
            return orig_tob(self, x, y, *args, **kwargs)
        line = user_line()
        key = ("train_on_batch", id(self), line)
        if capped(key) and key in S.cached:
            if S.call_counts[key] == STEPS + 1:
                emit("call_skipped", what="train_on_batch", line=line, reason=f"called more than {STEPS} times from this line")
            return S.cached[key]
        info, call_id = training_call_start(self, "train_on_batch", line)
        before, opt_vars = step_begin(self, info, call_id, 0, (x, y))  # observes the script's batch
        x, y, kwargs = _cut_batch(self, x, y, args, kwargs)  # trains on its first rows
        S.depth += 1
        try:
            result = orig_tob(self, x, y, *args, **kwargs)
        except Exception as exc:
            emit("exception", call=call_id, mid=info["mid"], line=line, where="train_on_batch", type=type(exc).__name__, message=str(exc)[:4000])
            raise
        finally:
            S.depth -= 1
        loss = result
        if isinstance(result, dict):
            loss = result.get("loss")
        elif isinstance(result, (list, tuple)):
            loss = result[0] if result else None
        step_end(self, info, call_id, 0, before, opt_vars, loss)
        emit("train_call_end", call=call_id)
        S.cached[key] = result
        return result

    Model.train_on_batch = train_on_batch


def _cut_batch(model, x, y, args, kwargs):
    """A train_on_batch batch cut to ROWS rows, when x, y and sample_weight are arrays of one length."""
    rows, _rank = rows_for(model)
    sw = kwargs.get("sample_weight")
    parts = [v for v in (x, y, sw) if v is not None]
    if not rows or args or not all(is_array_like(v) for v in parts):
        return x, y, kwargs
    try:
        lengths = {length(v) for v in parts}
        if len(lengths) != 1 or lengths.pop() <= rows:
            return x, y, kwargs
        if sw is not None:
            kwargs = dict(kwargs, sample_weight=head(sw, rows))
        return head(x, rows), head(y, rows), kwargs
    except Exception:  # noqa: BLE001
        return x, y, kwargs
