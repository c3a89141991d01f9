"""The manifest: wrapgen.toml (or [tool.wrapgen] in pyproject.toml), named entries that are each one family
command, and the one plan that builds them all.

    [wrapper.orders]              # an entry: `wrapgen build orders`
    family = "python"             # wrapgen python
    flag = ["-X importtime"]      # --flag "-X importtime"
    layer = "build/orders.zip"    # --layer build/orders.zip
    iac = "terraform"             # --iac terraform
    stdout = "infra/wrapgen.tf"   # > infra/wrapgen.tf (what the command prints)

Every key is an option of the family command without its dashes (`-o` is `output`); a repeatable option takes
a list of strings, a switch true or false. `family` names the command and `stdout` the file that what the
command prints goes to; `extends = "NAME"` starts from another entry's keys (its own replace them, a list
whole). Paths are relative to the manifest's directory, and stay in it: every output, layer, stdout and
included file resolves (after symlinks) inside it, unless the manifest says `allow-paths-outside = true` at its
top (a cloned repository's manifest cannot then write or pack a file elsewhere on the machine unseen).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tomli  # not the standard library's tomllib: tomli 2.5 bounds a key's parts (quadratic in 3.11's tomllib)

from wrapgen.errors import InvalidValue, WrapgenError
from wrapgen.files import read_regular
from wrapgen.output import STDOUT, File, Plan
from wrapgen.plan import plan
from wrapgen.request import Execution, Request, option_name

MANIFEST = "wrapgen.toml"
PYPROJECT = "pyproject.toml"
TABLE = "wrapper"
"""The table of entries: [wrapper.NAME] (in pyproject.toml, [tool.wrapgen.wrapper.NAME])."""
LIMIT = 1 << 20
"""Bytes of a manifest wrapgen reads."""
_ONLY_HERE = {"family": "the family command: python, node, java, dotnet or ruby",
              "stdout": "the file what the command prints goes to",
              "extends": "another entry whose keys this one starts from"}  # fmt: skip
OUTSIDE = "allow-paths-outside"
"""The top-level key that lets entries' paths leave the manifest's directory."""
CONFINED = ("output", "layer", "stdout")
"""An entry's keys that name a file it writes; with include and include-exec (the SRC of SRC=DEST, a file it
reads), the paths held inside the manifest's directory."""
ONE_OR_MORE = {"then", "first"}
"""Lists whose entry may also give one string (`then = "/opt/otel-handler"`, as before chains were lists)."""


def key_of(field: str) -> str:
    """A Request field's key in an entry: its option without the dashes."""
    return option_name(field)[2:]


KEYS = {key_of(field): field for field in Request._fields[1:]}


def takes_list(key: str) -> bool:
    """Whether an entry's key is a list of strings (a repeatable option), else one value."""
    field = KEYS[key]
    return isinstance(Request._field_defaults[field], tuple)


@dataclass(frozen=True)
class Entry:
    name: str
    request: Request
    stdout: str | None
    where: str
    """How errors name it: `wrapgen.toml: [wrapper.NAME]`."""

    def argv(self) -> list[str]:
        """The command line it stands for, with `>` and its stdout file where it has one."""
        return self.request.argv() + ([">", self.stdout] if self.stdout else [])

    def command_line(self) -> str:
        """That command line as bash takes it, printable: every character that is not, in an escape."""
        from wrapgen.shell import printable_words

        return printable_words(self.request.argv()) + (f" > {printable_words([self.stdout])}" if self.stdout else "")


@dataclass(frozen=True)
class Manifest:
    path: str
    entries: tuple[Entry, ...]
    prefix: str
    """Before the table's name in messages: `tool.wrapgen.` in pyproject.toml."""
    directory: str
    """Where it is (absolute): its paths are relative to it."""

    def select(self, names: Sequence[str]) -> list[Entry]:
        """The named entries (every entry for none), in the manifest's order."""
        known = {entry.name for entry in self.entries}
        for name in names:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                listed = sorted(known)
                more = f" and {len(listed) - 10} more" if len(listed) > 10 else ""
                hint = f"did you mean {close[0]!r}?" if close else f"it has: {', '.join(listed[:10])}{more}"
                raise InvalidValue(f"{self.path}: no entry [{self.prefix}{TABLE}.{name}]", hint)
        return [entry for entry in self.entries if not names or entry.name in names]

    def plan(self, entries: Sequence[Entry], owners: dict[str, list[str]] | None = None,
             execute: Execution = Execution.sandboxed) -> Plan:  # fmt: skip
        """plan_entries() of some of its entries, refusing a file that would be written over the manifest."""
        whole = plan_entries(entries, owners, execute)
        itself = os.path.realpath(os.path.join(self.directory, os.path.basename(self.path)))
        for file in whole.files:
            if os.path.realpath(file.path) == itself:
                raise InvalidValue(f"{self.path}: an entry writes {file.path}, which is this manifest",
                                   "give it another path")  # fmt: skip
        return whole


def _find() -> tuple[str, dict[str, Any]]:
    """The manifest here, read: wrapgen.toml, else pyproject.toml if it has [tool.wrapgen]."""
    if os.path.lexists(MANIFEST):
        return MANIFEST, _document(MANIFEST)
    if os.path.lexists(PYPROJECT):
        document = _document(PYPROJECT)
        if _tool_table(document, PYPROJECT) is not None:
            return PYPROJECT, document
    raise InvalidValue(f"no {MANIFEST} here (nor [tool.wrapgen] in {PYPROJECT})",
                       "wrapgen init writes a starter; or give --manifest PATH")  # fmt: skip


def _document(path: str) -> dict[str, Any]:
    data = read_regular(path, LIMIT)
    if data.startswith(b"\xef\xbb\xbf"):
        raise InvalidValue(f"{path}: starts with a byte order mark, which TOML does not take", "save it without one")
    try:
        document: dict[str, Any] = tomli.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InvalidValue(f"{path}: not UTF-8 (byte {error.start}): TOML is UTF-8 text") from None
    except (tomli.TOMLDecodeError, RecursionError) as error:  # tomli's bounds on nesting and keys: RecursionError
        raise InvalidValue(f"{path}: not valid TOML: {error}") from None
    return document


def _tool_table(document: dict[str, Any], path: str) -> dict[str, Any] | None:
    """pyproject.toml's [tool.wrapgen] table; None where there is none."""
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise InvalidValue(f"{path}: tool: want a table")
    table = tool.get("wrapgen")
    if table is not None and not isinstance(table, dict):
        raise InvalidValue(f"{path}: tool.wrapgen: want a table")
    return table


def load(path: str | None = None) -> Manifest:
    """The manifest at `path` (a pyproject.toml: its [tool.wrapgen] table), or the one here; every entry checked."""
    path, document = _find() if path is None else (path, _document(path))
    prefix = ""
    if os.path.basename(path) == PYPROJECT:
        prefix = "tool.wrapgen."
        table = _tool_table(document, path)
        if table is None:
            raise InvalidValue(f"{path}: no [tool.wrapgen] table")
        document = table
    for key in document:
        if key not in (TABLE, OUTSIDE):
            raise InvalidValue(f"{path}: {prefix}{key}: unknown key", f"entries go in [{prefix}{TABLE}.NAME] tables")
    outside = document.get(OUTSIDE, False)
    _want(f"{path}:", f"{prefix}{OUTSIDE}", outside, bool)
    table = document.get(TABLE)
    if table is not None and not isinstance(table, dict):
        raise InvalidValue(f"{path}: {prefix}{TABLE}: want tables [{prefix}{TABLE}.NAME], got {_kind(table)}")
    if not table:
        raise InvalidValue(f"{path}: declares no wrapper", f"add a [{prefix}{TABLE}.NAME] table (see: wrapgen init)")
    where = {name: f"{path}: [{prefix}{TABLE}.{name}]" for name in table}
    for name, items in table.items():
        if not isinstance(items, dict):
            raise InvalidValue(f"{where[name]}: want a table of options, got {_kind(items)}")
    merged: dict[str, dict[str, Any]] = {}
    for name in table:
        _extend(table, name, where, prefix, merged)
    entries = tuple(_entry(name, merged[name], where[name]) for name in table)
    directory = os.path.dirname(os.path.abspath(path))
    for name in table:
        _writable(merged[name], where[name])
        if not outside:
            _confine(merged[name], where[name], directory, f"{prefix}{OUTSIDE}")
    return Manifest(path, entries, prefix, directory)


def _writable(items: Mapping[str, Any], where: str) -> None:
    """Each path the entry writes has names Linux can hold (at most NAME_MAX bytes each): said of the entry, not
    left to the write of the whole plan (which fails, writing nothing, but names the file alone)."""
    from wrapgen.layer import NAME_MAX
    from wrapgen.printable import printable

    for name in CONFINED:
        value = items.get(name)
        if isinstance(value, str) and any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX
                                          for part in value.split("/")):  # fmt: skip
            raise InvalidValue(printable(f"{where} {name}: {value[:40]}...: a name in it is longer than {NAME_MAX}"
                                         " bytes, which Linux cannot write"))  # fmt: skip


def _confine(items: Mapping[str, Any], where: str, directory: str, key: str) -> None:
    """Each path the entry writes or packs resolves (after symlinks) inside the manifest's directory."""
    found = [(name, items[name]) for name in CONFINED if isinstance(items.get(name), str)]
    for name in ("include", "include-exec"):
        found += [(name, item.rpartition("=")[0]) for item in items.get(name, ()) if "=" in item]
    root = os.path.realpath(directory)
    for name, value in found:
        real = os.path.realpath(os.path.join(directory, value))
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            from wrapgen.printable import printable

            raise InvalidValue(printable(f"{where} {name}: {value} is outside the manifest's directory ({real})"),
                               f"keep it in {root}; or set {key} = true at the manifest's top, which lets it"
                               " write and read anywhere you can")  # fmt: skip


def _extend(table: Mapping[str, dict[str, Any]], name: str, where: Mapping[str, str], prefix: str,
            merged: dict[str, dict[str, Any]]) -> None:  # fmt: skip
    """Into `merged`, an entry's keys over those of the entry it `extends` (and so on up): its own win, lists are
    replaced. Each entry is merged once (a chain of thousands is linear)."""
    chain, seen = [name], {name}
    while chain[-1] not in merged and "extends" in table[chain[-1]]:
        parent = table[chain[-1]]["extends"]
        _want(where[chain[-1]], "extends", parent, str)
        if parent not in table:
            close = difflib.get_close_matches(parent, table, n=1)
            raise InvalidValue(f"{where[chain[-1]]} extends: no entry [{prefix}{TABLE}.{parent}]",
                               f"did you mean {close[0]!r}?" if close else None)  # fmt: skip
        if parent in seen:
            loop = chain[chain.index(parent) :]
            raise InvalidValue(f"{where[parent]} extends: a loop: {' -> '.join([*loop, parent])}")
        chain.append(parent)
        seen.add(parent)
    for link in reversed(chain):
        if link not in merged:
            base = merged[table[link]["extends"]] if "extends" in table[link] else {}
            merged[link] = {**base, **table[link]}
            merged[link].pop("extends", None)


def _entry(name: str, items: Mapping[str, Any], where: str) -> Entry:
    from wrapgen.spec import family_named

    _known_keys(items, where)
    family = items.get("family")
    if family is None:
        raise InvalidValue(f"{where} family: missing", "say which command: python, node, java, dotnet or ruby")
    _want(where, "family", family, str)
    try:
        family_named(family)
    except WrapgenError as error:
        raise InvalidValue(f"{where} family: {error.message}", error.hint) from None
    stdout = items.get("stdout")
    if stdout is not None:
        _want(where, "stdout", stdout, str)
    given = {KEYS[key]: _value(key, value, where) for key, value in items.items() if key in KEYS}
    for key in ("output", "stdout", "layer"):
        if items.get(key) == STDOUT:
            raise InvalidValue(f"{where} {key}: '-' is stdout: an entry writes files", "give a path")
    return Entry(name, Request(family, **given), stdout, where)


def _known_keys(items: Mapping[str, Any], where: str) -> None:
    """Every key is an option's or one of the manifest's own, and holds no NUL."""
    for key in items:
        if key not in KEYS and key not in _ONLY_HERE:
            close = difflib.get_close_matches(key, [*KEYS, *_ONLY_HERE], n=1)
            raise InvalidValue(f"{where} {key}: unknown key", f"did you mean {close[0]!r}?" if close else
                               "keys are the family command's options without '--' (see: wrapgen init)")  # fmt: skip
    for key, value in items.items():
        if any(isinstance(text, str) and "\0" in text for text in (value if isinstance(value, list) else [value])):
            raise InvalidValue(f"{where} {key}: holds a NUL character, which no argument or path can")


def _value(key: str, value: object, where: str) -> Any:
    """An option's key's value as its Request field takes it: a tuple of strings, a switch, or a string."""
    field = KEYS[key]
    if field in ONE_OR_MORE and isinstance(value, str):
        return (value,)
    if takes_list(key):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InvalidValue(f"{where} {key}: want a list of strings, got {_kind(value)}", f'e.g. {key} = ["..."]')
        return tuple(value)
    if isinstance(Request._field_defaults[field], bool):
        _want(where, key, value, bool)
        return value
    _want(where, key, value, str)
    return value


def _want(where: str, key: str, value: object, kind: type) -> None:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise InvalidValue(f"{where} {key}: want {'true or false' if kind is bool else 'a string'}, got {_kind(value)}")


def _kind(value: object) -> str:
    names = {bool: "a boolean", str: "a string", int: "an integer", float: "a number", list: "an array",
             dict: "a table"}  # fmt: skip
    return names.get(type(value), "a date or time")


def plan_entries(entries: Sequence[Entry], owners: dict[str, list[str]] | None = None,
                 execute: Execution = Execution.sandboxed) -> Plan:  # fmt: skip
    """One plan for all the entries: each entry's files (and its stdout file), messages prefixed by its name.
    Entries may write the same file with the same bytes (e.g. one layer referenced by two IaC snippets); two
    different contents for one path are refused. `owners`, if given, gets each file's path -> the entries that
    write it."""
    whole = Plan()
    written: dict[str, tuple[File, Entry]] = {}
    for entry in entries:
        try:
            part = plan(entry.request, execute)
            part.check()
        except WrapgenError as error:
            raise InvalidValue(f"{entry.where}: {error.message}", error.hint) from None
        files = list(part.files)
        if part.stdout:
            if entry.stdout is None:
                raise InvalidValue(f"{entry.where}: the command prints its output: say where it goes",
                                   "add stdout = PATH (or output = PATH for a script)")  # fmt: skip
            files.append(File(entry.stdout, part.stdout, 0o644))
        elif entry.stdout is not None:
            raise InvalidValue(f"{entry.where} stdout: the command prints nothing (it writes its files itself)",
                               "leave stdout out")  # fmt: skip
        for file in files:
            key = os.path.realpath(file.path)  # the file itself, however it is spelled (as output.commit sees it)
            if owners is not None:
                owners.setdefault(written[key][0].path if key in written else file.path, []).append(entry.name)
            if key in written:
                other, by = written[key]
                if (other.data, other.mode) != (file.data, file.mode):
                    raise InvalidValue(f"{entry.where}: writes {file.path}, which [{TABLE}.{by.name}] writes"
                                       " differently")  # fmt: skip
                continue
            written[key] = (file, entry)
            whole.files.append(file)
        whole.messages += [_prefixed(entry.name, message) for message in part.messages]
    whole.check()  # what only the entries together do wrong
    return whole


def _prefixed(name: str, message: str) -> str:
    from wrapgen.printable import printable

    return "".join(f"{printable(name)}: {line}" for line in message.splitlines(keepends=True))


def entered(path: str | None) -> Manifest:
    """The manifest (load), and this process then working in its directory, where its paths are relative to."""
    found = load(path)
    os.chdir(found.directory)
    return found
