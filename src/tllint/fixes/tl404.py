"""TL404 fix: a threshold instead of `argmax` over a single-unit output:
`np.argmax(probs, axis=-1)` / `probs.argmax(1)` -> `(probs > 0.5).astype(int).ravel()` for a sigmoid
unit (`> 0` for a logit); `np.argmax(probs[0])` -> `int(probs[0][0] > 0.5)`. Unsafe: the results
change (that is the point), and code after it may rely on the old shape or dtype. `tf.argmax` and a
one-unit softmax (the head itself is wrong) get no fix."""

from __future__ import annotations

import libcst as cst

from tllint.fixes._cst import Change

_SIMPLE = (cst.Name, cst.Attribute, cst.Call, cst.Subscript)


def _operand(call: cst.Call, ctx) -> cst.BaseExpression | None:
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "argmax"):
        return None
    modules = dict(ctx.top_imports)
    receiver = ctx.code(func.value)
    if modules.get(receiver) == "numpy":
        return call.args[0].value if call.args and call.args[0].keyword is None else None
    if receiver in modules or "." in receiver and receiver.split(".")[0] in modules:
        return None  # `tf.argmax`, `keras.ops.argmax`: another array type, no fix
    return func.value  # `probs.argmax(axis=1)`


def fix(ctx, report):
    call = report.data.get("call")
    activation = report.data.get("activation")
    if not isinstance(call, cst.Call) or activation not in ("sigmoid", "linear"):
        return None
    operand = _operand(call, ctx)
    if operand is None:
        return None
    text = ctx.code(operand)
    if not isinstance(operand, _SIMPLE):
        text = f"({text})"
    threshold = "0.5" if activation == "sigmoid" else "0"
    if report.data.get("rank") == 1:
        new = f"int({text}[0] > {threshold})"
    else:
        new = f"({text} > {threshold}).astype(int).ravel()"
    change = Change(ctx)
    change.replace(call, ctx.parse_expr(new))
    return change.fix("unsafe", f"Threshold the single output at {threshold} instead of taking its argmax")
