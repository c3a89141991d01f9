"""How a list variable (NODE_OPTIONS, DOTNET_STARTUP_HOOKS, ...) is cut into the units a wrapper appends.

A unit is what is added, or skipped when already there, as a whole: an option with its value
(`--require /opt/x.js`), or one entry of a `:` list.
"""

from __future__ import annotations

import re

from wrapgen.grammar import classify
from wrapgen.options import allowed_in_env, option_name
from wrapgen.runtimes import FAMILIES, MERGED_VARIABLES, OPTIONS_VARIABLES

# A word of an options variable: runs of characters other than ASCII white space, and double-quoted parts
# (node and the JVM read `--require "/a b/x.js"` as two words). Only ASCII white space separates words, as
# the JVM and node split: a U+00A0 inside `-Dgreeting=hello world` stays inside its word.
_WORD = re.compile(r'(?:"(?:[^"\\]|\\.)*"|[^ \t\n\r\f\v"])+')


def units(name: str, value: str) -> list[str]:
    """The units of `value` for the list variable `name`, in order, without repeats."""
    return list(dict.fromkeys(every_unit(name, value)))


def every_unit(name: str, value: str) -> list[str]:
    """The units of `value` for the list variable `name`, in order, a repeated one as often as it is there."""
    separator = MERGED_VARIABLES[name]
    if separator != " ":
        return [entry for entry in value.split(separator) if entry]
    words = _WORD.findall(value)
    family = OPTIONS_VARIABLES.get(name)
    found: list[str] = []
    i = 0
    while i < len(words):
        width = classify(FAMILIES[family].grammar, words[i])[1] if family else 1
        found.append(" ".join(words[i : i + width]))
        i += width
    return found


def node_options_problem(value: str, runtime: str | None) -> tuple[str, str, bool] | None:
    """The first option in a NODE_OPTIONS value that node would refuse to start on, or that cannot work there:
    the option, why, and whether that depends on the Node.js version. None where there is none."""
    node = FAMILIES["node"]
    majors = {int(node.version_of(r)) for r in ([runtime] if runtime else node.runtimes)}
    for unit in units("NODE_OPTIONS", value):
        option = option_name(node, unit.split(" ")[0])
        if option in node.runtime_options:
            return option, "the runtime passes its own on the command line, which beats NODE_OPTIONS", False
        allowed = allowed_in_env(option)
        if not allowed:
            return option, "node refuses it in NODE_OPTIONS (or it is not a node option)", False
        missing = sorted(majors - allowed)
        if missing:
            where = ", ".join(f"Node.js {major}" for major in missing)
            return option, f"node refuses it in NODE_OPTIONS on {where}", True
    return None
