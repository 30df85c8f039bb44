"""Keras optimizers: the class names, their default learning rates, and the strings `compile`
accepts for them (keras-facts §3)."""

from __future__ import annotations

DEFAULT_LR = {"Adam": 1e-3, "RMSprop": 1e-3, "SGD": 1e-2, "Adagrad": 1e-3, "Adadelta": 1e-3, "Adamax": 1e-3,
              "Nadam": 1e-3, "AdamW": 1e-3, "Ftrl": 1e-3, "Lion": 1e-3, "Lamb": 1e-3, "Adafactor": 1e-3}
OPTIMIZER_STRINGS = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD", "adagrad": "Adagrad", "adadelta": "Adadelta",
                     "adamax": "Adamax", "nadam": "Nadam", "adamw": "AdamW", "ftrl": "Ftrl", "lion": "Lion"}

# Keras callbacks that never raise the learning rate a training step starts with
# (ReduceLROnPlateau only lowers it after plateaus: the first epochs run at the compiled rate).
RATE_KEEPING_CALLBACKS = frozenset({
    "EarlyStopping", "ModelCheckpoint", "TensorBoard", "CSVLogger", "TerminateOnNaN", "ProgbarLogger",
    "History", "BackupAndRestore", "RemoteMonitor", "ReduceLROnPlateau", "BaseLogger", "SwapEMAWeights",
})
