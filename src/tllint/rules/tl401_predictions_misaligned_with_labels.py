"""TL401: predictions and labels from two passes over a source that reshuffles on every pass.

`model.predict(gen)` on a `flow_from_directory` generator (shuffle defaults to True) scored against
`gen.classes` (file order), or labels collected in one loop over a shuffled
`image_dataset_from_directory` / `tf.data` dataset and predictions from `model.predict(ds)`: the
pairs are unrelated, so the confusion matrix and every metric are noise (docs/facts/tl401_shuffle_passes.*.out).
The engine tags the sources and records the scoring (engine/api/evaluation.py); this rule words it.
"""

from __future__ import annotations

from tllint.engine.api.evaluation import ScoreEvent, order_of
from tllint.engine.timeline import TrainEvent
from tllint.rules import Report, Rule
from tllint.rules._evaluation import reaches
from tllint.rules._related import outside


def _training_sources(script) -> set[int]:
    """Loader calls whose data a training step fits on (shuffle=False would change training)."""
    out: set[int] = set()
    for ev in script.events:
        if isinstance(ev, TrainEvent):
            order = order_of(ev.data)
            if order is not None:
                out.add(id(order.node))
    return out


class PredictionsMisalignedWithLabels(Rule):
    code = "TL401"
    name = "predictions-misaligned-with-labels"
    severity = "error"
    summary = ("Predictions and labels come from two passes over a source that reshuffles on every pass "
               "(`predict(flow_from_directory(...))` against its `.classes`): the metrics are noise.")

    def check(self, script):
        seen: set[tuple[int, int]] = set()
        training = None
        for ev in script.events:
            if not isinstance(ev, ScoreEvent):
                continue
            preds, labels = ev.predictions, ev.labels
            order = preds.order
            if not reaches(script, order.node, ev.node):
                continue  # the shuffling source is built in one arm of an `if`, the scoring outside it
            key = (id(preds.node), id(order.node))
            if key in seen:
                continue
            seen.add(key)
            if training is None:
                training = _training_sources(script)
            at = labels.__dict__.get("at")
            predict_text = script.code(preds.node)
            source_line = script.line(order.node)
            if labels.__dict__.get("file_order"):
                label_text = (f"`{script.code(at)}` (line {script.line(at)}) lists the labels in file order"
                              if at is not None else "the labels are in file order")
                why = (f"`{predict_text}` (line {script.line(preds.node)}) runs over a source built by {order.what} "
                       f"at line {source_line}: every pass draws a new order (`reset()` does not undo it), while "
                       f"{label_text}.")
            else:
                where = f" (line {script.line(at)})" if at is not None else ""
                why = (f"The labels are collected in one pass{where} and the predictions in another "
                       f"(`{predict_text}`, line {script.line(preds.node)}) over a source built by {order.what} at line "
                       f"{source_line}, which draws a new order on every pass (with a seed as well).")
            fixable = order.source is not None and id(order.node) not in training
            fix_text = ("pass `shuffle=False` to the evaluation source "
                        f"(line {source_line})" if order.source is not None else
                        f"drop the shuffle for evaluation (line {source_line})")
            message = (f"{ev.what} scores predictions against labels of another order. {why} Each prediction is "
                       f"compared with another image's label, so the confusion matrix and every metric computed "
                       f"here are noise. Fix: {fix_text}, or collect labels and predictions in the same loop "
                       f"(`for x, y in ds: preds.append(model.predict_on_batch(x)); labels.append(y)`).")
            file_order = bool(labels.__dict__.get("file_order"))
            related = [(order.node, "source built here: it reshuffles on every pass"),
                       (preds.node, "predictions made here, in one pass")]
            if at is not None:
                related.append((at, "labels in file order here" if file_order else "labels collected here, in another pass"))
            title = ("Predictions of a shuffled source scored against labels in file order" if file_order
                     else "Predictions and labels come from two passes over a reshuffled source")
            yield Report(ev.node, message, data={"source": order.source if fixable else None,
                                                 "predict_line": script.line(preds.node),
                                                 "source_line": source_line},
                         title=title, related=outside(ev.node, related))
