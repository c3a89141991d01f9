"""explain and try as a Lambda Managed Instances environment: Lambda's variables, the runtimes it takes, and the
runtime processes it has (python: one per concurrent request), each with a control run as on-demand Lambda."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import wrapgen_cli

from wrapgen.local.managed import supported
from wrapgen.runtimes import FAMILIES

pytestmark = pytest.mark.sandbox

SEES = '#!/bin/bash\nexport SEEN="$AWS_LAMBDA_INITIALIZATION_TYPE/${AWS_LAMBDA_MAX_CONCURRENCY:-unset}"\nexec "$@"\n'
ONCE = '#!/bin/bash\nmkdir "$LOCK" || exit 1\nexec "$@"\n'
"""A wrapper that works once per environment: a second run finds its lock taken."""


def _script(tmp_path: Path, text: str) -> str:
    path = tmp_path / "w"
    path.write_text(text)
    path.chmod(0o755)
    return str(path)


def _explain(*args: str) -> tuple[int, list[dict[str, Any]]]:
    done = wrapgen_cli("explain", *args, "--format", "json")
    assert "Traceback" not in done.stderr and done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def _notes(outcome: dict[str, Any]) -> list[str]:
    return [problem["problem"] for problem in outcome["problems"]]


@pytest.mark.parametrize("family", ["java", "python", "node", "dotnet"])
def test_explain_runs_the_runtimes_it_takes_with_lambdas_variables(tmp_path: Path, family: str) -> None:
    wrapper = _script(tmp_path, SEES)
    code, outcomes = _explain(wrapper, "--family", family, "--managed-instances", "3")
    assert code == 0, outcomes
    assert [o["runtime"] for o in outcomes] == list(supported(FAMILIES[family]))
    assert {o["environment"]["SEEN"]["after"] for o in outcomes} == {"lambda-managed-instances/3"}
    assert all("Lambda Managed Instances" in " ".join(_notes(o)) for o in outcomes)
    code, outcomes = _explain(wrapper, "--family", family)  # the control: on-demand Lambda
    assert code == 0 and [o["runtime"] for o in outcomes] == list(FAMILIES[family].runtimes)
    assert {o["environment"]["SEEN"]["after"] for o in outcomes} == {"on-demand/unset"}


def test_a_python_wrapper_is_run_once_per_process_and_said_so(tmp_path: Path) -> None:
    """Without a sandbox the runs share this machine's files, as a Lambda environment's processes share /tmp: the
    second finds the lock taken. One JVM (java21) and on-demand python run it once: the controls."""
    wrapper = _script(tmp_path, ONCE)
    python = ["--family", "python", "--runtime", "python3.13", "--no-sandbox"]
    code, (outcome,) = _explain(wrapper, *python, "--managed-instances", "3", "--env", f"LOCK={tmp_path / 'a'}")
    assert code == 1 and outcome["breaks"]
    assert any("ran the wrapper 3 times" in note and "not documented" in note for note in _notes(outcome))
    code, (outcome,) = _explain(wrapper, *python, "--env", f"LOCK={tmp_path / 'b'}")
    assert code == 0, _notes(outcome)
    code, (outcome,) = _explain(wrapper, "--family", "java", "--runtime", "java21", "--no-sandbox",
                                "--managed-instances", "3", "--env", f"LOCK={tmp_path / 'c'}")  # fmt: skip
    assert code == 0 and any("The wrapper runs once" in note for note in _notes(outcome)), _notes(outcome)


def test_a_wrapgen_wrapper_holds_in_every_run(tmp_path: Path) -> None:
    made = wrapgen_cli("python", "--flag", "-X importtime", "-o", str(tmp_path / "w"))
    assert made.returncode == 0, made.stderr
    code, outcomes = _explain(str(tmp_path / "w"), "--managed-instances", "20")
    assert code == 0 and outcomes
    for outcome in outcomes:
        assert outcome["steps"][0]["after"][1:3] == ["-X", "importtime"]
        (note,) = _notes(outcome)
        assert "ran the wrapper 8 times" in note and "(the first 8 of 20)" in note and "sandbox of its own" in note


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--family", "ruby"], "Lambda Managed Instances run no Ruby runtime"),
        (["--family", "java", "--runtime", "java17"], "do not run java17; of Java's runtimes they run java21"),
        (["--family", "python", "--runtime", "python3.12"], "do not run python3.12"),
    ],
)
@pytest.mark.parametrize("n", ["4", "0", "1601"])
def test_what_lambda_does_not_run_is_one_error(tmp_path: Path, args: list[str], message: str, n: str) -> None:
    done = wrapgen_cli("explain", _script(tmp_path, SEES), *args, "--managed-instances", n)
    expected = message if n == "4" else f"--managed-instances {n}: AWS takes 1 to 1600 concurrent requests"
    assert done.returncode != 0 and done.stdout == "" and done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: ") and expected in done.stderr, done.stderr
    assert wrapgen_cli("explain", _script(tmp_path, SEES), *args).returncode == 0  # the control: as on-demand


APP = """import os, sys
def handler(event, context):
    with open(f"/proc/{os.getppid()}/cmdline", "rb") as parent:
        started_by = parent.read().decode().split("\\0")[:-1]
    return [os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"), os.environ.get("AWS_LAMBDA_MAX_CONCURRENCY"),
            started_by, "importtime" in sys._xoptions]
"""


@pytest.mark.interpreters
@pytest.mark.skipif(importlib.util.find_spec("awslambdaric") is None, reason="awslambdaric is not installed")
def test_try_starts_a_python_process_per_concurrent_request(tmp_path: Path) -> None:
    """awslambdaric (4.x, real) forks one worker per AWS_LAMBDA_MAX_CONCURRENCY from the interpreter the wrapper
    exec'd: each asks the local Runtime API for an event (the event waits for all), and the flag reached them."""
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "app.py").write_text(APP)
    (tmp_path / "event.json").write_text("{}")
    made = wrapgen_cli("python", "--flag", "-X importtime", "-o", str(tmp_path / "w"))
    assert made.returncode == 0, made.stderr

    def tried(runtime: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return wrapgen_cli("try", str(tmp_path / "w"), "--handler", "app.handler", "--event",
                           str(tmp_path / "event.json"), "--code", str(tmp_path / "code"), "--runtime", runtime,
                           "--format", "json", "--compare", "1", *extra)  # fmt: skip

    done = tried("python3.13", "--managed-instances", "3")
    report = json.loads(done.stdout)
    assert done.returncode == 0, report
    # a worker, child of the interpreter the wrapper exec'd (with the flag), and the flag is its own too
    assert report["result"][:2] == ["lambda-managed-instances", "3"] and report["result"][3] is True
    assert report["result"][2][1:] == ["-X", "importtime", "/var/runtime/bootstrap.py"]
    assert "runtime processes that asked for an event: 3 of 3" in report["managed_instances"][1]
    done = tried("python3.13")  # the control: on-demand, the one process the wrapper exec'd
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["managed_instances"] is None
    assert report["result"][:2] == ["on-demand", None] and report["result"][2][1:3] == ["-I", "-S"]  # the relay
    refused = tried("python3.12", "--managed-instances", "3")
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "do not run python3.12" in refused.stderr


def test_try_refuses_a_runtime_managed_instances_do_not_run_before_looking_for_its_client(tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text("{}")
    args = ["try", _script(tmp_path, SEES), "--handler", "index.handler", "--event", str(tmp_path / "event.json"),
            "--code", str(tmp_path), "--runtime", "nodejs20.x"]  # fmt: skip
    refused = wrapgen_cli(*args, "--managed-instances", "2")
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("error: --managed-instances: Lambda Managed Instances do not run nodejs20.x")
    control = wrapgen_cli(*args)  # on-demand: as far as the missing runtime client
    assert control.returncode == 1 and "aws-lambda-ric" in control.stderr
