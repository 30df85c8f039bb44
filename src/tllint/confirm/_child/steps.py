"""One training step seen from outside: pixels, labels and outputs before it, which variables
changed after it (per backbone, head and `trainable` assignment line) and the loss."""

from __future__ import annotations

import math

from .backbones import backbones_in, probe_forward
from .events import emit
from .observations import (
    changed,
    describe_loss,
    flatten,
    is_bn,
    label_stats,
    learning_rate,
    output_activation,
    snapshot,
    to_numpy,
)
from .state import S, model_info
from .synthetic import resolve_classes


def step_begin(model, info, call_id, index, batch):
    xb, yb = (batch[0], batch[1]) if batch is not None else (None, None)
    pixels, out = probe_forward(model, xb) if xb is not None else ({}, None)
    opt = getattr(model, "optimizer", None)
    opt_vars = None
    try:
        tv = getattr(opt, "_trainable_variables", None)
        if tv is not None:
            opt_vars = {id(v) for v in tv}
    except Exception:  # noqa: BLE001
        opt_vars = None
    emit(
        "step_begin",
        call=call_id,
        mid=info["mid"],
        step=index,
        pixels={str(k): v for k, v in pixels.items()},
        labels=label_stats(yb),
        outputs=out,
        optimizer=type(opt).__name__ if opt is not None else None,
        lr=learning_rate(opt),
    )
    return snapshot(model), opt_vars


def step_end(model, info, call_id, index, before, opt_vars, loss):
    after = snapshot(model)
    moved = changed(before, after)
    bbs, ids = backbones_in(model)
    try:
        flagged = {id(v) for v in model.trainable_weights}
    except Exception:  # noqa: BLE001
        flagged = set()
    per_bb = {}
    backbone_vars = set()
    for b in bbs:
        vars_ = b["vars"] & ids
        backbone_vars |= vars_ | b["moving"]
        bn_changed = sum(1 for mm in b["bn"].values() if mm in moved)
        per_bb[str(b["bid"])] = {
            "name": b["name"],
            "n_vars": len(vars_),
            "flagged": len(vars_ & flagged),
            "changed": len(vars_ & moved),
            "flagged_changed": len(vars_ & flagged & moved),
            "changed_not_flagged": len((vars_ & moved) - flagged),
            "in_optimizer": len(vars_ & opt_vars) if opt_vars is not None else None,
            "n_bn": len(b["bn"]),
            "bn_moving_changed": bn_changed,
            "backbone_trainable_flag": bool(getattr(b["model"], "trainable", True)),
        }
    moving_all = set()
    try:
        for lyr in flatten(model):
            if is_bn(lyr):
                for v in lyr.weights:
                    if "moving" in getattr(v, "path", ""):
                        moving_all.add(id(v))
    except Exception:  # noqa: BLE001
        pass
    head = ids - backbone_vars - moving_all
    groups = {}
    for line, gids in S.groups.items():
        g = gids & ids
        if g:
            groups[str(line)] = {"n_vars": len(g), "flagged": len(g & flagged), "changed": len(g & moved)}
    lossv = None
    try:
        lossv = float(to_numpy(loss)) if loss is not None else None
    except Exception:  # noqa: BLE001
        lossv = None
    emit(
        "step_end",
        call=call_id,
        mid=info["mid"],
        step=index,
        backbones=per_bb,
        head={"n_vars": len(head & set(before)), "flagged": len(head & flagged), "changed": len(head & moved)},
        groups=groups,
        loss=lossv if lossv is None or math.isfinite(lossv) else str(lossv),
        loss_finite=None if lossv is None else math.isfinite(lossv),
    )
    info["trained"] = True


def probe_callback_class(keras):
    """A Keras callback that brackets each batch of a `fit` with `step_begin` / `step_end`."""

    class ProbeCallback(keras.callbacks.Callback):
        def __init__(self, model_, info, call_id, batches):
            super().__init__()
            self._m = model_
            self._info = info
            self._call = call_id
            self._batches = batches
            self._state = None

        def _synced(self):
            try:
                return self.model  # the JAX backend syncs its state into the variables here
            except Exception:  # noqa: BLE001
                return self._m

        def on_train_batch_begin(self, batch, logs=None):
            b = self._batches[batch] if batch < len(self._batches) else None
            self._state = step_begin(self._synced(), self._info, self._call, batch, b)

        def on_train_batch_end(self, batch, logs=None):
            if self._state is None:
                return
            before, opt_vars = self._state
            self._state = None
            loss = (logs or {}).get("loss")
            step_end(self._synced(), self._info, self._call, batch, before, opt_vars, loss)

    return ProbeCallback


def validation_stand_in_class(keras):
    """A callback that gives each epoch's logs `val_*` entries (copies of the training values) when
    confirm mode dropped the script's validation pass: a `ModelCheckpoint("{val_loss:.2f}.keras")`,
    an `EarlyStopping(monitor="val_loss")` or `history.history["val_accuracy"]` keep working."""

    class ValidationStandIn(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if isinstance(logs, dict):
                for key, value in list(logs.items()):
                    if not key.startswith("val_"):
                        logs.setdefault("val_" + key, value)

    return ValidationStandIn


def training_call_start(model, kind, line):
    info = model_info(model)
    S.training_calls += 1
    call_id = S.training_calls
    resolve_classes(model)
    emit(
        "train_call",
        call=call_id,
        mid=info["mid"],
        model=getattr(model, "name", None),
        call_kind=kind,
        line=line,
        first=not info["trained"],
        output=output_activation(model),
        loss=describe_loss(getattr(model, "loss", None)),
        optimizer=type(getattr(model, "optimizer", None)).__name__,
        opt_id=id(getattr(model, "optimizer", None)),
        backbones=[b["bid"] for b in backbones_in(model)[0]],
    )
    return info, call_id
