"""--via env: the variables that do what a wrapper spec asks, for the function's configuration, or why they
cannot (and that a wrapper can)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from wrapgen.errors import InvalidValue
from wrapgen.options import read_flags
from wrapgen.presets import Applied, check_runtime, presets_for
from wrapgen.runtimes import (
    CONFIGURATION_KEY,
    CONFIGURATION_RESERVED,
    ENV_LIMIT,
    MERGED_VARIABLES,
    Family,
    options_variable,
)
from wrapgen.variables import node_options_problem, units

ENV_FILE_MAX = 64 * 1024
"""Bytes of an --env-file (a function's configuration holds 4 KB)."""

if TYPE_CHECKING:
    from wrapgen.spec import WrapperSpec


def _refuse(what: str, why: str) -> NoReturn:
    raise InvalidValue(f"{what} cannot be set with --via env: {why}", "a wrapper can: leave out --via env")


def _twin(family: Family, group: Sequence[str]) -> tuple[str, str] | None:
    """The environment variable that does what these flags do, where a preset says one does (Python's PYTHON*)."""
    for preset in presets_for(family.name):
        if not preset.env or len(preset.flags) != len(group):
            continue
        patterns = [re.escape(flag).replace(re.escape("{value}"), "(.+)") for flag in preset.flags]
        matches = [re.fullmatch(pattern, word) for pattern, word in zip(patterns, group, strict=True)]
        if all(matches):
            value = next((m.group(1) for m in matches if m and m.groups()), None)
            ((name, text),) = preset.env
            return name, text.replace("{value}", value or "")
    return None


class _Assignments:
    """Variables being built for --via env, list variables appended to unit by unit."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}

    def add(self, name: str, value: str) -> None:
        if name in MERGED_VARIABLES:
            found = self.values.setdefault(name, [])
            found += [unit for unit in units(name, value) if unit not in found]
        else:
            self.values[name] = [value]

    def items(self) -> list[tuple[str, str]]:
        joined = []
        for name, found in self.values.items():
            joined.append((name, MERGED_VARIABLES.get(name, "").join(found)))
        return joined


def _add_flags(out: _Assignments, family: Family, groups: Sequence[tuple[str, ...]], what: str) -> None:
    variable = options_variable(family.name)
    for group in groups:
        if variable is not None:
            if any(not word or any(ch in " \t\n\r\f\v\"'\\" for ch in word) for word in group):
                _refuse(f"{what} {' '.join(group)!r}", f"{variable} splits on spaces and reads quotes itself")
            out.add(variable, " ".join(group))
        elif (twin := _twin(family, group)) is not None:
            out.add(*twin)
        else:
            _refuse(f"{what} {' '.join(group)!r}", f"no environment variable passes this {family.name} option")


def _options(spec: WrapperSpec, flags: Sequence[str]) -> list[tuple[str, ...]]:
    """The flags grouped into options, each with its value, as the interpreter's table reads them."""
    return [option.words for option in read_flags(spec.family, flags, spec.runtimes)]


def env_assignments(spec: WrapperSpec) -> list[tuple[str, str]]:
    """The variables that do what `spec` asks, for the function's configuration (for --runtime's runtimes, or
    any of the family's), or why they cannot."""
    family = spec.family
    runtimes = spec.selected
    if spec.drops:
        _refuse("--drop-flag", "a variable cannot remove the runtime's own options")
    if spec.chained:
        _refuse("--then" if spec.then else "--first", "it chains wrappers, and --via env makes none")
    out = _Assignments()
    for name, value in spec.env:
        out.add(name, value)
    for use in spec.presets:
        _add_preset(out, spec, use)
    _add_flags(out, family, _options(spec, spec.flags), "--flag")
    _add_flags(out, family, spec.unchecked, "--unchecked-flag")
    for name, value in spec.env_defaults:
        out.add(name, value)
    if family.path_variable and family.path_variable in out.values:
        if len(runtimes) != 1:
            raise InvalidValue(f"{family.path_variable} with --via env needs one --runtime, to keep that"
                               f" {family.title}'s layer paths on it")  # fmt: skip
        for path in family.layer_paths:
            out.add(family.path_variable, path.replace("{version}", family.version_of(runtimes[0])))
    items = out.items()
    for name, value in items:
        if name == "NODE_OPTIONS":
            _check_node_options(value, runtimes)
    check_configuration(items)
    return items


def _add_preset(out: _Assignments, spec: WrapperSpec, use: Applied) -> None:
    """A preset's variables, or its flags as variables; refused where a variable cannot do what it does."""
    preset, runtimes = use.preset, spec.selected
    for runtime in runtimes:
        check_runtime(use, runtime)
    if preset.env_refused and (not preset.env_refused_on or not runtimes or set(runtimes) & set(preset.env_refused_on)):
        on = " or ".join(preset.env_refused_on)
        hint = f" (say --runtime, if it is not {on})" if on and not runtimes else ""
        _refuse(f"--preset {preset.name}", preset.env_refused + hint)
    if use.env:
        for name, value in use.env:
            out.add(name, value)
    else:
        _add_flags(out, spec.family, _options(spec, use.flags), f"--preset {preset.name}")


def _check_node_options(value: str, runtimes: Sequence[str]) -> None:
    """NODE_OPTIONS holds only what node accepts there, in each runtime chosen (or in any, none chosen)."""
    choices: Sequence[str | None] = runtimes or (None,)
    for target in choices:
        problem = node_options_problem(value, target)
        if problem:
            hint = (
                " (say --runtime if the function runs a version that accepts it)" if problem[2] and not runtimes else ""
            )
            _refuse(f"NODE_OPTIONS {problem[0]}", problem[1] + hint)


def configuration_size(items: Sequence[tuple[str, str]]) -> int:
    """The bytes of a function's variables as Lambda counts them against ENV_LIMIT: each name and value in UTF-8."""
    return sum(len(name.encode("utf-8", "surrogateescape")) + len(value.encode("utf-8", "surrogateescape"))
               for name, value in items)  # fmt: skip


def check_configuration(items: Sequence[tuple[str, str]]) -> None:
    """Variables for a function's configuration follow Lambda's rules: the key pattern, no reserved key, 4 KB."""
    for name, _ in items:
        if not re.fullmatch(CONFIGURATION_KEY, name):
            raise InvalidValue(f"{name!r} cannot be a key of a function's configuration: Lambda's keys match"
                               f" {CONFIGURATION_KEY} (two characters at least, starting with a letter)")  # fmt: skip
        if name in CONFIGURATION_RESERVED:
            raise InvalidValue(f"{name} is reserved by Lambda: a function's configuration cannot set it")
    size = configuration_size(items)
    if size > ENV_LIMIT:
        raise InvalidValue(f"the variables take {size} bytes; Lambda allows {ENV_LIMIT} for all of a function's")


def format_assignments(items: Sequence[tuple[str, str]], form: str) -> str:
    """`NAME=VALUE` lines, or a JSON object, for the function's configuration."""
    if form == "json":
        return json.dumps(dict(items), indent=2, ensure_ascii=False) + "\n"
    for name, value in items:
        if "\n" in value or "\r" in value:
            raise InvalidValue(f"{name}'s value holds a line break, which NAME=VALUE lines cannot show",
                               "use --format json")  # fmt: skip
    return "".join(f"{name}={value}\n" for name, value in items)


def function_variables(env: Sequence[str], files: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The function's own variables: each --env-file's (NAME=VALUE lines, # comments, or a JSON object, as
    `wrapgen ... --via env` prints them), then --env's; held to Lambda's rules for a configuration."""
    from wrapgen.spec import assignment

    found: dict[str, str] = {}
    for path in files:
        found.update(_env_file(path))
    found.update(assignment(item, "--env") for item in env)
    check_configuration(list(found.items()))
    return tuple(found.items())


def _env_file(path: str) -> list[tuple[str, str]]:
    from wrapgen.files import read_regular
    from wrapgen.spec import assignment

    text = read_regular(path, ENV_FILE_MAX, f"--env-file {path}").decode("utf-8", "surrogateescape")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise InvalidValue(f"--env-file {path}: not a JSON object of strings") from None
        if not isinstance(data, dict) or not all(isinstance(value, str) for value in data.values()):
            raise InvalidValue(f"--env-file {path}: not a JSON object of strings")
        return list(data.items())
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [assignment(line, f"--env-file {path}:") for line in lines]
