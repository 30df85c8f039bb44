"""Parent side of confirm mode: run one script in a sandboxed child process and read its events.

Never imports TensorFlow or Keras: the child does.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .isolation import Isolation, decide, gpu_visible, hidden_parent, memory_bound, process_limit
from .isolation import FILE_SIZE_LIMIT
from .isolation.environment import filter_environment, scrub, scrub_value

# Started as a file, never imported: `_child/__main__.py` loads its folder under a private name.
CHILD = Path(__file__).with_name("_child") / "__main__.py"
# Started as a file too (standard library only): subreaper, limits, Landlock, seccomp, sweep.
SUPERVISOR = Path(__file__).with_name("isolation") / "supervisor.py"
MAX_READ = 32 << 20  # bytes read back from a file of the sandbox


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
    isolation: dict | None = None  # {"level": ..., "lacks": [...]}
    supervisor: dict = field(default_factory=dict)  # the supervisor's status (memory_exceeded, killed, ...)
    limit: str | None = None  # why the run was stopped by a resource bound (memory), else None

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


def read_back(path: Path, limit: int = MAX_READ) -> str:
    """A file the run wrote, read without following links: a plain file with one name, or nothing
    (the script may have swapped it for a link to a secret, a FIFO or a hard link)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return ""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return ""
        if info.st_size > limit:
            os.lseek(fd, info.st_size - limit, os.SEEK_SET)
        chunks, size = [], 0
        while size < limit:
            chunk = os.read(fd, min(1 << 20, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks).decode("utf-8", errors="replace")
    except OSError:
        return ""
    finally:
        os.close(fd)


def _remove_tree(path: Path) -> None:
    """Delete the sandbox, also folders the script left without permissions."""

    def retry(function, name, _exc):
        try:
            os.chmod(os.path.dirname(name), 0o700)
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, 0o700)
                shutil.rmtree(name, ignore_errors=True)
            else:
                function(name)
        except OSError:
            pass

    shutil.rmtree(path, onerror=retry)


def child_environment(sandbox: Path, tmp: Path, backend: str | None) -> tuple[dict[str, str], list[str]]:
    """The child's environment: no secret-looking variable, HOME a fresh folder of the sandbox."""
    env, secrets = filter_environment(dict(os.environ))
    home = sandbox / "home"
    home.mkdir(exist_ok=True)
    import site

    user_base = site.getuserbase()
    if "PYTHONUSERBASE" not in env and user_base and os.path.isdir(user_base):
        env["PYTHONUSERBASE"] = user_base  # `pip install --user` packages stay importable
    env.update(
        {
            "HOME": str(home),
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
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_HOME": str(home / ".config"),
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
    return env, secrets


def supervisor_spec(isolation: Isolation, argv: list[str], work: Path, sandbox: Path, env: dict, timeout: float) -> dict:
    gpu = gpu_visible(env)
    memory = memory_bound()
    return {
        "argv": argv,
        "cwd": str(work),
        "sandbox": str(sandbox),
        "home": os.path.expanduser("~"),
        "landlock": isolation.landlock_abi,
        "seccomp": isolation.seccomp,
        "parent_pid": os.getpid(),
        "protected_pids": [os.getpid()],
        "timeout": timeout,
        "memory": memory,
        # CPU runs: an address-space limit makes a runaway allocation fail at once (MemoryError);
        # GPU drivers map huge address ranges, so GPU runs rely on the supervisor's resident check.
        "address_space": None if gpu else max(memory, 8 << 30),
        "file_size": FILE_SIZE_LIMIT,
        "processes": process_limit(),
    }


def run_script(
    script: str | os.PathLike,
    *,
    steps: int = 2,
    timeout: float = 300.0,
    backend: str | None = None,
    instrument: bool = True,
    python: str | None = None,
    keep_sandbox: bool = False,
    isolation: Isolation | None = None,
) -> RunResult:
    """Run `script` in the confirm child under the supervisor. `isolation`: `decide()` when None
    (raises IsolationUnavailable where no OS mechanism exists)."""
    isolation = isolation or decide("auto")
    script_path = Path(script).resolve()
    result = RunResult(script=str(script_path), timeout=timeout, isolation=isolation.as_json())
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
        "parent_pid": None,  # the child watches its own parent, the supervisor
        "protected_pids": [os.getpid()],  # no signal to tllint (the Python layer; seccomp below it)
        "isolation": isolation.level,
    }
    config_path = sandbox / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    env, secrets = child_environment(sandbox, tmp, backend)
    argv = [python or sys.executable, str(CHILD), str(config_path)]
    spec_path = sandbox / "supervisor.json"
    stdout_path = sandbox / "stdout.txt"
    stderr_path = sandbox / "stderr.txt"
    start = time.monotonic()
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err, hidden_parent():
        spec = supervisor_spec(isolation, argv, work, sandbox, env, timeout)
        spec["stdout_fd"] = out.fileno()
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(SUPERVISOR), str(spec_path)],
            cwd=str(work),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            pass_fds=(out.fileno(),),
            start_new_session=True,
        )
        try:
            report, _ = proc.communicate(timeout=timeout + 30)
        except subprocess.TimeoutExpired:
            proc.terminate()  # the supervisor sweeps the run's processes on SIGTERM
            try:
                report, _ = proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                report, _ = proc.communicate()
            result.timed_out = True
        except BaseException:  # interrupted: the supervisor sweeps the run before tllint goes
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
            if not keep_sandbox:
                _remove_tree(sandbox)
            raise
    result.seconds = time.monotonic() - start
    _read_report(result, report, timeout)
    result.stderr_tail = scrub(read_back(stderr_path)[-3000:], secrets)
    for line in read_back(events_path).splitlines():
        try:
            result.events.append(scrub_value(json.loads(line), secrets))
        except ValueError:
            break  # a line cut short by the kill
    if not keep_sandbox:
        _remove_tree(sandbox)
    return result


def _read_report(result: RunResult, report: bytes | None, timeout: float) -> None:
    """The supervisor's last stdout line: the child's exit status and why it was stopped."""
    status: dict = {}
    for line in reversed((report or b"").decode("utf-8", errors="replace").splitlines()):
        try:
            status = json.loads(line)
            break
        except ValueError:
            continue
    result.supervisor = status
    result.returncode = status.get("returncode")
    if status.get("timed_out") or status.get("stopped"):
        result.timed_out = True
    if status.get("memory_exceeded"):
        bound = (status.get("memory") or 0) / (1 << 30)
        result.limit = f"the script's processes used more than {bound:.1f} GiB of memory and were stopped"
    if status.get("error"):
        result.limit = f"the sandbox could not be set up: {status['error']}"
