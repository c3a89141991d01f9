"""`wrapgen init`: a commented starter manifest, from families or from generated files' headers."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tomli_w

from wrapgen.errors import InvalidValue, WrapgenError
from wrapgen.manifest import KEYS, MANIFEST, OUTSIDE, TABLE, takes_list
from wrapgen.runtimes import Family

INTRO = f"""\
# {MANIFEST}: the wrappers this repository builds. `wrapgen build` builds them all (or the entries named), as one
# plan: every file written, or none. `wrapgen check` exits 1, with a diff, where a file is missing, stale or
# hand-edited: run it in CI (or as the wrapgen-check pre-commit hook).
#
# One [{TABLE}.NAME] table is one command line: `family` is the command (python, node, java, dotnet, ruby); every
# other key is one of its options without the dashes (-o is `output`): a repeatable option takes a list of
# strings, a switch true or false. `stdout` is the file that what the command prints goes to (its `> PATH`): the
# IaC snippet, the Dockerfile lines or the --via env variables. `extends = "NAME"` starts from the keys of another
# entry (e.g. the same wrapper's Terraform snippet): its own keys replace those, a list whole. Paths are relative
# to this file; `wrapgen build --dry-run` shows each entry's command line.
"""


_TARGETS = {"output", "layer"}


@dataclass(frozen=True)
class Option:
    """An option of the family command, for the starter's comments."""

    key: str
    metavar: str
    help: str
    repeatable: bool
    switch: bool


@dataclass(frozen=True)
class Draft:
    name: str
    values: dict[str, Any]
    notes: tuple[str, ...] = ()


def from_family(family: Family) -> Draft:
    """A first entry of a family: its example flag, the script and a layer zip under build/."""
    stem = f"build/wrapgen-{family.name}"
    values = {"family": family.name, "flag": [family.flag_example], "output": stem, "layer": f"{stem}.zip"}
    return Draft(family.name, values)


def from_file(path: str, directory: str, outside: bool = False) -> Draft:
    """The entry that rebuilds a generated wrapper (or the layer zip of one) from its header's command; the file
    inside the manifest's directory unless `outside` (init --allow-paths-outside)."""
    from wrapgen import drift
    from wrapgen.header import read_command
    from wrapgen.layer import wrapper_file
    from wrapgen.spec import spec_from_command

    real, root = os.path.realpath(path), os.path.realpath(directory)
    if not outside and not real.startswith(root.rstrip(os.sep) + os.sep):
        from wrapgen.printable import printable

        raise InvalidValue(printable(f"--from {path}: outside the manifest's directory ({root}): an entry's paths"
                                     " stay in it"), f"move it there, or give --{OUTSIDE}, which writes"
                           f" {OUTSIDE} = true in the manifest")  # fmt: skip
    data, mode = drift.read_generated(path)
    drift.rebuilt(path, data, mode)  # refuses what is not a wrapgen wrapper, or a layer zip of them, with the reason
    notes: list[str] = []
    found_command: list[str] | None
    relative = os.path.relpath(path, directory)
    if data.startswith(drift.ZIP_MAGIC):
        members = drift.members(data, path)
        commands = [(name, read_command(content.decode("utf-8", "surrogateescape")))
                    for name, (content, _) in members.items() if drift.is_script(content)]  # fmt: skip
        ours = [(name, command) for name, command in commands if command is not None]
        if len(ours) != 1:
            raise InvalidValue(f"{path}: holds {len(ours)} wrapgen wrappers; an entry builds a layer of one")
        others = sorted(name for name in members if name != ours[0][0])
        if others:
            notes.append(f"The zip also holds {', '.join(others)}: give their sources, include = [\"SRC=DEST\"]"
                         " (include-exec for scripts), or the layer is built without them.")  # fmt: skip
        member, found_command, target = ours[0][0], ours[0][1], {"layer": relative}
    else:
        member, found_command = None, read_command(data.decode("utf-8", "surrogateescape"))
        target = {"output": relative}
    assert found_command is not None
    command = found_command
    spec = spec_from_command(command)
    if member is not None and member != wrapper_file(spec.name):
        raise InvalidValue(
            f"{path}: its wrapper is at {member}, where --layer puts it at {wrapper_file(spec.name)}:"
            " an entry would build another layer",
            "keep rebuilding it with wrapgen regenerate",
        )
    values: dict[str, Any] = {"family": spec.family.name}
    for option, value in zip(command[2::2], command[3::2], strict=True):
        key = option[2:]
        if takes_list(key):
            values.setdefault(key, []).append(value)
        else:
            values[key] = value
    values.update(target)
    return Draft(spec.name, values, tuple(notes))


def render(drafts: Sequence[Draft], options: Mapping[str, Sequence[Option]], outside: bool = False) -> str:
    """The manifest's text: the introduction (and `allow-paths-outside = true` where `outside`), then each entry with
    its values and the other keys commented."""
    parts = [INTRO]
    if outside:
        parts.append(f"\n# Entries write and read files outside this directory (init --{OUTSIDE}).\n{OUTSIDE} = true\n")
    used: set[str] = set()
    for draft in _merged(drafts):
        name = draft.name
        while name in used:
            name += "-2"
        used.add(name)
        try:
            table = tomli_w.dumps({TABLE: {name: draft.values}})
        except (ValueError, UnicodeEncodeError) as error:
            raise InvalidValue(f"{name}: cannot be written as TOML: {error}") from None
        parts.append("\n" + "".join(f"# {line}\n" for note in draft.notes for line in textwrap.wrap(note, 110)))
        parts.append(table)
        parts.append("# Its other options:\n")
        for option in options[draft.values["family"]]:
            if option.key not in draft.values:
                parts.append(_commented(option))
    return "".join(parts)


def _merged(drafts: Sequence[Draft]) -> list[Draft]:
    """A wrapper's script and its layer zip, given both (the same command), as one entry: output and layer."""
    merged: list[Draft] = []
    for draft in drafts:
        same = next((m for m in merged if _command_of(m) == _command_of(draft) and not _targets(m) & _targets(draft)),
                    None)  # fmt: skip
        if same is None:
            merged.append(draft)
        else:
            merged[merged.index(same)] = Draft(same.name, {**same.values, **draft.values}, same.notes + draft.notes)
    return merged


def _command_of(draft: Draft) -> dict[str, Any]:
    return {key: value for key, value in draft.values.items() if key not in _TARGETS}


def _targets(draft: Draft) -> set[str]:
    return draft.values.keys() & _TARGETS


def _commented(option: Option) -> str:
    # A metavar is ASCII without control characters: its JSON string is a TOML string.
    example = "false" if option.switch else json.dumps([option.metavar] if option.repeatable else option.metavar)
    lines = textwrap.wrap(option.help, 106)
    return f"# {option.key} = {example}\n" + "".join(f"#     {line}\n" for line in lines)


def options_of(family: Family) -> list[Option]:
    """The keys an entry of this family takes, with their help, from the option model (wrapgen.request)."""
    from wrapgen.request import OPTIONS, Request, option_help

    found = []
    for key, field in KEYS.items():
        metavar, _ = OPTIONS[field]
        switch = isinstance(Request._field_defaults[field], bool)
        text = option_help(field, family.name, family.flag_example, family.runtimes)
        found.append(Option(key, metavar or "TEXT", text, takes_list(key), switch))
    return found


def check_target(path: str) -> None:
    """init writes a new manifest: never over one."""
    if os.path.lexists(path):
        raise WrapgenError(f"{path} exists: wrapgen init writes a new manifest", "choose another -o, or - for stdout")
