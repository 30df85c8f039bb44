"""Dev-only: regenerate docs/applications.md from src/tllint/knowledge/applications.py.

    python tools/render_applications_doc.py
"""

from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tllint.knowledge.applications import render_markdown_table  # noqa: E402

INTRO = """# keras.applications knowledge base

Generated from `src/tllint/knowledge/applications.py` by `tools/render_applications_doc.py`; do not edit
by hand (`tests/test_knowledge.py` fails when this page and the table drift apart).

Contracts (what the model input expects): `caffe` = BGR, ImageNet mean subtracted (about -124..152);
`tf` = [-1, 1]; `torch` = ImageNet mean/std normalised (about -2.1..2.6); `raw` = [0, 255] pixels,
preprocessing built into the model; `unit` = [0, 1]. "without built-in" is what the network needs when
`include_preprocessing=False`. Layer counts are `len(model.layers)` for `include_top=False`,
`weights=None` at the default size (EfficientNetB0-B7 gain one `Rescaling` layer with
`weights="imagenet"`), measured with keras 3.15.1 and tf_keras 2.21.0 by `tools/compute_layer_counts.py`.
Sources: `keras-facts.md` §1 and §4.

"""


def main() -> None:
    (ROOT / "docs" / "applications.md").write_text(INTRO + render_markdown_table(), encoding="utf-8")


if __name__ == "__main__":
    main()
