"""Programs wrapgen runs but did not write (an interpreter for --verify-with, a wrapper for explain, a runtime for
try): each in a process group of its own, ended whole; what they print kept only up to a bound."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import NamedTuple

KEPT = 64 * 1024
"""Bytes kept of each of a program's stdout and stderr: the rest is read and dropped (a program that prints
gigabytes once took wrapgen's memory with it)."""


class Ran(NamedTuple):
    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    """It did not end in time (it was killed)."""


def run(argv: Sequence[str], env: Mapping[str, str], timeout: float, cwd: str | None = None) -> Ran:
    """Run a program, its stdin empty, until it ends or `timeout` passes; then end its whole process group, so
    that nothing it started in the background is left running (nor holds its output open)."""
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    kept = {process.stdout.fileno(): bytearray(), process.stderr.fileno(): bytearray()}
    deadline, timed_out = time.monotonic() + timeout, False
    try:
        with selectors.DefaultSelector() as selector:
            for fd in kept:
                selector.register(fd, selectors.EVENT_READ)
            while selector.get_map():
                if process.poll() is not None or time.monotonic() > deadline:
                    timed_out = timed_out or process.returncode is None
                    stop(process)  # what it left running ends: its output is then at its end
                for key, _ in selector.select(timeout=0.1):
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        selector.unregister(key.fd)
                    kept[key.fd] += chunk[: KEPT - len(kept[key.fd])]
    finally:
        stop(process)
        process.stdout.close()
        process.stderr.close()
    out, err = kept.values()
    return Ran(process.returncode, bytes(out), bytes(err), timed_out)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the process's whole group (it and anything it started); reap the leader."""
    if process.returncode is not None and not _group_alive(process.pid):
        return
    for sig, grace in ((signal.SIGTERM, 0.5), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)
        if process.returncode is not None and not _group_alive(process.pid):
            return


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True
