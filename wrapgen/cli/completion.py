"""Tab completion of values (click's shell completion protocol, as `wrapgen --install-completion` sets it up):
presets, runtime ids, families and the manifest's entries. Each is read only when the shell asks, so that no
ordinary run imports the tables behind it; a manifest that cannot be read offers nothing rather than an error."""

from collections.abc import Callable, Iterable

import typer

from wrapgen.errors import WrapgenError
from wrapgen.runtimes import FAMILIES, RUNTIME_FAMILY


def _starting(values: Iterable[str], incomplete: str) -> list[str]:
    return [value for value in values if value.startswith(incomplete)]


def presets(family: str) -> Callable[[str], list[str]]:
    """The family's preset names; one that takes a value as `NAME=`, for the value to be typed."""

    def complete(incomplete: str) -> list[str]:
        from wrapgen.presets import presets_for

        names = (preset.name + ("=" if preset.value else "") for preset in presets_for(family))
        return _starting(names, incomplete)

    return complete


def runtimes(family: str | None = None) -> Callable[[str], list[str]]:
    """The Lambda runtime ids of the family (default: of every family)."""
    ids = FAMILIES[family].runtimes if family else tuple(RUNTIME_FAMILY)
    return lambda incomplete: _starting(ids, incomplete)


def families(incomplete: str) -> list[str]:
    return _starting(FAMILIES, incomplete)


def entries(ctx: typer.Context, incomplete: str) -> list[str]:
    """The entries of the manifest given with --manifest, else of wrapgen.toml (or pyproject.toml) here."""
    from wrapgen import manifest

    try:
        loaded = manifest.load(ctx.params.get("manifest_path"))
    except (WrapgenError, OSError):
        return []
    return _starting((entry.name for entry in loaded.entries), incomplete)


def iam_commands(incomplete: str) -> list[str]:
    from wrapgen.aws.iam import ACTIONS

    return _starting(ACTIONS, incomplete)
