"""`wrapgen try` end to end: real runtimes (awslambdaric, aws-lambda-ric on real node, the JVM, ruby) started
through real wrappers against wrapgen's local Runtime API; and nothing left behind (processes, ports)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOT, WRAPGEN, aws_sample, running, token, wrapgen_cli

pytestmark = [pytest.mark.sandbox, pytest.mark.interpreters]

NODE22 = ROOT / "tests" / "interpreters" / "node_modules" / "node22" / "bin" / "node"
RIC = ROOT / "tests" / "interpreters" / "node_modules" / "aws-lambda-ric"

needs_awslambdaric = pytest.mark.skipif(
    importlib.util.find_spec("awslambdaric") is None,
    reason="awslambdaric is not installed (pip install -e '.[test]'; scripts/test does)",
)


def wrapper(tmp_path: Path, family: str, *args: str) -> str:
    path = tmp_path / f"wrapgen-{family}"
    made = wrapgen_cli(family, *args, "-o", str(path))
    assert made.returncode == 0, made.stderr
    return str(path)


def code_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    code = tmp_path / "code"
    code.mkdir(exist_ok=True)
    for name, text in files.items():
        (code / name).write_text(text)
    (tmp_path / "event.json").write_text('{"answer": 42}')
    return code


def try_json(tmp_path: Path, script: str | None, handler: str, code: Path, *args: str) -> tuple[int, dict[str, object]]:
    """try's JSON report; one pair of init starts unless args say --compare N (a later --compare wins)."""
    done = wrapgen_cli("try", *([script] if script else []), "--handler", handler, "--event",
                       str(tmp_path / "event.json"), "--code", str(code), "--format", "json", "--compare", "1",
                       *args)  # fmt: skip
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def group_members(pgid: int) -> list[int]:
    """Processes whose process group is pgid, from /proc (no psutil)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def refused(address: str) -> bool:
    host, port = address.split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) != 0


PY_XOPTIONS = "import sys\n\ndef handler(event, context):\n    return {'xoptions': sys._xoptions, 'event': event}\n"


@needs_awslambdaric
def test_python_importtime_reaches_awslambdaric(tmp_path: Path) -> None:
    script = wrapper(tmp_path, "python", "--flag", "-X importtime")
    code = code_dir(tmp_path, {"app.py": PY_XOPTIONS})
    status, report = try_json(tmp_path, script, "app.handler", code)
    assert status == 0, report
    assert report["result"] == {"xoptions": {"importtime": True}, "event": {"answer": 42}}
    assert "import time:" in str(report["stderr"]) and "awslambdaric" in str(report["stderr"])
    assert any("awslambdaric" in line for line in report["emulated"])  # type: ignore[attr-defined]
    timing = report["init_ms"]
    assert isinstance(timing, dict) and timing["median_with"] > 0 and timing["median_without"] > 0


@needs_awslambdaric
def test_the_ratio_is_a_median_of_pairs_with_its_spread(tmp_path: Path) -> None:
    """By default 5 pairs of starts: the median of their ratios and the least and most; --compare 1 says it is one
    sample (the control: no spread claimed)."""
    script = wrapper(tmp_path, "python", "--flag", "-X importtime")
    code = code_dir(tmp_path, {"app.py": PY_XOPTIONS})
    command = ["try", script, "--handler", "app.handler", "--event", str(tmp_path / "event.json"), "--code", str(code)]
    done = wrapgen_cli(*command, "--format", "json")
    assert done.returncode == 0, done.stderr
    timing = json.loads(done.stdout)["init_ms"]
    assert timing["compared"] == "wrapper" and len(timing["with"]) == len(timing["without"]) == timing["pairs"] == 5
    ratios = sorted(w / wo for w, wo in zip(timing["with"], timing["without"], strict=True))
    assert (timing["ratio_min"], timing["ratio"], timing["ratio_max"]) == (ratios[0], ratios[2], ratios[-1])
    text = wrapgen_cli(*command, "--compare", "3").stdout
    assert "init with and without the wrapper, 3 pairs of starts (alternating, the one without first): " in text
    assert " ms without (medians); the pairs' ratios: median " in text and "one sample" not in text
    text = wrapgen_cli(*command, "--compare", "1").stdout
    assert "init with and without the wrapper: " in text and "x (one sample, not a measurement: " in text
    assert "the pairs" not in text


@needs_awslambdaric
def test_handler_error_and_init_error_are_reported(tmp_path: Path) -> None:
    script = wrapper(tmp_path, "python", "--flag", "-X dev")
    code = code_dir(tmp_path, {"app.py": "def handler(event, context):\n    raise ValueError('no')\n"})
    status, report = try_json(tmp_path, script, "app.handler", code)
    assert status == 1 and report["outcome"] == "error"
    assert report["error"]["body"]["errorType"] == "ValueError"  # type: ignore[index]
    status, report = try_json(tmp_path, script, "missing.handler", code)
    assert status == 1 and report["outcome"] == "init-error", report


@pytest.mark.parametrize(("mode", "status", "message"), [(None, 127, "does not exist"),
                                                         (0o644, 126, "is not an executable")])  # fmt: skip
def test_the_bootstraps_wrapper_checks(tmp_path: Path, mode: int | None, status: int, message: str) -> None:
    script = tmp_path / "wrapper"
    if mode is not None:
        script.write_text('#!/bin/bash\nexec "$@"\n')
        script.chmod(mode)
    code = code_dir(tmp_path, {"app.py": PY_XOPTIONS})
    done = wrapgen_cli("try", str(script), "--handler", "app.handler", "--event", str(tmp_path / "event.json"),
                       "--code", str(code), "--runtime", "python3.12", "--compare", "1")  # fmt: skip
    assert done.returncode == 1
    assert f"{script}: {message}\n" in done.stdout
    assert f"exit status: {status}\n" in done.stdout and "Runtime.ExitError" in done.stdout


HANG = """import os, subprocess, sys, time
def handler(event, context):
    subprocess.Popen(["sleep", event["token"]], start_new_session=True)  # a daemon, in a session of its own
    try:
        with open(os.path.join(os.environ['LAMBDA_TASK_ROOT'], 'hung'), 'w') as f:
            f.write(f"{os.getpgid(0)} {os.environ['AWS_LAMBDA_RUNTIME_API']}")
    except OSError:
        pass  # the sandbox's /var/task is read-only
    time.sleep(600)
"""
MODES = pytest.mark.parametrize("mode", [(), ("--no-sandbox",)], ids=["sandbox", "no-sandbox"])


def hang(tmp_path: Path) -> tuple[Path, str]:
    """The hanging function and a token only its daemon's command line holds (a sleep of that many seconds)."""
    code = code_dir(tmp_path, {"app.py": HANG})
    sleep = token()
    (tmp_path / "event.json").write_text(json.dumps({"token": sleep}))
    return code, sleep


def left_nothing(code: Path, token: str, mode: tuple[str, ...]) -> None:
    """In the sandbox, no process of the run survives, the daemon included, and the function could not write in
    its code. Without one (the control), the daemon in its own session does survive (killed here); the runtime's
    group and the Runtime API's port (the function wrote both in its code) are gone."""
    deadline = time.monotonic() + 5
    while running(token) and time.monotonic() < deadline and not mode:
        time.sleep(0.05)
    left = running(token)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert bool(left) == bool(mode)
    assert (code / "hung").exists() == bool(mode)
    if mode:
        pgid, address = (code / "hung").read_text().split()
        assert group_members(int(pgid)) == []
        assert refused(address)


@needs_awslambdaric
@MODES
def test_a_hanging_handler_hits_the_timeout_and_leaves_nothing(tmp_path: Path, mode: tuple[str, ...]) -> None:
    script = wrapper(tmp_path, "python", "--flag", "-X importtime")
    code, token = hang(tmp_path)
    started = time.monotonic()
    status, report = try_json(tmp_path, script, "app.handler", code, "--timeout", "3", *mode)
    assert status == 1 and report["outcome"] == "timeout", report
    assert report["error"]["body"] == "Task timed out after 3.00 seconds"  # type: ignore[index]
    assert time.monotonic() - started < 30
    left_nothing(code, token, mode)


@needs_awslambdaric
@MODES
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_try_leaves_nothing(tmp_path: Path, sig: signal.Signals, mode: tuple[str, ...]) -> None:
    script = wrapper(tmp_path, "python", "--flag", "-X importtime")
    code, token = hang(tmp_path)
    command = [*WRAPGEN, "try", script, "--handler", "app.handler", "--event", str(tmp_path / "event.json"),
               "--code", str(code), "--compare", "1", *mode]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not running(token) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    process.send_signal(sig)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, out + err
    assert err == "error: interrupted: the runtime and the local Runtime API were stopped\n"
    left_nothing(code, token, mode)


NO_RIC = "node 22 or aws-lambda-ric is not in tests/interpreters (scripts/test installs both)"


@pytest.mark.skipif(not (NODE22.is_file() and (RIC / "rapid-client.node").is_file()), reason=NO_RIC)
def test_node_preload_runs_under_aws_lambda_ric(tmp_path: Path) -> None:
    preload = 'globalThis.wrapgenPreload = "ran";\nprocess.stderr.write("preload ran\\n");\n'
    script = wrapper(tmp_path, "node", "--preset", "require=/var/task/preload.cjs")  # the code is there on Lambda
    handler = "export const handler = async (event) => ({ preload: globalThis.wrapgenPreload, event });\n"
    code = code_dir(tmp_path, {"index.mjs": handler, "preload.cjs": preload})
    status, report = try_json(tmp_path, script, "index.handler", code, "--interpreter", str(NODE22),
                              "--runtime-client", str(RIC))  # fmt: skip
    assert status == 0, report
    assert report["result"] == {"preload": "ran", "event": {"answer": 42}}
    assert report["runtime"] == "nodejs22.x" and "preload ran" in str(report["stderr"])


def test_node_without_its_runtime_client_is_one_error(tmp_path: Path) -> None:
    script = wrapper(tmp_path, "node", "--flag", "--require /opt/x.js")
    code = code_dir(tmp_path, {})
    done = wrapgen_cli("try", script, "--handler", "index.handler", "--event", str(tmp_path / "event.json"),
                       "--code", str(code), "--runtime", "nodejs22.x")  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert (
        done.stderr.startswith("error: node: AWS's runtime interface client is not at ")
        and done.stderr.count("\n") == 1
    )


@pytest.mark.skipif(not (shutil.which("java") and shutil.which("javac")), reason="no JDK (java, javac) on PATH")
def test_java_property_reaches_the_handler(tmp_path: Path) -> None:
    source = "public class Probe {\n  public String handleRequest(String event) {\n"
    source += '    return "x=" + System.getProperty("x") + " " + event;\n  }\n}\n'
    code = code_dir(tmp_path, {"Probe.java": source})
    subprocess.run(["javac", "--release", "11", "-d", str(code), str(code / "Probe.java")], check=True)
    script = wrapper(tmp_path, "java", "--flag", "-Dx=y")
    status, report = try_json(tmp_path, script, "Probe::handleRequest", code, "--runtime", "java17")
    assert status == 0, report
    assert report["result"] == 'x=y {"answer": 42}'
    assert report["command"][-2:] == ["com.amazonaws.services.lambda.runtime.api.client.AWSLambda",  # type: ignore[index]
                                      "Probe::handleRequest"]  # fmt: skip
    assert "-Dx=y" not in report["command"]  # type: ignore[operator]  # the wrapper inserted it, not wrapgen try


@pytest.mark.skipif(shutil.which("ruby") is None, reason="no ruby on PATH (scripts/test installs Debian's)")
def test_ruby_flag_reaches_the_handler(tmp_path: Path) -> None:
    handler = "def handler(event:, context:)\n  { verbose: $VERBOSE.inspect, event: event }\nend\n"
    code = code_dir(tmp_path, {"app.rb": handler})
    script = wrapper(tmp_path, "ruby", "--flag", "-W0")
    status, report = try_json(tmp_path, script, "app.handler", code)
    assert status == 0, report
    assert report["result"] == {"verbose": "nil", "event": {"answer": 42}}


def test_dotnet_is_not_available(tmp_path: Path) -> None:
    script = wrapper(tmp_path, "dotnet", "--flag", "--roll-forward LatestMajor")
    code = code_dir(tmp_path, {})
    done = wrapgen_cli("try", script, "--handler", "A::B.C::D", "--event", str(tmp_path / "event.json"),
                       "--code", str(code))  # fmt: skip
    assert done.returncode == 1 and done.stderr.startswith("error: dotnet: ") and done.stderr.count("\n") == 1


def test_bad_event_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text("{not json")
    done = wrapgen_cli("try", "x", "--handler", "a.b", "--event", str(tmp_path / "event.json"))
    assert done.returncode == 1 and done.stderr.startswith("error: --event ") and done.stderr.count("\n") == 1


def test_no_process_of_the_test_run_is_left(tmp_path: Path) -> None:
    """Sanity of the /proc scan itself: a group that exists is seen."""
    process = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        assert group_members(process.pid) == [process.pid]
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert group_members(process.pid) == []


PROBE = 'public class Probe {\n  public String handleRequest(String event) {\n    return "ok " + event;\n  }\n}\n'


def _java_code(tmp_path: Path) -> Path:
    code = code_dir(tmp_path, {"Probe.java": PROBE})
    subprocess.run(["javac", "--release", "11", "-d", str(code), str(code / "Probe.java")], check=True)
    return code


@pytest.mark.skipif(not shutil.which("javac"), reason="no JDK (javac) on PATH (scripts/test installs Debian's)")
@pytest.mark.parametrize(("runtime", "version"), [("java17", "17"), ("java21", "21"), ("java25", "25")])
def test_what_kills_java17_and_later_fails_try_as_it_fails_lambda(tmp_path: Path, runtime: str, version: str) -> None:
    """AWS's java17+ client reads the handler from its first argument: the documentation's sample (a flag before
    the last argument, so after the main class) and a wrapper that drops the handler both fail at init there. try's
    stand-in read the last argument, and said both worked."""
    from test_option_tables import java

    code = _java_code(tmp_path)
    jvm = ("--interpreter", java(version), "--runtime", runtime)
    good = wrapper(tmp_path, "java", "--flag", "-Dx=y")
    status, report = try_json(tmp_path, good, "Probe::handleRequest", code, *jvm)
    assert status == 0 and report["result"] == 'ok {"answer": 42}', report  # the control
    sample = tmp_path / "aws-sample"
    sample.write_text(aws_sample("-Dx=y"))
    dropped = tmp_path / "drops-the-handler"
    dropped.write_text('#!/bin/bash\nexec "${@:1:$#-1}"\n')
    for script in (sample, dropped):
        script.chmod(0o755)
        status, report = try_json(tmp_path, str(script), "Probe::handleRequest", code, *jvm)
        assert status == 1 and report["outcome"] != "response", report
        assert "Init error" in str(report["stderr"]), report["stderr"]


@pytest.mark.skipif(not shutil.which("javac"), reason="no JDK (javac) on PATH (scripts/test installs Debian's)")
def test_java11s_main_class_reads_the_handler_from_the_environment(tmp_path: Path) -> None:
    """On java8/11 the main class is lambdainternal.AWSLambda, which reads _HANDLER: the sample's flag before the
    last argument is before the main class there, and works."""
    from test_option_tables import java

    code = _java_code(tmp_path)
    sample = tmp_path / "aws-sample"
    sample.write_text(aws_sample("-Dx=y"))
    sample.chmod(0o755)
    status, report = try_json(tmp_path, str(sample), "Probe::handleRequest", code, "--interpreter", java("11"),
                              "--runtime", "java11")  # fmt: skip
    assert status == 0 and report["result"] == 'ok {"answer": 42}', report
    assert "lambdainternal.AWSLambda" in report["command"]  # type: ignore[operator]


@needs_awslambdaric
def test_the_layers_are_at_opt_in_their_order(tmp_path: Path) -> None:
    """--layer: the function imports a module from its layer (/opt/python) and reads a file a later layer puts over
    an earlier one's; without the layers it fails (the control)."""
    import io
    import zipfile

    def layer(name: str, files: dict[str, str]) -> Path:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member, text in files.items():
                archive.writestr(member, text)
        path = tmp_path / name
        path.write_bytes(buffer.getvalue())
        return path

    first = layer("first.zip", {"python/layermod.py": "WHO = 'first'\n", "data/which": "first\n"})
    second = layer("second.zip", {"data/which": "second\n"})
    handler = ("import layermod\ndef handler(event, context):\n"
               "    return [layermod.WHO, open('/opt/data/which').read().strip()]\n")  # fmt: skip
    code = code_dir(tmp_path, {"app.py": handler})
    script = wrapper(tmp_path, "python", "--flag", "-X importtime")
    status, report = try_json(tmp_path, script, "app.handler", code, "--layer", str(first), "--layer", str(second))
    assert status == 0 and report["result"] == ["first", "second"], report
    status, report = try_json(tmp_path, script, "app.handler", code)
    assert status == 1 and "layermod" in str(report["stderr"]) + str(report["error"]), report
    refused = wrapgen_cli("try", script, "--handler", "app.handler", "--event", str(tmp_path / "event.json"),
                          "--code", str(code), "--layer", str(first), "--no-sandbox")  # fmt: skip
    assert refused.returncode == 1 and refused.stderr.startswith(f"error: --layer {first}: layers are unpacked at /opt")


PY_ENV = """import os, sys

def handler(event, context):
    return {'mode': os.environ.get('MODE'), 'preload': getattr(sys, 'wrapgen_preload', None)}
"""


@needs_awslambdaric
@pytest.mark.parametrize("form", ["lines", "json"])
def test_a_via_env_setup_is_tried_as_the_functions_configuration(tmp_path: Path, form: str) -> None:
    """No wrapper: the variables `--via env` printed, alone, reach the runtime (python's import time table); the
    init comparison is with and without them. The control: another variable only, and no table."""
    made = wrapgen_cli("python", "--via", "env", "--flag", "-X importtime", "--format", form)
    assert made.returncode == 0, made.stderr
    (tmp_path / "vars.env").write_text(made.stdout)
    code = code_dir(tmp_path, {"app.py": PY_ENV})
    status, report = try_json(tmp_path, None, "app.handler", code, "--env-file", str(tmp_path / "vars.env"),
                              "--env", "MODE=on", "--runtime", "python3.12")  # fmt: skip
    assert status == 0 and report["result"] == {"mode": "on", "preload": None}, report
    assert "import time:" in str(report["stderr"]) and report["variables"] == ["PYTHONPROFILEIMPORTTIME", "MODE"]
    assert report["init_ms"]["compared"] == "variables" and report["command"][0] != "/opt/"  # type: ignore[index]
    status, report = try_json(tmp_path, None, "app.handler", code, "--env", "MODE=on", "--runtime", "python3.12")
    assert status == 0 and report["result"] == {"mode": "on", "preload": None}, report
    assert "import time:" not in str(report["stderr"])


@needs_awslambdaric
def test_the_functions_variables_reach_the_wrapper(tmp_path: Path) -> None:
    """A vendor-style wrapper that switches a mode on a variable of the function's: on with --env, off without."""
    script = tmp_path / "vendor"
    script.write_text('#!/bin/bash\nif [ "$MODE" = profile ]; then export PYTHONPROFILEIMPORTTIME=1; fi\nexec "$@"\n')
    script.chmod(0o755)
    code = code_dir(tmp_path, {"app.py": PY_ENV})
    for given, table in ((("--env", "MODE=profile"), True), ((), False)):
        status, report = try_json(tmp_path, str(script), "app.handler", code, "--runtime", "python3.12", *given)
        assert status == 0 and ("import time:" in str(report["stderr"])) == table, report
        assert report["result"]["mode"] == ("profile" if table else None)  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "error: nothing to try: no wrapper and no variables"),
        (("--env", "AWS_REGION=eu-west-1"), "error: AWS_REGION is reserved by Lambda"),
        (("--env", "AWS_LAMBDA_EXEC_WRAPPER=/opt/w", "--runtime", "python3.12"), "error: AWS_LAMBDA_EXEC_WRAPPER is"),
        (("--env", "MODE=on"), "error: no wrapper to read the runtime from"),
        (("--env-file", "missing.env", "--runtime", "python3.12"), "error: --env-file missing.env: "),
        (("--env", "MODE"), "error: --env 'MODE' is not NAME=VALUE"),
    ],
)
def test_bad_setups_are_one_error(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code = code_dir(tmp_path, {"app.py": PY_ENV})
    done = wrapgen_cli("try", "--handler", "app.handler", "--event", str(tmp_path / "event.json"), "--code",
                       str(code), *args)  # fmt: skip
    assert done.returncode == 1 and done.stdout == "", done.stdout
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr


SITECUSTOMIZE = "import sys\nsys.wrapgen_preload = 'ran'\nprint('preload ran', file=sys.stderr)\n"


@needs_awslambdaric
def test_a_layer_wrapgen_built_is_tried_whole(tmp_path: Path) -> None:
    """SCRIPT as the layer zip a family command built: unpacked at /opt, its wrapper run from there, so the preload
    it includes (a sitecustomize only the layer has, on the wrapper's PYTHONPATH) runs. The control: the same
    wrapper's file alone, whose preload is missing."""
    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    built = tmp_path / "l.zip"
    include = f"{tmp_path / 'sitecustomize.py'}=wrapgen/site/sitecustomize.py"
    script = wrapper(tmp_path, "python", "--flag", "-X dev", "--env", "PYTHONPATH=/opt/wrapgen/site",
                     "--include", include, "--layer", str(built))  # fmt: skip
    code = code_dir(tmp_path, {"app.py": PY_ENV})
    status, report = try_json(tmp_path, str(built), "app.handler", code)
    assert status == 0 and report["result"] == {"mode": None, "preload": "ran"}, report
    assert report["command"][0] == "/opt/wrapgen/wrapgen-python" and "preload ran" in str(report["stderr"])  # type: ignore[index]
    status, report = try_json(tmp_path, script, "app.handler", code)
    assert status == 0 and report["result"] == {"mode": None, "preload": None}, report


@pytest.mark.parametrize(("members", "found"), [((), "none"), (("a", "b"), "wrapgen/a, wrapgen/b")])
def test_a_zip_without_one_wrapgen_wrapper_is_one_error(tmp_path: Path, members: tuple[str, ...], found: str) -> None:
    import zipfile

    script = Path(wrapper(tmp_path, "python", "--flag", "-X dev")).read_text()
    path = tmp_path / "l.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("python/x.py", "")
        for name in members:
            archive.writestr(f"wrapgen/{name}", script)
    code = code_dir(tmp_path, {"app.py": PY_ENV})
    done = wrapgen_cli("try", str(path), "--handler", "app.handler", "--event", str(tmp_path / "event.json"),
                       "--code", str(code))  # fmt: skip
    assert done.returncode == 1 and done.stderr.startswith(f"error: {path}: want one wrapgen wrapper, found: {found}")
    assert done.stderr.count("\n") == 1


@pytest.mark.skipif(not (NODE22.is_file() and (RIC / "rapid-client.node").is_file()), reason=NO_RIC)
def test_node_options_alone_preload(tmp_path: Path) -> None:
    """--via env on node: NODE_OPTIONS=--require, no wrapper; the control without it."""
    preload = 'globalThis.wrapgenPreload = "ran";\n'
    handler = "export const handler = async () => ({ preload: globalThis.wrapgenPreload ?? null });\n"
    code = code_dir(tmp_path, {"index.mjs": handler, "preload.cjs": preload})
    node = ("--interpreter", str(NODE22), "--runtime-client", str(RIC), "--runtime", "nodejs22.x")
    preloaded = ("--env", "NODE_OPTIONS=--require /var/task/preload.cjs")
    for given, result in ((preloaded, "ran"), (("--env", "XY=1"), None)):
        status, report = try_json(tmp_path, None, "index.handler", code, *node, *given)
        assert status == 0 and report["result"] == {"preload": result}, report


NODE_MODULES = ROOT / "tests" / "interpreters" / "node_modules"
RIC3 = NODE_MODULES / "aws-lambda-ric3"  # npm:aws-lambda-ric@3.3.0, the last for node < 22
NO_RIC3 = "node {} or aws-lambda-ric 3.x is not in tests/interpreters (scripts/test installs both)"


def _node_and_ric3(major: str) -> object:
    node = NODE_MODULES / f"node{major}" / "bin" / "node"
    absent = not (node.is_file() and (RIC3 / "dist" / "rapid-client.node").is_file())
    return pytest.param(major, marks=pytest.mark.skipif(absent, reason=NO_RIC3.format(major)), id=f"node{major}")


NODE_BEFORE_22 = pytest.mark.parametrize("major", [_node_and_ric3("18"), _node_and_ric3("20")])


def _node_code(tmp_path: Path) -> Path:
    preload = 'globalThis.wrapgenPreload = "ran";\nprocess.stderr.write("preload ran\\n");\n'
    handler = "export const handler = async (event) => ({ preload: globalThis.wrapgenPreload, event });\n"
    other = 'export const handler = async () => "the handler _HANDLER names";\n'
    return code_dir(tmp_path, {"index.mjs": handler, "other.mjs": other, "preload.cjs": preload})


@NODE_BEFORE_22
def test_node18_and_20_run_aws_lambda_ric3_as_lambda_starts_them(tmp_path: Path, major: str) -> None:
    """Lambda's nodejs18.x/20.x bootstrap execs node with its options and /var/runtime/index.mjs, no handler
    argument: try's entry there hands _HANDLER to aws-lambda-ric 3.x (found at DIR/node_modules/aws-lambda-ric, or
    given), and a wrapgen wrapper's --require preload runs before the handler."""
    script = wrapper(tmp_path, "node", "--preset", "require=/var/task/preload.cjs")
    code = _node_code(tmp_path)
    node = ("--interpreter", str(NODE_MODULES / f"node{major}" / "bin" / "node"), "--runtime", f"nodejs{major}.x")
    (code / "node_modules").mkdir()
    (code / "node_modules" / "aws-lambda-ric").symlink_to(RIC3)
    for client in ((), ("--runtime-client", str(RIC3))):
        status, report = try_json(tmp_path, script, "index.handler", code, *node, *client)
        assert status == 0, report
        assert report["result"] == {"preload": "ran", "event": {"answer": 42}}
        assert report["runtime"] == f"nodejs{major}.x" and "preload ran" in str(report["stderr"])
        command = report["command"]
        assert isinstance(command, list) and command[-1] == "/var/runtime/index.mjs" and "index.handler" not in command
        assert any("aws-lambda-ric 3.3.0" in line for line in report["emulated"])  # type: ignore[attr-defined]


@NODE_BEFORE_22
def test_what_loses_the_handler_or_the_entry_fails_try_on_node18_and_20(tmp_path: Path, major: str) -> None:
    """The handler comes from _HANDLER, not from an argument: a wrapper that unsets it fails at init, one that
    points it elsewhere runs that handler; a wrapper that drops the last argument (the entry) never serves."""
    code = _node_code(tmp_path)
    node = ("--interpreter", str(NODE_MODULES / f"node{major}" / "bin" / "node"), "--runtime", f"nodejs{major}.x",
            "--runtime-client", str(RIC3))  # fmt: skip
    scripts = {"unsets-the-handler": 'unset _HANDLER\nexec "$@"\n', "drops-the-entry": 'exec "${@:1:$#-1}"\n',
               "renames-the-handler": 'export _HANDLER=other.handler\nexec "$@"\n'}  # fmt: skip
    for name, body in scripts.items():
        (tmp_path / name).write_text("#!/bin/bash\n" + body)
        (tmp_path / name).chmod(0o755)
    status, report = try_json(tmp_path, str(tmp_path / "renames-the-handler"), "index.handler", code, *node)
    assert status == 0 and report["result"] == "the handler _HANDLER names", report  # the control
    status, report = try_json(tmp_path, str(tmp_path / "unsets-the-handler"), "index.handler", code, *node)
    assert status == 1 and report["outcome"] == "init-error", report
    assert "MalformedHandlerName" in json.dumps(report["error"]), report["error"]
    status, report = try_json(tmp_path, str(tmp_path / "drops-the-entry"), "index.handler", code, *node)
    assert status == 1 and report["outcome"] != "response" and report["result"] is None, report


NODE20 = NODE_MODULES / "node20" / "bin" / "node"


BUILT = (RIC / "rapid-client.node").is_file() and (RIC3 / "dist" / "rapid-client.node").is_file()


@pytest.mark.skipif(not (NODE20.is_file() and NODE22.is_file() and BUILT),
                    reason="node 20 and 22, aws-lambda-ric 3.x and 4.x are not in tests/interpreters")  # fmt: skip
def test_a_node_runtime_client_of_the_wrong_major_is_one_error(tmp_path: Path) -> None:
    """4.x needs node 22+, 3.x runs node 16-20: each on the other's node is one line naming the version to install;
    the right pair passes this check (the control)."""
    script = wrapper(tmp_path, "node", "--preset", "require=/var/task/preload.cjs")
    code = _node_code(tmp_path)
    pairs = [(NODE20, "nodejs20.x", RIC, "needs node 22 or later, the local node is 20", "aws-lambda-ric@3"),
             (NODE22, "nodejs22.x", RIC3, "runs on node 16-20, the local node is 22", "aws-lambda-ric@4")]  # fmt: skip
    for node, runtime, client, said, install in pairs:
        done = wrapgen_cli("try", script, "--handler", "index.handler", "--event", str(tmp_path / "event.json"),
                           "--code", str(code), "--interpreter", str(node), "--runtime", runtime,
                           "--runtime-client", str(client), "--compare", "1")  # fmt: skip
        assert done.returncode == 1 and done.stdout == "", done.stdout
        assert done.stderr.startswith("error: node: aws-lambda-ric ") and done.stderr.count("\n") == 1, done.stderr
        assert said in done.stderr and f"npm install {install}" in done.stderr
    status, report = try_json(tmp_path, script, "index.handler", code, "--interpreter", str(NODE20), "--runtime",
                              "nodejs20.x", "--runtime-client", str(RIC3))  # fmt: skip
    assert status == 0 and report["result"] == {"preload": "ran", "event": {"answer": 42}}, report
