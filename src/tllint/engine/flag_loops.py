"""The flag loop (Chollet's book, the Keras blog): unfreeze from a named layer to the end.

    set_trainable = False
    for layer in conv_base.layers:
        if layer.name == "block5_conv1":
            set_trainable = True
        if set_trainable:
            layer.trainable = True
        else:
            layer.trainable = False

The structure, in any spelling: a loop over a layer collection whose body sets a local boolean
when a name test matches and assigns each layer's `trainable` from that boolean (`layer.trainable
= flag`, or `if flag: ... else: ...`). The layers before the first match get the flag's first value,
the layers from it on its second: two selections, ("upto", test, shift) and ("from", test, shift),
resolved against the backbone's layer names (engine/layersets.py `resolve`). `shift` is 1 when the
assignment comes before the test in the body (the matching layer itself still gets the old value).
"""

from __future__ import annotations

import libcst as cst

from tllint.engine.layersets import first_match, layouts
from tllint.engine.timeline import TrainableEvent
from tllint.engine.values import UNKNOWN, Backbone, Const, LayerElem, LayerSet, Seq


def run(interp, node: cst.For, element) -> bool:
    """Recognise the flag loop over `element` (a LayerElem) and put its two set operations on the
    timeline; False when the loop is something else (the interpreter then walks its body)."""
    if not isinstance(element, LayerElem) or not isinstance(node.target, cst.Name):
        return False
    of = element.of
    if of.selector != ("all",) or of.filters:
        return False
    found = _shape(interp, node.body.body, node.target.value)
    if found is None:
        return False
    flag, test, set_to, assigns, shift, test_node = found
    start = interp.lookup(flag)
    if not isinstance(start, Const) or not isinstance(start.value, bool) or start.value == set_to:
        return False
    info = {"flag": flag, "test": test, "test_node": test_node, "loop": node, "start": start.value}
    if _never_matches(of.owner, test):
        # No layer has that name: the flag keeps its first value for every layer (TL206 says so).
        value, stmt = _assigned(assigns, start.value)
        info["changes"] = value if stmt is not None else None
        info["owner"] = of.owner
        info["stmt"] = stmt or _assigned(assigns, set_to)[1]
        interp.__dict__.setdefault("absent_name_loops", []).append(info)
        if stmt is not None:
            target = LayerSet(of.owner, ("all",), (), of.node, of.outer)
            target.__dict__["flag_loop"] = info
            interp.add_event(TrainableEvent(stmt, (), target=target, value=value))
        interp.env[flag] = start
        return True
    # Where the named layer sits is known only with the backbone's measured names: otherwise the
    # layers from it on get an unknown flag (their value depends on a name tllint cannot check).
    known = _always_matches(of, test)
    for kind, flag_value in (("upto", start.value), ("from", set_to)):
        value, stmt = _assigned(assigns, flag_value)
        if stmt is None:
            continue  # (no `else:`: those layers keep their flag)
        if not known and kind == "from":
            value = None
        target = LayerSet(of.owner, (kind, test, shift), (), of.node, of.outer)
        target.__dict__["flag_loop"] = info
        interp.add_event(TrainableEvent(stmt, (), target=target, value=value))
    interp.env[flag] = UNKNOWN  # (True after the loop only if a layer matched)
    return True


def _never_matches(owner, test: tuple) -> bool:
    """No layer of this backbone passes the name test, on every Keras version it may run on."""
    found = layouts(owner)
    return bool(found) and all(first_match(test, lay) == len(lay) for lay in found)


def _always_matches(of: LayerSet, test: tuple) -> bool:
    """Some layer passes the name test on every Keras version (of a backbone, or of the backbone
    whose layers a flat model holds)."""
    owner = of.owner
    outer = of.outer
    if not isinstance(owner, Backbone):
        flat = getattr(outer, "flat", None)
        if flat is None or getattr(outer, "cut", None) is not None:
            return False
        owner = flat
    found = layouts(owner)
    return bool(found) and all(first_match(test, lay) not in (None, len(lay)) for lay in found)


def _assigned(assigns: dict, flag_value: bool):
    """(value, statement) of the assignment the body runs while the flag has `flag_value`."""
    entry = assigns.get(flag_value)
    if entry is None:
        return None, None
    return entry


def _shape(interp, body, var: str):
    """(flag, name test, value the test sets, {flag value: (trainable value, stmt)}, shift) or None."""
    test = flag = set_to = test_node = None
    assigns: dict | None = None
    order: list[str] = []
    for stmt in body:
        if _ignorable(stmt):
            continue
        if isinstance(stmt, cst.If) and stmt.orelse is None and test is None:
            name_test = _name_test(interp, stmt.test, var)
            setting = _flag_setting(stmt.body.body)
            if name_test is not None and setting is not None:
                test, (flag, set_to), test_node = name_test, setting, stmt.test
                order.append("test")
                continue
        if assigns is None:
            found = _trainable_from_flag(stmt, var)
            if found is not None:
                assigns_flag, assigns = found
                order.append(("assign", assigns_flag))
                continue
        return None
    if test is None or assigns is None or len(order) != 2 or order[1 if order[0] == "test" else 0][1] != flag:
        return None
    shift = 0 if order[0] == "test" else 1
    return flag, test, set_to, assigns, shift, test_node


def _ignorable(stmt) -> bool:
    """print(...), pass, a docstring: statements the structure may carry."""
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    return all(isinstance(s, cst.Pass) or (isinstance(s, cst.Expr) and isinstance(s.value, (cst.Call, cst.SimpleString)))
               for s in stmt.body)


def _name_test(interp, test, var: str):
    """`layer.name == "x"`, `layer.name in ("x", "y")`, `layer.name.startswith("x")`, `"x" in layer.name`."""
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        op = test.comparisons[0].operator
        left, right = test.left, test.comparisons[0].comparator
        if isinstance(op, cst.Equal):
            if _is_name_of(right, var):
                left, right = right, left
            text = _text(interp, right)
            return ("name_eq", text, False) if _is_name_of(left, var) and isinstance(text, str) else None
        if isinstance(op, cst.In):
            if _is_name_of(left, var):
                texts = interp.eval(right)
                if isinstance(texts, Seq) and texts.items and all(isinstance(t, Const) and isinstance(t.value, str) for t in texts.items):
                    return ("name_in", tuple(t.value for t in texts.items), False)
                return None
            text = _text(interp, left)
            return ("name_contains", text, False) if _is_name_of(right, var) and isinstance(text, str) else None
        return None
    if isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute) and test.func.attr.value in ("startswith", "endswith"):
        if _is_name_of(test.func.value, var) and len(test.args) == 1:
            text = _text(interp, test.args[0].value)
            return ("name_" + test.func.attr.value, text, False) if isinstance(text, str) else None
    return None


def _text(interp, node):
    value = interp.eval(node)
    return value.value if isinstance(value, Const) else None


def _is_name_of(node, var: str) -> bool:
    return (isinstance(node, cst.Attribute) and node.attr.value == "name"
            and isinstance(node.value, cst.Name) and node.value.value == var)


def _flag_setting(body):
    """`flag = True` (with only ignorable statements beside it): (flag, value)."""
    found = None
    for stmt in body:
        if _ignorable(stmt):
            continue
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 or found is not None:
            return None
        assign = stmt.body[0]
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name)):
            return None
        value = _bool(assign.value)
        if value is None:
            return None
        found = (assign.targets[0].target.value, value)
    return found


def _bool(node) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def _trainable_store(stmt, var: str):
    """`layer.trainable = <expr>` as the only statement of a line: (expr, the Assign node)."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    assign = stmt.body[0]
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1):
        return None
    target = assign.targets[0].target
    if isinstance(target, cst.Attribute) and target.attr.value == "trainable" and isinstance(target.value, cst.Name) \
            and target.value.value == var:
        return assign.value, assign
    return None


def _flag_name(node):
    """`flag`, `not flag`, `flag == True`, `flag is True`: (flag, negated)."""
    if isinstance(node, cst.Name) and node.value not in ("True", "False", "None"):
        return node.value, False
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        inner = _flag_name(node.expression)
        return (inner[0], not inner[1]) if inner else None
    if isinstance(node, cst.Comparison) and len(node.comparisons) == 1 and isinstance(node.left, cst.Name):
        op = node.comparisons[0].operator
        value = _bool(node.comparisons[0].comparator)
        if isinstance(op, (cst.Equal, cst.Is)) and value is not None:
            return node.left.value, not value
    return None


def _trainable_from_flag(stmt, var: str):
    """(flag, {flag value: (trainable value, Assign)}) for `layer.trainable = flag` or
    `if flag: layer.trainable = A [else: layer.trainable = B]`."""
    store = _trainable_store(stmt, var)
    if store is not None:
        named = _flag_name(store[0])
        if named is None:
            return None
        flag, negated = named
        return flag, {True: (not negated, store[1]), False: (negated, store[1])}
    if not isinstance(stmt, cst.If):
        return None
    named = _flag_name(stmt.test)
    if named is None:
        return None
    flag, negated = named
    then = _only_store(stmt.body.body, var)
    if then is None:
        return None
    out = {not negated: then}
    if stmt.orelse is not None:
        if not isinstance(stmt.orelse, cst.Else):
            return None
        other = _only_store(stmt.orelse.body.body, var)
        if other is None:
            return None
        out[negated] = other
    return flag, out


def _only_store(body, var: str):
    """The one `layer.trainable = True/False` of a block (ignorable statements aside)."""
    found = None
    for stmt in body:
        if _ignorable(stmt):
            continue
        store = _trainable_store(stmt, var)
        if store is None or found is not None:
            return None
        value = _bool(store[0])
        if value is None:
            return None
        found = (value, store[1])
    return found
