"""`wrapgen status` on one function, read only: the wrapgen layers it carries (recognised by what attach recorded
in WRAPGEN_ATTACHED, or by the description wrapgen publish writes) with their version and the latest published,
the wrapper chain it runs (WRAPGEN_FIRST's links, the wrapper, WRAPGEN_THEN's), how near its variables are to
Lambda's 4 KB, and what attach recorded that no longer matches it. `chain.verdict` runs the chain in the sandbox
where asked (--check)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wrapgen.aws.attach import FIRST, MARK, THEN, WRAPPER, Change, Function, chain_of, layer_name, read_function
from wrapgen.aws.client import translated
from wrapgen.aws.publish import wrapper_from_description
from wrapgen.aws.record import Record, RecordError, decode
from wrapgen.envmode import configuration_size
from wrapgen.errors import WrapgenError
from wrapgen.runtimes import ENV_LIMIT

NEAR = 0.9
"""Variables that take this much of ENV_LIMIT or more are near it: an attach that adds to them may not fit."""


@dataclass(frozen=True)
class Layer:
    """A wrapgen layer version on the function, and the layer's versions as ListLayerVersions gives them."""

    arn: str
    version: int
    latest: int | None
    """The layer's latest version; None where its versions could not be listed."""
    deleted: bool = False
    """This version is no longer listed: the function keeps it, but it cannot be added to a function again."""

    @property
    def current(self) -> bool:
        return self.latest == self.version and not self.deleted


@dataclass
class Health:
    function: str
    runtime: str | None = None
    layers: list[Layer] = field(default_factory=list)
    wrapper: str | None = None
    first: str | None = None
    then: str | None = None
    chain: list[str] = field(default_factory=list)
    """The chain it runs, in order: WRAPGEN_FIRST's links, AWS_LAMBDA_EXEC_WRAPPER, WRAPGEN_THEN's links."""
    record: Record | None = None
    size: int = 0
    verdict: str | None = None
    """chain.verdict's ("ok", "breaks", "not checked: WHY"), with --check; else None."""
    problems: list[str] = field(default_factory=list)
    """What makes it unhealthy: attach's record no longer matching the function, a chain that breaks it."""
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def result(self) -> str:
        if self.error is not None:
            return "failed"
        if self.problems:
            return "unhealthy"
        return "ok" if self.layers or self.record else "no wrapgen layer"


class Versions:
    """Each layer's versions (number -> description), listed once for a whole fleet; an error said as text."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._found: dict[str, dict[int, str] | str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def of(self, layer: str, function_arn: str) -> dict[int, str] | str:
        """The versions of `layer` (its ARN without a version), as the function's account sees them."""
        parts, own = layer.split(":"), function_arn.split(":")
        # The bare name for a layer of the function's own account and region (moto's ListLayerVersions knows no
        # other), else the ARN.
        name = parts[6] if parts[3:5] == own[3:5] else layer
        with self._lock:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._found:
                self._found[name] = self._list(name)
            return self._found[name]

    def _list(self, name: str) -> dict[int, str] | str:
        try:
            with translated(f"layer {name}"):
                pages = self.client.get_paginator("list_layer_versions").paginate(LayerName=name)
                return {int(v["Version"]): str(v.get("Description") or "") for p in pages for v in p["LayerVersions"]}
        except WrapgenError as error:
            return error.message


def mismatches(function: Function, record: Record) -> list[str]:
    """What attach recorded that the function no longer has: its layer, a value it set, text it appended."""
    found = []
    if record.layer not in function.layers:
        found.append(f"{record.layer}: attach put it on, and it is no longer on the function")
    for name, (_, ours) in record.sets.items():
        now = function.env.get(name)
        if now != ours:
            found.append(f"{name}: attach set {ours!r}, it is now {'unset' if now is None else repr(now)}")
    for name, (text, _) in record.appended.items():
        now = function.env.get(name)
        if now is None or not now.endswith(text):
            found.append(f"{name}: attach appended {text!r}, it is now {'unset' if now is None else repr(now)}")
    return found


def _layers(function: Function, record: Record | None, versions: Versions, health: Health) -> None:
    """The function's wrapgen layers: the one attach recorded, and any whose description is wrapgen publish's."""
    for arn in function.layers:
        number = arn.rpartition(":")[2]
        if not number.isdigit():
            continue
        found = versions.of(layer_name(arn), function.arn)
        ours = record is not None and arn == record.layer
        if isinstance(found, str):
            if ours:
                health.warnings.append(f"the latest version of {layer_name(arn)} is unknown: {found}")
                health.layers.append(Layer(arn, int(number), None))
            continue
        if not ours and not found.get(int(number), "").startswith("wrapgen "):
            continue
        layer = Layer(arn, int(number), max(found, default=None), int(number) not in found)
        wrapper = wrapper_from_description(found.get(int(number)))
        if wrapper is not None and wrapper not in health.chain:
            health.warnings.append(f"{wrapper} (of {arn}) is not in the chain: it does not run")
        if layer.deleted:
            health.warnings.append(f"{arn}: this version was deleted (the function keeps it; it cannot be added again)")
        elif not layer.current:
            health.warnings.append(f"{arn}: not the latest version ({layer.latest})")
        health.layers.append(layer)


def survey(client: Any, name: str, versions: Versions, check: Callable[[Change, str], str] | None) -> Health:
    """The health of one function; `check(change, our_layer)` gives the chain's verdict (--check)."""
    health = Health(name)
    try:
        function = read_function(client, name)
    except WrapgenError as error:
        health.error = error.message + (f" ({error.hint})" if error.hint else "")
        return health
    health.runtime, health.size = function.runtime, configuration_size(list(function.env.items()))
    health.wrapper, health.first, health.then = (function.env.get(name) for name in (WRAPPER, FIRST, THEN))
    health.chain = chain_of(function.env)
    if MARK in function.env:
        try:
            health.record = decode(function.env[MARK])
            health.problems += mismatches(function, health.record)
        except RecordError as error:
            health.problems.append(error.message)
    _layers(function, health.record, versions, health)
    if health.size >= NEAR * ENV_LIMIT:
        health.warnings.append(f"variables: {health.size} of {ENV_LIMIT} bytes ({100 * health.size // ENV_LIMIT}%)")
    if check is not None and health.layers and health.wrapper is not None:
        change = Change(function, list(function.layers), dict(function.env))
        health.verdict = check(change, health.layers[0].arn)
        health.warnings += change.notes
        if health.verdict == "breaks":
            health.problems.append(f"the wrapper chain breaks the function on {function.runtime}")
    return health


def survey_all(client: Any, names: Sequence[str], check: Callable[[Change, str], str] | None,
               done: Callable[[int], None]) -> list[Health]:  # fmt: skip
    """Every function's health, fleet.WORKERS at a time, in the order given; `done(n)` as each n-th ends."""
    import concurrent.futures

    from wrapgen.aws.fleet import WORKERS

    versions = Versions(client)
    pool = concurrent.futures.ThreadPoolExecutor(min(WORKERS, max(len(names), 1)))
    try:
        futures = [pool.submit(survey, client, name, versions, check) for name in names]
        for count, _ in enumerate(concurrent.futures.as_completed(futures), 1):
            done(count)
    finally:  # interrupted (Ctrl-C): the calls in flight end, those not begun are dropped
        pool.shutdown(wait=True, cancel_futures=True)
    return [future.result() for future in futures]


def as_data(found: Sequence[Health]) -> dict[str, object]:
    """What table says, as JSON: each function's result, wrapgen layers, chain, record, variables, verdict, problems,
    warnings and error; the counts."""
    functions = []
    for health in found:
        record = health.record
        functions.append({
            "function": health.function, "result": health.result, "runtime": health.runtime,
            "layers": [{"arn": layer.arn, "version": layer.version, "latest": layer.latest, "current": layer.current,
                        "deleted": layer.deleted} for layer in health.layers],
            "wrapper": health.wrapper, "first": health.first, "then": health.then, "chain": health.chain,
            "recorded": None if record is None else {
                "layer": record.layer, "replaced": record.replaced,
                "sets": {name: {"before": before, "ours": ours} for name, (before, ours) in record.sets.items()},
                "appended": {name: {"text": text, "existed": existed}
                             for name, (text, existed) in record.appended.items()}},
            "variables": {"bytes": health.size, "limit": ENV_LIMIT, "near_limit": health.size >= NEAR * ENV_LIMIT},
            "check": health.verdict, "problems": health.problems, "warnings": health.warnings, "error": health.error,
        })  # fmt: skip
    return {"functions": functions, "counts": counts(found)}


def counts(found: Sequence[Health]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for health in found:
        tally[health.result] = tally.get(health.result, 0) + 1
    return tally


def table(found: Sequence[Health]) -> str:
    """A table (function, result, wrapgen layer and version, wrapper chain, notes) and the counts."""
    from wrapgen.printable import printable

    rows: list[tuple[str, ...]] = [("FUNCTION", "RESULT", "LAYER", "CHAIN", "NOTES")]
    for health in found:
        layers = ", ".join(f"{layer_name(layer.arn).rpartition(':')[2]}:{layer.version}" for layer in health.layers)
        chain = " -> ".join(health.chain)
        notes = [health.error] if health.error else health.problems + health.warnings
        if health.verdict is not None:
            notes.insert(0, f"check: {health.verdict}")
        rows.append(tuple(printable(text) for text in (health.function, health.result, layers or "-", chain or "-",
                                                       "; ".join(notes))))  # fmt: skip
    width = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(f"{cell:<{width[i]}}" for i, cell in enumerate(row[:4])) + "  " + row[4] for row in rows]
    lines = [line.rstrip() for line in lines]
    lines.append(", ".join(f"{count} {result}" for result, count in counts(found).items()))
    return "\n".join(lines) + "\n"
