"""`wrapgen status`: Which functions carry a wrapgen layer, its version and whether it is the latest published, the
wrapper chain they run (with --check, explain's verdict on it, in the sandbox), variables near Lambda's 4 KB, and
what attach recorded that no longer matches the function. Read only. Exit 0 when every function is healthy, 1 when
any is not (a mismatch, a chain that breaks it), 2 when wrapgen could not look (an error)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wrapgen.errors import NotChecked, WrapgenError
from wrapgen.output import json_text, print_text

if TYPE_CHECKING:
    from wrapgen.aws.attach import Change


def run(
    function: list[str] | None,
    all_with_layer: str | None,
    tag: list[str] | None,
    every: bool,
    check: bool,
    layer_zip: list[str] | None,
    region: str | None,
    profile: str | None,
    no_sandbox: bool,
    format_: str = "text",
) -> int:
    from wrapgen.aws import chain, fleet, status
    from wrapgen.aws.client import clients
    from wrapgen.progress import Progress

    if not (function or all_with_layer or tag or every):
        raise NotChecked("no function to look at", "say --function, --tag, --all-with-layer or --all")
    try:
        (client,) = clients(region, profile, "lambda")
        names = fleet.targets(client, function or (), all_with_layer, tag or (), every)
        layers = chain.Layers(client, chain.local_zips(layer_zip or ()))
    except WrapgenError as error:  # nothing could be looked at: exit 2, as for a function that could not be read
        raise NotChecked(error.message, error.hint) from None

    def verdict(change: Change, ours: str) -> str:
        return chain.verdict(change, chain.Check(layers, ours, None, sandboxed=not no_sandbox))

    progress = Progress("status", len(names))
    try:
        found = status.survey_all(client, names, verdict if check else None, progress)
    finally:
        progress.end()
    print_text(json_text(status.as_data(found)) if format_ == "json" else status.table(found))
    results = {health.result for health in found}
    return 2 if "failed" in results else 1 if "unhealthy" in results else 0
