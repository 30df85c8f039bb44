"""Entry point of the confirm child: `python <this folder>/__main__.py CONFIG.json`.

Python put this folder first on `sys.path`; it is removed before anything else is imported, so a
user's `import sandbox` finds the user's module, and the package is loaded under a name that no
user module can have (see `__init__`).
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.realpath(sys.path[0] or os.curdir) == os.path.realpath(_HERE):
    del sys.path[0]

import importlib  # noqa: E402 - only after this folder is off sys.path
import importlib.util  # noqa: E402

PACKAGE_NAME = "tllint-confirm-child"  # a hyphen: no user module can be imported under it


def load_package():
    spec = importlib.util.spec_from_file_location(
        PACKAGE_NAME, os.path.join(_HERE, "__init__.py"), submodule_search_locations=[_HERE]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE_NAME] = package
    spec.loader.exec_module(package)
    return package


if __name__ == "__main__":
    load_package()
    code = importlib.import_module(PACKAGE_NAME + ".main").main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
