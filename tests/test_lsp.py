"""`tllint server`: a real session over stdio, driven by a small JSON-RPC client."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cli_support import REAL_SCRIPT, TESTS, write

pytest.importorskip("pygls")

SOURCE = "import keras\nbase = fire_tl201()\nlr = 0.1  # lr=1e-3 fire_tl204()\n"


class Client:
    def __init__(self, cwd: Path, fake: bool = True) -> None:
        env = {**os.environ, "PYTHONPATH": str(TESTS)}
        command = [sys.executable, str(TESTS / "fakerules.py"), "server"] if fake else [sys.executable, "-m", "tllint", "server"]
        pipe = subprocess.PIPE
        self.proc = subprocess.Popen(command, cwd=cwd, stdin=pipe, stdout=pipe, stderr=pipe, env=env)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def send(self, payload: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **payload}).encode()
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict | None = None) -> None:
        self.send({"method": method, "params": params or {}})

    def request(self, method: str, params: dict | None = None) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params or {}})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def wait(self, predicate, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            if predicate(message):
                return message
        raise AssertionError(f"no matching message within {timeout}s; stderr: {self.proc.stderr.read1(4000)!r}")

    def diagnostics(self, uri: str) -> dict:
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)["params"]

    def close(self) -> int:
        response = self.request("shutdown")
        assert response.get("result", "missing") is None
        self.notify("exit")
        return self.proc.wait(timeout=20)


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
    assert capabilities["codeActionProvider"]["codeActionKinds"] == ["quickfix"]
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
    assert len(actions) == 1
    assert actions[0]["kind"] == "quickfix"
    assert actions[0]["title"] == "TL204: use lr=1e-5"
    assert actions[0]["edit"]["changes"][uri] == [
        {"range": {"start": {"line": 2, "character": 12}, "end": {"line": 2, "character": 19}}, "newText": "lr=1e-5"}
    ]

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
        (action,) = response["result"]
        assert action["title"] == "TL001: Remove the unused `noqa` directive"
        (edit,) = action["edit"]["changes"][uri]
        end = {"line": 2, "character": hash_col + len("# noqa: TL305")}
        assert edit == {"range": {"start": {"line": 2, "character": len(line)}, "end": end}, "newText": ""}
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
