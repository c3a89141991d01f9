"""The one function that writes files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from wrapgen.errors import OutputError


def write_file(path: str, data: bytes, mode: int) -> None:
    """Write `data` to `path` with `mode`, atomically: the old file, or the complete new one, never half."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory")
    directory = target.parent
    if not directory.is_dir():
        raise OutputError(f"cannot write {path}: directory {str(directory)!r} does not exist")
    try:
        fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        os.unlink(temp)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        os.unlink(temp)
        raise
