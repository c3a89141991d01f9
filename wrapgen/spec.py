"""The validated request: frozen dataclasses built from what the user typed, or a WrapgenError."""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Sequence
from typing import NamedTuple

from wrapgen import shell
from wrapgen.errors import InvalidEnv, InvalidFlag, InvalidValue, WrapgenError
from wrapgen.grammar import Kind, classify
from wrapgen.links import SEPARATOR, check_chain, check_link, resplit_warnings
from wrapgen.presets import Applied, apply_presets, check_runtime, interactions
from wrapgen.request import HEADER_FIELDS, Request
from wrapgen.runtimes import FAMILIES, MERGED_VARIABLES, RESERVED_ENV, Family, retired
from wrapgen.variables import node_options_problem

ARG_STRLEN = 131072
"""Linux's MAX_ARG_STRLEN: the most bytes exec takes in one argument or one NAME=VALUE, its NUL included."""
EXEC_BUDGET = 1 << 20
"""The most bytes a wrapper adds to the runtime's exec, arguments and variables together: half of the 2 MiB that
Linux gives exec's arguments and environment under Lambda's 8 MiB stack (ARG_MAX is a quarter of the stack); the
rest is left to Lambda's own variables and the function's."""
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


class WrapperSpec(NamedTuple):
    """Everything that decides a wrapper script's bytes."""

    family: Family
    flags: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    then: tuple[str, ...] = ()
    """The links after this wrapper, in order (wrapgen.links)."""
    name: str = ""
    presets: tuple[Applied, ...] = ()
    drops: tuple[str, ...] = ()
    env_defaults: tuple[tuple[str, str], ...] = ()
    unchecked: tuple[tuple[str, ...], ...] = ()
    """--unchecked-flag's options (each with its words), which no table vouches for."""
    selected: tuple[str, ...] = ()
    """--runtime: the Lambda runtimes it is for (empty: every runtime of the family)."""
    first: tuple[str, ...] = ()
    """The links before this wrapper, in order."""

    @property
    def chained(self) -> bool:
        """Whether it runs other wrappers (a chain, with its shims)."""
        return bool(self.first or self.then)

    @property
    def runtimes(self) -> tuple[str, ...]:
        """The runtimes the flags are checked for and a layer declares compatible: --runtime's, else all."""
        return self.selected or self.family.runtimes

    @property
    def inserted(self) -> tuple[str, ...]:
        """The flags the wrapper inserts: the presets', then --flag's, then --unchecked-flag's."""
        return self.checked + tuple(word for group in self.unchecked for word in group)

    @property
    def checked(self) -> tuple[str, ...]:
        """The flags checked against the interpreter's option table: the presets', then --flag's."""
        return tuple(flag for use in self.presets for flag in use.flags) + self.flags

    @property
    def dropped(self) -> tuple[str, ...]:
        """The runtime's own options the wrapper removes: the presets', then --drop-flag's."""
        return tuple(dict.fromkeys([drop for use in self.presets for drop in use.preset.drops] + list(self.drops)))

    @property
    def variables(self) -> tuple[tuple[str, str], ...]:
        """What the wrapper sets, or appends to for a list variable: presets' list variables, then --env's."""
        return self._preset_env(merged=True) + self.env

    @property
    def defaults(self) -> tuple[tuple[str, str], ...]:
        """What the wrapper sets only where the function has no value: presets' other variables, --env-default's."""
        return self._preset_env(merged=False) + self.env_defaults

    def _preset_env(self, merged: bool) -> tuple[tuple[str, str], ...]:
        """The variables of presets that have no flags (in a wrapper, flags do the rest's work): those set (list
        variables, appended to, and a preset's that overrides) or those set only where the function has none."""
        return tuple(
            pair
            for use in self.presets
            if not use.flags
            for pair in use.env
            if (pair[0] in MERGED_VARIABLES or use.preset.overrides) == merged
        )

    @property
    def referenced_files(self) -> tuple[str, ...]:
        """Files the presets name (a preload, an agent, a hook), which the function must have."""
        return tuple(use.value.split("=", 1)[0] for use in self.presets if use.preset.file and use.value)

    @property
    def warnings(self) -> tuple[str, ...]:
        found = [
            f"--unchecked-flag {shlex.join(group)!r} is in no option table of wrapgen's: if an interpreter of a"
            f" {self.family.name} runtime refuses it, the function does not start (try it with --verify-with)"
            for group in self.unchecked
        ]
        set_here = {name for name, _ in self.variables}
        for owner in FAMILIES.values():
            if owner.path_variable in set_here:
                paths = " and ".join(owner.layer_paths).replace("{version}", "X.Y")
                done = "the wrapper appends" if owner is self.family else "unless it holds"
                found.append(f"{owner.path_variable} hides layers' packages from {owner.title}'s bootstrap: {done}"
                             f" {paths}")  # fmt: skip
        found += resplit_warnings(self.inserted, self.then)
        return tuple(found + interactions(self.family.name, self.runtimes, self.presets, self.flags))

    def command(self) -> list[str]:
        """The wrapgen command line that regenerates this wrapper: its HEADER_FIELDS, each as the spec holds it
        (flags joined as a shell would split them again, presets with their values, the default name left out)."""
        given = Request(
            self.family.name,
            preset=tuple(use.preset.name + ("" if use.value is None else f"={use.value}") for use in self.presets),
            flag=(shlex.join(self.flags),) if self.flags else (),
            unchecked_flag=tuple(shlex.join(group) for group in self.unchecked),
            drop_flag=tuple(shlex.quote(drop) for drop in self.drops),  # split like a shell splits words, as --flag is
            env=tuple(f"{key}={value}" for key, value in self.env),
            env_default=tuple(f"{key}={value}" for key, value in self.env_defaults),
            first=self.first,
            then=self.then,
            name=None if self.name == default_name(self.family) else self.name,
            runtime=self.selected,
        )
        return given.argv(HEADER_FIELDS)


def default_name(family: Family) -> str:
    return f"wrapgen-{family.name}"


def family_named(name: str) -> Family:
    """The family called `name`, or an error that suggests the closest one."""
    try:
        return FAMILIES[name]
    except KeyError:
        close = difflib.get_close_matches(name, FAMILIES, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"choose one of: {', '.join(FAMILIES)}"
        raise InvalidValue(f"unknown family {name!r}", hint) from None


def _check_text(what: str, text: str) -> None:
    """Text must be bytes a command line can hold: no NUL, no surrogate that is not an undecodable byte."""
    if "\0" in text:
        raise InvalidValue(f"{what} contains a NUL byte, which no command-line argument can hold")
    if any(0xD800 <= ord(ch) <= 0xDFFF and not 0xDC80 <= ord(ch) <= 0xDCFF for ch in text):
        raise InvalidValue(f"{what} contains a lone surrogate, which is not text or a byte")


def _split(option: str, text: str) -> list[str]:
    _check_text(option, text)
    try:
        return shell.split(text)
    except ValueError as exc:
        raise InvalidFlag(f"{option} {text!r} cannot be split into words: {exc}") from None


def split_flags(family: Family, texts: Sequence[str]) -> tuple[str, ...]:
    """Split each --flag like a shell splits words (checked later, with the presets' flags)."""
    tokens: list[str] = []
    for text in texts:
        words = _split("--flag", text)
        if not words:
            raise InvalidFlag("--flag is empty", f"give an interpreter option, e.g. --flag {family.flag_example!r}")
        tokens += words
    return tuple(tokens)


def _role_names(family: Family, word: str) -> list[str]:
    """The options a word names for _refuse_role: itself (before any `=`), or each letter of a bundle up to the
    one that takes a value or starts the program (`-uc` names -u and -c)."""
    grammar = family.grammar
    if not (grammar.bundles and word.startswith("-") and not word.startswith("--")):
        return [word.split("=", 1)[0]]
    names = []
    for letter in word[1:]:
        names.append("-" + letter)
        if letter in grammar.short_program + grammar.short_value + grammar.short_attached:
            break
    return names


def _refuse_role(family: Family, word: str) -> None:
    """Options that never go in: they start another program, print and exit, or replace the runtime's own."""
    grammar = family.grammar
    for name in _role_names(family, word):
        letter = name[1:] if grammar.bundles and len(name) == 2 and name[0] == "-" else ""
        if (
            name in grammar.program_options
            or name.startswith(grammar.program_prefixes)
            or (letter and letter in grammar.short_program)
        ):
            raise InvalidFlag(
                f"flag {name!r} starts {family.name}'s program; wrapgen inserts options before the"
                " program and never replaces it"
            )
        if name in grammar.refused:
            raise InvalidFlag(
                f"flag {name!r} makes {family.name} print or check and exit (or wait, or restart) instead of"
                " starting the function"
            )
        if name in grammar.displaces:
            raise InvalidFlag(
                f"flag {name!r} would replace the runtime's own {name} (the function would not find its code)",
                "add to the function's own configuration instead",
            )


def check_flags(family: Family, tokens: Sequence[str], runtimes: Sequence[str] | None = None) -> None:
    """Every token must be an option of the family's interpreter on each of the runtimes (default: all of the
    family's), in a form it accepts, or the value of the option before it; and none may take the program's place."""
    from wrapgen.options import read_flags

    if tokens and not tokens[0].startswith("-"):
        raise InvalidFlag(
            f"flag {tokens[0]!r} is not a {family.name} option: options start with '-', and a value follows its option",
            f"e.g. --flag {family.flag_example!r}",
        )
    for token in tokens:  # before the tables, which would only say where such an option exists
        if token.startswith("-"):
            _refuse_role(family, token)
    for option in read_flags(family, tokens, runtimes):
        _refuse_role(family, option.name)


def split_unchecked(family: Family, texts: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """--unchecked-flag: one option (and its value) each, checked only for what never goes in."""
    groups = []
    for text in texts:
        words = _split("--unchecked-flag", text)
        if not words or not words[0].startswith("-") or words[0] == "-" or any(w.startswith("-") for w in words[1:]):
            raise InvalidFlag(
                f"--unchecked-flag {text!r} is not one option (with its value, if it takes one)",
                "give each option in its own --unchecked-flag",
            )
        _refuse_role(family, words[0])
        groups.append(tuple(words))
    return tuple(groups)


def assignment(item: str, option: str) -> tuple[str, str]:
    """NAME=VALUE as (NAME, VALUE); InvalidEnv for anything else (no '=', no name)."""
    name, sep, value = item.partition("=")
    if not sep or not name:
        raise InvalidEnv(f"{option} {item!r} is not NAME=VALUE")
    return name, value


def parse_env(items: Sequence[str], option: str = "--env") -> tuple[tuple[str, str], ...]:
    """NAME=VALUE items as pairs, each name valid and settable; a name given twice must be a list variable."""
    pairs: list[tuple[str, str]] = []
    for item in items:
        _check_text(option, item)
        name, value = assignment(item, option)
        if not _ENV_NAME.fullmatch(name):
            raise InvalidEnv(
                f"{option} name {name!r} is not a valid variable name (letters, digits and '_', not starting with"
                " a digit)"
            )
        if name in shell.READONLY or name.startswith("wrapgen_"):
            raise InvalidEnv(f"{option} {name} cannot be set by a bash script (read-only in bash, or wrapgen's own)")
        if shell.bash_owns(name):
            raise InvalidEnv(
                f"{option} {name} is bash's own variable: Lambda's bootstrap and the wrapper are bash scripts, which"
                " change or drop it before the runtime sees it"
            )
        if name in RESERVED_ENV:
            proxy = "AWS_LAMBDA_RUNTIME_API"
            hint = "for a Runtime API proxy extension: --preset runtime-api-proxy=HOST:PORT" if name == proxy else None
            raise InvalidEnv(
                f"{option} {name} would break the runtime's start-up; Lambda sets it and it must stay", hint
            )
        pairs.append((name, value))
    return tuple(dict.fromkeys(pairs))


def check_unique(pairs: Sequence[tuple[str, str]]) -> None:
    """A variable that is not a list (MERGED_VARIABLES) can only be given one value."""
    values: dict[str, str] = {}
    for name, value in pairs:
        if name not in MERGED_VARIABLES and values.setdefault(name, value) != value:
            raise InvalidEnv(f"{name} is given two values ({values[name]!r} and {value!r})")


def check_startup_hooks(value: str) -> None:
    """Each entry of DOTNET_STARTUP_HOOKS: an absolute path, or an assembly name (no '/', '.dll', spaces, commas)."""
    for entry in value.split(":"):
        if entry.startswith("/"):
            if not entry.endswith(".dll") or " " in entry or "," in entry:
                raise InvalidEnv(f"DOTNET_STARTUP_HOOKS entry {entry!r}: a path must name a .dll, with no spaces or"
                                 " commas")  # fmt: skip
        elif not entry or "/" in entry or entry.endswith(".dll") or " " in entry or "," in entry:
            raise InvalidEnv(
                f"DOTNET_STARTUP_HOOKS entry {entry!r} is neither an absolute path nor an assembly name"
                " (no '/', '.dll', spaces or commas)"
            )


def split_drops(family: Family, texts: Sequence[str]) -> tuple[str, ...]:
    """Each --drop-flag is one option of the interpreter; an option that takes a value drops with it."""
    from wrapgen.options import is_known, nearest

    drops = []
    for text in texts:
        words = _split("--drop-flag", text)
        if len(words) != 1 or not words[0].startswith("-") or classify(family.grammar, words[0])[0] is not Kind.OPTION:
            raise InvalidFlag(
                f"--drop-flag {text!r} is not one {family.name} option",
                "give the option alone, e.g. --drop-flag -XX:-TieredCompilation; its value goes with it",
            )
        if not is_known(family, words[0]):
            raise InvalidFlag(
                f"--drop-flag {text!r} is not a {family.name} option of any Lambda runtime", nearest(family, words[0])
            )
        drops.append(words[0])
    return tuple(drops)


def check_links(option: str, paths: Sequence[str]) -> tuple[str, ...]:
    """The wrappers to chain before or after this one: each an absolute path, as Lambda's layers are at /opt."""
    if isinstance(paths, str):  # a str is a Sequence[str] too: each of its characters would be checked as a path
        raise TypeError(f"{option}: want a sequence of paths, not one str ({paths!r})")
    for path in paths:
        _check_text(option, path)
        check_link(option, path)
    return tuple(paths)


def check_name(family: Family, name: str | None) -> str:
    """The wrapper's file name: one path component of safe characters."""
    if name is None:
        return default_name(family)
    if not _FILE_NAME.fullmatch(name):
        raise InvalidValue(
            f"--name {name!r} is not a plain file name (letters, digits, '.', '_' and '-';"
            " no '/' and not starting with '.' or '-')"
        )
    return name


def check_runtimes(family: Family, runtimes: Sequence[str]) -> None:
    """Each --runtime must be one of the family's, or the error suggests the closest."""
    for runtime in runtimes:
        if refusal := retired(runtime):
            raise InvalidValue(refusal)
        if runtime not in family.runtimes:
            close = difflib.get_close_matches(runtime, family.runtimes, n=1)
            hint = f"did you mean {close[0]}?" if close else f"one of: {', '.join(family.runtimes)}"
            raise InvalidValue(f"--runtime {runtime!r} is not a {family.name} runtime", hint)


def wrapper_spec(
    family_name: str,
    flags: Sequence[str] = (),
    env: Sequence[str] = (),
    then: Sequence[str] = (),
    name: str | None = None,
    *,
    first: Sequence[str] = (),
    presets: Sequence[str] = (),
    drops: Sequence[str] = (),
    env_defaults: Sequence[str] = (),
    unchecked: Sequence[str] = (),
    runtimes: Sequence[str] = (),
) -> WrapperSpec:
    """Validate what the user typed and build the spec of one wrapper; its flags are checked for these runtimes
    (default: all of the family's, which a wrapper serves)."""
    family = family_named(family_name)
    check_runtimes(family, runtimes)
    spec = WrapperSpec(
        family=family,
        flags=split_flags(family, flags),
        env=parse_env(env),
        then=check_links("--then", then),
        first=check_links("--first", first),
        name=check_name(family, name),
        presets=tuple(apply_presets(family.name, presets)),
        drops=split_drops(family, drops),
        env_defaults=parse_env(env_defaults, "--env-default"),
        unchecked=split_unchecked(family, unchecked),
        selected=tuple(dict.fromkeys(runtimes)),
    )
    for use in spec.presets:
        for runtime in spec.selected:
            check_runtime(use, runtime)
    check_flags(family, spec.checked, spec.runtimes)
    check_chain(spec.first, spec.then)
    both = {name for name, _ in spec.env} & {name for name, _ in spec.env_defaults}
    if both:
        raise InvalidEnv(f"{sorted(both)[0]} is given both as a variable to set and as a default")
    check_unique(spec.variables + spec.defaults)
    check_exec_size(spec)
    for name, value in spec.variables + spec.defaults:
        if name == "DOTNET_STARTUP_HOOKS":
            check_startup_hooks(value)
        problem = node_options_problem(value, None) if name == "NODE_OPTIONS" else None
        if problem:
            raise InvalidEnv(
                f"NODE_OPTIONS {problem[0]}: {problem[1]}",
                "give it with --flag to a node wrapper: on the command line node takes any option",
            )
    return spec


def check_exec_size(spec: WrapperSpec) -> None:
    """What the wrapper passes to exec must fit Linux's limits, or exec fails (E2BIG) and the function with it:
    each option and each variable (a list variable's values joined) in ARG_STRLEN, all in EXEC_BUDGET."""
    joined: dict[str, list[str]] = {}
    for name, value in spec.variables + spec.defaults:
        joined.setdefault(name, []).append(value)
    strings = [*spec.inserted, *(SEPARATOR.join(links) for links in (spec.first, spec.then) if links),
               *(f"{name}={' '.join(values)}" for name, values in joined.items())]  # fmt: skip
    total = 0
    for text in strings:
        size = len(text.encode("utf-8", "surrogateescape")) + 1
        if size > ARG_STRLEN:
            raise InvalidValue(f"{text[:40]!r}... is {size} bytes: Linux's exec takes at most {ARG_STRLEN} in one"
                               " argument or variable, and the function would not start (E2BIG)")  # fmt: skip
        total += size
    if total > EXEC_BUDGET:
        raise InvalidValue(f"the wrapper's options and variables are {total} bytes: more than {EXEC_BUDGET} leaves too"
                           " little of exec's 2 MiB (E2BIG) to Lambda's own")  # fmt: skip


def spec_of(request: Request) -> WrapperSpec:
    """The spec of the wrapper a Request (a command line, a manifest entry, a header's command) asks for."""
    return wrapper_spec(
        request.family,
        request.flag,
        request.env,
        request.then,
        request.name,
        first=request.first,
        presets=request.preset,
        drops=request.drop_flag,
        env_defaults=request.env_default,
        unchecked=request.unchecked_flag,
        runtimes=request.runtime,
    )


def spec_from_command(argv: Sequence[str]) -> WrapperSpec:
    """The spec that a wrapgen command line (as WrapperSpec.command() writes it) asks for."""
    return spec_of(Request.from_argv(argv, HEADER_FIELDS))


def wrapper_family(path: str) -> Family | None:
    """The family of a wrapgen wrapper, from the command in its header; None for any other file."""
    from wrapgen.header import read_file_command

    try:
        command = read_file_command(path)
        return None if command is None else spec_from_command(command).family
    except (OSError, WrapgenError):
        return None
