"""TL405: `fit(x, y, validation_split=f)` on arrays built class by class and never shuffled.

`validation_split` holds out the last fraction `f` of the arrays, before any shuffling (Keras
documentation of `Model.fit`; docs/facts/tl405_validation_split_order.*.out). Arrays built by a loop
over class folders appending to lists keep the classes in blocks, so the validation set holds only
the last class(es).

Reported when the images that reach `fit` are `np.array(images)` of a list appended to inside a loop
nested in a loop over classes (the label appended beside them depends on the outer loop only), and
the file shuffles nothing (`shuffle`, `permutation`, `train_test_split`, `sample`, ... anywhere
outside that loop makes the rule stay silent).
"""

from __future__ import annotations

import re

import libcst as cst

from tllint.engine.values import Const, Data
from tllint.rules import Report, Rule
from tllint.rules._splits import fits

_STACKERS = ("array", "asarray", "stack", "float32")
_SHUFFLING = re.compile(
    r"\b(?:shuffle|permutation|permuted|train_test_split|sample|choice|KFold|StratifiedKFold|ShuffleSplit|"
    r"StratifiedShuffleSplit|GroupKFold|resample|RandomState)\s*\(")


class _Parents(cst.CSTVisitor):
    def __init__(self) -> None:
        self.parent: dict[int, cst.CSTNode] = {}
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parent[id(node)] = self._stack[-1]
        self._stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()


def _names(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class _V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

    node.visit(_V())
    return found


def _assigned(node: cst.CSTNode) -> set[str]:
    """Names bound inside `node` (assignment targets, loop targets, with-as)."""
    found: set[str] = set()

    class _V(cst.CSTVisitor):
        def visit_AssignTarget(self, n: cst.AssignTarget) -> None:
            found.update(_names(n.target))

        def visit_AugAssign(self, n: cst.AugAssign) -> None:
            found.update(_names(n.target))

        def visit_AnnAssign(self, n: cst.AnnAssign) -> None:
            found.update(_names(n.target))

        def visit_For(self, n: cst.For) -> None:
            found.update(_names(n.target))

    node.visit(_V())
    return found


def _appends(scope: cst.CSTNode, name: str) -> list[cst.Call]:
    calls: list[cst.Call] = []

    class _V(cst.CSTVisitor):
        def visit_Call(self, n: cst.Call) -> None:
            f = n.func
            if (isinstance(f, cst.Attribute) and f.attr.value == "append" and isinstance(f.value, cst.Name)
                    and f.value.value == name and len(n.args) == 1):
                calls.append(n)

    scope.visit(_V())
    return calls


class OrderedValidationSplit(Rule):
    code = "TL405"
    name = "ordered-validation-split"
    severity = "warning"
    summary = "`validation_split` holds out the last rows of arrays built class by class: validation sees only the last classes."

    def check(self, script):
        parents = None
        for ev in fits(script):
            split = ev.kwargs.get("validation_split")
            if not (isinstance(split, Const) and isinstance(split.value, float) and 0 < split.value < 1):
                continue
            held = ev.kwargs.get("validation_data")
            if held is not None and not (isinstance(held, Const) and held.value is None):
                continue
            data = ev.data
            if not isinstance(data, Data) or data.what != "array" or not isinstance(data.node, cst.Call):
                continue
            call = data.node
            if not (isinstance(call.func, cst.Attribute) and call.func.attr.value in _STACKERS and call.args
                    and isinstance(call.args[0].value, cst.Name)):
                continue
            if parents is None:
                parents = _Parents()
                script.module.visit(parents)
            if id(call) not in parents.parent:
                continue  # built in another module
            builder = self._class_loop(parents.parent, call, call.args[0].value.value)
            if builder is None or self._shuffled(script, builder):
                continue
            outer, label = builder
            yield Report(ev.node, self._message(script, split.value, call, outer, label),
                         data={"split": split.value},
                         title=f"validation_split={split.value} holds out only the last classes of class-ordered arrays",
                         related=[(outer, "arrays built class by class here"), (call, "array made here, never shuffled")])

    @staticmethod
    def _class_loop(parent, call, name):
        """The outer `for` of the loop nest that appends to `name` class by class, and the label
        expression appended beside the images; None unless every append is of that shape."""
        scope = call
        while id(scope) in parent and not isinstance(scope, (cst.FunctionDef, cst.Module)):
            scope = parent[id(scope)]
        appends = _appends(scope, name)
        if not appends:
            return None
        found = None
        for append in appends:
            loops, node = [], append
            while id(node) in parent and node is not scope:
                node = parent[id(node)]
                if isinstance(node, cst.For):
                    loops.append(node)
            if len(loops) < 2:
                return None
            inner, outer = loops[0], loops[-1]
            label = _label_beside(inner, append, name)
            if label is None:
                return None
            inner_bound = _names(inner.target) | _assigned(inner.body)
            used = _names(label)
            outer_bound = set().union(*(_names(loop.target) for loop in loops[1:])) | (_assigned(outer.body) - inner_bound)
            if not used or used & inner_bound or not used & outer_bound:
                return None
            found = (outer, label)
        return found

    @staticmethod
    def _shuffled(script, builder) -> bool:
        outer = builder[0]
        text = script.source
        inside = script.module.code_for_node(outer)
        rest = text.replace(inside, "", 1)
        return _SHUFFLING.search(rest) is not None

    @staticmethod
    def _message(script, fraction, call, outer, label) -> str:
        label_text = script.module.code_for_node(label).strip()
        loop_text = script.module.code_for_node(outer.target).strip()
        pct = f"{fraction * 100:g}%"
        return (f"`validation_split={fraction}` holds out the last {pct} of the arrays, before any shuffling, but "
                f"`{script.module.code_for_node(call).strip()}` was built class by class (a loop over `{loop_text}` "
                f"appending label `{label_text}`) and never shuffled: the validation set holds only the last "
                f"class(es), so val_loss / val_accuracy (and every callback that monitors them) are meaningless and "
                f"training misses those classes. Shuffle both arrays together first (`x, y = sklearn.utils.shuffle(x, y)` "
                f"or a permutation index), or pass `validation_data=`.")


def _label_beside(inner: cst.For, append: cst.Call, name: str):
    """The argument of the other `.append(...)` in the same loop body (the label list)."""
    others: list[cst.Call] = []

    class _V(cst.CSTVisitor):
        def visit_Call(self, n: cst.Call) -> None:
            f = n.func
            if (n is not append and isinstance(f, cst.Attribute) and f.attr.value == "append"
                    and isinstance(f.value, cst.Name) and f.value.value != name and len(n.args) == 1):
                others.append(n)

    inner.body.visit(_V())
    if len(others) != 1:
        return None
    return others[0].args[0].value
