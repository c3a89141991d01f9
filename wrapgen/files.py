"""Reading a file the user named, safely: only a regular file (a FIFO, a device or a directory is refused before
anything is read: opened without blocking, then looked at), and never more than a limit."""

from __future__ import annotations

import os
import stat

from wrapgen.errors import InvalidValue


def open_regular(path: str, what: str) -> tuple[int, int]:
    """An open descriptor of the regular file at `path` and its size; `what` names it in errors (e.g. --include)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise InvalidValue(f"{what}: {error.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InvalidValue(f"{what}: not a regular file")
    return fd, info.st_size


def read_fd(fd: int, most: int, what: str) -> bytes:
    """Up to `most` bytes of an open file; `what` names it in errors (a regular file can fail to read: /proc's)."""
    chunks = []
    try:
        while most > 0:
            chunk = os.read(fd, min(most, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            most -= len(chunk)
    except OSError as error:
        raise InvalidValue(f"{what}: cannot read: {error.strerror}") from None
    return b"".join(chunks)


def read_start(path: str, most: int) -> tuple[bytes, int]:
    """The first `most` bytes of the regular file at `path`, and its permission bits."""
    fd, _ = open_regular(path, path)
    try:
        return read_fd(fd, most, path), stat.S_IMODE(os.fstat(fd).st_mode)
    finally:
        os.close(fd)


def read_regular(path: str, limit: int, what: str | None = None) -> bytes:
    """The bytes of the regular file at `path`, refused if it holds more than `limit`."""
    shown = what or path
    fd, size = open_regular(path, shown)
    try:
        if size > limit:
            raise InvalidValue(f"{shown}: {size} bytes, more than wrapgen reads ({limit})")
        data = read_fd(fd, limit + 1, shown)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InvalidValue(f"{shown}: more than wrapgen reads ({limit} bytes)")
    return data
