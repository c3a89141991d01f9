"""Bash quoting: the one way any value enters a generated script.

`word` gives a single bash word that expands to exactly the given text. Plain text is quoted by
`shlex.quote`. Other text is written as ANSI-C `$'...'` (bash 4.2 reads it too) with each special
character as `\\xHH`: control characters, since a newline could end a comment line and start code;
bytes that are not UTF-8; and the characters in _ESCAPED, which shellcheck and bashate read as code even
inside quotes (`'$HOME'`, `$[`, `<<EOF`, ` #`, `[ >`), so that a script lints clean whatever its values.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from collections.abc import Iterable, Sequence

READONLY = frozenset({"BASHOPTS", "BASH_VERSINFO", "EUID", "PPID", "SHELLOPTS", "UID"})
"""Variables bash will not let a script assign."""

_BASH_OWNED = frozenset(
    {"RANDOM", "SRANDOM", "SECONDS", "LINENO", "GROUPS", "SHLVL", "FUNCNAME", "OPTIND", "OPTARG", "OPTERR",
     "PIPESTATUS", "_", "HISTCMD", "BASHPID", "DIRSTACK", "IFS", "PWD", "OLDPWD", "REPLY"}
)  # fmt: skip
_BASH_OWNED_PREFIXES = ("BASH_", "EPOCH", "COMP_")


def bash_owns(name: str) -> bool:
    """Whether bash sets, changes or reads this variable itself, so that a value given to a bash script does not
    reach the program it execs unchanged (RANDOM, SECONDS, SHLVL, BASH_ENV, EPOCHSECONDS, ...)."""
    return name in _BASH_OWNED or name in READONLY or name.startswith(_BASH_OWNED_PREFIXES)


class ShellCode(str):
    """Text that is already bash: emitted as it is by the renderer (everything else is quoted)."""


_KEYWORDS = frozenset(
    [
        "case",
        "coproc",
        "do",
        "done",
        "elif",
        "else",
        "esac",
        "fi",
        "for",
        "function",
        "if",
        "in",
        "select",
        "then",
        "time",
        "until",
        "while",
    ]
)
_ESCAPED = frozenset("$`\\'<#[")


def _plain(text: str) -> bool:
    return text.isprintable() and not _ESCAPED.intersection(text)


def _ansi_c(text: str, printable: bool = False) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or code == 0x7F or ch in _ESCAPED:
            out.append(f"\\x{code:02x}")
        elif printable and not ch.isprintable():  # C1 controls, separators, bidi: \u, as bash reads them in UTF-8
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "$'" + "".join(out) + "'"


def word(text: str) -> ShellCode:
    """One bash word that expands to exactly `text`."""
    if not _plain(text):
        return ShellCode(_ansi_c(text))
    quoted = shlex.quote(text)
    # Valid bash that shellcheck reads as a mistake: `x==y` (a mistyped comparison), `x=then` (a keyword).
    if quoted.startswith("=") or quoted in _KEYWORDS:
        return ShellCode(f"'{text}'")
    return ShellCode(quoted)


def always_quoted(quoted: ShellCode) -> ShellCode:
    """A word that `word` or `fold` wrote, in quotes even where it is plain, for where a plain word reads as code
    to the linters: at the start of a line (bashate's `function...`; in a comment, a `# shellcheck` directive), or
    with a comma in an array literal (shellcheck's SC2054). A plain word needs no quotes: it is its own text."""
    return quoted if quoted.startswith(("'", "$'")) else ShellCode(f"'{quoted}'")


def words(texts: Iterable[str]) -> ShellCode:
    """Several words, separated by spaces (for an array literal or a command line)."""
    return ShellCode(" ".join(word(text) for text in texts))


def printable_words(texts: Iterable[str]) -> str:
    """A command line to print on a terminal, which bash in a UTF-8 locale runs with exactly `texts`: every
    character that is not printable in an escape (a generated script keeps those raw: in bash's $'\\u' they
    depend on the locale)."""
    return " ".join(word(text) if text.isprintable() else _ansi_c(text, printable=True) for text in texts)


def fold(text: str, width: int) -> list[ShellCode]:
    """Words of at most `width` characters (one character's word may be longer) that concatenate to `text`."""
    chunks: list[ShellCode] = []
    start = 0
    while True:
        stop = min(start + 1, len(text))
        while stop < len(text) and len(word(text[start : stop + 1])) <= width:
            stop += 1
        chunks.append(word(text[start:stop]))
        start = stop
        if start >= len(text):
            return chunks


def assignment(name: str, text: str, width: int = 79, export: bool = False) -> ShellCode:
    """Lines that set the bash variable `name` to `text` (`name=` then `name+=`), none over `width`.

    With `export`, the first line is `export name=...`: shellcheck reads quotes in an exported value as
    data there, where a bare assignment followed by `export name` looks to it like misplaced quoting.
    """
    first_prefix = ("export " if export else "") + name + "="
    first, *rest = fold(text, max(8, width - max(len(first_prefix), len(name) + 2)))
    return ShellCode("\n".join([first_prefix + first, *(f"{name}+={chunk}" for chunk in rest)]))


def continued(groups: Sequence[Sequence[str]], prefix: str = "", width: int = 79) -> ShellCode:
    """A command line, one group of words a line, continued with backslash-newline, every line `prefix`ed.

    A last word too long for its line is cut into quoted pieces on lines of their own, with no indent,
    that bash joins back into one word (`'ab'\\` then `'cd'`).
    """
    one_line = prefix + " ".join(word(text) for group in groups for text in group)
    if len(one_line) <= width:
        return ShellCode(one_line)
    rendered: list[str] = []
    for index, group in enumerate(groups):
        indent = "" if index == 0 else "    "
        line = indent + " ".join(word(text) for text in group)
        if len(prefix) + len(line) + 2 > width and group:
            head = indent + "".join(word(text) + " " for text in group[:-1])
            pieces = fold(group[-1], max(8, width - len(prefix) - len(head) - 2))
            # A comment that starts with `shellcheck` is a directive to shellcheck, which fails to parse it.
            pieces[1:] = [always_quoted(p) if p.startswith("shellcheck") else p for p in pieces[1:]]
            line = head + pieces[0] + "".join(f"\\\n{prefix}{piece}" for piece in pieces[1:])
        rendered.append(prefix + line)
    return ShellCode(" \\\n".join(rendered))


def array_assignment(name: str, items: Sequence[str], width: int = 79) -> ShellCode:
    """Lines that set the bash array `name` to `items`, several words a line, none over `width`.

    An item too long for a line goes in as its first piece, then `name[INDEX]+=PIECE` lines.
    """
    lines: list[str] = []
    packed: list[str] = []

    def flush() -> None:
        lines.append(f"{name}{'+=' if lines else '='}({' '.join(packed)})")
        packed.clear()

    budget = max(8, width - len(name) - 12)
    for index, item in enumerate(items):
        first, *rest = fold(item, budget)
        if "," in first:  # shellcheck reads a plain `a,b` in an array literal as a mistake for `a b` (SC2054)
            first = always_quoted(first)
        if packed and len(name) + 4 + len(" ".join([*packed, first])) > width:
            flush()
        packed.append(first)
        if rest:
            flush()
            lines.extend(f"{name}[{index}]+={piece}" for piece in rest)
    if packed or not lines:
        flush()
    return ShellCode("\n".join(lines))


def comment(text: str, width: int = 79) -> ShellCode:
    """`text` as `# ` comment lines (wrapgen's own prose only: it must be printable)."""
    if not text.isprintable():
        raise ValueError(f"comment text must be printable: {text!r}")
    return ShellCode(
        "\n".join(textwrap.wrap(text, width, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False))
    )


_ANSI_C = re.compile(r"\$'((?:[^'\\]|\\x[0-9a-fA-F]{2})*)'")


def split_words(text: str) -> list[str]:
    """The words of a command line that `words` or `continued` wrote (the inverse of quoting, never bash)."""

    def plain(match: re.Match[str]) -> str:
        pieces = re.split(r"\\x([0-9a-fA-F]{2})", match[1])  # text, hex, text, hex, ..., text
        raw = b"".join(bytes([int(p, 16)]) if i % 2 else p.encode() for i, p in enumerate(pieces))
        return shlex.quote(raw.decode("utf-8", "surrogateescape"))

    return split(_ANSI_C.sub(plain, text.replace("\\\n", "")))


# shlex.split's POSIX rules as one pattern: a single-quoted, a double-quoted or a backslash-escaped piece, a run of
# plain characters, a run of the separators, or a quote or backslash that nothing closes or follows.
_PIECE = re.compile(r"""'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)|([^ \t\r\n'"\\]+)|([ \t\r\n]+)|(.)""", re.DOTALL)
_IN_DOUBLE = re.compile(r'\\(["\\])')


def split(text: str) -> list[str]:
    """shlex.split(text), in time linear in the text: shlex builds a word a character at a time, which takes a
    minute for a word of a megabyte (a header's value, a --flag). ValueError where shlex raises it."""
    words: list[str] = []
    word: list[str] | None = None
    for match in _PIECE.finditer(text):
        single, double, escaped, bare, separator, unclosed = match.groups()
        if separator is not None:
            if word is not None:
                words.append("".join(word))
            word = None
        elif unclosed is not None:
            raise ValueError("No escaped character" if unclosed == "\\" else "No closing quotation")
        else:
            if word is None:
                word = []
            if double is not None:
                word.append(_IN_DOUBLE.sub(r"\1", double))
            else:
                word.append(next(piece for piece in (single, escaped, bare) if piece is not None))
    if word is not None:
        words.append("".join(word))
    return words
