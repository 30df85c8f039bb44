"""Parent side of confirm mode: run one script in a sandboxed child process and read its events.

Never imports TensorFlow or Keras: the child does.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Started as a file, never imported: `_child/__main__.py` loads its folder under a private name.
CHILD = Path(__file__).with_name("_child") / "__main__.py"


@dataclass
class RunResult:
    script: str
    events: list[dict] = field(default_factory=list)
    returncode: int | None = None
    timed_out: bool = False
    seconds: float = 0.0
    stderr_tail: str = ""
    skipped: str | None = None  # why the script was not run
    timeout: float | None = None

    def of_kind(self, kind: str) -> list[dict]:
        return [e for e in self.events if e.get("kind") == kind]

    def first(self, kind: str) -> dict | None:
        for e in self.events:
            if e.get("kind") == kind:
                return e
        return None


def keras_home() -> str:
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def _mirror(script_dir: Path, work: Path) -> None:
    """Symlink each entry of the script's folder into the child's working folder (reads resolve)."""
    try:
        entries = list(script_dir.iterdir())
    except OSError:
        return
    for entry in entries:
        target = work / entry.name
        if target.exists() or target.is_symlink():
            continue
        try:
            target.symlink_to(entry, target_is_directory=entry.is_dir())
        except OSError:
            pass


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def run_script(
    script: str | os.PathLike,
    *,
    steps: int = 2,
    timeout: float = 300.0,
    backend: str | None = None,
    instrument: bool = True,
    python: str | None = None,
    keep_sandbox: bool = False,
) -> RunResult:
    script_path = Path(script).resolve()
    result = RunResult(script=str(script_path), timeout=timeout)
    sandbox = Path(tempfile.mkdtemp(prefix="tllint-confirm-")).resolve()
    work = sandbox / "work"
    tmp = sandbox / "tmp"
    work.mkdir()
    tmp.mkdir()
    _mirror(script_path.parent, work)
    events_path = sandbox / "events.jsonl"
    config = {
        "script": str(script_path),
        "sandbox": str(sandbox),
        "events": str(events_path),
        "steps": int(steps),
        "keras_home": keras_home(),
        "instrument": instrument,
        "timeout": timeout,
        "parent_pid": os.getpid(),
    }
    config_path = sandbox / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    env = dict(os.environ)
    env.update(
        {
            "KERAS_BACKEND": backend or env.get("KERAS_BACKEND") or "tensorflow",
            "KERAS_HOME": keras_home(),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "MPLBACKEND": "Agg",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "TMPDIR": str(tmp),
            "TEMP": str(tmp),
            "TMP": str(tmp),
            "MPLCONFIGDIR": str(tmp / "mpl"),
            # Anything that still tries the network goes to a closed local port.
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "NO_PROXY": "",
            "no_proxy": "",
            "TFHUB_OFFLINE": "1",
            "HF_HUB_OFFLINE": "1",
            "KAGGLE_OFFLINE": "1",
        }
    )
    if "TFHUB_CACHE_DIR" not in env:
        env["TFHUB_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), "tfhub_modules")
    # The child must import the same site-packages as the interpreter running tllint.
    stdout_path = sandbox / "stdout.txt"
    stderr_path = sandbox / "stderr.txt"
    start = time.monotonic()
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        proc = subprocess.Popen(
            [python or sys.executable, str(CHILD), str(config_path)],
            cwd=str(work),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            result.returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            result.timed_out = True
            _kill_group(proc)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            result.returncode = proc.returncode
        finally:
            _kill_group(proc)  # leftovers of a script that spawned processes
    result.seconds = time.monotonic() - start
    try:
        result.stderr_tail = stderr_path.read_text(encoding="utf-8", errors="replace")[-3000:]
    except OSError:
        pass
    try:
        with open(events_path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    result.events.append(json.loads(line))
                except ValueError:
                    break  # a line cut short by the kill
    except OSError:
        pass
    if not keep_sandbox:
        shutil.rmtree(sandbox, ignore_errors=True)
    return result
