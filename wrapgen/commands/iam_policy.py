"""`wrapgen iam-policy`: Print the least-privilege IAM policy (JSON) that a command needs: the Lambda actions of the
calls it makes, each on the resources Lambda checks it on (narrow the ARNs' * to your region, account, functions
and layers)."""

from __future__ import annotations

import sys

from wrapgen.output import json_text, print_text


def run(command: str) -> int:
    from wrapgen.aws.iam import ACTIONS, IMPLIED, policy
    from wrapgen.errors import InvalidValue

    if command not in ACTIONS:
        import difflib

        close = difflib.get_close_matches(command, ACTIONS, n=1)
        raise InvalidValue(f"COMMAND {command!r}: one of {', '.join(ACTIONS)}",
                           f"did you mean {close[0]!r}?" if close else None)  # fmt: skip
    if not ACTIONS[command]:
        sys.stderr.write(f"wrapgen {command} calls no AWS API: it needs no permission\n")
    for action, why in IMPLIED.get(command, {}).items():
        sys.stderr.write(f"{action}: not called by wrapgen {command}, but {why}\n")
    print_text(json_text(policy(command)))
    return 0
