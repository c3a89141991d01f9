"""The one Jinja environment, and rendering a spec into an artifact (path, text, mode)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from wrapgen import __version__, shell
from wrapgen.errors import InvalidValue
from wrapgen.header import GENERATED, HEADER_MAX, command_lines
from wrapgen.layer import Layer, LayerFile, in_opt, wrapper_file, wrapper_path
from wrapgen.runtimes import MERGED_VARIABLES
from wrapgen.spec import WrapperSpec
from wrapgen.variables import units

_GLOB = re.compile(r"[A-Za-z0-9._\[\]-]+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Artifact(NamedTuple):
    """A file wrapgen makes: where it goes (relative), its text, and its mode (never read from a disk)."""

    path: str
    text: str
    mode: int


def templates_dir() -> Path:
    """The templates: inside the installed wheel, or at the top of a checkout (editable install)."""
    # The wheel installs the package as plain files (importlib.resources would cost every run a few ms).
    packaged = Path(__file__).resolve().parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def _finalize(value: Any) -> str:
    """Quote every plain string: a bare `{{ value }}` can never put raw text into a script."""
    if isinstance(value, shell.ShellCode):
        return value
    if isinstance(value, str):
        return shell.word(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"cannot put a {type(value).__name__} into a script: {value!r}")


def _finalize_other(value: Any) -> str:
    """For HCL, CDK code and Dockerfile lines, whose values arrive as literals written by their own language's
    escaping (wrapgen.iac, wrapgen.dockerfile): a plain string is comment text, and only where it cannot end its
    line."""
    if isinstance(value, shell.ShellCode):
        return value
    if isinstance(value, str) and value.isprintable():
        return value
    raise TypeError(f"not a literal of the template's language, nor printable text: {value!r}")


_FINALIZE = {"shell": _finalize, "hcl": _finalize_other, "code": _finalize_other, "dockerfile": _finalize_other}


def _wrap(separator: str, parts: list[str], indent: int, width: int = 79) -> str:
    """Join parts on lines up to `width` (the first starting at column `indent`), continued with a backslash.

    A part may span lines of its own (a long word cut by _pattern_word): what follows it goes on its last line.
    """
    lines = [parts[0]]
    for part in parts[1:]:
        *before, last = lines[-1].split("\n")
        column = (0 if before else indent) + len(last)
        if column + len(separator) + len(part.split("\n", 1)[0]) + 2 > width:
            lines[-1] += separator + "\\"
            lines.append(part)
        else:
            lines[-1] += separator + part
    return ("\n" + " " * indent).join(lines)


def _pattern_word(text: str, indent: int, width: int) -> str:
    """A case pattern's quoted word; one too long for its line is cut into quoted pieces, each piece after the
    first on a line of its own with no indent, continued with backslash-newline (bash joins them back)."""
    quoted = shell.word(text)
    if indent + len(quoted) + 3 <= width:
        return quoted
    first, *rest = shell.fold(text, max(8, width - indent - 6))
    return "\\\n".join([first, *map(shell.always_quoted, rest)])


def case_pattern(
    exact: Iterable[str] = (),
    prefixes: Iterable[str] = (),
    globs: Iterable[str] = (),
    indent: int = 12,
    width: int = 79,
) -> shell.ShellCode:
    """A `case` pattern: exact words quoted, prefixes quoted then `*`, globs (table-made only) as they are."""
    parts: list[str] = [_pattern_word(text, indent, width) for text in sorted(exact)]
    parts += [_pattern_word(text, indent, width) + "*" for text in prefixes]
    for glob in globs:
        if not _GLOB.fullmatch(glob):
            raise ValueError(f"interpreter pattern {glob!r} holds characters a case pattern must not")
        parts.append(glob)
    return shell.ShellCode(_wrap("|", parts, indent, width))


def letters(chars: str) -> shell.ShellCode:
    """A bracket pattern for single option letters (letters and digits only)."""
    if not chars.isalnum():
        raise ValueError(f"option letters must be letters or digits: {chars!r}")
    return shell.ShellCode(f"[{chars}]")


def expand(name: str, operator: str = "") -> shell.ShellCode:
    """`${NAME}`, or `${NAME:-}` / `${NAME-}` (the operator, with an empty word): a variable a template names."""
    if operator not in ("", ":-", "-"):
        raise ValueError(f"not an expansion wrapgen writes: {operator!r}")
    return shell.ShellCode(f"${{{identifier(name)}{operator}}}")


def identifier(name: str) -> shell.ShellCode:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a bash variable name: {name!r}")
    return shell.ShellCode(name)


def _indent(text: shell.ShellCode, width: int) -> shell.ShellCode:
    if not isinstance(text, shell.ShellCode):
        raise TypeError("indent takes rendered bash only")
    first, *rest = text.split("\n")
    return shell.ShellCode("\n".join([first, *(" " * width + line for line in rest)]))


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiling the wrapper template is a sixth of a run's time: Jinja keeps the compiled code in the user's
    temporary directory (a private folder it checks), keyed by the template's source. A cache that cannot be
    written is no cache, never an error."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        return _BytecodeCache()
    except (OSError, RuntimeError):  # no safe temporary directory: compile every time
        return None


@cache
def environment(language: str = "shell") -> jinja2.Environment:
    """The environment for templates of one language: shell (the wrapper), hcl, code (CDK), dockerfile."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        finalize=_FINALIZE[language],
        # bash's ${#array[@]} would open a default {# comment #}.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters["indent"] = _indent
    env.filters["json"] = _json
    env.globals.update(
        assignment=shell.assignment,
        array_assignment=shell.array_assignment,
        fold=shell.fold,
        comment=shell.comment,
        case_pattern=case_pattern,
        letters=letters,
        identifier=identifier,
        expand=expand,
        version=__version__,
    )
    return env


def _variables(spec: WrapperSpec) -> shell.ShellCode:
    """The lines that set the wrapper's variables: list variables appended to, never replaced."""
    lines: list[str] = []
    for name, value in spec.variables:
        if name not in MERGED_VARIABLES:
            lines.append(_export(name, value, 75))
            continue
        for unit in units(name, value):
            lines.append(shell.assignment("wrapgen_unit", unit, 75))
            lines.append(f'wrapgen_append {identifier(name)} {shell.word(MERGED_VARIABLES[name])} "$wrapgen_unit"')
        if name == spec.family.path_variable:
            lines += _layer_paths(spec)
    for name, value in spec.defaults:
        if len(name) <= _NAME_WIDTH:
            lines.append(f"if [[ -z ${{{identifier(name)}:-}} ]]; then")
        else:
            lines += [shell.assignment("wrapgen_var", identifier(name), 75), "if [[ -z ${!wrapgen_var:-} ]]; then"]
        lines.append(_export(name, value, 71, named=True).replace("\n", "\n    ").join(["    ", ""]))
        lines.append("fi")
    return shell.ShellCode("\n".join(lines))


_NAME_WIDTH = 40
"""The longest variable name written as it is (`export NAME=`, `NAME+=`, `${NAME:-}`); a longer one would leave no
room on a line for its value: the script assembles it in wrapgen_var, and sets the variable through that."""


def _export(name: str, value: str, width: int, named: bool = False) -> str:
    """Lines that set the variable `name` to `value` and export it, none over `width`; `named`: a long name is in
    wrapgen_var already."""
    if len(name) <= _NAME_WIDTH:
        return shell.assignment(identifier(name), value, width, export=True)
    return "\n".join(
        [
            *([] if named else [shell.assignment("wrapgen_var", identifier(name), width)]),
            shell.assignment("wrapgen_value", value, width),
            'printf -v "$wrapgen_var" %s "$wrapgen_value"',
            'export "${wrapgen_var?}"',
        ]
    )


def _layer_paths(spec: WrapperSpec) -> list[str]:
    """Keep layers importable: the bootstrap adds these (bootstrap.py: to sys.path) only while the variable is
    unset. {version} is the interpreter's, read from its file name at run time (python3.12: 3.12)."""
    family = spec.family
    variable = identifier(family.path_variable)
    lines = [f"wrapgen_version=${{1##*{identifier(family.name)}}}"]
    for path in family.layer_paths:
        before, version, after = path.partition("{version}")
        if not version:
            lines.append(f"wrapgen_append {variable} : {shell.word(path)}")
            continue
        lines += [
            "case $wrapgen_version in",
            "    [0-9].[0-9]*)",
            f'        wrapgen_unit={shell.word(before)}"$wrapgen_version"{shell.word(after)}',
            f'        wrapgen_append {variable} : "$wrapgen_unit"',
            "        ;;",
            "esac",
        ]
    return lines


def _drops(spec: WrapperSpec) -> dict[str, list[str]] | None:
    """The case patterns for the runtime's options to remove: with a separate value, alone, as `--opt=`."""
    if not spec.dropped:
        return None
    value_options = spec.family.grammar.value_options
    with_value = [drop for drop in spec.dropped if drop in value_options]
    return {
        "with_value": with_value,
        "alone": [drop for drop in spec.dropped if drop not in value_options],
        "prefixes": [drop + "=" for drop in with_value if drop.startswith("--")],
    }


def render_wrapper(spec: WrapperSpec) -> Artifact:
    """The wrapper script for `spec`: same spec, same bytes."""
    regenerate = command_lines(spec.command())
    text = (
        environment()
        .get_template("wrapper.sh.j2")
        .render(
            spec=spec,
            family=spec.family,
            grammar=spec.family.grammar,
            regenerate=regenerate,
            generated=GENERATED,
            variables=_variables(spec),
            merges=any(name in MERGED_VARIABLES for name, _ in spec.variables),
            drops=_drops(spec),
            shim=False,
            **_chain(spec),
        )
    )
    header = len(text[: text.index(regenerate) + len(regenerate)].encode("utf-8", "surrogateescape"))
    if header > HEADER_MAX:
        raise InvalidValue(f"the wrapper's header, the command that rebuilds it, would take {header} bytes: wrapgen"
                           f" reads back {HEADER_MAX} (inspect, check, iac)", "give shorter values")  # fmt: skip
    return Artifact(path=spec.name, text=text, mode=0o755)


def _chain(spec: WrapperSpec) -> dict[str, Any]:
    """What the wrapper and its shims share of its chain (wrapgen.links): the exported variables' prefix (a hash of
    the wrapper's command, so that a wrapgen wrapper that is a link of another's chain keeps its own), and the shim
    started for an interpreter that has no shim of its name. The shims are in PATH.chain/ beside the wrapper at PATH
    (found from $0 at run time)."""
    digest = hashlib.sha256("\0".join(spec.command()).encode("utf-8", "surrogateescape")).hexdigest()
    return {"state": identifier("WRAPGEN_CHAIN_" + digest[:8].upper()), "fallback": spec.family.interpreters[0]}


def shim_dir(path: str) -> str:
    """Where the shims of the wrapper at `path` are: beside it, in PATH.chain/."""
    return path + ".chain"


def shim_names(spec: WrapperSpec) -> list[str]:
    """The interpreter names a shim is shipped under: each of the runtimes' interpreters, and the fallback."""
    from fnmatch import fnmatchcase

    from wrapgen.runtimes import vectors

    family = spec.family
    names = {os.path.basename(v.argv[0]) for v in vectors() if v.runtime in spec.runtimes}
    named = {name for name in names if any(fnmatchcase(name, glob) for glob in family.interpreters)}
    return sorted(named | {family.interpreters[0]})


WORD = '^[ \t\n\r\f\v]*(("([^"\\\\]|\\\\.)*"|[^ \t\n\r\f\v"])+)'
"""A word of an options variable, as wrapgen.variables reads one (a bash regular expression)."""


def render_shims(spec: WrapperSpec) -> list[Artifact]:
    """The chain's shims (templates/shim.sh.j2), one under each interpreter name, and its METADATA: their paths are
    relative to the wrapper's shim_dir."""
    from wrapgen.links import KNOWN
    from wrapgen.runtimes import OPTIONS_VARIABLES

    chain = _chain(spec)
    state = chain["state"]
    lists = shell.ShellCode(_wrap(" ", ["for wrapgen_var in", *MERGED_VARIABLES], 4, 71) + "; do")
    keep = [*lists.split("\n"),
            f"    wrapgen_value={state}_KEPT_$wrapgen_var",
            '    if [[ -n ${!wrapgen_var+set} ]]; then',
            '        export "$wrapgen_value==${!wrapgen_var}"',
            "    else",
            '        export "$wrapgen_value="',
            "    fi",
            "done",
            f"export {state}_LAST=$wrapgen_next"]  # fmt: skip
    variable = next((name for name, family in OPTIONS_VARIABLES.items() if family == spec.family.name), None)
    value_units = [f"{variable} {option}" for option in spec.family.grammar.value_options] if variable else []
    resplits = [path for path, link in KNOWN.items() if link.resplits]
    replaces = [path for path, link in KNOWN.items() if link.replaces]
    text = (
        environment()
        .get_template("shim.sh.j2")
        .render(
            spec=spec,
            family=spec.family,
            generated=GENERATED,
            merges=list(MERGED_VARIABLES.items()),
            keep=shell.ShellCode("\n".join(keep)),
            value_units=case_pattern(value_units, indent=16) if value_units else "",
            resplits=case_pattern(resplits, indent=12) if resplits else "",
            replaces=case_pattern(replaces, indent=12) if replaces else "",
            word_pattern=WORD,
            lists=lists,
            text_pattern="[^ \t\n\r\f\v]",
            shim=True,
            **chain,
        )
    )
    shims = [Artifact(path=name, text=text, mode=0o755) for name in shim_names(spec)]
    return [*shims, chain_metadata(spec, shims)]


METADATA = "chain.json"
"""The chain's description beside its shims: what wrapgen inspect, status and attach read of a layer's chain."""


def chain_metadata(spec: WrapperSpec, shims: Sequence[Artifact]) -> Artifact:
    """The chain as data: the wrapper, its links before and after it (the variables that add more at run time),
    the shims and the variables' prefix. Sorted keys, no timestamp: the same spec, the same bytes."""
    data = {
        "wrapgen": __version__,
        "wrapper": wrapper_path(spec.name),
        "family": spec.family.name,
        "first": list(spec.first),
        "then": list(spec.then),
        "runtime_links": {"first": "WRAPGEN_FIRST", "then": "WRAPGEN_THEN", "separator": ":"},
        "shims": [shim.path for shim in shims],
        "state": str(_chain(spec)["state"]),
    }
    return Artifact(path=METADATA, text=json.dumps(data, indent=2, sort_keys=True) + "\n", mode=0o644)


def _json(text: str) -> shell.ShellCode:
    """A JSON string (ASCII), for a Dockerfile's exec-form COPY: BuildKit decodes it, then reads the text as a word
    of its shell lexer, so `text` is such a word already (wrapgen.dockerfile)."""
    return shell.ShellCode(json.dumps(text))


def dockerfile_lines(spec: WrapperSpec, script: str | None, files: Sequence[LayerFile]) -> str:
    """Dockerfile lines that COPY the wrapper (written at `script`) and the included files into an image."""
    from wrapgen import dockerfile

    sources = [script, *(file.source for file in files)]
    if script is None or any(source is None or source.startswith("/") for source in sources):
        raise InvalidValue("--dockerfile needs the script written with -o, and every file, at a path relative to"
                           " the Docker build context")  # fmt: skip
    wrapper = LayerFile(wrapper_file(spec.name), b"", 0o755, script)
    copies = [
        (dockerfile.copy_source(f.source or ""), f.mode, dockerfile.copy_destination(in_opt(f.path)))
        for f in (wrapper, *files)
    ]
    value = shell.ShellCode(dockerfile.env_value(wrapper_path(spec.name)))
    return environment("dockerfile").get_template("dockerfile.j2").render(copies=copies, wrapper_path=value)


def layer_summary(spec: WrapperSpec, layer: Layer, wrapper: bool = True) -> str:
    """What to tell the user about a layer just written (on stderr); `wrapper`: the layer holds the script."""
    return (
        (f"AWS_LAMBDA_EXEC_WRAPPER={wrapper_path(spec.name)}\n" if wrapper else "") + f"sha256: {layer.sha256_hex}\n"
        f"sha256 base64 (Terraform source_code_hash): {layer.sha256_base64}\n"
        f"size: {len(layer.data)} bytes, {len(layer.files)} file(s)\n"
        f"compatible runtimes: {' '.join(spec.runtimes)}\n"
    )
