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
    return 0
