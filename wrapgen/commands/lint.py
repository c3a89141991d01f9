"""`wrapgen lint`: Run shellcheck (in each script's dialect, from its #! line) and bashate on wrapper scripts; exit
1 if they find anything. Files that are not shell scripts are skipped, with a note."""

from __future__ import annotations

import sys

from wrapgen.choices import Report
from wrapgen.output import json_text, print_text


def run(files: list[str], format_: Report) -> int:
    from wrapgen.lint import lint

    report = lint(files)
    if format_ == "json":
        import dataclasses

        findings = [dataclasses.asdict(finding) for finding in report.findings]
        print_text(json_text({"findings": findings, "skipped": [{"path": p, "what": w} for p, w in report.skipped]}))
        return 1 if report.findings else 0
    from wrapgen.printable import printable

    for path, what in report.skipped:
        sys.stderr.write(printable(f"wrapgen lint: {path}: skipped: {what}") + "\n")
    print_text("".join(f"{printable(str(finding))}\n" for finding in report.findings))
    if report.findings:
        sys.stderr.write(f"wrapgen lint: {len(report.findings)} finding(s) in {len(files)} file(s)\n")
        return 1
    sys.stderr.write(f"wrapgen lint: {len(files) - len(report.skipped)} file(s) clean\n")
    return 0
