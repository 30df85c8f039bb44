"""The Keras losses tllint reasons about: every spelling users write, by kind."""

from __future__ import annotations

# Lower-cased function, string and class names -> kind of labels the loss expects.
LOSS_KINDS: dict[str, str] = {
    "categorical_crossentropy": "categorical",
    "categoricalcrossentropy": "categorical",
    "categorical_focal_crossentropy": "categorical",
    "categoricalfocalcrossentropy": "categorical",
    "sparse_categorical_crossentropy": "sparse",
    "sparsecategoricalcrossentropy": "sparse",
    "binary_crossentropy": "binary",
    "binarycrossentropy": "binary",
    "bce": "binary",
    "binary_focal_crossentropy": "binary",
    "binaryfocalcrossentropy": "binary",
}

# The spelling used in messages for each kind.
LOSS_TEXT: dict[str, str] = {
    "categorical": "categorical_crossentropy",
    "sparse": "sparse_categorical_crossentropy",
    "binary": "binary_crossentropy",
}

# The class spelling of each kind (`keras.losses.<Class>`), for fixes that rewrite a loss.
LOSS_CLASSES: dict[str, str] = {
    "categorical": "CategoricalCrossentropy",
    "sparse": "SparseCategoricalCrossentropy",
    "binary": "BinaryCrossentropy",
}


def loss_kind(name: str) -> str:
    """'categorical', 'sparse', 'binary' or 'other' for any spelling of a loss."""
    return LOSS_KINDS.get(name.lower(), "other")


def canonical_loss(name: str) -> str | None:
    """The message spelling of a known loss (`CategoricalFocalCrossentropy` ->
    `categorical_crossentropy`), None for any other."""
    return LOSS_TEXT.get(loss_kind(name))
