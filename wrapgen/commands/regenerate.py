"""`wrapgen regenerate`: Rewrite generated wrappers from their own headers' commands (in a layer zip, each wrapgen
wrapper, the other files kept): the upgrade path when wrapgen changes. All are written, or none; a file already
current is left."""

from __future__ import annotations

import sys


def run(files: list[str]) -> int:
    from wrapgen import drift
    from wrapgen.output import Plan, commit

    paths = drift.distinct(files)
    found = [pair for path in paths for pair in drift.regenerated(path)]
    plan = Plan(files=[file for file, differs in found if differs is not None])
    commit(plan)
    from wrapgen.printable import printable

    for file in plan.files:
        sys.stderr.write(f"regenerated {printable(file.path)}\n")
    sys.stderr.write(f"wrapgen regenerate: {len(plan.files)} of {len(found)} file(s) rewritten\n")
    return 0
