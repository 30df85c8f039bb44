"""Names of the world outside the user's project that several layers need."""

from __future__ import annotations

# Files whose presence marks a project's root folder.
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")

# Import heads that are never local modules: the frameworks tllint models by name, and a few
# standard ones a project never shadows in practice.
EXTERNAL_HEADS = frozenset({"tensorflow", "keras", "tf_keras", "numpy", "tensorflow_hub", "keras_hub", "keras_cv",
                            "keras_nlp", "torch", "jax", "sklearn", "cv2", "PIL", "matplotlib", "pandas", "os", "sys",
                            "__future__"})
