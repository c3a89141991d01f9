"""`wrapgen explain`: Run a wrapper, or a chain of any length composed as wrapgen composes one (each link
started with a shim named as the interpreter), for real under bash, as each Lambda runtime of the family starts
it, with a recording stub as the interpreter: show what each link received and passed on, the variables each
changed, the command line and environment the runtime got, and what would break the function or silently undo a
wrapper; exit 1 if anything would, 2 if it could not check. The scripts run in a sandbox (bubblewrap): as
/opt/NAME, with Lambda's environment only, no network, nothing of this machine's but its system directories,
read-only."""

from __future__ import annotations

from typing import NamedTuple

from wrapgen.choices import Report
from wrapgen.errors import NotChecked, WrapgenError
from wrapgen.output import json_text, print_text


def run(scripts: list[str], family: str | None, runtime: list[str] | None, format_: Report, no_sandbox: bool,
        env: list[str] | None = None, env_file: list[str] | None = None,
        layer: list[str] | None = None, all_vectors: bool = False, managed: int | None = None) -> int:  # fmt: skip
    """Exit 0 where nothing breaks the function, 1 where something does, 2 where it could not be checked."""
    import tempfile

    from wrapgen.envmode import function_variables
    from wrapgen.local.optdir import read_layer, refused_unsandboxed, unpack

    try:
        variables = function_variables(env or (), env_file or ())
        zips = [read_layer(path, "--layer") for path in layer or ()]
        refused_unsandboxed(zips, not no_sandbox)
        with tempfile.TemporaryDirectory(prefix="wrapgen-explain-layers-") as opt:
            unpack(zips, opt)
            how = Asked(not no_sandbox, variables, opt if zips else None, all_vectors, managed)
            return _run(scripts, family, runtime, format_, how)
    except NotChecked:
        raise
    except WrapgenError as error:
        raise NotChecked(error.message, error.hint) from None


class Asked(NamedTuple):
    """How the scripts are to be run: sandboxed, with the function's variables, its layers unpacked (or None),
    every recorded command line of each runtime or its first."""

    sandboxed: bool
    variables: tuple[tuple[str, str], ...]
    opt: str | None
    every_vector: bool
    managed: int | None = None
    """As a Lambda Managed Instances environment of this concurrency (wrapgen.local.managed), or not."""


def _run(scripts: list[str], family: str | None, runtime: list[str] | None, format_: Report, how: Asked) -> int:
    from wrapgen.local.explain import as_data, check_scripts, describe, explain
    from wrapgen.spec import check_runtimes, family_named, wrapper_family

    check_scripts(scripts)  # before the family is looked for in a wrapgen wrapper's header
    chosen = family_named(family) if family else next(filter(None, map(wrapper_family, scripts)), None)
    if chosen is None:
        said = "not a wrapgen wrapper: say which runtimes it is" if len(scripts) == 1 else (
            "none is a wrapgen wrapper: say which runtimes they are")  # fmt: skip
        raise WrapgenError(f"{', '.join(scripts)}: {said} for", "add --family python (or node, java, dotnet, ruby)")
    check_runtimes(chosen, runtime or ())
    outcomes = explain(scripts, chosen, runtime or (), sandboxed=how.sandboxed, variables=how.variables, opt=how.opt,
                       every_vector=how.every_vector, managed=how.managed)  # fmt: skip
    print_text(json_text(as_data(outcomes)) if format_ == "json" else describe(outcomes, chosen))
    if any(outcome.broken for outcome in outcomes):
        return 1
    if any(outcome.unchecked for outcome in outcomes):
        return 2
    return 0
