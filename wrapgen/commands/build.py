"""`wrapgen build`: Build the entries of the manifest (wrapgen.toml) as one plan: every file of every entry written,
or none (the same bytes as each entry's command line). Paths are relative to the manifest's directory. An entry's
verify-with and explain run in the sandbox (bubblewrap), never with your environment."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wrapgen import manifest

if TYPE_CHECKING:
    from wrapgen.output import Plan


def run(names: list[str] | None, manifest_path: str | None, dry_run: bool, no_sandbox: bool,
        format_: str = "text") -> int:  # fmt: skip
    from wrapgen.output import commit, json_text, print_text
    from wrapgen.request import Execution

    found = manifest.entered(manifest_path)
    entries = found.select(names or ())
    plan = found.plan(entries, execute=Execution.unsandboxed if no_sandbox else Execution.sandboxed)
    if dry_run:
        from wrapgen.printable import printable

        commands = "".join(f"{printable(entry.name)}: {entry.command_line()}\n" for entry in entries)
        sys.stderr.write("".join(plan.messages) + (commands + plan.describe() if format_ != "json" else ""))
    else:
        commit(plan)
        sys.stderr.write(f"wrapgen build: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'},"
                         f" {len(plan.files)} file(s) written\n")  # fmt: skip
    if format_ == "json":
        print_text(json_text(as_data(entries, plan, not dry_run)))
    return 0


def as_data(entries: Sequence[manifest.Entry], plan: Plan, written: bool) -> dict[str, object]:
    """What --dry-run says, as JSON: each entry's name and command line, each file of the plan (path, mode, size,
    sha256), and whether they were written."""
    return {"entries": [{"name": entry.name, "command": entry.command_line()} for entry in entries],
            "files": plan.as_data(), "written": written}  # fmt: skip
