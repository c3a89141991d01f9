"""`wrapgen check`: Compare generated files with what wrapgen would build now and exit 1, with a diff, for each that
is missing, stale (built from other options or by another wrapgen) or hand-edited: the CI gate (and a pre-commit
hook). With no FILE, every file of the manifest's entries; with FILEs, each as its own header's command builds
it. It compares bytes and runs nothing: an entry's verify-with and explain are for wrapgen build."""

from __future__ import annotations

import sys

from wrapgen import manifest
from wrapgen.choices import Report
from wrapgen.errors import WrapgenError
from wrapgen.output import json_text, print_text


def run(files: list[str] | None, manifest_path: str | None, format_: Report) -> int:
    from wrapgen import drift

    owners: dict[str, list[str]] = {}
    if files:
        if manifest_path is not None:
            raise WrapgenError("--manifest checks the manifest's files; FILEs are checked by their headers:"
                               " choose one")  # fmt: skip
        found = [pair for path in drift.distinct(files) for pair in drift.regenerated(path)]
    else:
        found_manifest = manifest.entered(manifest_path)
        from wrapgen.request import Execution

        planned = found_manifest.plan(found_manifest.entries, owners, Execution.never).files
        found = [(file, drift.compare(file)) for file in planned]
    from wrapgen.printable import printable

    wanted = [file for file, _ in found]
    drifts = [d for _, d in found if d is not None]
    if format_ == "json":
        differ = [{"path": d.path, "what": d.what, "entries": owners.get(d.path, []), "diff": d.diff} for d in drifts]
        print_text(json_text({"checked": [file.path for file in wanted], "differ": differ}))
    else:
        by = {path: f" (entr{'y' if len(names) == 1 else 'ies'} {', '.join(names)})" for path, names in owners.items()}
        print_text("".join(f"{printable(f'{d.path}: {d.what}' + by.get(d.path, ''))}\n{d.diff}" for d in drifts))
    if drifts:
        fix = "wrapgen regenerate FILE..." if files else "wrapgen build"
        sys.stderr.write(f"wrapgen check: {len(drifts)} of {len(wanted)} file(s) differ from what wrapgen builds now"
                         f" (to rebuild them: {fix})\n")  # fmt: skip
        return 1
    sys.stderr.write(f"wrapgen check: {len(wanted)} file(s) up to date\n")
    return 0
