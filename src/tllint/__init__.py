"""tllint: a linter for Keras transfer-learning training scripts."""

__version__ = "0.1.0"
