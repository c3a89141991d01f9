"""How a list variable (NODE_OPTIONS, DOTNET_STARTUP_HOOKS, ...) is cut into the units a wrapper appends.

A unit is what is added, or skipped when already there, as a whole: an option with its value
(`--require /opt/x.js`), or one entry of a `:` list.
"""

from __future__ import annotations

import re

from wrapgen.grammar import classify
from wrapgen.runtimes import FAMILIES, MERGED_VARIABLES, OPTIONS_VARIABLES

# A word of an options variable: runs of non-space characters and double-quoted parts (node and the JVM
# read `--require "/a b/x.js"` as two words).
_WORD = re.compile(r'(?:"(?:[^"\\]|\\.)*"|[^\s"])+')


def units(name: str, value: str) -> list[str]:
    """The units of `value` for the list variable `name`, in order, without repeats."""
    separator = MERGED_VARIABLES[name]
    if separator != " ":
        return list(dict.fromkeys(entry for entry in value.split(separator) if entry))
    words = _WORD.findall(value)
    family = OPTIONS_VARIABLES.get(name)
    found: list[str] = []
    i = 0
    while i < len(words):
        width = classify(FAMILIES[family].grammar, words[i])[1] if family else 1
        found.append(" ".join(words[i : i + width]))
        i += width
    return list(dict.fromkeys(found))
