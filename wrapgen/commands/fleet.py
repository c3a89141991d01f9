"""What attach and detach share: the functions chosen (--function, --all-with-layer, --tag), each changed, then
the diffs (--dry-run) and the summary."""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable

from wrapgen.errors import Interrupted, WrapgenError
from wrapgen.output import json_text, print_text


def run(command: str, region: str | None, profile: str | None, functions: list[str] | None,
           with_layer: str | None, tags: list[str] | None, one: Callable[..., object], dry_run: bool,
           prepare: Callable[[object], None] | None = None, format_: str = "text") -> None:  # fmt: skip
    """`prepare(client)` once, then `one(client, name)` on every function chosen; the diffs (--dry-run), the
    summary (--format json: one object, fleet.as_data, the configurations before and after in it)."""
    from wrapgen.aws import fleet
    from wrapgen.aws.client import clients

    (client,) = clients(region, profile, "lambda")
    if prepare is not None:
        prepare(client)
    names = fleet.targets(client, functions or (), with_layer, tags or ())
    stop = threading.Event()
    results = fleet.run(names, lambda name: one(client, name), stop)  # type: ignore[arg-type,return-value]
    if format_ == "json":
        print_text(json_text(fleet.as_data(results, command)))
    else:
        if dry_run:
            print_text("".join(r.change.diff() for r in results if r.change is not None and r.change.changed))
        print_text(fleet.summary(results, command))
    if stop.is_set():
        changed, left = len(fleet.changed_functions(results)), sum(not result.started for result in results)
        undo = fleet.undo_command(results, command)
        rest = "".join(f" --function {shlex.quote(r.function)}" for r in results if not r.started)
        hint = f"to undo: {undo}" if undo else f"to finish: wrapgen {command}{rest}" if rest else None
        raise Interrupted(f"{command}: interrupted: {changed} function(s) changed, {left} not started", hint)
    if any(result.error is not None for result in results):
        failed = sum(result.error is not None for result in results)
        raise WrapgenError(f"{command}: {failed} of {len(results)} function(s) failed (see the summary)")
