"""TL402: validation or test data pass through random augmentation.

An `ImageDataGenerator` draws its random transforms for every flow it makes, the
`subset="validation"` one included; a test generator built with augmentation arguments and a
`Dataset.map` with `tf.image.random_*` do the same to evaluation data on every pass
(docs/facts/tl402_augmented_evaluation.*.out). Keras `Random*` layers inside the model are inactive
in `predict` / `evaluate` and in validation: never reported.
"""

from __future__ import annotations

import libcst as cst

from tllint.rules import Report, Rule
from tllint.rules._related import outside
from tllint.rules._splits import arg_text, mark, uses

_WHERE = {"validation": "is the `validation_data` of a `fit`", "test": "is scored by `evaluate`"}
_MONITORS = {"validation": "val_loss / val_accuracy (and every callback that monitors them: EarlyStopping, "
             "ModelCheckpoint, ReduceLROnPlateau)", "test": "the reported test loss and accuracy"}


_USED = {"validation": "passed as validation_data here", "test": "evaluated here"}


def _title(role: str, kind: str) -> str:
    how = "the generator's random transforms" if kind == "generator" else "a random op in its map"
    return f"{'Validation' if role == 'validation' else 'Test'} data is augmented ({how})"


class AugmentationOnEvaluationData(Rule):
    code = "TL402"
    name = "augmentation-on-evaluation-data"
    severity = "warning"
    summary = "Validation or test data go through random augmentation: their metrics change from epoch to epoch."

    def check(self, script):
        done: set[int] = set()
        for use in uses(script):
            if use.role == "train":
                continue
            found = self._augmentation(script, use)
            if found is None or id(found[0]) in done:
                continue
            node, message, data = found
            done.add(id(node))
            yield Report(node, message, data=dict(data, role=use.role), title=_title(use.role, data["kind"]),
                         related=outside(node, self._related(use, data["kind"])))

    @staticmethod
    def _related(use, kind: str) -> list[tuple]:
        out: list[tuple] = []
        if kind == "generator":
            gen = mark(use.data, "generator")
            if getattr(gen, "node", None) is not None:
                out.append((gen.node, "generator built here with random augmentation"))
        else:
            op = mark(use.data, "augmented")[1]
            if isinstance(op, cst.CSTNode):
                out.append((op, "random transform drawn here"))
        out.append((use.node, _USED[use.role]))
        return out

    def _augmentation(self, script, use):
        gen = mark(use.data, "generator")
        augment = gen.__dict__.get("augment") if gen is not None else None
        where, monitors = _WHERE[use.role], _MONITORS[use.role]
        if augment:
            flow = use.data.node
            split = mark(use.data, "split") or {}
            args = ", ".join(f"`{a}`" for a in augment)
            made = ("the `subset=\"validation\"` flow of a generator" if split.get("subset") == "validation"
                    else "a flow of a generator")
            message = (f"This flow {where}, and it is {made} built with random augmentation ({args}): the generator "
                       f"applies it to every flow, validation and test ones included, so {monitors} are measured on "
                       f"randomly transformed images and change from epoch to epoch. Read evaluation data through a "
                       f"second generator with only the deterministic arguments (`rescale`, `preprocessing_function`"
                       f"{', the same `validation_split`' if split.get('subset') == 'validation' else ''}).")
            return flow, message, {"kind": "generator", "arguments": list(augment)}
        augmented = mark(use.data, "augmented")
        if augmented is not None:
            map_node, op = augmented
            op_text = arg_text(script, op.func) if hasattr(op, "func") else "a random op"
            message = (f"This dataset {where} and goes through a `map` that calls `{op_text}`: it draws a new random "
                       f"transform on every pass, so {monitors} are measured on randomly transformed images. Map the random "
                       f"augmentation over the training dataset only (or use Keras `Random*` layers inside the model, "
                       f"which are inactive at inference).")
            return map_node, message, {"kind": "map", "op": op_text}
        return None
