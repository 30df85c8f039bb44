"""Confirm mode's isolation against hostile scripts (issue 19): one script per escape class.

Each test runs `python -m tllint --confirm` on one script of tests/confirm_escapes/ in a temporary
project with a fake HOME (a planted `~/.ssh/id_rsa`), a secret variable, a private temporary root
and loopback TCP/UDP listeners, and asserts, through `confirm_isolation_support.run_escape`: nothing
written outside the confirm temporary folder, project files byte-identical with the same mode and
mtime, nothing reached the listeners, no process of the run left, the parent finished with its
summary naming the isolation level, and no planted secret in the output or any new file.

The escape tests need Landlock and seccomp (they skip with the reason where one is missing); the
last test forces "no mechanism" and checks the refusal and the `--confirm-isolation python` opt-in.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from confirm_isolation_support import (
    NO_OS_ENV,
    leftover_processes,
    make_arena,
    os_isolation_missing,
    report,
    run_checks,
    run_escape,
    run_tllint,
    install_script,
    snapshot,
)
from tllint.confirm import confirm_available

pytestmark = [
    pytest.mark.confirm,
    pytest.mark.skipif(confirm_available() is not None, reason="confirm mode needs tensorflow and keras"),
]

MISSING = os_isolation_missing()
needs_os_isolation = pytest.mark.skipif(bool(MISSING), reason=MISSING or "Landlock and seccomp are available")
CONFIRM_SOURCE = Path(__file__).resolve().parents[1] / "src" / "tllint" / "confirm"


@pytest.fixture
def arena(tmp_path):
    made = make_arena(tmp_path)
    yield made
    made.close()


def contained(arena, name: str, *, settle: float = 0.5):
    run, problems = run_escape(arena, name, settle=settle)
    # Each script carries a deliberate TL301 (softmax output, from_logits=True) checked in its
    # training step: `confirmed` shows that the script ran its attempts and went on to train.
    if not any(f.get("code") == "TL301" and f.get("confirmation", {}).get("status") == "confirmed" for f in run.findings()):
        problems.append("the script did not reach its training step (no confirmed TL301): the attempts may not have run")
    assert not problems, report(run, problems)
    return run


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


@needs_os_isolation
def test_shell_writes_into_the_project_home_and_shared_folders(arena):
    contained(arena, "shell_writes")


@needs_os_isolation
def test_python_writes_through_a_linked_sub_folder(arena):
    contained(arena, "symlinked_folder")


@needs_os_isolation
def test_libc_writes_through_ctypes(arena):
    contained(arena, "ctypes_libc")


@needs_os_isolation
def test_metadata_changes_copies_and_links_by_path_and_descriptor(arena):
    contained(arena, "file_metadata")


@needs_os_isolation
def test_native_writers_sqlite_memmap_h5py_gfile(arena):
    contained(arena, "native_writers")


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------


@needs_os_isolation
def test_forked_child_writing_after_a_delay(arena):
    contained(arena, "delayed_fork", settle=4.0)


@needs_os_isolation
def test_setsid_daemons_writing_after_the_run(arena):
    # The daemons sleep 2 s after the script's end, then write and connect: wait 4 s.
    contained(arena, "setsid_daemon", settle=4.0)


@needs_os_isolation
def test_signals_to_the_parent_and_ancestors(arena):
    run = contained(arena, "signal_parent")
    assert run.returncode in (0, 1)


@needs_os_isolation
def test_fifty_forked_children(arena):
    contained(arena, "fork_fifty")


@needs_os_isolation
@pytest.mark.skipif(
    not any("RLIMIT_AS" in p.read_text() for p in CONFIRM_SOURCE.rglob("*.py")),
    reason="confirm mode sets no address-space rlimit yet: the 40 GiB hog would exhaust this machine",
)
def test_memory_hog_ends_with_a_clear_result(arena):
    run = contained(arena, "memory_hog")
    assert "HOG-GUARD" not in run.stdout, "the hog did not run: the child had no address-space or data rlimit"
    # A clear result: every finding got a verdict (the script went on after its MemoryError, or the
    # run was stopped at the memory bound and the evidence says so).
    findings = run.findings()
    assert findings and all(f.get("confirmation", {}).get("evidence") for f in findings), run.stdout[-2000:]


# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------


@needs_os_isolation
def test_tcp_from_the_python_process_and_the_c_socket_type(arena):
    contained(arena, "tcp_python")


@needs_os_isolation
def test_tcp_from_programs_python_bash_and_curl(arena):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed (the Python and bash attempts are in the same script)")
    contained(arena, "tcp_programs")


@needs_os_isolation
def test_udp_dns_query(arena):
    contained(arena, "udp_dns")


# ---------------------------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------------------------


@needs_os_isolation
def test_planted_key_and_secret_variable_do_not_leave(arena):
    run = contained(arena, "secrets_leak")
    # The script did run up to its error message (the channel was tried, and carried nothing).
    assert "could not authenticate" in run.stdout, run.stdout[-2000:]


# ---------------------------------------------------------------------------------------------
# No OS mechanism: the refusal, and the opt-in
# ---------------------------------------------------------------------------------------------


def test_no_os_mechanism_refuses_and_the_python_opt_in_runs(arena):
    script = install_script(arena, "benign")
    before = snapshot(arena)
    refused = run_tllint(arena, script, env={NO_OS_ENV: "1"})
    assert refused.returncode == 2, (refused.returncode, refused.stderr[-2000:])
    assert "--confirm-isolation python" in refused.stderr
    assert "Landlock" in refused.stderr and "seccomp" in refused.stderr, refused.stderr
    assert not refused.summary
    assert not leftover_processes(arena)

    opted = run_tllint(arena, script, "--confirm-isolation", "python", env={NO_OS_ENV: "1"})
    problems = run_checks(arena, before, opted, level="python-only")
    assert not problems, report(opted, problems)
    assert "warning" in opted.stderr.lower() and "--confirm-isolation python" in opted.stderr, opted.stderr
