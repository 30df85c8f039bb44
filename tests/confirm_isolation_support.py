"""Harness of the confirm-mode isolation tests (issue 19): an arena, one CLI run, every check.

An arena is a temporary project (the escape script, a text file, a data folder, a binary file,
all with an old mtime), a fake HOME with a planted `~/.ssh/id_rsa` and `~/.keras/keras.json`, a
private temporary root (TMPDIR), a loopback TCP listener and a UDP listener on ephemeral ports, and
a unique marker. The escape scripts in tests/confirm_escapes/ are templates: `@PROJECT@`, `@HOME@`,
`@MARKER@`, `@TCP_PORT@`, `@UDP_PORT@`, `@SECRET_ENV@` are filled in before the run.

`run_escape()` runs `python -m tllint --confirm` on the script in its own session, waits for
delayed writers, and returns every violation found (an empty list when the run was contained):

* something written outside the confirm temporary folder: the project, HOME and the private
  temporary root must be unchanged (names, kinds, sizes, modes, mtimes, ctimes, content hashes, link
  targets); in the shared folders `/dev/shm`, `/var/tmp` and `/tmp` (top level) nothing new or
  changed may carry the marker or a secret in its name or content;
* a connection or datagram reached a listener;
* a process of the run is still alive (its cmdline, environment or `comm` carries the marker or
  the arena's path, or its working folder is in the arena); such processes are killed afterwards;
* the parent did not finish with its summary (exit status 0 or 1, a `confirm: ` line on stderr,
  naming the isolation level expected on this machine);
* a planted secret (the environment variable's value, the key's content) appears in stdout,
  stderr or any new file.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ESCAPES = Path(__file__).parent / "confirm_escapes"
SHARED_ROOTS = ("/dev/shm", "/var/tmp", "/tmp")
OLD_MTIME = 1_600_000_000  # 2020-09-13: any touch of a project file shows
SECRET_ENV = "MY_API_TOKEN"
MARKER_ENV = "TLLINT_ESCAPE_TAG"
NO_OS_ENV = "TLLINT_CONFIRM_NO_OS_ISOLATION"
EXPECTED_LEVEL = "landlock+seccomp"


# ---------------------------------------------------------------------------------------------
# What the machine offers
# ---------------------------------------------------------------------------------------------


def landlock_abi() -> tuple[int, str]:
    """(ABI version, "") or (0, why not): landlock_create_ruleset(NULL, 0, VERSION) = syscall 444."""
    if not sys.platform.startswith("linux"):
        return 0, f"Landlock is Linux only (platform {sys.platform})"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        version = libc.syscall(ctypes.c_long(444), None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (OSError, AttributeError) as exc:
        return 0, f"cannot call landlock_create_ruleset: {exc}"
    if version < 0:
        err = ctypes.get_errno()
        return 0, f"Landlock unavailable: landlock_create_ruleset failed with {errno.errorcode.get(err, err)} ({os.strerror(err)})"
    return int(version), ""


def seccomp_missing() -> str:
    """"" when seccomp is usable (prctl(PR_GET_SECCOMP) answers), else why not."""
    if not sys.platform.startswith("linux"):
        return f"seccomp is Linux only (platform {sys.platform})"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        mode = libc.prctl(21, 0, 0, 0, 0)  # PR_GET_SECCOMP
    except (OSError, AttributeError) as exc:
        return f"cannot call prctl: {exc}"
    if mode < 0:
        err = ctypes.get_errno()
        return f"seccomp unavailable: prctl(PR_GET_SECCOMP) failed with {errno.errorcode.get(err, err)}"
    if mode == 2:
        return ""  # already filtered (a container): more filters can still be stacked
    return ""


def os_isolation_missing() -> str:
    """Why the OS layer cannot be tested here ("" when Landlock and seccomp are both there)."""
    abi, why = landlock_abi()
    if not abi:
        return why
    return seccomp_missing()


# ---------------------------------------------------------------------------------------------
# Listeners
# ---------------------------------------------------------------------------------------------


class Listener:
    """A loopback TCP or UDP listener on an ephemeral port that records what reaches it."""

    def __init__(self, kind: int) -> None:
        self.kind = kind
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.bind(("127.0.0.1", 0))
        if kind == socket.SOCK_STREAM:
            self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                if self.kind == socket.SOCK_STREAM:
                    conn, addr = self.sock.accept()
                    conn.settimeout(0.5)
                    try:
                        data = conn.recv(200)
                    except OSError:
                        data = b""
                    conn.close()
                    self.received.append(f"TCP connection from {addr}: {data[:80]!r}")
                else:
                    data, addr = self.sock.recvfrom(4096)
                    self.received.append(f"UDP datagram from {addr}: {data[:80]!r}")
            except (socket.timeout, BlockingIOError):
                continue
            except OSError:
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


# ---------------------------------------------------------------------------------------------
# The arena
# ---------------------------------------------------------------------------------------------


@dataclass
class Arena:
    root: Path
    project: Path
    home: Path
    tmp: Path
    marker: str
    secret: str  # the value of $MY_API_TOKEN
    key_secret: str  # a line of the planted ~/.ssh/id_rsa
    tcp: Listener
    udp: Listener
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def secrets(self) -> tuple[str, str]:
        return (self.secret, self.key_secret)

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()
        # What an escape left in the shared folders (its name carries the marker) goes.
        for shared in SHARED_ROOTS:
            for path in Path(shared).glob(f"*{self.marker}*") if os.path.isdir(shared) else ():
                try:
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        path.unlink()
                except OSError:
                    pass


def make_arena(tmp_path: Path) -> Arena:
    marker = "tlx" + secrets.token_hex(5)
    root = tmp_path.resolve()
    project = root / f"project-{marker}"
    home = root / "home"
    tmp = root / "tmp"
    for folder in (project / "data" / "images", home / ".ssh", home / ".keras", tmp):
        folder.mkdir(parents=True)
    (project / "existing.txt").write_text("original\n")
    (project / "data" / "labels.txt").write_text("cat\ndog\n")
    (project / "data" / "images" / "cat_0.raw").write_bytes(bytes(range(256)) * 4)
    (project / "weights.bin").write_bytes(b"\x00" * 128)
    key_secret = "KEYMATERIAL" + secrets.token_hex(12)
    key = home / ".ssh" / "id_rsa"
    key.write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{key_secret}\n-----END OPENSSH PRIVATE KEY-----\n")
    key.chmod(0o600)
    (home / ".ssh").chmod(0o700)
    # A user's Keras config exists: importing Keras then writes nothing into HOME.
    (home / ".keras" / "keras.json").write_text(
        json.dumps({"floatx": "float32", "epsilon": 1e-07, "backend": "tensorflow", "image_data_format": "channels_last"}, indent=4)
    )
    arena = Arena(
        root=root,
        project=project,
        home=home,
        tmp=tmp,
        marker=marker,
        secret="sekret-" + secrets.token_hex(8),
        key_secret=key_secret,
        tcp=Listener(socket.SOCK_STREAM),
        udp=Listener(socket.SOCK_DGRAM),
    )
    return arena


def install_script(arena: Arena, name: str) -> Path:
    """The escape template `name` with the arena's values filled in, as `<project>/train_<name>.py`."""
    text = (ESCAPES / f"{name}.py").read_text()
    for token, value in (
        ("@PROJECT@", str(arena.project)),
        ("@HOME@", str(arena.home)),
        ("@MARKER@", arena.marker),
        ("@TCP_PORT@", str(arena.tcp.port)),
        ("@UDP_PORT@", str(arena.udp.port)),
        ("@SECRET_ENV@", SECRET_ENV),
    ):
        text = text.replace(token, value)
    assert "@" + "PROJECT@" not in text
    script = arena.project / f"train_{name}.py"
    script.write_text(text)
    # Every project entry gets an old mtime, so that a touch is seen even within the same second.
    for path in [*arena.project.rglob("*"), arena.project]:
        os.utime(path, (OLD_MTIME, OLD_MTIME), follow_symlinks=False)
    return script


# ---------------------------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------------------------


def _entry(path: str) -> tuple:
    st = os.lstat(path)
    mode = st.st_mode
    if os.path.islink(path):
        return ("link", oct(mode), os.readlink(path))
    if os.path.isdir(path):
        return ("dir", oct(mode), st.st_mtime_ns, st.st_ctime_ns)
    if not stat.S_ISREG(mode):
        return ("other", oct(mode), st.st_mtime_ns)  # a FIFO, socket or device: never opened
    digest = ""
    times = (st.st_mtime_ns, st.st_ctime_ns)  # ctime: also a write undone (content and mtime restored)
    if st.st_size > 64 << 20:
        return ("file", oct(mode), st.st_size, *times, st.st_nlink, "large")
    try:
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
    except OSError as exc:
        digest = f"unreadable: {exc.strerror}"
    return ("file", oct(mode), st.st_size, *times, st.st_nlink, digest)


def snapshot_tree(root: Path, *, depth: int | None = None) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    base = str(root)
    try:
        out["."] = _entry(base)
    except OSError:
        return out
    for dirpath, dirnames, filenames in os.walk(base, onerror=lambda exc: None):
        rel_dir = os.path.relpath(dirpath, base)
        level = 0 if rel_dir == "." else rel_dir.count(os.sep) + 1
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            try:
                shallow_dir = depth is not None and os.path.isdir(path) and not os.path.islink(path)
                out[os.path.relpath(path, base)] = ("dir",) if shallow_dir else _entry(path)
            except OSError:
                continue
        if depth is not None and level + 1 >= depth:
            dirnames[:] = []  # a shared folder: its top level only
    return out


def snapshot(arena: Arena) -> dict[str, dict[str, tuple]]:
    shots = {str(p): snapshot_tree(p) for p in (arena.project, arena.home, arena.tmp)}
    for shared in SHARED_ROOTS:
        if os.path.isdir(shared):
            shots[shared] = snapshot_tree(Path(shared), depth=1)
    return shots


def _file_text(path: str, limit: int = 4 << 20) -> str:
    try:
        if os.path.isfile(path) and not os.path.islink(path) and os.path.getsize(path) <= limit:
            with open(path, "rb") as fh:
                return fh.read().decode("latin-1")
    except OSError:
        pass
    return ""


def snapshot_changes(arena: Arena, before: dict, after: dict) -> list[str]:
    problems: list[str] = []
    for root, old in before.items():
        new = after.get(root, {})
        shared = root in SHARED_ROOTS
        for rel in sorted(set(old) | set(new)):
            if old.get(rel) == new.get(rel):
                continue
            if root == str(arena.tmp) and rel == "." and old.get(rel, ("",))[:2] == new.get(rel, ("",))[:2]:
                continue  # the temporary root's own mtime: the confirm folder was made and removed there
            path = os.path.normpath(os.path.join(root, rel))
            text = _file_text(path) if rel in new else ""
            if shared:
                carried = [s for s in (arena.marker, *arena.secrets) if s in rel or s in text]
                if not carried:
                    continue  # another process's file in a shared folder
            what = "new" if rel not in old else "removed" if rel not in new else "changed"
            detail = f"{what}: {path}"
            if rel in old and rel in new:
                detail += f" (before {old[rel]}, after {new[rel]})"
            leaked = [name for name, s in (("env secret", arena.secret), ("ssh key", arena.key_secret)) if s in text]
            if leaked:
                detail += f" [contains the {' and the '.join(leaked)}]"
            problems.append(detail)
    return problems


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("latin-1")
    except OSError:
        return ""


def leftover_processes(arena: Arena) -> list[tuple[int, str]]:
    """Live processes of the run: the marker or the arena's path in cmdline/environ/comm, or cwd in it."""
    found = []
    own = {os.getpid()}
    needles = (arena.marker, str(arena.root))
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in own:
            continue
        base = f"/proc/{entry}"
        stat = _read(f"{base}/stat")
        state = stat.rsplit(")", 1)[-1].split()[:1]
        if not stat or state == ["Z"] or state == ["X"]:
            continue
        cmdline = _read(f"{base}/cmdline")
        text = cmdline + " " + _read(f"{base}/environ") + " " + _read(f"{base}/comm")
        try:
            cwd = os.readlink(f"{base}/cwd")
        except OSError:
            cwd = ""
        if any(n in text for n in needles) or cwd == str(arena.root) or cwd.startswith(str(arena.root) + os.sep):
            found.append((int(entry), cmdline.strip()[:160] or _read(f"{base}/comm").strip()))
    return found


def kill_leftovers(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


@dataclass
class Run:
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False

    @property
    def summary(self) -> str:
        for line in self.stderr.splitlines():
            if line.startswith("confirm: "):
                return line
        return ""

    def findings(self) -> list[dict]:
        try:
            data = json.loads(self.stdout)
        except ValueError:
            return []
        return data if isinstance(data, list) else []


def child_env(arena: Arena, extra: dict[str, str] | None = None) -> dict[str, str]:
    dropped = ("KERAS_HOME", "XDG_CACHE_HOME", "TLLINT_CACHE_DIR", "PYTEST_CURRENT_TEST", NO_OS_ENV)
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "HOME": str(arena.home),
            "TMPDIR": str(arena.tmp),
            "TEMP": str(arena.tmp),
            "TMP": str(arena.tmp),
            SECRET_ENV: arena.secret,
            MARKER_ENV: arena.marker,
            "KERAS_BACKEND": "tensorflow",
            # CPU runs: the memory rlimit applies (a visible GPU lifts it) and the runs stay small.
            "CUDA_VISIBLE_DEVICES": "",
        }
    )
    env.update(arena.extra_env)
    env.update(extra or {})
    return env


def run_tllint(arena: Arena, script: Path, *options: str, env: dict[str, str] | None = None, timeout: float = 240) -> Run:
    cmd = [sys.executable, "-m", "tllint", "--no-cache", "--jobs", "1", "--format", "json"]
    cmd += ["--confirm", "--confirm-timeout", "120", *options, str(script)]
    start = time.monotonic()
    # The absolute path: tllint's command line names the project (the marker), as a user's would.
    # Its own session: a signal the script sends to its ancestors' group never reaches pytest.
    proc = subprocess.Popen(
        cmd, cwd=str(arena.project), env=child_env(arena, env), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        out, err = proc.communicate()
    return Run(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.monotonic() - start, timed_out)


def run_checks(arena: Arena, before: dict, run: Run, *, settle: float = 0.5, level: str | None = EXPECTED_LEVEL) -> list[str]:
    """Every violation of the run (see the module docstring); kills the leftover processes."""
    problems: list[str] = []
    time.sleep(settle)  # delayed writers and daemons get their chance
    left = leftover_processes(arena)
    if left:
        problems.append("processes of the run still alive: " + "; ".join(f"{pid} {cmd!r}" for pid, cmd in left))
        kill_leftovers([pid for pid, _ in left])
    problems.extend(snapshot_changes(arena, before, snapshot(arena)))
    for listener in (arena.tcp, arena.udp):
        problems.extend(f"reached the listener: {r}" for r in listener.received)
    if run.timed_out:
        problems.append(f"tllint did not finish within the test's limit ({run.seconds:.0f} s)")
    elif run.returncode not in (0, 1):
        killed = f" (signal {-run.returncode})" if run.returncode is not None and run.returncode < 0 else ""
        problems.append(f"tllint exited with {run.returncode}{killed}")
    if not run.summary:
        problems.append("no `confirm: ` summary on stderr")
    elif level is not None and not re.search(rf"\bisolation {re.escape(level)}\b", run.summary):
        problems.append(f"the summary does not name `isolation {level}`: {run.summary!r}")
    for name, value in (("env secret", arena.secret), ("ssh key", arena.key_secret)):
        for stream, text in (("stdout", run.stdout), ("stderr", run.stderr)):
            if value in text:
                problems.append(f"the {name} appears in tllint's {stream}")
    return problems


def run_escape(arena: Arena, name: str, *options: str, settle: float = 0.5, level: str | None = EXPECTED_LEVEL) -> tuple[Run, list[str]]:
    script = install_script(arena, name)
    before = snapshot(arena)
    run = run_tllint(arena, script, *options)
    return run, run_checks(arena, before, run, settle=settle, level=level)


def report(run: Run, problems: list[str]) -> str:
    tail = run.stderr.strip().splitlines()[-15:]
    return "\n  ".join(["the escape was not contained:", *problems, "--- tllint stderr (tail):", *tail])
