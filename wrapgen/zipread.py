"""Reading a zip that anyone may have made, in bounded memory, whatever it holds.

The path must be a regular file (a FIFO or a device is refused before anything is read, as layer.include_files
does), read where it lies, never loaded whole. Before anything is decompressed: the central directory's size
(zipfile parses it whole), the number of members, each member's declared size, the sum of the sizes and each
compression ratio are checked, and only stored and deflated members are read (zipfile inflates bzip2 and LZMA
with no bound on the output). Then each member is streamed in chunks, of which only its first HEAD bytes are
kept, and never past its declared size. Whatever zipfile or zlib raises on a damaged, truncated, encrypted or
unsupported zip becomes one WrapgenError that names the file and the member.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from wrapgen.errors import InvalidValue
from wrapgen.header import HEADER_MAX
from wrapgen.layer import UNZIPPED_LIMIT
from wrapgen.printable import printable

MAX_MEMBERS = 20_000
"""Members of one zip. Big layers (numpy, pandas and scipy together) hold about 10,000 files; each member costs
zipfile and the report up to 2 KB: `wrapgen inspect` of 20,000 members with 150-byte names, each with 3 defects,
peaks at 62 MB."""
MAX_DIRECTORY = 4 * 1024 * 1024
"""Bytes of the central directory, which zipfile reads and parses whole before its members can be counted:
20,000 members with 150-byte names take 4 MB; 89,000 empty members fit in it, and peak at 56 MB."""
MAX_RATIO = 100
"""Unzipped bytes per zipped byte, over RATIO_GRACE: text and code compress 3 to 20 times; what compresses
more is padding, or a bomb (zip bombs are about 1,000:1, deflate's most). The limit of Apache POI's reader."""
RATIO_GRACE = 1024 * 1024
"""A member this small is never a bomb, whatever its ratio: the sum of all sizes is checked besides."""
HEAD = HEADER_MAX
"""Bytes kept of each member: its #! line, ELF magic and wrapgen header are at the top."""
CHUNK = 64 * 1024
READABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
"""What every zip tool reads; zipfile would inflate bzip2 and LZMA with no bound on the output."""
ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError, OverflowError, struct.error)
"""What zipfile raises on a damaged zip (RuntimeError: encrypted; NotImplementedError: unsupported)."""


@dataclass(frozen=True)
class Member:
    info: zipfile.ZipInfo
    head: bytes
    """Its first HEAD bytes (none for a directory)."""
    size: int
    """The bytes it unzips to, counted."""
    crlf: bool


def _check_directory(name: str, stream: BinaryIO) -> None:
    """The central directory's size and count, from the zip's end record, before zipfile reads it all. zipfile
    reads that record with a function of its own, not public: where a Python lacks it, zipfile's reading of the
    directory is bounded by the file's size only."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:
        return
    try:
        end = end_record(stream)
    except ERRORS as error:
        raise _error(name, None, error) from None
    if end is None:
        raise InvalidValue(printable(f"{name}: not a zip file"))
    entries, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if entries > MAX_MEMBERS or size > MAX_DIRECTORY:
        raise _too_many(name)


def read_zip(zip_file: str | bytes, name: str | None = None) -> Iterator[Member]:
    """Each member of the zip (a path, or the zip's bytes), in the order of its central directory; `name` names
    the zip in errors (default: its path, or "the zip")."""
    name = name or zip_name(zip_file)
    with _open(zip_file) as stream:
        _check_directory(name, stream)
        try:
            archive = zipfile.ZipFile(stream)
        except ERRORS as error:
            raise _error(name, None, error) from None
        with archive:
            _check(name, archive.infolist())
            for info in archive.infolist():
                try:
                    member = _read(archive, info)
                except ERRORS as error:
                    raise _error(name, info.filename, error) from None
                yield member


def zip_name(zip_file: str | bytes) -> str:
    """The zip as error messages name it."""
    return zip_file if isinstance(zip_file, str) else "the zip"


def _open(zip_file: str | bytes) -> BinaryIO:
    """The zip's bytes as a file; a path only if it is a regular file (opened without blocking, then looked at)."""
    if isinstance(zip_file, bytes):
        return io.BytesIO(zip_file)
    try:
        fd = os.open(zip_file, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise InvalidValue(printable(f"{zip_file}: {error.strerror}")) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InvalidValue(printable(f"{zip_file}: not a regular file (a directory, a FIFO or a device)"))
    return os.fdopen(fd, "rb")


def _check(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse, before anything is decompressed, what zipfile cannot read within the limits."""
    if len(infos) > MAX_MEMBERS:
        raise _too_many(name)
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise _refused(name, info, "encrypted (wrapgen reads no password-protected zip; nor does Lambda)")
        if info.compress_type not in READABLE:
            raise _refused(name, info, f"compression method {info.compress_type} is not supported (only stored "
                                       "and deflated members are)")  # fmt: skip
        if total > UNZIPPED_LIMIT:
            raise _refused(name, info, f"the zip declares more than {UNZIPPED_LIMIT} bytes unzipped, Lambda's "
                                       "limit: a zip bomb?")  # fmt: skip
        if info.file_size > RATIO_GRACE and info.file_size > MAX_RATIO * info.compress_size:
            raise _refused(name, info, f"{info.file_size} bytes from {info.compress_size}, over {MAX_RATIO} times "
                                       "smaller zipped: a zip bomb?")  # fmt: skip


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Member:
    """The member streamed through: its head kept, its bytes counted, CRLF looked for across chunk boundaries."""
    if info.is_dir():
        return Member(info, b"", 0, False)
    head, size, crlf, after_cr = b"", 0, False, False
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            size += len(chunk)
            if size > info.file_size:
                raise zipfile.BadZipFile(f"it unzips to more than the {info.file_size} bytes its header declares")
            head += chunk[: HEAD - len(head)]
            crlf = crlf or b"\r\n" in chunk or (after_cr and chunk.startswith(b"\n"))
            after_cr = chunk.endswith(b"\r")
    if size != info.file_size:
        raise zipfile.BadZipFile(f"it unzips to {size} bytes, its header declares {info.file_size}")
    return Member(info, head, size, crlf)


def _error(name: str, member: str | None, error: Exception) -> InvalidValue:
    """What zipfile raised, as one line that names the file and the member."""
    what = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    what = what or ("its data ends early" if isinstance(error, EOFError) else type(error).__name__)
    if member is None and isinstance(error, zipfile.BadZipFile):
        return InvalidValue(printable(f"{name}: not a zip file: {what}"))
    kind = "unsupported" if isinstance(error, NotImplementedError) else "damaged"
    where = name if member is None else f"{name}: member {member!r}"
    return InvalidValue(printable(f"{where}: {kind}: {what}"))


def _refused(name: str, info: zipfile.ZipInfo, what: str) -> InvalidValue:
    return InvalidValue(printable(f"{name}: member {info.filename!r}: {what}"))


def _too_many(name: str) -> InvalidValue:
    return InvalidValue(printable(f"{name}: more than {MAX_MEMBERS} members or a central directory over "
                                  f"{MAX_DIRECTORY} bytes; wrapgen reads no bigger zip"))  # fmt: skip
