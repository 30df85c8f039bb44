"""The input rank each Dense layer of the script is built with (a rank above 2 is TL303)."""

from __future__ import annotations

from .backbones import applications_frame
from .events import emit, user_line


def install(Dense) -> None:
    orig_dense_build = Dense.build

    def dense_build(self, input_shape):
        try:
            if applications_frame() is None:
                emit("dense_build", layer=self.name, units=getattr(self, "units", None), input_shape=list(input_shape), rank=len(input_shape), line=user_line())
        except Exception:  # noqa: BLE001
            pass
        return orig_dense_build(self, input_shape)

    Dense.build = dense_build
