"""Which Keras a script will run on: from `target-keras`, the script's imports, or installed
package metadata (never by importing TensorFlow or Keras)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class KerasTarget:
    major: int | None  # 2, 3 or None (unknown)
    minor: int | None = None
    reason: str = ""

    @property
    def known(self) -> bool:
        return self.major is not None

    @property
    def is_keras2(self) -> bool:
        return self.major == 2

    @property
    def is_keras3(self) -> bool:
        return self.major == 3

    @property
    def training_arg_overridden(self) -> bool | None:
        """`base(x, training=False)` is overridden during fit in Keras 3.0 to 3.15."""
        if self.major == 2:
            return False
        if self.major == 3:
            if self.minor is None:
                return None
            return self.minor < 16
        return None

    def label(self) -> str:
        if self.major is None:
            return "unknown"
        if self.minor is None:
            return f"Keras {self.major}"
        return f"Keras {self.major}.{self.minor}"


UNKNOWN_TARGET = KerasTarget(None, None, "no Keras version could be determined")


def parse_target(text: str) -> KerasTarget | None:
    """`"2"`, `"3"`, `"3.15"`, `"3.16.1"` -> KerasTarget; "auto" -> None; raises ValueError otherwise."""
    text = str(text).strip()
    if text == "auto":
        return None
    m = re.fullmatch(r"(\d+)(?:\.(\d+))?(?:\.\d+)?", text)
    if not m or int(m.group(1)) not in (2, 3):
        raise ValueError(f"target-keras must be 'auto', '2' or a Keras 3 version such as '3.15', not {text!r}")
    major = int(m.group(1))
    minor = int(m.group(2)) if m.group(2) is not None else None
    return KerasTarget(major, minor, "target-keras setting")


def _version(dist: str) -> tuple[int, int] | None:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return None
    try:
        text = version(dist)
    except PackageNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - broken metadata is "unknown"
        return None
    m = re.match(r"(\d+)\.(\d+)", text)
    return (int(m.group(1)), int(m.group(2))) if m else None


@lru_cache(maxsize=1)
def installed() -> dict[str, tuple[int, int] | None]:
    found: dict[str, tuple[int, int] | None] = {"keras": _version("keras"), "tf_keras": _version("tf_keras") or _version("tf-keras")}
    tf = None
    for dist in ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly", "tensorflow-intel"):
        tf = _version(dist)
        if tf:
            break
    found["tensorflow"] = tf
    return found


def _from_keras_package(reason: str) -> KerasTarget:
    keras = installed()["keras"]
    if keras is None:
        return KerasTarget(None, None, f"{reason}, but keras is not installed")
    return KerasTarget(keras[0] if keras[0] in (2, 3) else None, keras[1] if keras[0] == 3 else None, f"{reason} (keras {keras[0]}.{keras[1]} installed)")


def detect(flavours: set[str], setting: str = "auto") -> KerasTarget:
    explicit = parse_target(setting) if setting != "auto" else None
    if explicit is not None:
        return explicit
    if "tf_keras" in flavours and not ({"keras", "keras_hub"} & flavours):
        return KerasTarget(2, None, "the script imports tf_keras")
    if "keras2-api" in flavours and "keras_hub" not in flavours:
        return KerasTarget(2, None, "the script uses APIs Keras 3 removed (fit_generator, predict_generator, layers.experimental, "
                           "np_utils, keras_preprocessing, keras.models.Input, an optimizer's lr=)")
    if "keras_hub" in flavours and "tf_keras" not in flavours:
        return _upgrade(KerasTarget(3, None, "the script uses keras_hub"))
    if "keras" in flavours and "tf.keras" not in flavours:
        return _from_keras_package("the script imports keras")
    if "tf.keras" in flavours:
        tf = installed()["tensorflow"]
        if tf is None:
            return KerasTarget(None, None, "tf.keras, but tensorflow is not installed")
        if tf < (2, 16) or os.environ.get("TF_USE_LEGACY_KERAS", "") in ("1", "true", "True"):
            return KerasTarget(2, None, f"tf.keras on TensorFlow {tf[0]}.{tf[1]}")
        return _from_keras_package(f"tf.keras on TensorFlow {tf[0]}.{tf[1]}")
    return UNKNOWN_TARGET


def _upgrade(target: KerasTarget) -> KerasTarget:
    keras = installed()["keras"]
    if keras and keras[0] == 3:
        return KerasTarget(3, keras[1], target.reason)
    return target
