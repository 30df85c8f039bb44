"""Pretrained backbones from third-party packages that Keras scripts import like applications.

`efficientnet` (qubvel/efficientnet, pip `efficientnet`): the Keras EfficientNets of 2019-2021
Kaggle code, before `keras.applications` had them. Unlike `keras.applications.EfficientNetB*`
they hold no preprocessing layers: `efficientnet.keras.preprocess_input` /
`efficientnet.tfkeras.preprocess_input` call `imagenet_utils.preprocess_input(x, mode='torch')`
(efficientnet/model.py, `preprocess_input`), so the weights ("imagenet", "noisy-student") expect
ImageNet mean/std normalisation of x/255. Their blocks use BatchNormalization. Defaults:
`include_top=True`, `weights='imagenet'` (efficientnet/model.py, `EfficientNetB0(...)`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PackageBackbones:
    package: str  # the import head, e.g. "efficientnet"
    modules: tuple[str, ...]  # modules exporting the constructors and preprocess_input
    names: tuple[str, ...]
    contract: str  # CONTRACTS key
    preprocess_mode: str  # imagenet_utils mode of the package's preprocess_input
    pretrained_weights: tuple[str, ...]
    has_batchnorm: bool
    flavours: dict  # module -> Keras flavour it builds on


EFFICIENTNET = PackageBackbones(
    package="efficientnet",
    modules=("efficientnet.keras", "efficientnet.tfkeras"),
    names=tuple(f"EfficientNetB{i}" for i in range(8)) + ("EfficientNetL2",),
    contract="torch",
    preprocess_mode="torch",
    pretrained_weights=("imagenet", "noisy-student"),
    has_batchnorm=True,
    flavours={"efficientnet.keras": "keras", "efficientnet.tfkeras": "tf.keras"},
)

PACKAGES: tuple[PackageBackbones, ...] = (EFFICIENTNET,)
