"""Reading a command line by an interpreter's option grammar (the rules live in runtimes.Grammar).

The generated bash script applies the same rules at run time (templates/wrapper.sh.j2); the tests hold
the two to each other on every fixture vector and on random ones.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from wrapgen.runtimes import Grammar


class Kind(enum.Enum):
    OPTION = "option"
    """An option, with its value when the value is a separate element."""
    PROGRAM = "program"
    """The element where the program starts: flags go before it."""
    AFTER = "after"
    """An element that flags go right after (dotnet's `exec`)."""


class Token(NamedTuple):
    start: int
    stop: int
    """One past the last element; past the end of the vector when an option lacks its value."""
    kind: Kind


def _bundle(grammar: Grammar, arg: str) -> tuple[Kind, int]:
    """Read `-abc`: its kind, and its width in elements."""
    for j, letter in enumerate(arg[1:], start=1):
        if letter in grammar.short_program:
            return Kind.PROGRAM, 1
        if letter in grammar.short_value:
            return Kind.OPTION, (2 if j == len(arg) - 1 else 1)
        if letter in grammar.short_attached:
            return Kind.OPTION, 1
    return Kind.OPTION, 1


def classify(grammar: Grammar, arg: str) -> tuple[Kind, int]:
    """What one element is, and how many elements it spans (2 for an option with a separate value)."""
    if arg in grammar.after_options:
        return Kind.AFTER, 1
    if arg in grammar.program_options or arg.startswith(grammar.program_prefixes):
        return Kind.PROGRAM, 1
    if arg in grammar.value_options:
        return Kind.OPTION, 2
    if arg.startswith("--"):
        return Kind.OPTION, 1
    if arg.startswith("-") and len(arg) > 1:
        if grammar.bundles:
            return _bundle(grammar, arg)
        return Kind.OPTION, 1
    return Kind.PROGRAM, 1


def scan(grammar: Grammar, argv: Sequence[str], start: int = 1) -> Iterator[Token]:
    """Tokens of argv from `start` up to and including the first that is not an option."""
    i = start
    while i < len(argv):
        kind, width = classify(grammar, argv[i])
        yield Token(i, i + width, kind)
        if kind is not Kind.OPTION:
            return
        i += width


def insertion_index(grammar: Grammar, argv: Sequence[str]) -> int | None:
    """Where flags go in a runtime's vector (argv[0] is the interpreter), or None where no program is found."""
    for token in scan(grammar, argv):
        if token.kind is Kind.PROGRAM:
            return token.start
        if token.kind is Kind.AFTER:
            return token.stop
    return None
