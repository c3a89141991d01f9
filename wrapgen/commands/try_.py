"""`wrapgen try`: Start the real local runtime through the wrapper (a file, or the one in a layer zip wrapgen built)
with the function's variables as Lambda does, invoke the handler once through a local Runtime API, and print its
result, what it wrote and its init time with and without the wrapper (without one: the variables); exit 1 unless
the handler answered. It all runs in a sandbox (bubblewrap): the wrapper at /opt/NAME, the code at
/var/task (read-only), Lambda's environment only, no network but the Runtime API; the event and the response are
held to Lambda's 6 MB, what the function prints to its first 64 kB (shown escaped)."""

from __future__ import annotations

from wrapgen.choices import Report
from wrapgen.output import json_text, print_text


def run(
    script: str | None,
    handler: str,
    event: str,
    code: str,
    runtime: str | None,
    interpreter: str | None,
    runtime_client: str | None,
    compare: int,
    timeout: float,
    format_: Report,
    no_sandbox: bool,
    layer: list[str] | None = None,
    env: list[str] | None = None,
    env_file: list[str] | None = None,
    managed: int | None = None,
) -> int:
    from wrapgen.envmode import function_variables
    from wrapgen.local import trial

    variables = function_variables(env or (), env_file or ())
    report = trial.prepare_and_try(script, handler, event, code, runtime, interpreter, runtime_client, compare,
                                   timeout, not no_sandbox, layer or (), variables, managed)  # fmt: skip
    print_text(json_text(trial.report_data(report)) if format_ == "json" else trial.describe(report))
    if not report.ok:
        return 1
    return 0
