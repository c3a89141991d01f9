"""THE option model: one family command as data (a Request), which `wrapgen python ...`, an entry of wrapgen.toml
(its keys are the fields' options without the dashes) and a wrapper's header (the fields that shape its bytes,
HEADER_FIELDS) all are. wrapgen.plan turns a Request into what it writes.
"""

from __future__ import annotations

import enum
import shlex
from collections.abc import Sequence
from typing import Any, NamedTuple

from wrapgen.errors import InvalidValue


class Execution(str, enum.Enum):
    """What a plan does with what it would run but did not write (--verify-with's interpreter, --explain's wrapper
    and the next wrapper it execs): not an option of the Request, so that no manifest can choose it."""

    sandboxed = "sandboxed"
    """Run it in wrapgen.local.sandbox (the default; an error where none can be made)."""
    unsandboxed = "unsandboxed"
    """--no-sandbox: run it on this machine, with the operator's environment and access."""
    never = "never"
    """wrapgen check: compare bytes, run nothing (verify-with and explain are left out)."""


class Request(NamedTuple):
    """A family command's options, each field named after its option (`--drop-flag` is drop_flag, `-o` output,
    `--explain` explain, `--allow-dynamic-references` allow_dynamic_references). A NamedTuple: a frozen
    dataclass of these fields costs a family command's start-up a millisecond more (benchmarks/bench.py)."""

    family: str
    flag: tuple[str, ...] = ()
    unchecked_flag: tuple[str, ...] = ()
    verify_with: str | None = None
    preset: tuple[str, ...] = ()
    drop_flag: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    env_default: tuple[str, ...] = ()
    then: tuple[str, ...] = ()
    via: str = "wrapper"
    format: str = "lines"
    runtime: tuple[str, ...] = ()
    layer: str | None = None
    include: tuple[str, ...] = ()
    include_exec: tuple[str, ...] = ()
    dockerfile: bool = False
    iac: str | None = None
    iac_dir: str | None = None
    explain: bool = False
    allow_dynamic_references: bool = False
    output: str | None = None
    name: str | None = None

    def argv(self, fields: Sequence[str] | None = None) -> list[str]:
        """The equivalent command line: `wrapgen FAMILY` and each option given, in the order of `fields` (default:
        all, in the order of the fields)."""
        argv = ["wrapgen", self.family]
        for field in fields or self._fields[1:]:
            value = getattr(self, field)
            if value == self._field_defaults[field]:
                continue
            option = option_name(field)
            if isinstance(value, bool):
                argv.append(option)
            elif isinstance(value, tuple):
                for item in value:
                    argv += [option, item]
            else:
                argv += [option, value]
        return argv

    @classmethod
    def from_argv(cls, argv: Sequence[str], fields: Sequence[str]) -> Request:
        """The Request a command line of these fields' options, each with its value (as argv() writes it), is."""
        if len(argv) < 2 or argv[0] != "wrapgen" or len(argv) % 2:
            raise InvalidValue(f"not a wrapgen command: {shlex.join(argv)!r}")
        by_option = {option_name(field): field for field in fields}
        given: dict[str, list[str]] = {}
        for option, value in zip(argv[2::2], argv[3::2], strict=True):
            if option not in by_option:
                raise InvalidValue(f"not a wrapgen command: unknown option {option!r}")
            given.setdefault(by_option[option], []).append(value)
        values: dict[str, Any] = {field: tuple(items) if isinstance(cls._field_defaults[field], tuple) else items[-1]
                                  for field, items in given.items()}  # fmt: skip
        return cls(argv[1], **values)


HEADER_FIELDS = ("preset", "flag", "unchecked_flag", "drop_flag", "env", "env_default", "then", "name", "runtime")
"""The fields that shape a wrapper's bytes, in the order its header's "regenerate with" command names them
(wrapgen.spec writes and reads that command through Request.argv and Request.from_argv)."""


def option_name(field: str) -> str:
    """The command-line option of a Request field."""
    return "--" + field.replace("_", "-")
