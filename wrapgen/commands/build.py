"""`wrapgen build`: Build the entries of the manifest (wrapgen.toml) as one plan: every file of every entry written,
or none (the same bytes as each entry's command line). Paths are relative to the manifest's directory. An entry's
verify-with and explain run in the sandbox (bubblewrap), never with your environment."""

from __future__ import annotations

import sys

from wrapgen import manifest


def run(names: list[str] | None, manifest_path: str | None, dry_run: bool, no_sandbox: bool) -> int:
    from wrapgen.output import commit
    from wrapgen.request import Execution

    found = manifest.entered(manifest_path)
    entries = found.select(names or ())
    plan = found.plan(entries, execute=Execution.unsandboxed if no_sandbox else Execution.sandboxed)
    if dry_run:
        from wrapgen.printable import printable

        commands = "".join(f"{printable(entry.name)}: {entry.command_line()}\n" for entry in entries)
        sys.stderr.write("".join(plan.messages) + commands + plan.describe())
        return 0
    commit(plan)
    sys.stderr.write(f"wrapgen build: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'},"
                     f" {len(plan.files)} file(s) written\n")  # fmt: skip
    return 0
