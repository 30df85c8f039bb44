"""TL401 fix: `shuffle=False` on the loader of an evaluation-only source
(`flow_from_directory(..., shuffle=False)`, `image_dataset_from_directory(..., shuffle=False)`), so
every pass yields the files in the order of `.classes` and of every other pass. Safe: the source
only feeds predict / evaluate / validation (the rule offers no fix when a training step fits on it,
or when `shuffle=False` would change the files of a `validation_split` subset). A `tf.data`
`.shuffle(...)` gets no fix: whether to drop it depends on what else uses the dataset."""

from __future__ import annotations

import libcst as cst

from tllint.fixes._cst import Change


def _unshuffled(call: cst.Call) -> cst.Call:
    args = list(call.args)
    for i, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == "shuffle":
            args[i] = arg.with_changes(value=cst.Name("False"))
            return call.with_changes(args=args)
    if args and args[-1].comma is not cst.MaybeSentinel.DEFAULT:
        # A trailing comma (`...,\n)`): the new argument goes after it, in the same layout.
        last = args[-1]
        new = cst.Arg(keyword=cst.Name("shuffle"), value=cst.Name("False"),
                      equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")), comma=last.comma)
        before = args[-2].comma.whitespace_after if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) \
            else cst.SimpleWhitespace(" ")
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=before))
        args.append(new)
        return call.with_changes(args=args)
    args.append(cst.Arg(keyword=cst.Name("shuffle"), value=cst.Name("False"),
                        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
    return call.with_changes(args=args)


def fix(ctx, report):
    call = report.data.get("source")
    if not isinstance(call, cst.Call):
        return None
    change = Change(ctx)
    change.replace(call, lambda updated: _unshuffled(updated))
    return change.fix("safe", f"Pass `shuffle=False` to the evaluation source (line {report.data.get('source_line')})")
