"""A backbone picked at run time from a table of constructors: `MODEL_MAP[args.arch](weights=...)`.

Every constructor of the table gets the same arguments, so the facts that hold for each of them
hold for the model whichever the user picks: pretrained or not, the options it was built with,
BatchNormalization layers (when every choice has them), the input contract (when every choice
shares it). One Backbone value stands for the choice; what differs between the choices (layer
counts and positions, a contract they do not share) is unknown.
"""

from __future__ import annotations

import libcst as cst

from tllint.engine import kb, registry
from tllint.engine.api.applications import build_backbone, register_backbone
from tllint.engine.registry import InterpreterApi
from tllint.engine.api.dynamic_imports import build_choice
from tllint.engine.values import UNKNOWN, Backbone, Choice, ClassV, Ref, Value


@registry.hook("call", Choice)
def _call_choice(interp: InterpreterApi, choice: Choice, args, kwargs, node: cst.Call) -> Value:
    if all(isinstance(option, ClassV) for option in choice.options):
        return build_choice(interp, choice.options, args, kwargs, node)  # a model class picked by name
    built: list[Backbone] = []
    for option in choice.options:
        name = option.name if isinstance(option, Ref) else ""
        if not name.startswith("keras.applications."):
            return UNKNOWN
        entry = kb.lookup_loose(name.rsplit(".", 1)[-1])
        if entry is None:
            return UNKNOWN
        built.append(build_backbone(option, entry, args, kwargs, node))
    first = built[0]
    for other in built[1:]:
        if first.join(other) is not first:
            break
    else:
        return register_backbone(interp, first, kwargs, node)  # one family and contract (values.Backbone.join)
    names = [b.name for b in built]
    shown = (", ".join(names[:-1]) + " or " + names[-1]) if len(names) <= 3 else f"one of {len(names)} backbones: {names[0]}, {names[1]}, ..."
    merged = Backbone(
        "applications", shown, node, entry=None, module=None, flavour=first.flavour, weights=first.weights,
        include_top=first.include_top, pooling=first.pooling, input_shape=first.input_shape,
        include_preprocessing=first.include_preprocessing, kwargs=dict(kwargs),
    )
    merged.__dict__["choices"] = built
    return register_backbone(interp, merged, kwargs, node)
