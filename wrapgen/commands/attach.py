"""`wrapgen attach`: Put a layer and its wrapper on functions: the layer added (an older version of it replaced, the
others kept in order), AWS_LAMBDA_EXEC_WRAPPER set (another wrapper already there chained after it, first in
WRAPGEN_THEN, or where --first or --then places it), links added to its chain (--first: WRAPGEN_FIRST, before it;
--then: WRAPGEN_THEN, after it), list variables appended to, and what was added recorded in WRAPGEN_ATTACHED for
detach. Another version of a layer wrapgen attached is moved to in one step (detach still restores the
configuration from before the first)."""

from __future__ import annotations

from wrapgen.commands import fleet


def run(
    layer: str,
    function: list[str] | None,
    all_with_layer: str | None,
    tag: list[str] | None,
    env: list[str] | None,
    wrapper: str | None,
    explain_with: list[str] | None,
    layer_zip: list[str] | None,
    no_explain: bool,
    dry_run: bool,
    force: bool,
    region: str | None,
    profile: str | None,
    no_sandbox: bool,
    format_: str = "text",
    first: list[str] | None = None,
    then: list[str] | None = None,
) -> int:
    import dataclasses

    from wrapgen.aws import attach, chain
    from wrapgen.errors import InvalidValue
    from wrapgen.spec import assignment

    if no_explain and explain_with:
        raise InvalidValue("--no-explain and --explain-with: choose one")
    pairs = [assignment(item, "--env") for item in env or ()]
    links = attach.given_links(first or (), then or ())
    infos: dict[str, attach.LayerInfo] = {}
    zips: dict[str, chain.Layers] = {}

    def prepare(client: object) -> None:
        infos["layer"] = attach.read_layer(client, layer, wrapper)
        zips["layers"] = chain.Layers(client, chain.local_zips(layer_zip or ()))

    def one(client: object, name: str) -> tuple[object, bool]:
        found, info = attach.read_function(client, name), infos["layer"]
        if info.wrapper is not None and (any(links) or attach.chain_of(found.env) not in ([], [info.wrapper])):
            # the chain has links: the wrapper's own are read from the layer, to check it whole
            info = dataclasses.replace(info, own=chain.own_links(zips["layers"], info.arn, info.wrapper))
        change = attach.plan_attach(found, info, pairs, force, *links)
        if change.changed and no_explain:
            change.notes.append("not checked (--no-explain)")
        elif change.changed:
            how = chain.Check(zips["layers"], infos["layer"].arn, infos["layer"].wrapper, explain_with or (), force,
                              not no_sandbox)  # fmt: skip
            chain.check(change, how)
        if change.changed and not dry_run:
            attach.apply(client, change)
            return change, True
        return change, False

    fleet.run("attach", region, profile, function, all_with_layer, tag, one, dry_run, prepare, format_)
    return 0
