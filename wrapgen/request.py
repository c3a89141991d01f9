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
    first: tuple[str, ...] = ()
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


class Option(NamedTuple):
    """How a field's option is shown: its metavar and its help. In the help, {example}, {family} and {runtimes}
    stand for the family's own (a flag for the example, its name, its runtime ids)."""

    metavar: str
    help: str


OPTIONS: dict[str, Option] = {
    "flag": Option("TEXT", "Interpreter options, split like a shell splits words (e.g. {example}). Repeatable."),
    "unchecked_flag": Option("TEXT", "One interpreter option (with its value) that wrapgen's option tables do not"
                             " know, e.g. one newer than them: inserted after the --flag options, with a warning."
                             " Repeatable."),
    "verify_with": Option("PATH", "Before writing anything, run this local interpreter with the flags (and the"
                          " variables) and a program that does nothing; stop with its error if it refuses them."),
    "preset": Option("NAME[=VALUE]", "A named set of flags and variables, NAME or NAME=VALUE (see: wrapgen presets"
                     " {family}). Repeatable."),
    "drop_flag": Option("OPTION", "An option the runtime itself passes, removed (with its value) before the flags go"
                        " in. Repeatable."),
    "env": Option("NAME=VALUE", "NAME=VALUE exported before the runtime starts; list variables (NODE_OPTIONS,"
                  " JAVA_TOOL_OPTIONS, RUBYOPT, DOTNET_STARTUP_HOOKS, PYTHONPATH) are appended to. Repeatable."),
    "env_default": Option("NAME=VALUE", "NAME=VALUE exported only where the variable is unset or empty. Repeatable."),
    "first": Option("PATH", "Another wrapper (e.g. a vendor's that must run first) that runs before this one, given"
                    " the runtime's command line with a shim named as the interpreter, which hands on to this"
                    " wrapper. Repeatable, in order."),
    "then": Option("PATH", "A next wrapper (e.g. /opt/otel-handler) that runs after this one, given the modified"
                   " command line with a shim named as the interpreter, which hands on to the next link or the"
                   " runtime. Repeatable, in order; a link that cannot run is skipped with a warning."),
    "via": Option("wrapper|env", "wrapper: a script for AWS_LAMBDA_EXEC_WRAPPER; env: only the variables to set"
                  " (for IaC), or an error saying why a variable cannot do what was asked."),
    "format": Option("lines|json", "With --via env: NAME=VALUE lines, or a JSON object."),
    "runtime": Option("RUNTIME", "Only for this Lambda runtime: flags are checked for it, a layer and the IaC list it"
                      " as compatible, --via env writes its variables ({runtimes}; default: all). Repeatable."),
    "layer": Option("PATH.zip", "Also write a Lambda layer zip with the wrapper at /opt/wrapgen/NAME (byte-identical"
                    " on every build)."),
    "include": Option("SRC=DEST", "With --layer or --dockerfile: add the file SRC at DEST under /opt, mode 0644 (in a"
                      " layer, UTF-8 text with LF line endings and no BOM). Repeatable."),
    "include_exec": Option("SRC=DEST", "With --layer or --dockerfile: like --include, for a script or binary: mode"
                           " 0755."),
    "dockerfile": Option("", "Print the Dockerfile lines that install the wrapper (written with -o, a path in the"
                         " build context) in a Lambda base image."),
    "iac": Option("sam|cloudformation|terraform|serverless|cdk-python|cdk-typescript", "Print the IaC snippet that"
                  " declares the layer (from --layer) or sets the variables (from --via env), instead of the script."),
    "iac_dir": Option("DIR", "With --iac and --layer: where the IaC template lives, the zip referenced relative to it"
                      " (default: here)."),
    "explain": Option("", "Before writing, run the wrapper as each of its Lambda runtimes would start it (with a"
                      " recording stub as the interpreter) and say on stderr what it does (see: wrapgen explain)."),
    "allow_dynamic_references": Option("", "With --iac sam or cloudformation: let a value hold {{{{resolve:...}}}},"
                                       " which CloudFormation replaces with a secret or parameter at deploy time"
                                       " (refused by default: a literal value would change)."),
    "output": Option("PATH", "Write the script here (mode 0755, atomically); default stdout."),
    "name": Option("NAME", "The wrapper's file name (default wrapgen-{family})."),
}  # fmt: skip
"""Every field's option, as the command line's help and init's starter show it (a test holds the keys to the
fields)."""


def option_help(field: str, family: str, example: str, runtimes: Sequence[str]) -> str:
    """A field's help for one family."""
    return OPTIONS[field].help.format(example=repr(example), family=family, runtimes=", ".join(runtimes))


HEADER_FIELDS = (
    "preset",
    "flag",
    "unchecked_flag",
    "drop_flag",
    "env",
    "env_default",
    "first",
    "then",
    "name",
    "runtime",
)
"""The fields that shape a wrapper's bytes, in the order its header's "regenerate with" command names them
(wrapgen.spec writes and reads that command through Request.argv and Request.from_argv)."""


def option_name(field: str) -> str:
    """The command-line option of a Request field."""
    return "--" + field.replace("_", "-")
