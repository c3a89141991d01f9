"""Checking interpreter flags against each interpreter's option table (wrapgen/tables/FAMILY.json).

The tables are data made from the real interpreters (scripts/tables/), one entry per option: how it takes its
value, its type, the versions that have it, and where a version differs, that version's entry (`by_version`).
runtimes.Family says which version each Lambda runtime runs. A flag must be an option, written in a form the
interpreter accepts, of every version it is meant for: an unknown option stops the interpreter, and with it the
function, at start-up. Python's -X names and the JVM's obsolete -XX flags are the exception: the interpreter
ignores them, so they must only mean something on one of those versions.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from wrapgen.errors import InvalidFlag
from wrapgen.runtimes import Family

Entry = dict[str, Any]

# Patterns as text: re compiles (and caches) one when a value is checked against it, not every run at import.
_TYPES = {
    "int": r"[+-]?[0-9]+",
    "uint": r"[0-9]+",
    "size": r"[0-9]+[kKmMgGtT]?",
    "double": r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?",
    "host-port": r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*)(:[0-9]{1,5})?",
}
# The JVM reads every integer flag with a k/m/g/t suffix or in hex (-XX:MaxRAM=1g, -XX:Foo=0x10).
_JVM_INTEGER = r"[+-]?(0[xX][0-9a-fA-F]+|[0-9]+[kKmMgGtT]?)"
_WARNING_ACTIONS = ("default", "error", "ignore", "always", "all", "module", "once")
_PREFIX_FORMS = ("attached", "optional-attached", "attached-or-separate")
_UNLOCK = {"diagnostic": "UnlockDiagnosticVMOptions", "experimental": "UnlockExperimentalVMOptions"}


@cache
def table(family: str) -> dict[str, Any]:
    """The option table of a family, as its JSON file holds it."""
    path = Path(__file__).parent / "tables" / f"{family}.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


class Option(NamedTuple):
    """One option as written: its words, the name of the table entry it matched, and its value (or None)."""

    words: tuple[str, ...]
    name: str
    value: str | None


def _normalise(data: dict[str, Any], word: str) -> str:
    """Node reads `--max_old_space_size` as `--max-old-space-size` (the table says where underscores count)."""
    if data.get("underscores") and word.startswith("--"):
        name, sep, value = word.partition("=")
        return name[:2] + name[2:].replace("_", "-") + sep + value
    return word


def _lookup(data: dict[str, Any], name: str) -> tuple[str, Entry] | None:
    options: dict[str, Entry] = data["options"]
    name = data.get("aliases", {}).get(name, name)
    return (name, options[name]) if name in options else None


def _prefixed(data: dict[str, Any], word: str) -> tuple[str, Entry] | None:
    """The longest option that takes its value in the same word and starts this word (`-Xmx`, `-XX:`, `-D`)."""
    best = None
    for name, entry in data["options"].items():
        if entry.get("value") in _PREFIX_FORMS and word.startswith(name) and (best is None or len(name) > len(best)):
            best = name
    return None if best is None else (best, data["options"][best])


def _nearest(data: dict[str, Any], name: str) -> str:
    hint = f"see: {data['family']} --help"
    if len(name) <= 2:  # a letter: any other letter is as near
        return hint
    names = [option for option in list(data["options"]) + list(data.get("aliases", {})) if len(option) > 2]
    names += ["-X " + xoption for xoption in data.get("xoptions", {})]
    for flag, entry in data.get("xx", {}).items():
        names.append("-XX:+" + flag if entry.get("type") == "bool" else f"-XX:{flag}=")
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else hint


class Reader:
    """Reads flag words as options of one family's interpreter, checked for the given runtimes."""

    def __init__(self, family: Family, runtimes: Sequence[str]) -> None:
        self.family = family
        self.data = table(family.name)
        self.runtimes = list(runtimes)
        self.seen: list[str] = []

    def _variants(self, entry: Entry, what: str, ignored_elsewhere: bool = False) -> list[Entry]:
        """The entry as each runtime's interpreter has it (its `by_version` part applied). Every runtime must
        have it; or, for what an interpreter ignores when it does not know it, one at least."""
        found: list[Entry] = []
        missing = []
        base = {key: value for key, value in entry.items() if key != "by_version"}
        for runtime in self.runtimes:
            version = self.family.version_of(runtime)
            if "versions" in entry and version not in entry["versions"]:
                missing.append(runtime)
                continue
            variant = {**base, **entry.get("by_version", {}).get(version, {})}
            if variant not in found:
                found.append(variant)
        if missing and not (ignored_elsewhere and found):
            have = [r for r in self.family.runtimes if self.family.version_of(r) in entry.get("versions", ())]
            on = f"it is on {', '.join(have)}" if have else "no Lambda runtime has it"
            if ignored_elsewhere:
                raise InvalidFlag(f"flag {what} does nothing on {', '.join(missing)}, whose {self.family.name}"
                                  f" ignores it ({on})")  # fmt: skip
            raise InvalidFlag(
                f"flag {what} is not an option of {self.family.name} on {', '.join(missing)} ({on})",
                "a function on those runtimes would not start; if yours runs only where it is, say so with"
                " --runtime (repeatable)",
            )
        return found

    def read(self, words: Sequence[str]) -> list[Option]:
        """The options these words make, each checked; or an InvalidFlag naming the first that would not start."""
        found: list[Option] = []
        i = 0
        while i < len(words):
            option = self._one(words, i)
            found.append(option)
            self.seen.append(option.words[0])
            i += len(option.words)
        return found

    def _one(self, words: Sequence[str], i: int) -> Option:
        word = _normalise(self.data, words[i])
        if self.family.grammar.bundles and re.match(r"-[^-]", word):
            return self._bundle(words, i)
        name, equals, attached = word.partition("=")
        hit = _lookup(self.data, word) or (_lookup(self.data, name) if name.startswith("--") else None)
        if hit is None and name.startswith("--no-"):
            negated = _lookup(self.data, "--" + name[5:])
            if negated is not None and negated[1].get("negatable") and not equals:
                self._variants(negated[1], repr(words[i]))
                return Option((words[i],), negated[0], None)
        if hit is None:
            hit = _prefixed(self.data, word)
            if hit is None:
                raise InvalidFlag(f"flag {words[i]!r} is not a {self.family.name} option", _nearest(self.data, name))
            return self._valued(words, i, hit, word[len(hit[0]) :])
        option, entry = hit
        form = entry.get("value", "none")
        if option == self.data.get("aliases", {}).get(word, word):  # the whole word is the option's name
            if form in ("separate", "separate-or-equals", "attached-or-separate"):
                if i + 1 >= len(words):
                    raise InvalidFlag(f"flag {words[i]!r} needs a value after it")
                return self._valued(words, i, hit, words[i + 1], width=2)
            if form in ("equals", "attached"):
                joined = f"{option}=VALUE" if form == "equals" else f"{option}VALUE"
                raise InvalidFlag(f"flag {words[i]!r} needs its value in the same word: {joined}")
            return self._valued(words, i, hit, None)
        if form in ("equals", "separate-or-equals", "optional-equals"):
            return self._valued(words, i, hit, attached)
        longer = _prefixed(self.data, word)  # ruby's `--debug` beside `--debug=FEATURES`
        if longer is not None and len(longer[0]) > len(option):
            return self._valued(words, i, longer, word[len(longer[0]) :])
        raise InvalidFlag(f"flag {words[i]!r}: {option} takes no value" + (" after '='" if equals else ""))

    def _bundle(self, words: Sequence[str], i: int) -> Option:
        """`-uB`, `-Xdev`, `-W0`: letters, the last of which may take the rest of the word or the next word."""
        word = words[i]
        for j in range(1, len(word)):
            letter = "-" + word[j]
            hit = _lookup(self.data, letter)
            if hit is None:
                raise InvalidFlag(f"flag {word!r}: {letter} is not a {self.family.name} option",
                                  _nearest(self.data, letter))  # fmt: skip
            form = hit[1].get("value", "none")
            if form == "none":
                self._variants(hit[1], repr(letter))
                continue
            rest = word[j + 1 :]
            if rest or form == "optional-attached":
                return self._valued(words, i, hit, rest or None)
            if form == "attached-or-separate":
                if i + 1 >= len(words):
                    raise InvalidFlag(f"flag {word!r} needs a value after it")
                return self._valued(words, i, hit, words[i + 1], width=2)
            raise InvalidFlag(f"flag {word!r}: {letter} needs its value in the same word")
        return Option((word,), "-" + word[1], None)

    def _valued(self, words: Sequence[str], i: int, hit: tuple[str, Entry], value: str | None,
                width: int = 1) -> Option:  # fmt: skip
        what = repr(" ".join(words[i : i + width]))
        for variant in self._variants(hit[1], what):
            if value is not None:
                self._check_value(what, variant, value)
            elif variant.get("value") == "attached":
                raise InvalidFlag(f"flag {what} needs a value")
        return Option(tuple(words[i : i + width]), hit[0], value)

    def _check_value(self, what: str, entry: Entry, value: str) -> None:
        kind = entry.get("type", "string")
        if kind == "table:xx":
            self._check_jvm_flag(what, value)
        elif kind.startswith("table:"):
            self._check_xoption(what, self.data[kind.removeprefix("table:")], value)
        elif kind == "warnings":
            action = value.split(":", 1)[0]
            if not any(full.startswith(action) for full in _WARNING_ACTIONS):
                raise InvalidFlag(f"flag {what}: {action!r} is not a warnings action",
                                  f"one of: {', '.join(_WARNING_ACTIONS)}")  # fmt: skip
        elif kind == "choice":
            if value not in entry["choices"]:
                raise InvalidFlag(f"flag {what}: {value!r} is not one of {', '.join(entry['choices'])}")
        elif kind == "string":
            if not value:
                raise InvalidFlag(f"flag {what} needs a value")
        elif kind in _TYPES and not re.fullmatch(_TYPES[kind], value):
            raise InvalidFlag(f"flag {what}: {value!r} is not a valid {kind} value")

    def _check_jvm_flag(self, what: str, value: str) -> None:
        """The JVM's -XX:+Flag, -XX:-Flag, -XX:Flag=value."""
        sign, name = (value[0], value[1:]) if value[:1] in "+-" else ("", value.partition("=")[0])
        entry = self.data["xx"].get(name)
        if entry is None:
            raise InvalidFlag(f"flag {what}: {name!r} is not a JVM -XX flag (the JVM would not start)",
                              _nearest(self.data, "-XX:" + value))  # fmt: skip
        # Not ignored_elsewhere: a JVM that does not know a -XX flag refuses to start ("Unrecognized VM option").
        variants = [v for v in self._variants(entry, what) if v.get("category") != "obsolete"]
        if not variants:
            raise InvalidFlag(f"flag {what}: {name} is obsolete on these runtimes: the JVM ignores it, with a warning")
        for variant in variants:
            kind = variant["type"]
            if (kind == "bool") != bool(sign):
                form = "-XX:+NAME or -XX:-NAME" if kind == "bool" else "-XX:NAME=VALUE"
                raise InvalidFlag(f"flag {what}: {name} is a {kind} flag, written {form}")
            _, equals, setting = value.partition("=")
            if not sign and not equals:
                raise InvalidFlag(f"flag {what}: {name} needs =VALUE")
            if not sign and kind in ("int", "uint", "size") and not re.fullmatch(_JVM_INTEGER, setting):
                raise InvalidFlag(f"flag {what}: {setting!r} is not a valid {kind} value")
            if not sign and kind == "double" and not re.fullmatch(_TYPES["double"], setting):
                raise InvalidFlag(f"flag {what}: {setting!r} is not a valid double value")
            needed = _UNLOCK.get(variant.get("category", ""))
            if needed and name not in _UNLOCK.values() and f"-XX:+{needed}" not in self.seen:
                raise InvalidFlag(f"flag {what}: {name} is {variant['category']}: the JVM refuses it unless"
                                  f" -XX:+{needed} comes before it")  # fmt: skip

    def _check_xoption(self, what: str, entries: dict[str, Entry], value: str) -> None:
        """Python's -X name[=value]."""
        name, equals, setting = value.partition("=")
        entry = entries.get(name)
        if entry is None:
            close = difflib.get_close_matches(name, list(entries), n=1)
            raise InvalidFlag(f"flag {what}: {name!r} is not a -X option of python (it would do nothing)",
                              f"did you mean {close[0]!r}?" if close else None)  # fmt: skip
        for variant in self._variants(entry, what, ignored_elsewhere=True):
            form = variant.get("value", "none")
            if equals and form == "none":
                raise InvalidFlag(f"flag {what}: -X {name} takes no value")
            if not equals and form == "required":
                raise InvalidFlag(f"flag {what}: -X {name} needs =VALUE")
            if equals:
                self._check_value(what, variant, setting)


def read_flags(family: Family, words: Sequence[str], runtimes: Sequence[str] | None = None) -> list[Option]:
    """Read flag words as options of the family's interpreter, for these runtimes (default: all of the family's)."""
    return Reader(family, family.runtimes if runtimes is None else runtimes).read(words)


def allowed_in_env(name: str) -> frozenset[int]:
    """The Node.js majors whose NODE_OPTIONS accepts this option (node refuses to start on any other)."""
    data = table("node")
    hit = _lookup(data, _normalise(data, name))
    return frozenset(int(major) for major in (hit[1].get("allowed_in_env", []) if hit else []))


def is_known(family: Family, word: str) -> bool:
    """Whether some version of the family's interpreter has the option this word names (as a runtime passes it)."""
    data = table(family.name)
    word = _normalise(data, word)
    hit = _lookup(data, word) or _lookup(data, word.partition("=")[0]) or _prefixed(data, word)
    if hit is not None and hit[1].get("type") == "table:xx":
        return word[len(hit[0]) :].lstrip("+-").partition("=")[0] in data["xx"]
    return hit is not None


def option_name(family: Family, word: str) -> str:
    """The option a word names, as the interpreter reads it (node: `--max_old_space_size=1` is
    --max-old-space-size)."""
    return _normalise(table(family.name), word).partition("=")[0]


def nearest(family: Family, word: str) -> str:
    """A hint naming the real option nearest to this word."""
    return _nearest(table(family.name), option_name(family, word))
