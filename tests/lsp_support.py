"""A small JSON-RPC client that drives `tllint server` over stdio (tests/test_lsp*.py, bench/lsp_latency.py)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

TESTS = Path(__file__).resolve().parent


class Client:
    """`answers` maps a server-to-client request's method to a function of its params (the result)."""

    def __init__(self, cwd: Path, fake: bool = True, answers: dict[str, Callable[[Any], Any]] | None = None,
                 python: str | None = None) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}
        python = python or sys.executable
        command = [python, str(TESTS / "fakerules.py"), "server"] if fake else [python, "-m", "tllint", "server"]
        pipe = subprocess.PIPE
        self.proc = subprocess.Popen(command, cwd=cwd, stdin=pipe, stdout=pipe, stderr=pipe, env=env)
        self.messages: queue.Queue = queue.Queue()
        self.answers = answers or {}
        self.next_id = 0
        self.lock = threading.Lock()
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
            message = json.loads(stream.read(int(headers["content-length"])))
            if "id" in message and message.get("method") in self.answers:
                self.send({"id": message["id"], "result": self.answers[message["method"]](message.get("params"))})
            self.messages.put((time.monotonic(), message))

    def send(self, payload: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **payload}).encode()
        with self.lock:
            self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            self.proc.stdin.flush()

    def notify(self, method: str, params: dict | None = None) -> None:
        self.send({"method": method, "params": params or {}})

    def request(self, method: str, params: dict | None = None, timeout: float = 30.0) -> dict:
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params or {}})
        return self.wait(lambda m: m.get("id") == wanted and "method" not in m, timeout)

    def wait(self, predicate, timeout: float = 30.0) -> dict:
        return self.wait_timed(predicate, timeout)[1]

    def wait_timed(self, predicate, timeout: float = 30.0) -> tuple[float, dict]:
        """(arrival time, message) of the next message that matches; the others are dropped."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                at, message = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            if predicate(message):
                return at, message
        raise AssertionError(f"no matching message within {timeout}s; stderr: {self.proc.stderr.read1(4000)!r}")

    def quiet(self, predicate, seconds: float) -> None:
        """No matching message arrives within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                _, message = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                return
            assert not predicate(message), f"unexpected message: {message}"

    def diagnostics(self, uri: str, timeout: float = 30.0) -> dict:
        return self.wait(lambda m: is_publish(m, uri), timeout)["params"]

    def initialize(self, root: Path | None, capabilities: dict | None = None, options: Any = None) -> dict:
        params = {"processId": os.getpid(), "rootUri": root.as_uri() if root else None, "capabilities": capabilities or {}}
        if options is not None:
            params["initializationOptions"] = options
        init = self.request("initialize", params)
        self.notify("initialized")
        return init

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}}
        )
        return uri

    def change(self, uri: str, version: int, text: str) -> None:
        params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}
        self.notify("textDocument/didChange", params)

    def close(self) -> int:
        response = self.request("shutdown")
        assert response.get("result", "missing") is None
        self.notify("exit")
        return self.proc.wait(timeout=20)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def is_publish(message: dict, uri: str) -> bool:
    return message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri
