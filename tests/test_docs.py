"""The integration docs' snippets run or parse as written."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
INTEGRATIONS = (ROOT / "docs" / "integrations.md").read_text()

TRAIN = """\
import keras

train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=(160, 160))
base = keras.applications.MobileNetV2(include_top=False, input_shape=(160, 160, 3))
base.trainable = False
inputs = keras.Input((160, 160, 3))
x = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
model = keras.Model(inputs, keras.layers.Dense(5, activation="softmax")(x))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)
"""


def blocks(text: str, lang: str) -> list[str]:
    """Bodies of the fenced blocks whose info string is `lang` ("" for a bare fence)."""
    out: list[str] = []
    body: list[str] | None = None
    current = ""
    for line in text.splitlines():
        if line.startswith("```"):
            if body is None:
                body, current = [], line[3:].strip()
            else:
                if current == lang:
                    out.append("\n".join(body) + "\n")
                body = None
        elif body is not None:
            body.append(line)
    return out


def shell_commands(text: str) -> list[str]:
    out = []
    for block in blocks(text, "") + blocks(text, "yaml"):
        for line in block.splitlines():
            line = line.strip().removeprefix("- run: ")
            line = line.split("  #", 1)[0].strip()
            if line.startswith(("tllint ", "flake8 ")) and "server" not in line:
                out.append(line)
    return out


COMMANDS = shell_commands(INTEGRATIONS)


def test_the_docs_show_the_commands_we_run():
    assert any("--format sarif" in c for c in COMMANDS)
    assert any(c.startswith("flake8 ") for c in COMMANDS)
    assert any("--write-baseline" in c for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_documented_command_runs(command, tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    argv = shlex.split(command)
    env = {"PATH": "/usr/bin:/bin", "TLLINT_CACHE_DIR": str(tmp_path / ".cache"), "HOME": str(tmp_path)}

    def run_tool(args):
        return subprocess.run([sys.executable, "-m", *args], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)

    if "--baseline" in argv:
        # The documented order: the baseline is written once, then used.
        assert run_tool(["tllint", "--write-baseline", argv[argv.index("--baseline") + 1], "."]).returncode == 0
    run = run_tool(argv)
    assert "Traceback" not in run.stderr
    # The sample has one TL101: every documented form either reports it or exits as documented.
    if "--write-baseline" in command or "--exit-zero" in command:
        assert run.returncode == 0, run.stderr
    elif "--baseline" in command:
        assert (run.returncode, run.stdout) == (0, ""), run.stderr
    else:
        assert run.returncode == 1, run.stderr
        assert "TL101" in run.stdout or any(p.suffix in (".sarif", ".xml") for p in tmp_path.iterdir())
    if "--output-file" in command:
        out = tmp_path / argv[argv.index("--output-file") + 1]
        data = json.loads(out.read_text())
        assert data["runs"][0]["results"][0]["ruleId"] == "TL101"


def test_pre_commit_snippet_names_the_shipped_hook():
    config = yaml.safe_load(blocks(INTEGRATIONS, "yaml")[0])
    hook_ids = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert config["repos"][0]["hooks"][0]["id"] in hook_ids


def test_github_workflow_uploads_the_file_it_writes():
    workflow = next(yaml.safe_load(b) for b in blocks(INTEGRATIONS, "yaml") if "upload-sarif" in b)
    steps = workflow["jobs"]["tllint"]["steps"]
    run = next(s["run"] for s in steps if "--format sarif" in s.get("run", ""))
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == shlex.split(run)[shlex.split(run).index("--output-file") + 1]


def test_editor_configurations_parse():
    vscode = json.loads(blocks(INTEGRATIONS, "json")[0])
    assert vscode["glspc.server.command"] == "tllint" and vscode["glspc.server.commandArguments"] == ["server"]
    helix = tomllib.loads(blocks(INTEGRATIONS, "toml")[0])
    assert helix["language-server"]["tllint"] == {"command": "tllint", "args": ["server"]}
    neovim = blocks(INTEGRATIONS, "lua")[0]
    assert 'cmd = { "tllint", "server" }' in neovim
