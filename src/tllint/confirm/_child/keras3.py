"""Keras 3 instrumentation: wires each API family's wrappers into Keras, then reports the run's
Keras version, backend and device."""

from __future__ import annotations

from . import backbones, compiling, dense, inference, loaders, trainable, training, writers
from .events import emit
from .steps import probe_callback_class, validation_stand_in_class


def instrument():
    import keras
    from keras.src.layers.core.dense import Dense
    from keras.src.layers.layer import Layer
    from keras.src.models.functional import Functional
    from keras.src.models.model import Model
    from keras.src.optimizers.base_optimizer import BaseOptimizer

    backbones.install(Functional, Model, Layer)
    trainable.install(Layer, Model)
    compiling.watch_learning_rate(BaseOptimizer)
    dense.install(Dense)
    compiling.watch_compile(Model)
    training.install(Model, probe_callback_class(keras), validation_stand_in_class(keras))
    inference.install(Model)
    writers.install_keras(Model)
    try:
        loaders.install(keras)
    except Exception as exc:  # noqa: BLE001
        emit("instrumentation_error", where="data loaders", error=repr(exc))
    backend = keras.backend.backend()
    emit("meta", keras=keras.__version__, backend=backend, device=_device(backend))


def _device(backend: str) -> str:
    device = "CPU"
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            device = f"GPU ({len(gpus)})" if gpus else "CPU"
        elif backend == "torch":
            import torch

            device = f"GPU ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "CPU"
        elif backend == "jax":
            import jax

            platform = jax.devices()[0].platform
            device = "GPU" if platform == "gpu" else platform.upper()
    except Exception:  # noqa: BLE001
        pass
    return device
