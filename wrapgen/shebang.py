"""A #! line as Linux reads it (fs/binfmt_script.c): the interpreter, then at most one argument, the rest of the
line whole, spaces and all; a \\r is part of a name; the first 255 bytes are read (an argument past them is cut,
an interpreter is not found)."""

from __future__ import annotations

import os
import re

LINE_MAX = 255
"""Bytes of a #! line Linux reads (BINPRM_BUF_SIZE, 256, with the newline)."""
_SHELLS = frozenset({"bash", "sh", "dash", "ash", "ksh", "zsh"})
_LINE = re.compile(rb"#![ \t]*([^ \t]*)[ \t]*(.*?)[ \t]*", re.DOTALL)


def parse(head: bytes) -> tuple[str, str | None] | None:
    """The interpreter and its one argument (None: none) of a file that starts with #!; None for another file."""
    if not head.startswith(b"#!"):
        return None
    match = _LINE.fullmatch(head.split(b"\n", 1)[0])
    assert match is not None  # every line matches
    interpreter, argument = (os.fsdecode(group) for group in match.groups())
    return interpreter, argument or None


def problem(head: bytes) -> str | None:
    """Why exec of a file with this #! line fails, where it does; None where Linux starts its interpreter."""
    parsed = parse(head)
    if parsed is None:
        return None
    interpreter, argument = parsed
    first = head[: LINE_MAX + 1]
    if b"\n" not in first and len(head) > LINE_MAX and not re.match(rb"#![ \t]*[^ \t]+[ \t]", first):
        return f"its interpreter's path runs past the {LINE_MAX} bytes of a #! line Linux reads"
    if not interpreter:
        return "its #! line names no interpreter"
    if "\r" in interpreter or (argument and "\r" in argument):
        return f"its #! line holds a \\r (a CR line ending): Linux looks for the interpreter {interpreter!r}"
    if not interpreter.startswith("/"):
        return f"its interpreter {interpreter!r} is not an absolute path: Linux looks for it in the current directory"
    name = os.path.basename(interpreter)
    if argument and re.search(r"[ \t]", argument) and not argument.startswith("-S"):
        if name == "env":
            return f"env is given {argument!r} as one name (Linux passes one argument): use 'env -S' or one word"
        if name in _SHELLS:
            return f"{name} is given {argument!r} as one option (Linux passes one argument): give one"
    return None
