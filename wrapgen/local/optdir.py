"""Layers as Lambda puts them at /opt: their zips unpacked, in the function's order, into one directory, a later
layer's file over an earlier one's. It is what the sandbox shows a function's wrappers at /opt (attach's chain
check), so a wrapper finds the files of its layer (an agent, a library, a second script) where Lambda puts them.

Each zip is read first with wrapgen's safe reader (wrapgen.zipread: bombs, sizes, member count, encryption), and
all together are held to Lambda's 250 MB unzipped. A member named absolutely or with `..` is refused; a symbolic
link is left out (written, a later member could be written through it, out of the directory); no mode but the
exec bits is kept.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import zipfile
from collections.abc import Sequence

from wrapgen.errors import InvalidValue
from wrapgen.layer import UNZIPPED_LIMIT
from wrapgen.printable import printable
from wrapgen.zipread import read_zip


def unpack(layers: Sequence[tuple[str, bytes]], target: str) -> None:
    """Unpack each (name, zip) into the directory `target`, in order; InvalidValue names the layer and member."""
    total = 0
    for name, data in layers:
        members = list(read_zip(data, name))
        total += sum(member.size for member in members)
        if total > UNZIPPED_LIMIT:
            raise InvalidValue(f"the layers unzip to more than {UNZIPPED_LIMIT} bytes, Lambda's limit")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in members:
                _write(archive, member.info, target, name)


def _write(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: str, name: str) -> None:
    parts = [part for part in info.filename.split("/") if part]
    if info.filename.startswith("/") or ".." in parts or "\0" in info.filename or not parts:
        raise InvalidValue(printable(f"{name}: member {info.filename!r}: not a path inside /opt"))
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return
    path = os.path.join(target, *parts)
    try:
        if info.is_dir():
            os.makedirs(path, exist_ok=True)
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.lexists(path):
            os.unlink(path)  # a later layer's file over an earlier one's (a directory there: IsADirectoryError)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o755 if mode & 0o111 else 0o644)
        with archive.open(info) as source, open(fd, "wb") as out:
            shutil.copyfileobj(source, out)
    except OSError as error:
        raise InvalidValue(printable(f"{name}: member {info.filename!r}: cannot be unpacked at /opt: "
                                     f"{error.strerror}")) from None  # fmt: skip


def put(target: str, files: Sequence[tuple[str, str]]) -> None:
    """Each (host file, path under /opt) copied into the unpacked layers at that path, mode 0755, over what a layer
    has there (a wrapper explained or tried beside the layers it needs)."""
    for source, place in files:
        path = os.path.join(target, place.removeprefix("/opt/"))
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if os.path.lexists(path):
                os.unlink(path)
            shutil.copyfile(source, path)
            os.chmod(path, 0o755)
        except OSError as error:
            raise InvalidValue(
                printable(f"{place}: cannot be put at /opt beside the layers: {error.strerror}")
            ) from None


def read_layer(path: str, option: str) -> tuple[str, bytes]:
    """A layer zip named on the command line: a regular file, at most Lambda's 250 MB (what a layer unzips to)."""
    from wrapgen.files import read_regular

    return f"{option} {path}", read_regular(path, UNZIPPED_LIMIT, f"{option} {path}")


def refused_unsandboxed(zips: Sequence[tuple[str, bytes]], sandboxed: bool) -> None:
    """Layers are shown at /opt only in the sandbox (without one, /opt is this machine's)."""
    if zips and not sandboxed:
        raise InvalidValue(f"{zips[-1][0]}: layers are unpacked at /opt in the sandbox", "leave out --no-sandbox")
