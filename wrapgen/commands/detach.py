"""`wrapgen detach`: Take off exactly what wrapgen attach added (WRAPGEN_ATTACHED): its layer (the version it
replaced put back), its variables (the values they had restored), what it appended to list variables, and the
chained wrapper back in AWS_LAMBDA_EXEC_WRAPPER; everything else is left byte for byte. A value changed since
attach is left as it is and kept in the record (that function fails) unless --force. Exit 1 if any failed."""

from __future__ import annotations

from wrapgen.commands import fleet


def run(
    function: list[str] | None,
    all_with_layer: str | None,
    tag: list[str] | None,
    layer: str | None,
    dry_run: bool,
    region: str | None,
    profile: str | None,
    format_: str = "text",
    force: bool = False,
) -> int:
    from wrapgen.aws import attach

    def one(client: object, name: str) -> tuple[object, bool]:
        change = attach.plan_detach(attach.read_function(client, name), layer, force)
        if change.changed and not dry_run:
            attach.apply(client, change)
            return change, True
        return change, False

    fleet.run("detach", region, profile, function, all_with_layer, tag, one, dry_run, format_=format_)
    return 0
