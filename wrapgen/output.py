"""The one writer: a plan (files, stdout, messages) computed first, then committed all or nothing."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import NamedTuple

from wrapgen.errors import OutputError

STDOUT = "-"
"""A destination that means standard output, as for most command-line tools."""


class File(NamedTuple):
    """A file to write: where, its bytes, its mode (wrapgen's own, never read from a disk)."""

    path: str
    data: bytes
    mode: int


class Plan:
    """What a command will do, computed without touching any output: files, the stdout payload, messages."""

    def __init__(self, files: list[File] | None = None, stdout: bytes = b"", messages: list[str] | None = None) -> None:
        self.files: list[File] = files if files is not None else []
        self.stdout = stdout
        self.messages: list[str] = messages if messages is not None else []
        """Lines for stderr (warnings, summaries), each ending in a newline."""

    def check(self) -> None:
        """What can be known wrong before anything is written."""
        if sum(file.path == STDOUT for file in self.files) + bool(self.stdout) > 1:
            raise OutputError("two outputs go to stdout (-o -, and the printed payload): send one to a file")
        for file in self.files:
            if not file.path:
                raise OutputError("cannot write to an empty path")
            if file.path.endswith("/") or os.path.basename(file.path) in (".", ".."):
                raise OutputError(f"cannot write {file.path}: it names a directory", "name the file")
        written: dict[str, str] = {}  # each file itself (a symlink written through, as cp does) -> its path given
        for file in self.files:
            if file.path == STDOUT:
                continue
            real = os.path.realpath(file.path)
            if real in written:
                raise OutputError(f"{file.path} and {written[real]} are the same file")
            written[real] = file.path
        for real, path in written.items():
            for parent in Path(real).parents:
                if str(parent) in written:
                    raise OutputError(f"cannot write both {written[str(parent)]} and {path}, which would be in it")

    def describe(self) -> str:
        """What committing would write, for --dry-run."""
        from wrapgen.printable import printable

        lines = []
        for file in self.as_data():
            what = f"mode {file['mode']}, {file['bytes']} bytes, sha256 {file['sha256']}"
            lines.append(f"would write {printable(str(file['path']))} ({what})\n")
        if self.stdout:
            lines.append(f"would print {len(self.stdout)} bytes on stdout (below)\n")
        return "".join(lines)

    def as_data(self) -> list[dict[str, object]]:
        """Each file as describe says it: path, mode (octal text), size in bytes, sha256 in hex."""
        import hashlib  # only here: it costs every other run's start-up

        return [{"path": file.path, "mode": f"{file.mode:04o}", "bytes": len(file.data),
                 "sha256": hashlib.sha256(file.data).hexdigest()} for file in self.files]  # fmt: skip


class _Target:
    """A file of the plan and where it goes; `in_place`: a device or a FIFO, written into, never replaced."""

    def __init__(self, file: File, resolved: Path, in_place: bool) -> None:
        self.file, self.resolved, self.in_place = file, resolved, in_place
        self.temp: str | None = None


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise while the plan is written, so that its temporary files are removed."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Interrupted(signum)

    saved = {sig: signal.signal(sig, handler) for sig in _SIGNALS}
    try:
        yield
    finally:
        for sig, old in saved.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Those signals held back until the block ends: a directory or temporary file made is recorded (for the
    clean-up) before a signal can land, and the renames, once begun, all end."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _target(file: File) -> _Target:
    """Where a file goes: a symlink written through to its target (as cp does); a device or FIFO in place."""
    resolved = Path(os.path.realpath(file.path))
    try:
        mode = resolved.stat().st_mode
    except FileNotFoundError:
        return _Target(file, resolved, in_place=False)
    except OSError as error:
        raise OutputError(f"cannot write {file.path}: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise OutputError(f"cannot write {file.path}: it is a directory")
    return _Target(file, resolved, in_place=stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode))


def write_stdout(data: bytes) -> None:
    """Print on stdout; a full disk or a closed pipe is an OutputError (one line), not a traceback at exit."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except OSError as error:
        # What is left in the buffer would fail again when Python flushes it at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise OutputError(f"cannot write to stdout: {error.strerror or error}") from None


def commit(plan: Plan) -> None:
    """Write the plan: every destination checked first, missing directories made, every regular file written to
    a temporary file beside it and renamed over it; a device or FIFO written in place; then the messages on
    stderr and the payload on stdout. A failure or a signal leaves no file and no directory of the plan's behind
    (a device already written to stays so)."""
    plan.check()
    targets = [_target(file) for file in plan.files if file.path != STDOUT]
    made: list[Path] = []
    try:
        with _signals_raise():
            _write_all(targets, made)
    except _Interrupted as interrupted:
        _clean(targets, made)
        raise SystemExit(128 + interrupted.signum) from None
    except OSError as error:
        _clean(targets, made)
        raise OutputError(f"cannot write: {error.strerror or error}") from None
    except BaseException:
        _clean(targets, made)
        raise
    sys.stderr.write("".join(plan.messages))
    for file in plan.files:
        if file.path == STDOUT:
            write_stdout(file.data)
    if plan.stdout:
        write_stdout(plan.stdout)


def _write_all(targets: list[_Target], made: list[Path]) -> None:
    """Every file beside its place (the directories it needs made, recorded in `made`), devices and FIFOs written
    in place, then the renames: once begun, they all end (a signal is taken after them)."""
    for target in targets:
        if not target.in_place:
            _make_parents(target.resolved.parent, made, target.file.path)
            _write_temp(target)
    for target in targets:
        if target.in_place:
            _write_in_place(target)
    with _signals_held():
        for target in targets:
            if target.temp is not None:
                os.replace(target.temp, target.resolved)
                target.temp = None


def _make_parents(directory: Path, made: list[Path], shown: str) -> None:
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        try:
            with _signals_held():
                path.mkdir()
                made.append(path)
        except OSError as error:
            raise OutputError(f"cannot write {shown}: cannot make {path}: {error.strerror}") from None


TEMP_NAME = 200
"""Bytes of a file's name that its temporary file's name (".NAME.XXXXXXXX.tmp") keeps."""


def _write_temp(target: _Target) -> None:
    """The file's bytes and mode in a temporary file beside it, recorded in `target.temp` (commit removes it on
    failure)."""
    try:
        with _signals_held():  # the descriptor too: a signal leaves no file open
            # Named after the file, cut so that the temporary name fits where the file's own does (NAME_MAX).
            name = os.fsdecode(os.fsencode(target.resolved.name)[:TEMP_NAME])
            fd, target.temp = tempfile.mkstemp(dir=target.resolved.parent, prefix=f".{name}.", suffix=".tmp")
            stream = os.fdopen(fd, "wb")
        with stream:
            stream.write(target.file.data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(target.temp, target.file.mode)
    except OSError as error:
        raise OutputError(f"cannot write {target.file.path}: {error.strerror}") from None


def _write_in_place(target: _Target) -> None:
    try:
        with open(target.resolved, "wb") as stream:
            stream.write(target.file.data)
    except OSError as error:
        raise OutputError(f"cannot write {target.file.path}: {error.strerror}") from None


def _clean(targets: list[_Target], made: list[Path]) -> None:
    for target in targets:
        if target.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(target.temp)
    for directory in reversed(made):
        with contextlib.suppress(OSError):
            directory.rmdir()


def write_file(path: str, data: bytes, mode: int) -> None:
    """One file, written as a plan of its own."""
    commit(Plan(files=[File(path, data, mode)]))


def print_text(text: str) -> None:
    """Text on stdout (bytes that are not UTF-8 kept as they came); a write error in one line, as write_stdout."""
    write_stdout(text.encode("utf-8", "surrogateescape"))


def json_text(data: object) -> str:
    """JSON in UTF-8: a byte that is not UTF-8 (a path's, a file's) written as an escape (raw, it was not JSON)."""
    import json

    from wrapgen.printable import surrogates_escaped

    return surrogates_escaped(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
