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
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from wrapgen.errors import Interrupted, WrapgenError
from wrapgen.local.emulation import Local
from wrapgen.local.runtime_api import FUNCTION_ARN, RuntimeApi
from wrapgen.printable import printable

if TYPE_CHECKING:
    from wrapgen.runtimes import Family

FUNCTION_NAME = FUNCTION_ARN.rsplit(":", 1)[-1]
RELAY_PORT = 9001
"""The Runtime API's port in the sandbox (Lambda's own is 9001 too)."""
MEMORY = 4 * 1024 * 1024 * 1024
"""Bytes of data the runtime may use (heap and private writable mappings; Lambda's most is 10 GB)."""
EVENT_MAX = 6 * 1024 * 1024
"""Bytes of an event: Lambda's limit for a synchronous invocation's payload."""


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
    askers: int = 0
    """Requests for an event before it was served: the runtime processes that asked (Managed Instances)."""


@dataclass
class Report:
    runtime: str
    command: list[str]
    emulated: list[str]
    main: Run
    compared: str = "wrapper"
    """What the init times are with and without: "wrapper" (the function's variables in both) or "variables"."""
    variables: tuple[str, ...] = ()
    """The names of the function's own variables."""
    with_ms: list[float | None] = field(default_factory=list)
    without_ms: list[float | None] = field(default_factory=list)
    """Init-only starts in pairs, the one without first (None: the runtime never asked for an event)."""
    managed: list[str] = field(default_factory=list)
    """As a Lambda Managed Instances environment: what was assumed and seen, one line each (else empty)."""

    @property
    def ok(self) -> bool:
        return self.main.kind == "response"


def environment(local: Local, handler: str, api: str, wrapper: str | None,
                variables: Sequence[tuple[str, str]] = ()) -> dict[str, str]:  # fmt: skip
    """The variables Lambda's bootstrap has set when it execs the wrapper (local paths for Lambda's, without a
    sandbox), with the function's own over what Lambda does not reserve (PATH, LANG, NODE_PATH, ...)."""
    from wrapgen.local.bootstrap import LAMBDA_PATH, bootstrap_environment

    path = LAMBDA_PATH if local.layout.sandboxed else os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    env = bootstrap_environment(local.runtime, handler, api, task_root=local.task_root,
                                runtime_dir=local.runtime_dir, path=path)  # fmt: skip
    del env["LD_LIBRARY_PATH"]  # Lambda's would hide this machine's libraries from the local interpreter
    env["AWS_LAMBDA_FUNCTION_NAME"] = FUNCTION_NAME
    env["AWS_LAMBDA_LOG_GROUP_NAME"] = f"/aws/lambda/{FUNCTION_NAME}"
    if local.family.name == "node":
        env["NODE_PATH"] = os.pathsep.join(["/opt/nodejs/node_modules", os.path.join(local.task_root, "node_modules")])
    if local.managed is not None:
        from wrapgen.local.managed import lambda_variables

        env.update(lambda_variables(local.managed))
    env.update(variables)
    if wrapper is not None:
        env["AWS_LAMBDA_EXEC_WRAPPER"] = wrapper
    return env


def run_once(local: Local, handler: str, event: bytes, timeout: float, wrapper: str | None,
             init_only: bool, variables: Sequence[tuple[str, str]] = ()) -> Run:  # fmt: skip
    """Start the runtime (through the wrapper, or directly) and wait for its first request for work (init_only),
    or for the invocation's end; then stop it all. In the sandbox, wrapgen.local.relay serves the Runtime API there."""
    from wrapgen.local import sandbox

    layout = local.layout.copy()
    argv = [wrapper, *local.argv] if wrapper else list(local.argv)
    with tempfile.TemporaryDirectory(prefix="wrapgen-try-") as tmp:
        socket = os.path.join(tmp, "api.sock") if layout.sandboxed else None
        with RuntimeApi(event, timeout, socket, _processes(local)) as api:
            reads: dict[int, int] = {}
            fds: tuple[int, ...] = ()
            if socket is not None:
                started, started_write = os.pipe()
                reads, fds = {started: 64}, (started_write,)
                placed = os.path.join(layout.place(tmp, "/run/runtime-api"), "api.sock")
                relay = layout.expose(os.path.join(os.path.dirname(__file__), "relay.py"))
                python = layout.expose_installation(sys.executable)
                argv = [python, "-I", "-S", relay, placed, str(RELAY_PORT), str(started_write), "--", *argv]
                address = f"127.0.0.1:{RELAY_PORT}"
            else:
                address = api.address
            env = environment(local, handler, address, wrapper, variables)
            awaited = api.outcome.asked if init_only else api.outcome.done
            start = time.monotonic()
            ran = sandbox.run(layout, argv, env, timeout, local.task_root, reads=reads, pass_fds=fds,
                              until=lambda _: awaited.is_set(), memory=MEMORY)  # fmt: skip
            api.stop()
        if socket is not None:
            with contextlib.suppress(ValueError):
                start = float(ran.read[started].decode())
    outcome = api.outcome
    kind = "timeout" if ran.timed_out else None if ran.stopped or outcome.done.is_set() else "exit"
    run = Run(None if outcome.next_at is None else (outcome.next_at - start) * 1000,
              exit_status=None if ran.stopped else ran.returncode)  # fmt: skip
    run.kind = kind or (None if init_only else outcome.kind)
    run.body = outcome.body.decode("utf-8", "replace")
    run.error_type = outcome.error_type
    run.askers = min(outcome.askers, _processes(local))
    run.stdout = _shown(ran.stdout, ran.dropped[0])
    run.stderr = _shown(ran.stderr, ran.dropped[1])
    if run.kind == "timeout":
        run.body = f"Task timed out after {timeout:.2f} seconds"
    return run


def _processes(local: Local) -> int:
    """The runtime processes that ask for events: in a Managed Instances environment, one per concurrent request
    where the runtime has several processes (python), else one."""
    from wrapgen.local.managed import MODELS

    model = MODELS.get(local.family.name)
    return local.managed if local.managed is not None and model is not None and model.processes else 1


def _managed(local: Local, main: Run) -> list[str]:
    """What a Managed Instances run assumed, and how many runtime processes asked for an event."""
    if local.managed is None:
        return []
    from wrapgen.local.managed import said

    wanted = _processes(local)
    return [said(local.family, local.managed), f"runtime processes that asked for an event: {main.askers} of {wanted}"
            + (" (the event went to the last to ask; awslambdaric before 4.0 starts one)"
               if wanted > 1 else "")]  # fmt: skip


def _shown(data: bytes, dropped: int) -> str:
    """What the runtime printed, as kept (the first 64 kB), and how much more it printed."""
    text = data.decode("utf-8", "replace")
    return text + (f"\n[... {dropped} more bytes not kept]\n" if dropped else "")


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


def try_runtime(local: Local, wrapper: str | None, handler: str, code: str, event: bytes, timeout: float,
                compare: int, variables: Sequence[tuple[str, str]] = ()) -> Report:  # fmt: skip
    """The invocation through the wrapper with the function's variables; then, if its runtime got as far as asking
    for an event, `compare` pairs of init-only starts without and with the wrapper (without a wrapper: the
    variables), alternating, the one without first (the invocation has warmed what a first start pays for).
    SIGINT or SIGTERM: Interrupted, once the run under way has ended whole."""
    baseline = variables if wrapper else ()
    try:
        with terminated_as_interrupt():
            main = run_once(local, handler, event, timeout, wrapper, False, variables)
            command = [wrapper, *local.argv] if wrapper else list(local.argv)
            report = Report(local.runtime, command, local.emulated, main, "wrapper" if wrapper else "variables",
                            tuple(name for name, _ in variables), managed=_managed(local, main))  # fmt: skip
            for _ in range(compare if main.init_ms is not None else 0):
                report.without_ms.append(run_once(local, handler, event, timeout, None, True, baseline).init_ms)
                report.with_ms.append(run_once(local, handler, event, timeout, wrapper, True, variables).init_ms)
            return report
    except KeyboardInterrupt:
        raise Interrupted("interrupted: the runtime and the local Runtime API were stopped") from None


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


def _median(values: list[float | None]) -> float | None:
    timed = [value for value in values if value is not None]
    return statistics.median(timed) if timed else None


def _timing(report: Report) -> dict[str, object]:
    """The init times: each pair's ratio (with / without), their median and spread (the least and the most)."""
    ratios = sorted(w / wo for w, wo in zip(report.with_ms, report.without_ms, strict=True) if w and wo)
    return {
        "compared": report.compared,
        "with": report.with_ms,
        "without": report.without_ms,
        "median_with": _median(list(report.with_ms)),
        "median_without": _median(list(report.without_ms)),
        "pairs": len(ratios),
        "ratio": statistics.median(ratios) if ratios else None,
        "ratio_min": ratios[0] if ratios else None,
        "ratio_max": ratios[-1] if ratios else None,
    }


def report_data(report: Report) -> dict[str, object]:
    main = report.main
    return {
        "runtime": report.runtime,
        "command": report.command,
        "emulated": report.emulated,
        "variables": list(report.variables),
        "outcome": main.kind,
        "result": _parsed(main.body) if main.kind == "response" else None,
        "error": None if main.kind == "response" else {"type": main.error_type, "body": _parsed(main.body)},
        "exit_status": main.exit_status,
        "stdout": main.stdout,
        "stderr": main.stderr,
        "init_ms": _timing(report),
        "managed_instances": report.managed or None,
    }


def _parsed(body: str) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return body


def describe(report: Report) -> str:
    """The report in text: what ran, what it answered, what it wrote, how long init took."""
    main = report.main
    lines = []
    if report.runtime:
        lines.append(f"runtime: {report.runtime}")
        lines.append(printable("command: " + shlex.join(report.command)))
        lines += [printable(f"emulated: {line}") for line in report.emulated]
    if report.variables:
        lines.append(printable("the function's variables: " + ", ".join(report.variables)))
    lines += [printable(f"managed instances: {line}") for line in report.managed]
    outcome = {
        "response": "result",
        "error": f"handler error ({main.error_type or 'no type'})",
        "init-error": f"init error ({main.error_type or 'no type'})",
        "exit": f"runtime exited before answering ({main.error_type or 'Runtime.ExitError'})",
        "timeout": "timeout",
    }.get(main.kind or "", "no answer")
    lines.append(printable(f"{outcome}: {main.body.strip() or '(empty)'}"))
    status = main.exit_status
    lines.append("exit status: " + ("still running after the invocation: stopped by wrapgen" if status is None
                                    else f"killed by signal {-status}" if status < 0 else str(status)))  # fmt: skip
    lines += _timing_lines(report)
    for name, text in (("stdout", main.stdout), ("stderr", main.stderr)):
        if text:
            lines.append(f"--- {name} of the wrapper and runtime (escaped) ---")
            lines += [printable(line) for line in text.rstrip("\n").split("\n")]
    return "\n".join(lines) + "\n"


def _timing_lines(report: Report) -> list[str]:
    timing = _timing(report)
    what = f"with and without the {report.compared}"
    pairs, ratio, least, most = timing["pairs"], timing["ratio"], timing["ratio_min"], timing["ratio_max"]
    if not report.with_ms:
        return []
    if not (isinstance(ratio, float) and isinstance(least, float) and isinstance(most, float)):
        return [f"init {what}: not timed (the runtime did not ask for an event in any pair of starts)"]
    times = f"{timing['median_with']:.1f} ms with, {timing['median_without']:.1f} ms without"
    if pairs == 1:
        return [f"init {what}: {times}; ratio {ratio:.2f}x (one sample, not a measurement: --compare 5 gives a"
                " median and its spread)"]  # fmt: skip
    return [f"init {what}, {pairs} pairs of starts (alternating, the one without first): {times} (medians);"
            f" the pairs' ratios: median {ratio:.2f}x, {least:.2f}x to {most:.2f}x"]  # fmt: skip


def _event(path: str) -> bytes:
    """The event: a regular file (or stdin) of JSON, at most Lambda's 6 MB."""
    from wrapgen.files import open_regular, read_fd

    limit = f"over Lambda's limit for a synchronous invocation ({EVENT_MAX} bytes)"
    if path == "-":
        data = read_fd(sys.stdin.fileno(), EVENT_MAX + 1, "--event -")
    else:
        fd, size = open_regular(path, f"--event {path}")
        try:
            if size > EVENT_MAX:
                raise WrapgenError(f"--event {path}: {size} bytes, {limit}")
            data = read_fd(fd, EVENT_MAX + 1, f"--event {path}")
        finally:
            os.close(fd)
    if len(data) > EVENT_MAX:
        raise WrapgenError(f"--event {path}: {limit}")
    try:
        json.loads(data)
    except RecursionError:
        raise WrapgenError(f"--event {path}: nested deeper than wrapgen's JSON reader takes") from None
    except ValueError as error:
        raise WrapgenError(f"--event {path}: not JSON ({error})", "Lambda takes a JSON payload") from None
    return data


def _code(code: str) -> str:
    """--code: the function's own directory (it is /var/task in the sandbox), never a home directory or above."""
    if not os.path.isdir(code):
        raise WrapgenError(f"--code {code}: not a directory")
    from wrapgen.local.sandbox import holds_a_home

    if holds_a_home(code):
        raise WrapgenError(f"--code {code}: a home directory (or one that holds one): the function would see all of"
                           " it", "give the function's own directory")  # fmt: skip
    return code


class _Wrapper(NamedTuple):
    host: str
    place: str
    """Its path in the sandbox: /opt/NAME, or where its layer has it."""
    shown: str
    """How the bootstrap's message names it: the file given, or its path in the layer."""
    family: Family | None
    in_layer: bool


def prepare_and_try(script: str | None, handler: str, event_path: str, code: str, runtime: str | None,
                    interpreter: str | None, client: str | None, compare: int, timeout: float, sandboxed: bool = True,
                    layers: Sequence[str] = (), variables: Sequence[tuple[str, str]] = (),
                    managed: int | None = None) -> Report:  # fmt: skip
    """Check the inputs, the wrapper as Lambda's bootstrap does, build the local runtime, run (in the sandbox:
    the layers unpacked at /opt in their order, the wrapper at /opt/NAME over them, the code at /var/task). SCRIPT
    may be a layer zip wrapgen built (unpacked last, its wrapper is the one run), or None: the variables alone.
    `managed`: as a Lambda Managed Instances environment of that concurrency (wrapgen.local.managed)."""
    from wrapgen.local.bootstrap import bootstrap_check
    from wrapgen.local.emulation import family_of_runtime, local_runtime

    event = _event(event_path)
    _code(code)
    _check_setup(script, variables)
    built = script if script is not None and script.endswith(".zip") else None
    from wrapgen.local.optdir import read_layer, refused_unsandboxed

    zips = [read_layer(path, "--layer") for path in layers]
    zips += [(built, read_layer(built, "SCRIPT")[1])] if built is not None else []
    refused_unsandboxed(zips, sandboxed)
    with tempfile.TemporaryDirectory(prefix="wrapgen-try-layers-") as tmp:
        opt = os.path.join(tmp, "opt")
        if zips:
            from wrapgen.local.optdir import unpack

            unpack(zips, opt)
        wrapper = _wrapper(script, opt, zips[-1][1] if built else None)
        refused = bootstrap_check(wrapper.host, wrapper.shown) if wrapper else None
        if wrapper is not None and refused is not None:
            return failed_wrapper(wrapper.shown, *refused)
        family = family_of_runtime(runtime) if runtime else wrapper.family if wrapper else None
        if family is None:
            raise WrapgenError(f"{script}: not a wrapgen wrapper, so its runtime is unknown" if script else
                               "no wrapper to read the runtime from", "give --runtime")  # fmt: skip
        from wrapgen.local.managed import check

        if managed is not None:
            check(family, (runtime,) if runtime else (), managed)  # before the local interpreter is probed
        local = local_runtime(family, runtime, interpreter, code, handler, client, sandboxed)
        if managed is not None:
            check(family, (local.runtime,), managed)  # the runtime of the local interpreter's version
            local.managed = managed
        if zips:
            if wrapper is not None and not wrapper.in_layer:
                from wrapgen.local.optdir import put

                put(opt, _with_shims(wrapper))
            local.layout.place(opt, "/opt")
        elif wrapper is not None:
            for host, at in _with_shims(wrapper)[1:]:
                local.layout.place(host, at)
        place = None if wrapper is None else wrapper.place if zips else local.layout.place(wrapper.host, wrapper.place)
        return try_runtime(local, place, handler, code, event, timeout, compare, variables)


def _with_shims(wrapper: _Wrapper) -> list[tuple[str, str]]:
    """The wrapper's file and, where they are beside it (PATH.chain/: its chain's shims), its shims: (host file,
    path in the function)."""
    from wrapgen.render import shim_dir

    shims = shim_dir(wrapper.host)
    found = sorted(os.listdir(shims)) if os.path.isdir(shims) else []
    return [(wrapper.host, wrapper.place),
            *((os.path.join(shims, name), f"{shim_dir(wrapper.place)}/{name}") for name in found)]  # fmt: skip


def _check_setup(script: str | None, variables: Sequence[tuple[str, str]]) -> None:
    if script is None and not variables:
        raise WrapgenError("nothing to try: no wrapper and no variables",
                           "give SCRIPT (a wrapper, or a layer zip wrapgen built), or --env / --env-file")  # fmt: skip
    if script is None and "AWS_LAMBDA_EXEC_WRAPPER" in dict(variables):
        raise WrapgenError("AWS_LAMBDA_EXEC_WRAPPER is among the variables: try takes the wrapper as SCRIPT",
                           "give its file, or the layer zip that holds it, as SCRIPT")  # fmt: skip


def _wrapper(script: str | None, opt: str, built: bytes | None) -> _Wrapper | None:
    """SCRIPT: a wrapper's file, or the one wrapgen wrapper of a layer zip wrapgen built (unpacked at `opt`)."""
    from wrapgen.spec import wrapper_family

    if script is None:
        return None
    if built is None:
        host = os.path.abspath(script)
        return _Wrapper(host, "/opt/" + os.path.basename(host), host, wrapper_family(host), False)
    from wrapgen.inspection import inspect_layer, the_wrapper
    from wrapgen.layer import in_opt

    entry = the_wrapper(inspect_layer(built), script, hint="a layer as a family command's --layer builds it")
    family = entry.spec.family if entry.spec else None
    return _Wrapper(os.path.join(opt, entry.path), in_opt(entry.path), in_opt(entry.path), family, True)
