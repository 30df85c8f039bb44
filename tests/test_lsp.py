"""`tllint server`: a real session over stdio, driven by a small JSON-RPC client."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_support import REAL_SCRIPT, write
from lsp_support import Client

pytest.importorskip("pygls")

SOURCE = "import keras\nbase = fire_tl201()\nlr = 0.1  # lr=1e-3 fire_tl204()\n"


@pytest.fixture
def session(tmp_path):
    client = Client(tmp_path)
    init = client.request("initialize", {"processId": os.getpid(), "rootUri": tmp_path.as_uri(), "capabilities": {}})
    client.notify("initialized")
    client.init = init
    yield client
    if client.proc.poll() is None:
        client.proc.kill()
        client.proc.wait()


def open_doc(client: Client, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
    )
    return uri


@pytest.mark.slow
def test_session_open_change_code_action_shutdown(session, tmp_path):
    capabilities = session.init["result"]["capabilities"]
    assert capabilities["codeActionProvider"] == {
        "codeActionKinds": ["quickfix", "source.fixAll.tllint"], "resolveProvider": True}
    assert capabilities["hoverProvider"] is True
    assert session.init["result"]["serverInfo"]["name"] == "tllint"

    uri = open_doc(session, tmp_path / "train.py", SOURCE)
    published = session.diagnostics(uri)
    assert published["version"] == 1
    diagnostics = published["diagnostics"]
    assert [(d["code"], d["range"]["start"], d["severity"]) for d in diagnostics] == [
        ("TL201", {"line": 1, "character": 7}, 1),
        ("TL204", {"line": 2, "character": 20}, 2),
    ]
    first = diagnostics[0]
    assert first["source"] == "tllint"
    assert first["message"] == "fake backbone-trainable-during-head-training"
    assert first["codeDescription"] == {"href": "https://tllint.readthedocs.io/rules/TL201"}
    assert first["range"]["end"] == {"line": 1, "character": 19}

    # A quick fix for the finding that carries a Fix (the fake rule's `lr=1e-3` -> `lr=1e-5`).
    fixable = diagnostics[1]
    response = session.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": fixable["range"], "context": {"diagnostics": [fixable]}},
    )
    actions = response["result"]
    # Its fix, then "disable for this line"; no "fix all": the fake fix never re-lints clean.
    assert [(a["kind"], a["title"], a.get("isPreferred")) for a in actions] == [
        ("quickfix", "TL204: use lr=1e-5", True),
        ("quickfix", "TL204: Disable for this line (`# noqa: TL204`)", None),
    ]
    assert actions[0]["edit"]["changes"][uri] == [
        {"range": {"start": {"line": 2, "character": 12}, "end": {"line": 2, "character": 19}}, "newText": "lr=1e-5"}
    ]
    end = {"line": 2, "character": len(SOURCE.splitlines()[2])}
    assert actions[1]["edit"]["changes"][uri] == [{"range": {"start": end, "end": end}, "newText": "  # noqa: TL204"}]

    # didChange: debounced, then republished for the new text.
    for version, text in ((2, SOURCE + "x"), (3, "import keras\n\nhead = fire_tl101()\n")):
        session.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )
    published = session.diagnostics(uri)
    assert published["version"] == 3  # the intermediate version was never linted
    assert [(d["code"], d["range"]["start"]) for d in published["diagnostics"]] == [
        ("TL101", {"line": 2, "character": 7})
    ]
    assert session.close() == 0


@pytest.mark.slow
def test_config_of_the_documents_folder_applies(session, tmp_path):
    write(tmp_path / "proj" / "pyproject.toml", '[tool.tllint]\nignore = ["TL201"]\n')
    uri = open_doc(session, tmp_path / "proj" / "train.py", SOURCE)
    assert [d["code"] for d in session.diagnostics(uri)["diagnostics"]] == ["TL204"]
    write(tmp_path / "bad" / "pyproject.toml", "[tool.tllint]\nnope = 1\n")
    uri = open_doc(session, tmp_path / "bad" / "train.py", SOURCE)
    diagnostics = session.diagnostics(uri)["diagnostics"]
    assert len(diagnostics) == 1 and "unknown key 'nope'" in diagnostics[0]["message"]
    assert session.close() == 0


@pytest.mark.slow
def test_real_server_reports_parse_error(tmp_path):
    client = Client(tmp_path, fake=False)
    try:
        client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        client.notify("initialized")
        uri = open_doc(client, tmp_path / "broken.py", "import keras\nmodel = keras.Sequential(\n")
        diagnostics = client.diagnostics(uri)["diagnostics"]
        assert [d["code"] for d in diagnostics] == ["TL000"]
        assert diagnostics[0]["codeDescription"]["href"] == "https://tllint.readthedocs.io/rules/TL000"
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        assert [d["code"] for d in client.diagnostics(uri)["diagnostics"]] == ["TL000"]
        assert client.close() == 0
    finally:
        if client.proc.poll() is None:
            client.proc.kill()
            client.proc.wait()


@pytest.mark.slow
def test_real_server_real_rules_and_unused_noqa_quick_fix(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tllint]\nextend-select = ["TL001"]\n')
    line = REAL_SCRIPT.splitlines()[2]
    text = REAL_SCRIPT.replace(line, line + "  # noqa: TL305")
    hash_col = len(line) + 2
    client = Client(tmp_path, fake=False)
    try:
        client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
        client.notify("initialized")
        uri = open_doc(client, tmp_path / "train.py", text)
        diagnostics = client.diagnostics(uri)["diagnostics"]
        assert [(d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in diagnostics] == [
            ("TL001", 2, hash_col),
            ("TL101", 6, 4),
            ("TL202", 12, 0),
        ]
        response = client.request(
            "textDocument/codeAction",
            {"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics[:1]}},
        )
        action, fix_all, source_fix_all = response["result"]
        assert action["title"] == "TL001: Remove the unused `noqa` directive"
        (edit,) = action["edit"]["changes"][uri]
        end = {"line": 2, "character": hash_col + len("# noqa: TL305")}
        assert edit == {"range": {"start": {"line": 2, "character": len(line)}, "end": end}, "newText": ""}
        # The one safe fix of the document, as a quick fix and as source.fixAll (line edits).
        assert (fix_all["title"], fix_all["kind"]) == ("Fix all safe tllint findings", "quickfix")
        assert (source_fix_all["title"], source_fix_all["kind"]) == ("Fix all safe tllint findings", "source.fixAll.tllint")
        whole_line = {"range": {"start": {"line": 2, "character": 0}, "end": {"line": 3, "character": 0}}, "newText": line + "\n"}
        assert fix_all["edit"]["changes"][uri] == source_fix_all["edit"]["changes"][uri] == [whole_line]
        assert client.close() == 0
    finally:
        if client.proc.poll() is None:
            client.proc.kill()
            client.proc.wait()


@pytest.mark.slow
def test_real_server_follows_local_imports(tmp_path):
    write(tmp_path / "data.py", 'import tensorflow as tf\n\n\ndef make():\n'
          '    return tf.keras.utils.image_dataset_from_directory("data", image_size=(224, 224))\n')

    text = REAL_SCRIPT.replace(
        'train = tf.keras.utils.image_dataset_from_directory("data", image_size=(224, 224))',
        "from data import make\ntrain = make()",
    )
    client = Client(tmp_path, fake=False)
    try:
        client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
        client.notify("initialized")
        uri = open_doc(client, tmp_path / "train.py", text)
        diagnostics = client.diagnostics(uri)["diagnostics"]
        assert [(d["code"], d["range"]["start"]["line"]) for d in diagnostics] == [("TL101", 7), ("TL202", 13)]
        assert client.close() == 0
    finally:
        if client.proc.poll() is None:
            client.proc.kill()
            client.proc.wait()
