"""Paths and values for Dockerfile lines, written as BuildKit reads them, or refused where it cannot take them.

BuildKit decodes an exec-form (JSON) COPY, then passes every string through its shell-word lexer
(moby/buildkit frontend/dockerfile/shell/lex.go, ProcessWord; dockerfile2llb's dispatch expands each COPY
source and destination so): `$NAME` and `${NAME:-x}` expand, the escape character (`\\`, or another one a
`# escape=` line chooses) escapes, quotes go. An ENV value takes the same lexer after the parser's own split
(parser/line_parsers.go parseWords), which honours the same quotes. Between single quotes the lexer takes every
character as it is, whatever the escape character: a word that is not plain is written so, a `'` in it as
`'"'"'` (a double-quoted `'` is literal too). The JSON string holds that word, its non-ASCII as \\u escapes.

A COPY source is read further, and what those readings cannot represent is refused:
- BuildKit cleans it inside the build context (dockerfile2llb dispatchCopy: filepath.Join("/", src)): a `..`
  would name a path from the context's top, and an empty path or `.` the whole context.
- It is a pattern: `*`, `?` and `[` are wildcards, `\\` their escape (tonistiigi/fsutil copy: containsWildcards,
  filepath.Match; the context transfer's include filter reads the path so too, so a literal backslash is never
  sent: "not found"). `[*]` would match the file, but makes the source a pattern, and a pattern that matches
  nothing copies nothing without an error (dispatchCopy: AllowEmptyWildcard): an image without the wrapper.
- It is sent back to the client in a gRPC header, the include paths of the context transfer
  (session/filesync: followpaths; encodeStringForHeader URL-encodes text with non-ASCII only), and a header
  value holds no control character (HTTP/2; grpc-go's validatePair takes 0x20-0x7E only): the build fails.
A destination is only a word: any character a file name can hold reaches the image (tests/test_dockerfile.py
builds them with BuildKit).
"""

from __future__ import annotations

import re

from wrapgen.errors import InvalidValue
from wrapgen.printable import utf8

_PLAIN = re.compile(r"[A-Za-z0-9_./+,:@%=~-]+")
"""Text the lexer reads as it is, unquoted or between double quotes: no `$`, quote, escape character or space."""
_WILDCARDS = "*?["
_MISSING = "would copy nothing, without an error, were the file missing"


def word(text: str) -> str:
    """`text` as one word of BuildKit's shell lexer: plain text as it is, any other between single quotes."""
    if _PLAIN.fullmatch(text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _utf8(what: str, text: str) -> None:
    """A Dockerfile is UTF-8 text, and a file name cannot hold NUL."""
    utf8(text, f"--dockerfile: {what} {text!r}")
    if "\0" in text:
        raise InvalidValue(f"--dockerfile: {what} {text!r} holds NUL, which no file name can")


def copy_source(path: str) -> str:
    """A COPY source (relative to the build context) as the word that makes BuildKit read exactly `path`."""
    _utf8("COPY source", path)
    what = f"--dockerfile: COPY source {path!r} holds"
    for char in path:
        if ord(char) < 0x20 or char == "\x7f":
            raise InvalidValue(f"{what} {char!r} (U+{ord(char):04X}), a control character: BuildKit asks for its"
                               " sources in a gRPC header, which cannot carry one", "rename the file")  # fmt: skip
        if char == "\\":
            raise InvalidValue(f"{what} '\\\\', which BuildKit's transfer of the build context reads as an"
                               f" escape: the file would not reach the build ([\\\\] {_MISSING})",
                               "rename the file")  # fmt: skip
        if char in _WILDCARDS:
            raise InvalidValue(f"{what} {char!r}, a wildcard in a COPY source: BuildKit would copy every file it"
                               f" matches ([{char}] {_MISSING})", "rename the file")  # fmt: skip
    parts = [part for part in path.split("/") if part not in {"", "."}]
    if ".." in parts:
        raise InvalidValue(f"{what} '..': BuildKit reads a source inside the build context, from its top (../x is"
                           " the context's x)")  # fmt: skip
    if not parts:
        raise InvalidValue(f"--dockerfile: COPY source {path!r} names no file: BuildKit would copy the whole context")
    return word(path)


def copy_destination(path: str) -> str:
    """A COPY destination (an absolute path in the image) as the word that makes BuildKit read exactly `path`."""
    _utf8("COPY destination", path)
    if not path.startswith("/") or any(part in {"", ".", ".."} for part in path[1:].split("/")):
        # BuildKit cleans it (path.Join), and a trailing / makes it a directory.
        raise InvalidValue(f"--dockerfile: COPY destination {path!r} is not a plain absolute path")
    return word(path)


def env_value(text: str) -> str:
    """An ENV value: plain text between double quotes, any other as a lexer word. The line is not JSON: a control
    character would stand in it as it is (a newline would end it)."""
    _utf8("ENV value", text)
    for char in text:
        if not char.isprintable():
            raise InvalidValue(f"--dockerfile: ENV value {text!r} holds {char!r} (U+{ord(char):04X}), which an"
                               " ENV line cannot carry")  # fmt: skip
    return f'"{text}"' if _PLAIN.fullmatch(text) else word(text)
