"""Lambda layer zips: built byte-identically every time, with the modes Lambda needs, and read back.

A layer is unpacked into /opt. A zip keeps Unix modes only when each entry says it was made on Unix
(create_system 3) and carries the mode in the high 16 bits of external_attr; everything about an entry
comes from wrapgen's own knowledge, never from the disk: sorted names, one fixed date, no directory entries,
no extra fields, text with LF line endings and no BOM.
"""

from __future__ import annotations

import bisect
import os
import stat
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from wrapgen.errors import InvalidValue
from wrapgen.files import open_regular, read_fd

EPOCH = (1980, 1, 1, 0, 0, 0)
ZIPPED_LIMIT = 50 * 1024 * 1024
"""Bytes of a zip uploaded directly to Lambda."""
UNZIPPED_LIMIT = 250 * 1024 * 1024
"""Bytes of a function and all its layers, unzipped."""
WRAPPER_DIR = "wrapgen"
"""Where wrapgen puts wrappers in a layer: /opt/wrapgen. Never /opt/extensions, whose files Lambda runs."""
EXTENSIONS_DIR = "extensions"
NAME_MAX, PATH_MAX = 255, 4096
"""Linux's limits on a file name's bytes and a path's (with its NUL), which Lambda unpacks /opt under."""


def in_opt(path: str) -> str:
    """Where a layer's file lands in the function: layers unpack into /opt."""
    return "/opt/" + path


def wrapper_file(name: str) -> str:
    """The wrapper's path inside a layer."""
    return f"{WRAPPER_DIR}/{name}"


def wrapper_path(name: str) -> str:
    """The wrapper's path in the function: the value for AWS_LAMBDA_EXEC_WRAPPER."""
    return in_opt(wrapper_file(name))


class LayerFile(NamedTuple):
    """One file of a layer: its path under /opt, its bytes, its mode."""

    path: str
    data: bytes
    mode: int
    source: str | None = None
    """Where it came from on this machine, for an included file."""


class Layer(NamedTuple):
    data: bytes
    files: tuple[LayerFile, ...]

    @property
    def sha256_hex(self) -> str:
        import hashlib  # only for a layer: it costs every other run's start-up

        return hashlib.sha256(self.data).hexdigest()

    @property
    def sha256_base64(self) -> str:
        """What Terraform's filebase64sha256() gives, for source_code_hash."""
        import base64
        import hashlib

        return base64.b64encode(hashlib.sha256(self.data).digest()).decode()


def normalise_text(data: bytes) -> bytes:
    """Text (UTF-8, no NUL) with LF line endings and no BOM; anything else exactly as it is."""
    if b"\0" in data:
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")


def check_path(path: str) -> str:
    """A path inside the layer (under /opt) for a file wrapgen adds, given with or without /opt/."""
    relative = path.removeprefix("/opt/")
    check_member(relative, path)
    if relative.split("/")[0] == EXTENSIONS_DIR:
        raise InvalidValue(
            f"layer path {path!r} is under /opt/extensions, whose every file Lambda starts as an extension"
        )
    return relative


def check_member(relative: str, shown: str) -> None:
    """A member's path in a layer: plain (under /opt, no . or ..), printable UTF-8, short enough for Linux."""
    parts = relative.split("/")
    if not relative or relative.startswith("/") or any(part in {"", ".", ".."} for part in parts):
        raise InvalidValue(f"layer path {shown!r} is not a plain path under /opt", "e.g. wrapgen/preload.js")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF for ch in relative):
        raise InvalidValue(
            f"layer path {shown!r} holds a control character or bytes that are not UTF-8",
            "a zip names its files in UTF-8 text",
        )
    _check_length(relative)


TOO_LONG = f"cannot be unpacked on Linux: a name has at most {NAME_MAX} bytes, a path fewer than {PATH_MAX}"


def too_long(path: str) -> bool:
    """Whether Linux cannot unpack this path under /opt (a zip can hold one of 64 KiB)."""
    longest = max(len(part.encode("utf-8", "surrogateescape")) for part in path.split("/"))
    return longest > NAME_MAX or len(in_opt(path).encode("utf-8", "surrogateescape")) >= PATH_MAX


def _check_length(path: str) -> None:
    if too_long(path):
        raise InvalidValue(f"layer path {path[:60]!r}... {TOO_LONG}")


def path_clashes(paths: Iterable[str]) -> list[str]:
    """Paths that are files and also directories of other paths (`wrapgen` beside `wrapgen/x`): unzip fails.
    Found in sorted order (a path's children follow `path/`), never by listing every parent of every path, which
    took gigabytes for a zip of deep paths."""
    files = sorted(set(paths))
    clashes = []
    for path in files:
        after = bisect.bisect_left(files, path + "/")
        if after < len(files) and files[after].startswith(path + "/"):
            clashes.append(path)
    return clashes


def build_layer(files: Sequence[LayerFile]) -> Layer:
    """The zip of these files: the same files give the same bytes, on any machine with the same zlib."""
    seen: set[str] = set()
    for file in files:
        _check_length(file.path)
        if file.path in seen:
            raise InvalidValue(f"layer path {file.path!r} is given twice")
        seen.add(file.path)
    for clash in path_clashes(seen):
        raise InvalidValue(f"layer path {clash!r} is a file and a directory: the layer could not be unzipped")
    unzipped = sum(len(file.data) for file in files)
    if unzipped > UNZIPPED_LIMIT:
        raise InvalidValue(f"the layer unzips to {unzipped} bytes; Lambda allows {UNZIPPED_LIMIT} in all")
    import io
    import zipfile  # only for a layer: it costs every other run's start-up

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(files, key=lambda f: f.path):
            info = zipfile.ZipInfo(file.path, date_time=EPOCH)
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | file.mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.data, compresslevel=9)
    data = buffer.getvalue()
    if len(data) > ZIPPED_LIMIT:
        raise InvalidValue(f"the layer zip is {len(data)} bytes; Lambda allows {ZIPPED_LIMIT} for a direct upload")
    return Layer(data, tuple(sorted(files, key=lambda f: f.path)))


def include_files(includes: Sequence[str], executables: Sequence[str]) -> list[LayerFile]:
    """`SRC=DEST` items: the file at SRC on this machine, at DEST under /opt; 0755 for `executables`, else 0644.

    Only regular files: a FIFO, a device or a directory is refused before anything is read (opened without
    blocking, then looked at), and every size is checked against Lambda's limit before any file is read, each read
    bounded by its size (a file that grows, or is replaced, while it is read is refused, not followed). One file is
    open at a time (a thousand includes ran out of descriptors).
    """
    items = [(item, False) for item in includes] + [(item, True) for item in executables]
    wanted = []
    for item, executable in items:
        option = "--include-exec" if executable else "--include"
        source, sep, dest = item.rpartition("=")
        if not sep or not source or not dest:
            raise InvalidValue(f"{option} {item!r} is not SRC=DEST", "e.g. preload.js=wrapgen/preload.js")
        fd, size = open_regular(source, f"{option} {source}")
        identity = _identity(fd)
        os.close(fd)
        wanted.append((option, source, check_path(dest), size, identity, executable))
    total = sum(size for _, _, _, size, _, _ in wanted)
    if total > UNZIPPED_LIMIT:
        raise InvalidValue(f"the included files take {total} bytes; Lambda allows {UNZIPPED_LIMIT} unzipped")
    files = []
    for option, source, dest, size, identity, executable in wanted:
        shown = f"{option} {source}"
        fd, now = open_regular(source, shown)
        try:
            data = read_fd(fd, size + 1, shown) if (now, _identity(fd)) == (size, identity) else None
        finally:
            os.close(fd)
        if data is not None and len(data) > size == 0:
            raise InvalidValue(f"{shown}: its size says 0 bytes, and it holds more (a /proc file?)",
                               "copy it to a file first")  # fmt: skip
        if data is None or len(data) != size:
            raise InvalidValue(f"{shown}: it changed while it was read")
        files.append(LayerFile(dest, normalise_text(data), 0o755 if executable else 0o644, source))
    return files


def _identity(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def missing_references(paths: Sequence[str], files: Sequence[LayerFile]) -> list[str]:
    """Of these absolute paths, those under /opt that the layer does not hold."""
    held = {in_opt(file.path) for file in files}
    return [path for path in paths if path.startswith("/opt/") and path not in held]
