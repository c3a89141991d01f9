"""`wrapgen inspect`: Report a layer zip's files, modes and wrappers; exit 1 on anything that would fail at cold
start."""

from __future__ import annotations

from wrapgen.choices import Report
from wrapgen.output import print_text


def run(zip_path: str, format_: Report) -> int:
    from wrapgen.inspection import describe_report, inspect_layer, report_json

    report = inspect_layer(zip_path)
    for piece in report_json(report) if format_ == "json" else describe_report(report):
        print_text(piece)
    if report.defects:
        return 1
    return 0
