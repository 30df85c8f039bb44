"""What library calls do, one module per library; importing this package registers them all.

Each module registers its names, prefixes, methods and value hooks in engine/registry.py when it
is imported; the dispatcher (engine/calls.py) only looks them up. A new library is one more
module here (and one more line below).
"""

from tllint.engine.api import (  # noqa: F401  (imported for their registrations)
    applications,
    arrays,
    backbone_choice,
    backbone_packages,
    builtins,
    cli_args,
    config_readers,
    dynamic_imports,
    evaluation,
    image_loaders,
    keras_hub,
    keras_tuner,
    layers,
    losses,
    models,
    optimizers,
    pandas_frames,
    sklearn,
    statistics,
    tensor_ops,
    tensorflow_hub,
    tfdata,
    tfimage,
)
