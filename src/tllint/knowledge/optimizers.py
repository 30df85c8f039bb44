"""Keras optimizers: the class names, their default learning rates, and the strings `compile`
accepts for them (keras-facts §3)."""

from __future__ import annotations

DEFAULT_LR = {"Adam": 1e-3, "RMSprop": 1e-3, "SGD": 1e-2, "Adagrad": 1e-3, "Adadelta": 1e-3, "Adamax": 1e-3,
              "Nadam": 1e-3, "AdamW": 1e-3, "Ftrl": 1e-3, "Lion": 1e-3, "Lamb": 1e-3, "Adafactor": 1e-3}
OPTIMIZER_STRINGS = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD", "adagrad": "Adagrad", "adadelta": "Adadelta",
                     "adamax": "Adamax", "nadam": "Nadam", "adamw": "AdamW", "ftrl": "Ftrl", "lion": "Lion"}
