"""tllint: a linter for Keras transfer-learning training scripts."""

__version__ = "0.1.0"


def load_ipython_extension(shell) -> None:
    """`%load_ext tllint` in IPython, Jupyter or Colab: lint the cells before each one runs.

    The extension lives in tllint.ipython_ext (a driver), imported only here, so that importing
    tllint stays cheap and never imports IPython.
    """
    from tllint import ipython_ext

    ipython_ext.load(shell)


def unload_ipython_extension(shell) -> None:
    from tllint import ipython_ext

    ipython_ext.unload(shell)
