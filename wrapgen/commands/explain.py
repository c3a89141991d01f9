"""`wrapgen explain`: Run a wrapper (or a chain: a wrapgen wrapper and its next wrapper) for real under bash, as
each Lambda runtime of the family starts it, with a recording stub as the interpreter: show the command line
before and after, the variables it sets, and what would break the function or silently undo the wrapper; exit 1
if anything would, 2 if it could not check. The scripts run in a sandbox (bubblewrap): as /opt/NAME, with
Lambda's environment only, no network, nothing of this machine's but its system directories, read-only."""

from __future__ import annotations

from wrapgen.choices import Report
from wrapgen.errors import NotChecked, WrapgenError
from wrapgen.output import json_text, print_text


def run(scripts: list[str], family: str | None, runtime: list[str] | None, format_: Report, no_sandbox: bool,
        env: list[str] | None = None, env_file: list[str] | None = None) -> int:  # fmt: skip
    """Exit 0 where nothing breaks the function, 1 where something does, 2 where it could not be checked."""
    from wrapgen.envmode import function_variables

    try:
        variables = function_variables(env or (), env_file or ())
        return _run(scripts, family, runtime, format_, no_sandbox, variables)
    except NotChecked:
        raise
    except WrapgenError as error:
        raise NotChecked(error.message, error.hint) from None


def _run(scripts: list[str], family: str | None, runtime: list[str] | None, format_: Report, no_sandbox: bool,
         variables: tuple[tuple[str, str], ...]) -> int:  # fmt: skip
    from wrapgen.local.explain import as_data, check_scripts, describe, explain
    from wrapgen.spec import check_runtimes, family_named, wrapper_family

    check_scripts(scripts)  # before the family is looked for in the first one's header
    chosen = family_named(family) if family else wrapper_family(scripts[0])
    if chosen is None:
        raise WrapgenError(f"{scripts[0]}: not a wrapgen wrapper: say which runtimes it is for",
                           "add --family python (or node, java, dotnet, ruby)")  # fmt: skip
    check_runtimes(chosen, runtime or ())
    outcomes = explain(scripts, chosen, runtime or (), sandboxed=not no_sandbox, variables=variables)
    print_text(json_text(as_data(outcomes)) if format_ == "json" else describe(outcomes, chosen))
    if any(outcome.broken for outcome in outcomes):
        return 1
    return 0
