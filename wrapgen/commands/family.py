"""`wrapgen python` (node, java, dotnet, ruby): the plan a Request makes, written all or nothing, or (--dry-run)
said on stderr, with what it prints."""

from __future__ import annotations

import sys

from wrapgen.request import Request


def run(request: Request, dry_run: bool, no_sandbox: bool) -> int:
    from wrapgen.output import commit, write_stdout
    from wrapgen.plan import plan
    from wrapgen.request import Execution

    result = plan(request, Execution.unsandboxed if no_sandbox else Execution.sandboxed)
    if dry_run:
        result.check()
        sys.stderr.write("".join(result.messages) + result.describe())
        write_stdout(result.stdout)
        return 0
    commit(result)
    if sys.stdout.isatty() and printed_script(request):
        sys.stderr.write(next_steps(request))
    return 0


def printed_script(request: Request) -> bool:
    """Whether the payload on stdout is the wrapper itself (not written with -o or into a layer, not a snippet)."""
    return request.via == "wrapper" and not (request.output or request.layer or request.iac or request.dockerfile)


def next_steps(request: Request) -> str:
    """What to do with a script printed to a terminal: the same command writing it, a layer of it, and explain.
    On stderr and only on a terminal, so that what a pipe or a redirect gets stays the script alone."""
    import shlex

    name = request.name or f"wrapgen-{request.family}"
    steps = {
        "write it (mode 0755)": request._replace(output=name).argv(),
        "a layer zip of it": request._replace(output=name, layer=f"build/{name}.zip").argv(),
        "see what it does on each runtime": ["wrapgen", "explain", name],
    }
    return "\nnext:\n" + "".join(f"  # {what}\n  {shlex.join(argv)}\n" for what, argv in steps.items())
