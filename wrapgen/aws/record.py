"""WRAPGEN_ATTACHED: what `wrapgen attach` added to a function, kept as compact JSON in the function's own
configuration, which `detach` reads to take off exactly that. A wire format in users' functions: one encoder, one
decoder that checks every field, and the same bytes as every earlier wrapgen wrote, so their records keep working.

    {"l": LAYER_ARN, "r": REPLACED_ARN, "s": {NAME: [BEFORE_OR_NULL, OURS]}, "a": {NAME: [TEXT, EXISTED]}}

l: our layer version; r (absent: none): the version of the same layer it replaced; s (absent: none): variables set,
with the value each had (null: none) and ours; a (absent: none): list variables appended to, with the text appended
and whether the variable was there before.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from wrapgen.errors import WrapgenError
from wrapgen.runtimes import MERGED_VARIABLES

NAME = "WRAPGEN_ATTACHED"


class RecordError(WrapgenError):
    """A WRAPGEN_ATTACHED that is not what wrapgen attach writes: that function is left as it is."""


class Record(NamedTuple):
    layer: str
    replaced: str | None = None
    sets: Mapping[str, tuple[str | None, str]] = {}
    """Variables set: name -> (the value before, None where there was none; ours)."""
    appended: Mapping[str, tuple[str, bool]] = {}
    """List variables appended to: name -> (the text appended, whether the variable was there)."""


def encode(record: Record) -> str:
    """The record as wrapgen writes it in the configuration."""
    data: dict[str, Any] = {"l": record.layer}
    if record.replaced is not None:
        data["r"] = record.replaced
    if record.sets:
        data["s"] = {name: list(pair) for name, pair in record.sets.items()}
    if record.appended:
        data["a"] = {name: list(pair) for name, pair in record.appended.items()}
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode(text: str) -> Record:
    """The record of a configuration's WRAPGEN_ATTACHED; RecordError, saying what is wrong, for anything else."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise RecordError(f"{NAME} is not JSON") from None
    if not isinstance(data, dict):
        raise RecordError(f"{NAME} is not a JSON object")
    unknown = sorted(set(data) - {"l", "r", "s", "a"})
    if unknown:
        raise RecordError(f"{NAME} has keys wrapgen does not write: {', '.join(map(repr, unknown))}")
    layer, replaced = data.get("l"), data.get("r")
    if not isinstance(layer, str) or not (replaced is None or isinstance(replaced, str)):
        raise RecordError(f"{NAME}: 'l' (and 'r') must be a layer version's ARN")
    return Record(layer, replaced or None, _pairs(data.get("s"), "s", _set), _pairs(data.get("a"), "a", _appended))


def _pairs(found: object, key: str, check: Any) -> dict[str, Any]:
    if found is None:
        return {}
    if not isinstance(found, dict):
        raise RecordError(f"{NAME}: '{key}' must map variable names to pairs")
    pairs = {}
    for name, pair in found.items():
        if name == NAME or not isinstance(pair, list) or len(pair) != 2 or not check(name, *pair):
            raise RecordError(f"{NAME}: '{key}' of {name!r} is not what wrapgen attach writes")
        pairs[name] = tuple(pair)
    return pairs


def _set(name: str, before: object, ours: object) -> bool:
    return (before is None or isinstance(before, str)) and isinstance(ours, str)


def _appended(name: str, text: object, existed: object) -> bool:
    """Attach appends to list variables only, and something."""
    return name in MERGED_VARIABLES and isinstance(text, str) and bool(text) and isinstance(existed, bool)
