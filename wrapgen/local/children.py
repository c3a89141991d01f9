"""Programs wrapgen runs but did not write (an interpreter for --verify-with, a wrapper for explain, a runtime for
try): each in a process group of its own, ended whole; what they print kept only up to a bound. They are started
through wrapgen.local.sandbox, which puts them in bubblewrap first."""

from __future__ import annotations

import contextlib
import os
import resource
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

KEPT = 64 * 1024
"""Bytes kept of each of a program's stdout and stderr: the rest is read, counted and dropped (a program that
prints gigabytes once took wrapgen's memory with it)."""


DRAIN = 1.0
"""Seconds the pipes are read after the program and its group ended, for what is still on its way."""


class Ran(NamedTuple):
    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    """It did not end in time (it was killed)."""
    read: Mapping[int, bytes] = {}
    """What was read from each of the extra pipes (`reads`), up to its bound."""
    dropped: tuple[int, int] = (0, 0)
    """Bytes of stdout and stderr read past KEPT and dropped."""
    stopped: bool = False
    """wrapgen ended it (its time was up, or `until` said so) while it still ran."""


def limits(memory: int | None) -> Callable[[], None] | None:
    """What a child sets on itself before it execs: no core dumps, and at most `memory` bytes of data (heap and
    private writable mappings: RLIMIT_DATA, which a JVM's reserved but unused heap does not count against)."""
    if memory is None:
        return None

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))

    return apply


def run(argv: Sequence[str], env: Mapping[str, str], timeout: float, cwd: str | None = None, *,
        reads: Mapping[int, int] | None = None, pass_fds: Sequence[int] = (),
        until: Callable[[Mapping[int, bytearray]], bool] | None = None, memory: int | None = None
        ) -> Ran:  # fmt: skip
    """Run a program, its stdin empty, until it ends, `until(what was read so far, by descriptor)` is true or
    `timeout` passes; then end its whole process group, so that nothing it started in the background is left
    running (nor holds its output open).
    `pass_fds` are passed to the program (write ends of pipes) and closed here once it started; `reads` maps the
    read ends of those pipes to how many bytes of each to keep, and they are closed here at the end."""
    extra = dict(reads or {})
    try:
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True, pass_fds=tuple(pass_fds),
                                   preexec_fn=limits(memory))  # fmt: skip
    except BaseException:
        for fd in extra:
            os.close(fd)
        raise
    finally:
        for fd in pass_fds:
            os.close(fd)
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.fileno(), process.stderr.fileno()
    bounds = {out: KEPT, err: KEPT, **extra}
    kept = {fd: bytearray() for fd in bounds}
    seen = dict.fromkeys(bounds, 0)
    deadline, timed_out, stopped = time.monotonic() + timeout, False, False
    drained: float | None = None
    try:
        with selectors.DefaultSelector() as selector:
            for fd in kept:
                selector.register(fd, selectors.EVENT_READ)
            while selector.get_map():
                if process.poll() is None and (time.monotonic() > deadline or (until is not None and until(kept))):
                    timed_out = time.monotonic() > deadline
                    stopped = True
                    stop(process)
                elif process.poll() is not None:
                    stop(process)  # what it left running in its group ends: its output is then at its end
                    drained = drained or time.monotonic() + DRAIN
                    if time.monotonic() > drained:
                        break  # a process in a session of its own still holds a pipe (only without a sandbox)
                for key, _ in selector.select(timeout=0.01 if until is not None else 0.1):
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        selector.unregister(key.fd)
                    seen[key.fd] += len(chunk)
                    kept[key.fd] += chunk[: bounds[key.fd] - len(kept[key.fd])]
    finally:
        stop(process)
        process.stdout.close()
        process.stderr.close()
        for fd in extra:
            os.close(fd)
    return Ran(process.returncode, bytes(kept.pop(out)), bytes(kept.pop(err)), timed_out,
               {fd: bytes(data) for fd, data in kept.items()}, (seen[out] - KEPT if seen[out] > KEPT else 0,
               seen[err] - KEPT if seen[err] > KEPT else 0), stopped)  # fmt: skip


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
