"""Confirm mode's OS layer piece by piece (issue 19): the environment filter and scrubbing, the
Landlock read plan, the seccomp filter applied in a forked process, the level decision and its
refusal, the config key. Fast: no TensorFlow. The end-to-end escapes are in test_confirm_isolation.py."""

from __future__ import annotations

import errno
import os
import socket
import sys

import pytest

from tllint.config import ConfigError, settings_from_table
from tllint.confirm import isolation
from tllint.confirm.isolation import environment, landlock, seccomp
from tllint.confirm.runner import read_back

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Landlock and seccomp are Linux only")


def test_secret_variables_are_dropped_and_toolchain_ones_kept():
    env = {
        "PATH": "/usr/bin", "LANG": "C.UTF-8", "LC_ALL": "C", "CUDA_VISIBLE_DEVICES": "0", "XLA_FLAGS": "--x",
        "TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu", "HOME": "/home/u",
        "GITHUB_TOKEN": "ghp_" + "a" * 36, "MY_API_KEY": "k3y-value-123", "DB_PASSWORD": "hunter2hunter2",
        "AWS_ACCESS_KEY_ID": "AKIA" + "B" * 16, "AWS_REGION": "eu-west-1", "KAGGLE_USERNAME": "me",
        "WANDB_API_KEY": "0123456789abcdef", "HF_TOKEN": "hf_" + "c" * 34, "SSH_AUTH_SOCK": "/tmp/ssh-x/agent.1",
        "GOOGLE_APPLICATION_CREDENTIALS": "/home/u/creds.json", "DATABASE": "postgres://app:pw1234@db/x",
        "SOME_SETTING": "sk-" + "d" * 40,
    }
    kept, dropped = environment.filter_environment(env)
    assert set(kept) == {"PATH", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES", "XLA_FLAGS", "TF_CPP_MIN_LOG_LEVEL",
                         "KERAS_BACKEND", "JAX_PLATFORMS", "HOME"}
    # Values worth scrubbing: secrets, not paths or user names.
    assert "ghp_" + "a" * 36 in dropped and "hunter2hunter2" in dropped and "sk-" + "d" * 40 in dropped
    assert "/home/u/creds.json" not in dropped and "me" not in dropped


def test_scrub_removes_private_keys_and_dropped_values():
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA\n-----END OPENSSH PRIVATE KEY-----"
    text = f"failed: could not authenticate tok-123456 with {key} (line 4)"
    out = environment.scrub(text, ["tok-123456"])
    assert "b3BlbnNzaA" not in out and "tok-123456" not in out and out.endswith("(line 4)")
    event = {"kind": "end", "message": text, "nested": [text, 3]}
    assert "tok-123456" not in str(environment.scrub_value(event, ["tok-123456"]))


def test_landlock_read_plan_splits_around_credentials(tmp_path):
    home = tmp_path / "home"
    for folder in (".ssh", ".config/gcloud", ".config/other", "data"):
        (home / folder).mkdir(parents=True)
    (home / ".netrc").write_text("machine x password y\n")
    (home / "notes.txt").write_text("hi\n")
    (tmp_path / "elsewhere").mkdir()
    (home / "link_to_ssh").symlink_to(home / ".ssh")
    denied = landlock.denied_paths(str(home))
    assert str(home / ".ssh") in denied and str(home / ".netrc") in denied and str(home / ".config/gcloud") in denied
    roots = landlock.read_roots(denied, str(tmp_path))
    assert str(tmp_path / "elsewhere") in roots
    assert str(home / "data") in roots and str(home / "notes.txt") in roots and str(home / ".config/other") in roots
    for secret in (".ssh", ".netrc", ".config/gcloud", "link_to_ssh"):
        assert not any(r == str(home / secret) or r.startswith(str(home / secret) + "/") for r in roots), secret
    assert str(home) not in roots and str(home / ".config") not in roots


def test_decide_levels_and_refusal(monkeypatch):
    monkeypatch.setenv(isolation.NO_OS_ENV, "1")
    with pytest.raises(isolation.IsolationUnavailable) as refused:
        isolation.decide("auto")
    message = str(refused.value)
    assert "Landlock (Linux >= 5.13) and seccomp are not available" in message
    assert "--confirm-isolation python" in message and 'confirm-isolation = "python"' in message
    only = isolation.decide("python")
    assert only.as_json() == {"level": "python-only", "lacks": ["Landlock", "seccomp"]}
    assert only.describe() == "python-only (no Landlock, no seccomp)"
    with pytest.raises(ValueError):
        isolation.decide("bubblewrap")


@linux_only
def test_decide_uses_what_the_kernel_has(monkeypatch):
    monkeypatch.delenv(isolation.NO_OS_ENV, raising=False)
    abi, has_seccomp = isolation.mechanisms()
    if not abi and not has_seccomp:
        pytest.skip("neither Landlock nor seccomp here")
    level = isolation.decide("auto")
    assert level.level == "+".join(n for n, ok in (("landlock", abi), ("seccomp", has_seccomp)) if ok)
    assert isolation.decide("python").level == "python-only"


def test_config_key_confirm_isolation():
    assert settings_from_table({"confirm-isolation": "python"}, None).confirm_isolation == "python"
    assert settings_from_table({}, None).confirm_isolation == "auto"
    with pytest.raises(ConfigError, match="confirm-isolation"):
        settings_from_table({"confirm-isolation": "none"}, None)


def test_read_back_refuses_links_and_fifos(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("KEY\n")
    (tmp_path / "plain").write_text("ok\n")
    (tmp_path / "sym").symlink_to(secret)
    os.link(secret, tmp_path / "hard")
    os.mkfifo(tmp_path / "fifo")
    assert read_back(tmp_path / "plain") == "ok\n"
    assert read_back(tmp_path / "sym") == read_back(tmp_path / "hard") == read_back(tmp_path / "fifo") == ""


def _in_filtered_child(check) -> int:
    """Fork, load the filter (tllint and this test process protected), run `check`, exit with its code."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            os.setpgid(0, 0)
            seccomp.install(seccomp.build([parent], os.getpid()))
            os._exit(check(parent))
        except BaseException:  # noqa: BLE001
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status)


def _errno_of(fn) -> int:
    try:
        fn()
    except OSError as exc:
        return exc.errno
    return 0


@linux_only
@pytest.mark.skipif(not seccomp.available(), reason="seccomp filters are not available here")
def test_seccomp_filter_in_a_forked_process(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("x")
    os.chmod(target, 0o644)
    os.utime(target, (1_600_000_000, 1_600_000_000))

    def check(parent: int) -> int:
        failures = 0
        expect = [
            (lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM), errno.EPERM),
            (lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM), errno.EPERM),
            (lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), errno.EPERM),
            (os.setsid, errno.EPERM),
            (lambda: os.setpgid(0, 0), errno.EPERM),
            (lambda: os.kill(parent, 0), errno.EPERM),
            (lambda: os.kill(-1, 0), errno.EPERM),
            (lambda: os.chmod(target, 0o777), 0),
            (lambda: os.utime(target, (0, 0)), 0),
            (lambda: os.kill(os.getpid(), 0), 0),
            (lambda: socket.socketpair(), 0),
        ]
        for index, (fn, wanted) in enumerate(expect):
            if _errno_of(fn) != wanted:
                failures |= 1 << min(index, 6)
        return failures

    assert _in_filtered_child(check) == 0
    info = os.stat(target)
    assert oct(info.st_mode & 0o777) == oct(0o644) and int(info.st_mtime) == 1_600_000_000
