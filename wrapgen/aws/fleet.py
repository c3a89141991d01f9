"""Many functions at once: the functions named, or those with a layer, or those with a tag; each one attached or
detached on its own (a bounded pool of threads: boto3's clients are thread-safe), and a summary of what changed."""

from __future__ import annotations

import concurrent.futures
import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from wrapgen.aws.attach import Change, layer_name, recorded_layers
from wrapgen.aws.client import translated
from wrapgen.errors import InvalidValue, WrapgenError
from wrapgen.printable import printable

WORKERS = 8


@dataclass(frozen=True)
class Result:
    function: str
    change: Change | None
    error: str | None
    written: bool
    started: bool = True
    """False: an interrupt came first, and the function was left alone."""

    @property
    def status(self) -> str:
        if not self.started:
            return "not started"
        if self.error is not None:
            return "failed"
        if self.change is None or not self.change.changed:
            return "unchanged"
        return "changed" if self.written else "would change"


def _tags(pairs: Sequence[str]) -> dict[str, str]:
    tags = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            raise InvalidValue(f"--tag {printable(pair)!r}: want KEY=VALUE")
        tags[key] = value
    return tags


def targets(client: Any, functions: Sequence[str], with_layer: str | None, tag_pairs: Sequence[str],
            every: bool = False) -> list[str]:  # fmt: skip
    """The functions to work on, each once: those named, and those of the account and region that have the layer
    (any version, for a layer's ARN without one; or whose WRAPGEN_ATTACHED names it) and every tag asked for
    (`every`: all of the region's)."""
    chosen = list(functions)
    tags = _tags(tag_pairs)
    if with_layer is not None or tags or every:
        found: list[tuple[str, str]] = []
        with translated("list_functions"):
            for page in client.get_paginator("list_functions").paginate():
                for config in page.get("Functions", []):
                    variables = (config.get("Environment") or {}).get("Variables") or {}
                    arns = [str(layer["Arn"]) for layer in config.get("Layers") or ()] + recorded_layers(variables)
                    if with_layer is not None and not any(with_layer in (arn, layer_name(arn)) for arn in arns):
                        continue
                    found.append((str(config["FunctionName"]), str(config["FunctionArn"])))
        if tags:

            def tagged(item: tuple[str, str]) -> bool:
                with translated(item[0]):
                    have = client.list_tags(Resource=item[1]).get("Tags") or {}
                return all(have.get(key) == value for key, value in tags.items())

            with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
                found = [item for item, keep in zip(found, pool.map(tagged, found), strict=True) if keep]
        chosen += [name for name, _ in found]
    if not chosen:
        raise InvalidValue("no function to work on", "say --function, --all-with-layer or --tag")
    return list(dict.fromkeys(chosen))


def run(names: Sequence[str], one: Callable[[str], tuple[Change, bool]],
        stop: threading.Event | None = None) -> list[Result]:  # fmt: skip
    """`one` on every function, WORKERS at a time; a failure of one is its result, never the others'. SIGINT or
    SIGTERM sets `stop`: the functions in flight finish, no other is started (a second signal: KeyboardInterrupt,
    and still none is started)."""
    stop = stop or threading.Event()

    def each(name: str) -> Result:
        if stop.is_set():
            return Result(name, None, None, False, started=False)
        try:
            change, written = one(name)
        except WrapgenError as error:
            message = error.message + (f" ({error.hint})" if error.hint else "")
            return Result(name, None, message, False)
        return Result(name, change, change.unfinished, written)

    with _stopping(stop), concurrent.futures.ThreadPoolExecutor(min(WORKERS, len(names))) as pool:
        return list(pool.map(each, names))


@contextlib.contextmanager
def _stopping(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` while a fleet is worked on (in the main thread, where signals are handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        sys.stderr.write("wrapgen: interrupted: the functions in flight finish, no other is started\n")

    previous = {number: signal.signal(number, handler) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, before in previous.items():
            signal.signal(number, before)


def summary(results: Sequence[Result], command: str) -> str:
    """A table (function, result, notes), the counts, and for a partial failure what was changed and how to undo."""
    rows = [("FUNCTION", "RESULT", "NOTES")]
    for result in results:
        notes = result.error if result.error is not None else "; ".join(result.change.notes if result.change else [])
        rows.append((printable(result.function), result.status, printable(notes or "")))
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{row[0]:<{width[0]}}  {row[1]:<{width[1]}}  {row[2]}".rstrip() for row in rows]
    lines.append(", ".join(f"{count} {status}" for status, count in _counts(results).items()))
    failed = [r for r in results if r.error is not None or not r.started]
    written = changed_functions(results)
    if failed and written:
        lines.append(f"{len(failed)} failed or not started; {len(written)} changed: "
                     + ", ".join(map(printable, written)))  # fmt: skip
        undo = undo_command(results, command)
        if undo is not None:
            lines.append("to undo: " + printable(undo))
    return "\n".join(lines) + "\n"


def _counts(results: Sequence[Result]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return counts


def changed_functions(results: Sequence[Result]) -> list[str]:
    return [r.function for r in results if r.written and r.change is not None and r.change.changed]


def undo_command(results: Sequence[Result], command: str) -> str | None:
    """The command that takes off what an attach wrote (a detach has none: what it took off was the original)."""
    import shlex

    written = changed_functions(results)
    if command != "attach" or not written:
        return None
    return "wrapgen detach" + "".join(f" --function {shlex.quote(name)}" for name in written)


def _configuration(layers: Sequence[str], env: dict[str, str]) -> dict[str, object]:
    return {"layers": list(layers), "variables": dict(env)}


def as_data(results: Sequence[Result], command: str) -> dict[str, object]:
    """What summary says, as JSON: each function's result, notes, error and (where it changes) its configuration
    before and after; the counts; the command that undoes what was written."""
    functions = []
    for result in results:
        change = result.change
        item: dict[str, object] = {"function": result.function, "result": result.status,
                                   "notes": list(change.notes) if change else [], "error": result.error}  # fmt: skip
        if change is not None and change.changed:
            item["before"] = _configuration(change.function.layers, change.function.env)
            item["after"] = _configuration(change.layers, change.env)
        functions.append(item)
    undo = undo_command(results, command)
    return {"command": command, "functions": functions, "counts": _counts(results), "undo": undo}
