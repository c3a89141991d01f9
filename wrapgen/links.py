"""A chain's links: the wrappers that run before (--first) and after (--then) a wrapgen wrapper, what the known
vendor wrappers among them do that decides where they may stand, and the checks of a chain at generation.

Lambda has one AWS_LAMBDA_EXEC_WRAPPER; wrapgen's wrapper runs the chain. Each link gets the command line as the
link before left it, starting with a shim named as the interpreter (shipped beside the wrapper, rendered from
templates/shim.sh.j2) that hands on to the next link, and the last shim execs the real interpreter.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import NamedTuple

from wrapgen.errors import InvalidValue


class Link(NamedTuple):
    """What a known vendor wrapper does that matters to a chain."""

    name: str
    replaces: bool = False
    """It never hands over: it execs a program of its own in the runtime's place (it must be the last link)."""
    resplits: bool = False
    """It joins its arguments and splits them again on spaces: a flag with a space in it arrives as two."""


KNOWN: dict[str, Link] = {
    "/opt/bootstrap": Link("AWS Lambda Web Adapter", replaces=True),
    "/opt/elastic-apm-handler": Link("Elastic APM's java wrapper", resplits=True),
    "/opt/datadog_wrapper": Link("Datadog's wrapper (with its java agent)", resplits=True),
}
"""Vendor wrappers by their documented AWS_LAMBDA_EXEC_WRAPPER path (aws-lambda-web-adapter's layer/bootstrap execs
"$LAMBDA_TASK_ROOT/$_HANDLER"; elastic-apm-handler runs `exec $(echo "$@" | sed ...)`; datadog_wrapper rebuilds a
java command line from "${REST[@]}" unquoted)."""

SEPARATOR = ":"
"""Between the links of WRAPGEN_FIRST and WRAPGEN_THEN (a link's path cannot hold it)."""


def check_link(option: str, path: str) -> str:
    """A link's path: absolute, as Lambda's layers are at /opt, a file, and one a list of links can hold."""
    if not path.startswith("/"):
        raise InvalidValue(f"{option} {path!r} is not an absolute path", "give where it is in the function, e.g."
                           " /opt/otel-handler")  # fmt: skip
    if path.endswith("/") or path.rsplit("/", 1)[-1] in (".", ".."):
        raise InvalidValue(f"{option} {path!r} names a directory, which cannot be run", "give the program's path")
    bad = next((char for char in path if char == SEPARATOR or ord(char) < 32 or ord(char) == 127), None)
    if bad is not None:
        raise InvalidValue(f"{option} {path!r} holds {bad!r}, which a chain's list of links cannot hold",
                           "give the wrapper's path without it (a symbolic link to it, say)")  # fmt: skip
    return path


def check_chain(first: Sequence[str], then: Sequence[str]) -> None:
    """A chain wrapgen can run: no link twice, and a link that replaces the runtime only at the end."""
    links = [*first, *then]
    for i, path in enumerate(links):
        if path in links[:i]:
            raise InvalidValue(f"{path!r} is given twice in the chain", "each wrapper runs once: give it once")
    chain = [*first, "", *then]  # "": this wrapper, which runs after the --first links
    for i, link in enumerate(chain[:-1]):
        known = KNOWN.get(link)
        if known is not None and known.replaces:
            nxt = chain[i + 1] or "this wrapper"
            raise InvalidValue(f"{link} ({known.name}) replaces the runtime with a program of its own and never hands"
                               f" on, so {nxt} after it would never run", "put it last, with --then")  # fmt: skip


def resplit_warnings(flags: Sequence[str], then: Sequence[str]) -> list[str]:
    """A known link that splits its arguments again, after this wrapper: each flag with a space it would cut."""
    spaced = [flag for flag in flags if any(char.isspace() for char in flag)]
    return [
        f"--then {path} ({KNOWN[path].name}) splits its arguments on spaces again: {shlex.quote(flag)} would"
        " reach the runtime as separate words"
        for path in then
        if path in KNOWN and KNOWN[path].resplits
        for flag in spaced
    ]
