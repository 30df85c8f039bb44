"""The static path never imports the frameworks it reasons about."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_linting_fixing_and_notebooks_import_no_framework(tmp_path):
    code = (
        "import sys, contextlib, io\n"
        "from tllint.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main(['--no-cache', '--jobs', '1', '--format', 'json', {str(ROOT / 'examples')!r}, {str(ROOT / 'tests' / 'notebooks')!r}, {str(ROOT / 'tests' / 'projects')!r}])\n"
        f"    main(['--no-cache', '--diff', '--unsafe-fixes', {str(ROOT / 'examples')!r}])\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras', 'tf_keras', 'jax', 'torch', 'tensorflow_hub', 'keras_hub'})\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, timeout=300)
