"""`wrapgen try`: start a real local runtime through a wrapper as Lambda's bootstrap does, invoke it once through
a local Runtime API, and time its init with and without the wrapper.

Every run is a new session (its own process group): it ends with the whole group killed and the API's port
closed, whether the handler answered, hung past the timeout, or wrapgen was interrupted (SIGINT, SIGTERM).
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from wrapgen.children import stop
from wrapgen.emulation import Local
from wrapgen.errors import WrapgenError
from wrapgen.runtime_api import FUNCTION_ARN, RuntimeApi

FUNCTION_NAME = FUNCTION_ARN.rsplit(":", 1)[-1]


@dataclass
class Run:
    """One start of the runtime."""

    init_ms: float | None
    """From the start (the wrapper's exec) to the runtime's first GET .../invocation/next."""
    kind: str | None = None
    """"response", "error", "init-error", "exit" (ended without a word), "timeout", or None (init only)."""
    body: str = ""
    error_type: str | None = None
    exit_status: int | None = None
    """The process's own exit status (negative: a signal); None if it was still running and wrapgen stopped it."""
    stdout: str = ""
    stderr: str = ""


@dataclass
class Report:
    runtime: str
    command: list[str]
    emulated: list[str]
    main: Run
    with_wrapper_ms: list[float] = field(default_factory=list)
    without_wrapper_ms: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.main.kind == "response"


def environment(local: Local, handler: str, code: str, api: str, wrapper: str | None) -> dict[str, str]:
    """The variables Lambda's bootstrap has set when it execs the wrapper (local paths for Lambda's)."""
    from wrapgen.runtimes import bootstrap_environment

    task_root = os.path.abspath(code)
    env = bootstrap_environment(local.runtime, handler, api, task_root=task_root, runtime_dir=local.runtime_dir,
                                path=os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"))  # fmt: skip
    del env["LD_LIBRARY_PATH"]  # Lambda's would hide this machine's libraries from the local interpreter
    env["AWS_LAMBDA_FUNCTION_NAME"] = FUNCTION_NAME
    env["AWS_LAMBDA_LOG_GROUP_NAME"] = f"/aws/lambda/{FUNCTION_NAME}"
    if local.family.name == "node":
        env["NODE_PATH"] = os.pathsep.join(["/opt/nodejs/node_modules", os.path.join(task_root, "node_modules")])
    if wrapper is not None:
        env["AWS_LAMBDA_EXEC_WRAPPER"] = wrapper
    return env


def run_once(local: Local, handler: str, code: str, event: bytes, timeout: float, wrapper: str | None,
             init_only: bool) -> Run:  # fmt: skip
    """Start the runtime (through the wrapper, or directly) and wait for its first request for work (init_only),
    or for the invocation's end; then stop it all."""
    argv = [wrapper, *local.argv] if wrapper else list(local.argv)
    with RuntimeApi(event, timeout) as api, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        env = environment(local, handler, code, api.address, wrapper)
        start = time.monotonic()
        try:
            process = subprocess.Popen(argv, env=env, cwd=env["LAMBDA_TASK_ROOT"], stdin=subprocess.DEVNULL,
                                       stdout=out, stderr=err, start_new_session=True)  # fmt: skip
        except OSError as error:
            raise WrapgenError(f"{argv[0]}: cannot start: {error.strerror or error}") from None
        kind = None
        try:
            awaited = api.outcome.asked if init_only else api.outcome.done
            while not awaited.wait(0.01):
                if process.poll() is not None:
                    kind = "exit"
                    break
                if time.monotonic() - start > timeout:
                    kind = "timeout"
                    break
            exit_status = process.poll()
        finally:
            stop(process)
            api.stop()
        outcome = api.outcome
        if kind == "exit" and outcome.done.is_set():
            kind = None  # it posted its error and exited (an init error)
        run = Run(None if outcome.next_at is None else (outcome.next_at - start) * 1000, exit_status=exit_status)
        run.kind = kind or (None if init_only else outcome.kind)
        run.body = outcome.body.decode("utf-8", "replace")
        run.error_type = outcome.error_type
        for stream, name in ((out, "stdout"), (err, "stderr")):
            stream.seek(0)
            setattr(run, name, stream.read().decode("utf-8", "replace"))
        if run.kind == "timeout":
            run.body = f"Task timed out after {timeout:.2f} seconds"
        return run


@contextlib.contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """SIGTERM ends wrapgen as Ctrl-C does: through the runs' clean-up."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def try_runtime(local: Local, wrapper: str, handler: str, code: str, event: bytes, timeout: float,
                compare: int) -> Report:  # fmt: skip
    """The invocation through the wrapper, then `compare` init-only starts with and without it, interleaved."""
    with terminated_as_interrupt():
        main = run_once(local, handler, code, event, timeout, wrapper, init_only=False)
        report = Report(local.runtime, [wrapper, *local.argv], local.emulated, main)
        if main.init_ms is not None:
            report.with_wrapper_ms.append(main.init_ms)
        for index in range(compare):
            if index:  # the invocation's start was the first with the wrapper
                report.with_wrapper_ms += _init(local, handler, code, event, timeout, wrapper)
            report.without_wrapper_ms += _init(local, handler, code, event, timeout, None)
        return report


def _init(local: Local, handler: str, code: str, event: bytes, timeout: float, wrapper: str | None) -> list[float]:
    run = run_once(local, handler, code, event, timeout, wrapper, init_only=True)
    return [] if run.init_ms is None else [run.init_ms]


def failed_wrapper(wrapper: str, status: int, message: str) -> Report:
    """Lambda's report of a wrapper its bootstrap refuses: the message on stdout, Runtime.ExitError."""
    run = Run(None, kind="exit", exit_status=status, stdout=message + "\n")
    run.error_type = "Runtime.ExitError"
    run.body = json.dumps(
        {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"RequestId: (init) Error: Runtime exited with error: exit status {status}",
        }
    )
    return Report("", [wrapper], [], run)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def report_data(report: Report) -> dict[str, object]:
    main = report.main
    with_ms, without_ms = _median(report.with_wrapper_ms), _median(report.without_wrapper_ms)
    return {
        "runtime": report.runtime,
        "command": report.command,
        "emulated": report.emulated,
        "outcome": main.kind,
        "result": _parsed(main.body) if main.kind == "response" else None,
        "error": None if main.kind == "response" else {"type": main.error_type, "body": _parsed(main.body)},
        "exit_status": main.exit_status,
        "stdout": main.stdout,
        "stderr": main.stderr,
        "init_ms": {
            "with_wrapper": report.with_wrapper_ms,
            "without_wrapper": report.without_wrapper_ms,
            "median_with_wrapper": with_ms,
            "median_without_wrapper": without_ms,
            "ratio": with_ms / without_ms if with_ms and without_ms else None,
        },
    }


def _parsed(body: str) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return body


def describe(report: Report) -> str:
    """The report in text: what ran, what it answered, what it wrote, how long init took."""
    data = report_data(report)
    main = report.main
    lines = []
    if report.runtime:
        lines.append(f"runtime: {report.runtime}")
        lines.append("command: " + shlex.join(report.command))
        lines += [f"emulated: {line}" for line in report.emulated]
    outcome = {
        "response": "result",
        "error": f"handler error ({main.error_type or 'no type'})",
        "init-error": f"init error ({main.error_type or 'no type'})",
        "exit": f"runtime exited before answering ({main.error_type or 'Runtime.ExitError'})",
        "timeout": "timeout",
    }.get(main.kind or "", "no answer")
    lines.append(f"{outcome}: {main.body.strip() or '(empty)'}")
    status = main.exit_status
    lines.append("exit status: " + ("still running after the invocation: stopped by wrapgen" if status is None
                                    else f"killed by signal {-status}" if status < 0 else str(status)))  # fmt: skip
    timing: dict[str, object] = data["init_ms"]  # type: ignore[assignment]
    with_ms, without_ms, ratio = (timing["median_with_wrapper"], timing["median_without_wrapper"], timing["ratio"])
    if with_ms is not None or without_ms is not None:
        runs = len(report.with_wrapper_ms)
        label = "init" if runs <= 1 else f"init (median of {runs} starts each, interleaved)"
        parts = [f"{with_ms:.1f} ms with the wrapper" if isinstance(with_ms, float) else "with the wrapper: n/a",
                 f"{without_ms:.1f} ms without" if isinstance(without_ms, float) else "without: n/a"]  # fmt: skip
        lines.append(f"{label}: " + ", ".join(parts) + (f"; ratio {ratio:.2f}x" if isinstance(ratio, float) else ""))
    for name, text in (("stdout", main.stdout), ("stderr", main.stderr)):
        if text:
            lines.append(f"--- {name} of the wrapper and runtime ---")
            lines.append(text.rstrip("\n"))
    return "\n".join(lines) + "\n"


def _event(path: str) -> bytes:
    import sys

    try:
        data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
    except OSError as error:
        raise WrapgenError(f"--event {path}: {error.strerror or error}") from None
    try:
        json.loads(data)
    except ValueError as error:
        raise WrapgenError(f"--event {path}: not JSON ({error})", "Lambda takes a JSON payload") from None
    return data


def prepare_and_try(script: str, handler: str, event_path: str, code: str, runtime: str | None,
                    interpreter: str | None, client: str | None, compare: int, timeout: float) -> Report:  # fmt: skip
    """Check the inputs, the wrapper as Lambda's bootstrap does, build the local runtime, run."""
    from wrapgen.emulation import family_of_runtime, local_runtime
    from wrapgen.runtimes import bootstrap_check
    from wrapgen.spec import wrapper_family

    event = _event(event_path)
    if not os.path.isdir(code):
        raise WrapgenError(f"--code {code}: not a directory")
    wrapper = os.path.abspath(script)
    refused = bootstrap_check(wrapper)
    if refused is not None:
        return failed_wrapper(wrapper, *refused)
    if runtime is not None:
        family = family_of_runtime(runtime)
    else:
        found = wrapper_family(wrapper)
        if found is None:
            raise WrapgenError(f"{script}: not a wrapgen wrapper, so its runtime is unknown", "give --runtime")
        family = found
    local = local_runtime(family, runtime, interpreter, code, handler, client)
    return try_runtime(local, wrapper, handler, code, event, timeout, compare)
