"""wrapgen explain: wrappers run for real under bash (4.2 for Amazon Linux 2 runtimes, where the team's tools build
it) on every recorded vector, with a recording stub as the interpreter; each kind of problem detected on a
wrapper made to have it, and none on wrapgen's own."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED_TOOLS, WRAPGEN, aws_sample, bash42_available, running, token

from wrapgen.runtimes import BASH_42_RUNTIMES, FAMILIES, argument_vectors, vectors

pytestmark = pytest.mark.sandbox


@pytest.fixture(scope="module")
def environment(request: pytest.FixtureRequest) -> dict[str, str]:
    """The tests' environment: with WRAPGEN_BASH42 where it is given or the team's tools can build bash 4.2."""
    if not bash42_available():
        return dict(os.environ)
    return {**os.environ, "WRAPGEN_BASH42": str(request.getfixturevalue("bash42"))}


def explain(env: dict[str, str], *args: str | Path) -> tuple[int, list[dict[str, Any]], str]:
    result = subprocess.run([*WRAPGEN, "explain", *map(str, args), "--format", "json"], capture_output=True,
                            text=True, env=env, timeout=300, check=False)  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout) if result.stdout else [], result.stderr


def script(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    path.chmod(0o755)
    return path


def problems(outcome: dict[str, Any]) -> list[str]:
    found = [p["problem"] for p in outcome["problems"]]
    return found + [p["problem"] for step in outcome["steps"] for p in step["problems"]]


FLAGS = {"python": "-X importtime", "node": "--trace-warnings", "java": "'-Dapp.banner=hello world'",
         "dotnet": "--roll-forward Major", "ruby": "-W:no-deprecated"}  # fmt: skip


@pytest.mark.parametrize("family", FAMILIES)
def test_wrapgen_wrappers_have_no_problem_on_any_runtime(tmp_path: Path, family: str, environment: dict) -> None:
    wrapper = tmp_path / "w"
    made = subprocess.run([*WRAPGEN, family, "--flag", FLAGS[family], "--env", "GREETING=hi", "-o", str(wrapper)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr
    code, outcomes, _ = explain(environment, wrapper)
    assert code == 0, [problems(o) for o in outcomes]
    assert [o["runtime"] for o in outcomes] == list(FAMILIES[family].runtimes)
    for outcome in outcomes:
        assert problems(outcome) == [], outcome["runtime"]
        assert outcome["environment"] == {"GREETING": {"before": None, "after": "hi"}}
        assert outcome["processes"] == "2 exec(s), 0 fork(s)"
        (step,) = outcome["steps"]
        if step["before"][0].endswith(family if family != "python" else outcome["runtime"]):
            assert len(step["after"]) > len(step["before"])  # the flags went in (not a single-file dotnet app)
        if "WRAPGEN_BASH42" in environment and outcome["runtime"] in BASH_42_RUNTIMES:
            assert outcome["bash"].startswith("bash 4.2")


def test_the_aws_documentation_sample_is_flagged_where_the_handler_is_an_argument(
    tmp_path: Path, environment: dict
) -> None:
    sample = script(tmp_path, "aws-sample", aws_sample("-Dx=1"))
    for family in ("java", "dotnet"):
        code, outcomes, _ = explain(environment, sample, "--family", family)
        assert code == 1
        handler_last = {v.runtime for v in vectors() if v.handler_in_argv}
        for outcome in outcomes:
            flagged = any("after the program" in p for p in problems(outcome))
            assert flagged == (outcome["runtime"] in handler_last), outcome["runtime"]
    code, outcomes, _ = explain(environment, sample, "--family", "python")
    assert code == 0 and all(not o["breaks"] for o in outcomes)


RESPLIT = "#!/bin/bash\nexec $@\n"  # the bug under test: argv flattened and split again
BROKEN = {
    "not started": ("#!/bin/bash\nexit 0\n", "the runtime was not started"),
    "exit status": ("#!/bin/bash\nexit 3\n", "exit status 3"),
    "lost": ('#!/bin/bash\nexec "$1" "${@:3}"\n', "lost:"),
    "joined": ('#!/bin/bash\nexec "$1" "${*:2}"\n', "joined:"),
    "handler": ('#!/bin/bash\nexec "${@:1:$#-1}" other::handler\n', "the handler changed"),
    "displaced": ('#!/bin/bash\nexec "$1" /tmp/other.py "${@:2}"\n', "the program was displaced"),
    "after": ('#!/bin/bash\nexec "$@" --flag-too-late\n', "after the program"),
    # explain split the #! line at every space and dropped the \r: it started bash with -e, and said ok
    "two options": ('#!/bin/bash -e -u\nexec "$@"\n', "exit status"),
    "cr": ('#!/bin/bash\r\nexec "$@"\n', ""),
}
NOTES = {
    "stdout": ('#!/bin/bash\necho hello\nexec "$@"\n', "wrote to stdout"),
    "stderr": ('#!/bin/bash\necho careful >&2\nexec "$@"\n', "printed on stderr: careful"),
    "duplicated": ('#!/bin/bash\nexec "$1" "$2" "${@:2}"\n', "duplicated:"),
    "fork": ('#!/bin/bash\nnow=$(date)\nexec "$@"\n', "fork(s)"),
    "extra exec": ('#!/bin/bash\nexec /bin/bash -c \'exec "$@"\' bash "$@"\n', "exec(s) more than"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_each_breaking_problem_is_detected(tmp_path: Path, kind: str, environment: dict) -> None:
    text, says = BROKEN[kind]
    family, runtime = {"handler": ("java", "java21"), "joined": ("node", "nodejs22.x")}.get(
        kind, ("python", "python3.12")
    )
    code, outcomes, _ = explain(environment, script(tmp_path, kind, text), "--family", family, "--runtime", runtime)
    (outcome,) = outcomes
    assert code == 1 and outcome["breaks"], problems(outcome)
    assert any(says in problem for problem in problems(outcome)), problems(outcome)


@pytest.mark.parametrize("kind", NOTES)
def test_each_note_is_detected_without_failing(tmp_path: Path, kind: str, environment: dict) -> None:
    if kind in ("fork", "extra exec") and shutil.which("strace") is None:
        pytest.skip("strace is not installed (scripts/test installs it)")
    text, says = NOTES[kind]
    code, outcomes, _ = explain(environment, script(tmp_path, kind, text), "--family", "node", "--runtime",
                                "nodejs22.x")  # fmt: skip
    (outcome,) = outcomes
    assert any(says in problem for problem in problems(outcome)), problems(outcome)
    assert code == 0 and not outcome["breaks"]


def test_a_chain_into_a_wrapper_that_splits_argv_again_is_flagged(tmp_path: Path, environment: dict) -> None:
    ours = tmp_path / "ours"
    made = subprocess.run([*WRAPGEN, "java", "--flag", FLAGS["java"], "-o", str(ours)], capture_output=True,
                          check=False)  # fmt: skip
    assert made.returncode == 0
    resplit = script(tmp_path, "vendor", RESPLIT)
    code, outcomes, _ = explain(environment, ours, resplit, "--runtime", "java21")
    (outcome,) = outcomes
    assert code == 1
    first, second = outcome["steps"]
    assert "-Dapp.banner=hello world" in first["after"] and first["problems"] == []
    assert any("split: '-Dapp.banner=hello world'" in p["problem"] for p in second["problems"])
    alone = explain(environment, ours, script(tmp_path, "fine", '#!/bin/bash\nexec "$@"\n'), "--runtime", "java21")
    assert alone[0] == 0


def test_text_report_and_errors(tmp_path: Path, environment: dict) -> None:
    sample = script(tmp_path, "aws-sample", aws_sample("-Dx=1"))
    result = subprocess.run([*WRAPGEN, "explain", str(sample), "--family", "java", "--runtime", "java17"],
                            capture_output=True, text=True, env=environment, check=False)  # fmt: skip
    assert result.returncode == 1
    assert "java17: BREAKS the function" in result.stdout and "changed: inserted -Dx=1 before" in result.stdout
    assert re.search(r"^java17 +BREAKS +1 +0 +", result.stdout, re.M), result.stdout  # the summary table
    unknown = subprocess.run([*WRAPGEN, "explain", str(sample)], capture_output=True, text=True, check=False)
    assert unknown.returncode == 2 and "--family" in unknown.stderr  # 2: it could not check
    missing = subprocess.run([*WRAPGEN, "explain", str(tmp_path / "nope"), "--family", "java"], capture_output=True,
                             text=True, check=False)  # fmt: skip
    assert missing.returncode == 2 and missing.stderr == (
        f"error: {tmp_path / 'nope'}: not an executable file (Lambda's"
        f" bootstrap: '{tmp_path / 'nope'}: does not exist', exit 127)\n"
    )
    ok = script(tmp_path, "ok", '#!/bin/bash\nexec "$@"\n')
    fine = subprocess.run([*WRAPGEN, "explain", str(ok), "--family", "java", "--runtime", "java17"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert fine.returncode == 0, fine.stdout  # 0: checked, nothing breaks


def test_explain_option_shows_what_is_about_to_be_written(tmp_path: Path) -> None:
    result = subprocess.run([*WRAPGEN, "python", "--flag", "-X importtime", "--runtime", "python3.13", "--explain",
                             "-o", str(tmp_path / "w")], capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "python3.13: ok" in result.stderr
    assert "changed: inserted -X importtime before '/var/runtime/bootstrap.py'" in result.stderr
    assert (tmp_path / "w").exists()
    refused = subprocess.run([*WRAPGEN, "python", "--via", "env", "--flag", "-X importtime", "--explain"],
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert refused.returncode == 1 and "--explain runs a wrapper" in refused.stderr


def test_the_packaged_vectors_hold_every_vector_the_team_recorded() -> None:
    shared = SHARED_TOOLS.parent / "data" / "lambda-runtime-argv.json"
    if not shared.is_file():
        pytest.skip(f"{shared} is absent (only the team's machines have it)")
    ours = {(v.runtime, v.argv) for v in vectors()}
    superseded = {e["runtime"] for e in argument_vectors() if e.get("supersedes")}
    recorded = {(e["runtime"], tuple(e["argv"])) for e in json.loads(shared.read_text()) if e["argv"]}
    assert {r for r, _ in recorded - ours} <= superseded, recorded - ours
    assert superseded <= {r for r, _ in recorded}  # the control: each names a recorded runtime it replaces


def _dead(pid_file: Path) -> bool:
    """The process is gone, or a zombie (orphans are reaped by PID 1, which in a container may never do it)."""
    try:
        state = Path(f"/proc/{int(pid_file.read_text())}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def _ended(sleep: str, pid_file: Path, mode: tuple[str, ...]) -> bool:
    """Nothing of the sleep is left running. In the sandbox the script could not write where wrapgen runs (no pid
    file); without one it did, and its group is what wrapgen ends."""
    assert pid_file.exists() == bool(mode)
    return running(sleep) == [] and (not mode or _dead(pid_file))


MODES = pytest.mark.parametrize("mode", [(), ("--no-sandbox",)], ids=["sandbox", "no-sandbox"])


@MODES
def test_what_a_wrapper_leaves_running_is_ended(tmp_path: Path, mode: tuple[str, ...]) -> None:
    """A wrapper that starts `sleep` in the background, then execs the runtime: the sleep was left running after
    explain. (strace waits for every process it traces: the run ends when the wrapper's own process does.)"""
    sleep = token()
    wrapper = script(tmp_path, "w", f'#!/bin/bash\nsleep {sleep} &\necho $! > {tmp_path}/pid\nexec "$@"\n')
    started = time.monotonic()
    code, outcomes, _ = explain(dict(os.environ), wrapper, "--family", "python", "--runtime", "python3.12", *mode)
    assert time.monotonic() - started < 15  # not the 20 s a run may take
    assert code == 0 and "1 fork(s)" in outcomes[0]["processes"], outcomes
    assert _ended(sleep, tmp_path / "pid", mode)


def test_a_program_that_prints_gigabytes_is_said_in_one_short_line(tmp_path: Path) -> None:
    """--verify-with's interpreter and explain's wrapper print 20 MB: wrapgen kept it all (800 MB for 10 MB, and
    a 40 MB error line; 400 MB were killed by the kernel), now the first 64 kB."""
    loud = script(tmp_path, "loud", "#!/bin/bash\nhead -c 20000000 /dev/zero | tr '\\0' x >&2\nexit 3\n")
    verified = subprocess.run([*WRAPGEN, "python", "--flag", "-X importtime", "--verify-with", str(loud)],
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert verified.returncode == 1 and verified.stderr.count("\n") == 1
    assert verified.stderr.startswith(f"error: --verify-with {loud}: it refused to start (exit 3): xxx")
    assert len(verified.stderr) < 1000
    noisy = script(tmp_path, "noisy", '#!/bin/bash\nhead -c 20000000 /dev/zero | tr "\\0" x >&2\nexec "$@"\n')
    code, outcomes, stderr = explain(dict(os.environ), noisy, "--family", "python", "--runtime", "python3.12")
    assert code == 0 and len(outcomes[0]["stderr"]) == 64 * 1024, stderr


@MODES
def test_verify_with_a_program_that_leaves_a_child_running(tmp_path: Path, mode: tuple[str, ...]) -> None:
    """It exits 0 at once: wrapgen waited 60 s for its child's copy of the pipe, said it did not finish, and
    left the child running."""
    sleep = token()
    program = script(tmp_path, "p", f"#!/bin/bash\nsleep {sleep} &\necho $! > {tmp_path}/pid\nexit 0\n")
    command = [*WRAPGEN, "python", "--flag", "-X importtime", "--verify-with", str(program), "-o", str(tmp_path / "w")]
    result = subprocess.run([*command, *mode], capture_output=True, text=True, timeout=50, check=False)
    assert result.returncode == 0, result.stderr
    assert _ended(sleep, tmp_path / "pid", mode)


def test_a_wrapper_with_its_own_then_and_another_run_as_on_lambda(tmp_path: Path) -> None:
    """Once it ran its own --then and ignored WRAPGEN_THEN: explain said ok without ever running the second. Now
    its own links run, then the others, as WRAPGEN_THEN's run after its own on Lambda (attach's chain)."""
    ours = tmp_path / "ours"
    made = subprocess.run([*WRAPGEN, "python", "--flag", "-X importtime", "--then", "/opt/vendor", "-o", str(ours)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr
    theirs = script(tmp_path, "theirs", '#!/bin/bash\nexport THEIRS=1\nexec "$@"\n')
    # The control: its own link is not here (nor given with --layer): not checked.
    code, outcomes, stderr = explain(dict(os.environ), ours, theirs, "--runtime", "python3.12")
    assert code == 2 and "'/opt/vendor' is not here" in outcomes[0]["not_checked"], stderr
    script(tmp_path, "vendor", '#!/bin/bash\nexport VENDOR=1\nexec "$@"\n')  # beside it, as its layer has it
    code, outcomes, stderr = explain(dict(os.environ), ours, theirs, "--runtime", "python3.12")
    assert code == 0, stderr
    steps = outcomes[0]["steps"]
    assert [(s["role"], s["place"]) for s in steps] == [("ours", "/opt/ours"), ("then", "/opt/vendor"),
                                                       ("then", "/opt/theirs")]  # fmt: skip
    assert outcomes[0]["environment"]["VENDOR"]["after"] == "1" and outcomes[0]["environment"]["THEIRS"]["after"] == "1"
    assert outcomes[0]["command"][1:3] == ["-X", "importtime"]


def test_the_functions_own_variables_are_what_the_wrapper_sees(tmp_path: Path) -> None:
    """Vendor wrappers branch on the function's variables (a fast-start mode): explain judged the wrong branch
    without them. --env and --env-file (NAME=VALUE lines or a JSON object) give them; reserved keys are refused."""
    fast = script(tmp_path, "fast", '#!/bin/bash\nif [ "${FAST_START:-}" = 1 ]; then exec "$@"; fi\nexit 3\n')
    args = ("--family", "python", "--runtime", "python3.12")
    assert explain(dict(os.environ), fast, *args)[0] == 1  # without: the other branch, which breaks
    (tmp_path / "lines.env").write_text("# the function's configuration\nFAST_START=1\nOTHER=a b\n")
    (tmp_path / "vars.json").write_text('{"FAST_START": "1"}')
    for given in (
        ("--env", "FAST_START=1"),
        ("--env-file", tmp_path / "lines.env"),
        ("--env-file", tmp_path / "vars.json"),
    ):
        code, outcomes, stderr = explain(dict(os.environ), fast, *args, *given)
        assert code == 0, (given, stderr)
        assert "FAST_START" not in outcomes[0]["environment"]  # the function's, not the wrapper's doing
    code, _, stderr = explain(
        dict(os.environ), fast, *args, "--env-file", tmp_path / "lines.env", "--env", "FAST_START=0"
    )
    assert code == 1  # --env wins over the file
    code, _, stderr = explain(dict(os.environ), fast, *args, "--env", "AWS_REGION=eu-west-1")
    assert code == 2 and stderr == "error: AWS_REGION is reserved by Lambda: a function's configuration cannot set it\n"


@pytest.mark.parametrize(
    ("text", "said"),
    [('#!/bin/bash\n"$@"\nexit 0\n', ["not by exec", "exit status is lost: it ended with 42, the wrapper exited 0"]),
     ('#!/bin/bash\n"$@"\nexit $?\n', ["not by exec"]),
     ('#!/bin/bash\nexec env X=1 "$@"\n', [])],
    ids=["child-status-lost", "child-status-kept", "exec-through-env"],
)  # fmt: skip
def test_a_runtime_run_as_a_child_or_its_status_lost_breaks(tmp_path: Path, text: str, said: list[str]) -> None:
    """The AWS python sample and Serverless's python wrapper run the runtime as a child and lose its exit status:
    explain called them ok (with a fork note), its stand-in always exiting 0. It exits 42 now, which an exec passes
    on; strace tells which process exec'd it."""
    wrapper = script(tmp_path, "w", text)
    code, outcomes, _ = explain(dict(os.environ), wrapper, "--family", "python", "--runtime", "python3.12")
    found = problems(outcomes[0])
    assert code == (1 if said else 0), found
    for words in said:
        assert any(words in problem for problem in found), found
    assert outcomes[0]["exit_status"] == (0 if "exit 0" in text else 42)


# Behaviour classes of vendor wrappers, in small wrappers of my own (each stands for the vendors' named beside it):
# each alone, with a wrapgen wrapper ahead of it (ours runs it as its --then link) and behind it (its --first link),
# both through wrapgen's chain: each link is started with a shim named as the interpreter. (family, runtime, the
# function's variables, script, the verdict alone: breaks, and words one of the reasons holds; the verdict where a
# mode differs).
Verdict = tuple[bool, str]
DELEGATES = ('#!/bin/bash\nexport ORIGINAL_HANDLER="$_HANDLER"\nexport _HANDLER=vendor.Wrapper\n'
             'exec "${@//$ORIGINAL_HANDLER/$_HANDLER}"\n')  # fmt: skip
CLASSES: dict[str, tuple[str, str, tuple[str, ...], str, Verdict, dict[str, Verdict]]] = {
    # OTel/ADOT java proxy handlers: the handler replaced by their class, the original handed over in a variable
    "delegates-the-handler": ("java", "java21", (), DELEGATES,
                              (False, "replaced by 'vendor.Wrapper', which gets the original"), {}),
    # OpenTelemetry's python and node wrappers: _HANDLER replaced by theirs, the original in another variable
    "delegates-the-handler-variable": ("python", "python3.12", (), '#!/bin/bash\nexport ORIG_HANDLER="$_HANDLER"\n'
                                       'export _HANDLER=vendor_wrapper.handler\nexec "$@"\n',
                                       (False, "replaced by 'vendor_wrapper.handler', which gets the original from"
                                        " ORIG_HANDLER"), {}),
    # ... and without the original handed over: the function's handler is never called
    "replaces-the-handler-variable": ("python", "python3.12", (), '#!/bin/bash\nexport _HANDLER=vendor.handler\n'
                                      'exec "$@"\n', (True, "no variable carries the original"), {}),
    # an older OpenTelemetry java wrapper: only _HANDLER changed, which java17+ does not read (no effect, noted)
    "changes-an-unread-handler-variable": ("java", "java21", (), '#!/bin/bash\nexport _HANDLER=vendor.Wrapper\n'
                                           'exec "$@"\n', (False, "which this runtime does not read"), {}),
    # Elastic: an option of the runtime's rewritten (-Xshare:on to -Xshare:auto)
    "rewrites-an-option": ("java", "java11", (), '#!/bin/bash\nexec "${@/#-Xshare:on/-Xshare:auto}"\n',
                           (False, "option -Xshare:on replaced with -Xshare:auto"), {}),
    # Datadog's java wrapper once: the main class and handler given twice, beside an inserted option
    "duplicates-the-tail": ("java", "java21", (), '#!/bin/bash\nexec "$1" -Dx=1 "${@:2}" "${@: -2}"\n',
                            (True, "after the program"), {}),
    # the runtime's class path removed
    "drops-the-class-path": ("java", "java21", (), '#!/bin/bash\nargs=()\nwhile [ $# -gt 0 ]; do\n  if [ "$1" ='
                             ' -classpath ]; then shift 2; continue; fi\n  args+=("$1"); shift\ndone\nexec'
                             ' "${args[@]}"\n', (True, "lost:"), {}),
    # most vendors (OTel, New Relic, Lumigo, SolarWinds): options inserted after the interpreter
    "inserts-after-the-interpreter": ("java", "java21", (), '#!/bin/bash\nexec "$1" -Dvendor=1 "${@:2}"\n',
                                      (False, ""), {}),
    # AWS's sample: options inserted before the last argument (on java17+, the handler follows the main class)
    "inserts-before-the-last": ("java", "java21", (), '#!/bin/bash\nexec "${@:1:$#-1}" -Dx=1 "${@: -1}"\n',
                                (True, "after the program"), {}),
    # a wrapper that loses the handler
    "drops-the-handler": ("java", "java17", (), '#!/bin/bash\nexec "${@:1:$#-1}"\n', (True, "the handler changed"),
                          {}),
    # OTel's and Datadog's node wrappers now: NODE_OPTIONS appended to
    "appends-a-list": ("node", "nodejs22.x", ("--env", "NODE_OPTIONS=--max-old-space-size=100"),
                       '#!/bin/bash\nexport NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--require /opt/v.js"\n'
                       'exec "$@"\n', (False, ""), {}),
    # Datadog's node wrapper once (datadog-lambda-extension #83): NODE_OPTIONS overwritten
    # (in wrapgen's chain, the shim after it puts back what it dropped: a note)
    "overwrites-a-list": ("node", "nodejs22.x", ("--env", "NODE_OPTIONS=--max-old-space-size=100"),
                          '#!/bin/bash\nexport NODE_OPTIONS="--require /opt/v.js"\nexec "$@"\n',
                          (True, "'--max-old-space-size=100' dropped"),
                          {"ours-ahead": (False, "put back by wrapgen's chain"),
                           "ours-behind": (False, "put back by wrapgen's chain")}),
    # wrappers that ask the interpreter its version before choosing what to insert
    "probes-the-interpreter": ("java", "java21", (), '#!/bin/bash\nversion=$("$1" -version 2>&1) || exit 1\n'
                               'case $version in *\'"21.\'*) exec "$1" -XX:+UseSerialGC "${@:2}" ;; esac\nexit 3\n',
                               (False, ""), {}),
    # wrappers that exec the runtime through another program (env, a launcher)
    "execs-through-a-program": ("python", "python3.12", (), '#!/bin/bash\nexec /usr/bin/env VENDOR=1 "$@"\n',
                                (False, ""), {}),
    # wrappers that re-split their arguments ($@ unquoted): harmless on Lambda's own vectors (no spaces), fatal
    # behind a wrapper that passes a flag with a space
    "splits-arguments": ("java", "java21", (), "#!/bin/bash\nexec $@\n", (False, ""),
                         {"ours-ahead": (True, "split: '-Dapp.banner=hello world'")}),
    # the AWS python sample, Serverless's python wrapper: the runtime run as a child, its exit status lost
    "child-loses-the-status": ("python", "python3.12", (), '#!/bin/bash\n"$@"\nexit 0\n',
                               (True, "exit status is lost"), {}),
    # AWS Lambda Web Adapter: the runtime replaced by the function's own program, by design
    # (ahead of ours, it never hands over: ours never runs, and what it is for is lost)
    "replaces-the-runtime": ("python", "python3.12", (), '#!/bin/bash\nexec -- "${LAMBDA_TASK_ROOT}/${_HANDLER}"\n',
                             (False, "the runtime replaced by /var/task/app.handler"),
                             {"ours-behind": (True, "before it never handed over")}),
    # ... and its control: a program that is not there, outside the function's code
    "execs-a-missing-program": ("python", "python3.12", (), '#!/bin/bash\nexec /var/lang/bin/pyhton3 "${@:2}"\n',
                                (True, "exec'd /var/lang/bin/pyhton3, which is not there"), {}),
}  # fmt: skip
OURS = {"java": ("--flag", "'-Dapp.banner=hello world'"), "node": ("--flag", "--trace-warnings"),
        "python": ("--flag", "-X importtime")}  # fmt: skip
MODES = ["alone", "ours-ahead", "ours-behind"]


@pytest.mark.parametrize("kind", CLASSES)
@pytest.mark.parametrize("mode", MODES)
def test_vendor_behaviour_classes(tmp_path: Path, kind: str, mode: str) -> None:
    family, runtime, variables, text, alone, modes = CLASSES[kind]
    breaks, says = modes.get(mode, alone)
    theirs = script(tmp_path, kind, text)
    chain: list[Path] = [theirs]
    if mode != "alone":
        ours = tmp_path / "ours"
        made = subprocess.run([*WRAPGEN, family, *OURS[family], "-o", str(ours)], check=False)
        assert made.returncode == 0
        chain = [ours, theirs] if mode == "ours-ahead" else [theirs, ours]
    code, outcomes, stderr = explain(dict(os.environ), *chain, "--family", family, "--runtime", runtime, *variables)
    (outcome,) = outcomes
    found = problems(outcome)
    assert code == (1 if breaks else 0) and outcome["breaks"] == breaks, (found, stderr)
    assert not says or any(says in problem for problem in found), found
    steps = outcome["steps"]
    assert [step["script"] for step in steps] == list(map(str, chain))
    if mode == "ours-behind" and not breaks and "replaced" not in says:  # ours ran second: its flag is in the end
        assert shlex.split(OURS[family][1])[0] in steps[1]["after"], steps


def test_a_vendor_ahead_of_ours_sees_the_interpreter_and_ours_the_vendors_command_line(tmp_path: Path) -> None:
    """A wrapper that runs first (not wrapgen's) execs what it takes for the interpreter: a shim there runs ours
    with the real interpreter's path, and each step shows what it received and passed on."""
    theirs = script(tmp_path, "theirs", '#!/bin/bash\ncase "$1" in */java) ;; *) exit 9 ;; esac\n'
                    'exec "$1" -Dvendor=1 "${@:2}"\n')  # fmt: skip
    ours = tmp_path / "ours"
    assert subprocess.run([*WRAPGEN, "java", "--flag", "-Dours=1", "-o", str(ours)], check=False).returncode == 0
    code, outcomes, stderr = explain(dict(os.environ), theirs, ours, "--family", "java", "--runtime", "java21")
    assert code == 0, (outcomes, stderr)
    first, second = outcomes[0]["steps"]
    vector = first["before"]
    assert first["after"] == [vector[0], "-Dvendor=1", *vector[1:]]
    assert second["before"] == first["after"]
    assert second["after"][0] == vector[0] and second["after"].count("-Dours=1") == 1
    assert second["after"][-2:] == vector[-2:]  # the main class and the handler last, as the runtime wants
    assert outcomes[0]["exit_status"] == 42  # the stand-in's status came back through both


def _zip(path: Path, files: dict[str, str]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            archive.writestr(info, text)
    return path


def test_a_file_of_the_wrappers_layer_beside_it_in_a_layer_or_missing(tmp_path: Path) -> None:
    """ADOT's and New Relic's wrappers source another script of their layer (/opt/...): explain called them broken,
    the file not being in the sandbox. Beside the script it is put at /opt as the layer would; from --layer ZIP it
    is there; missing, the verdict is "not checked" (exit 2), naming the file, not a false BREAKS."""
    layer_dir = tmp_path / "layer"
    layer_dir.mkdir()
    text = '#!/bin/bash\nsource /opt/vendor-lib.sh\nvendor_start "$@"\n'
    wrapper = script(layer_dir, "vendor-handler", text)
    args = ("--family", "python", "--runtime", "python3.12")
    code, outcomes, _ = explain(dict(os.environ), wrapper, *args)
    assert code == 2 and not outcomes[0]["checked"] and "'/opt/vendor-lib.sh'" in outcomes[0]["not_checked"]
    text_report = subprocess.run([*WRAPGEN, "explain", str(wrapper), *args], capture_output=True, text=True,
                                 check=False)  # fmt: skip
    assert text_report.returncode == 2 and "python3.12: NOT CHECKED" in text_report.stdout
    assert "give the layer: --layer ZIP" in text_report.stdout
    (layer_dir / "vendor-lib.sh").write_text('vendor_start() { exec "$1" -X importtime "${@:2}"; }\n')
    code, outcomes, _ = explain(dict(os.environ), wrapper, *args)
    assert code == 0 and outcomes[0]["checked"], problems(outcomes[0])
    assert outcomes[0]["steps"][0]["after"][1:3] == ["-X", "importtime"]  # the sourced file did its work
    alone = script(tmp_path, "vendor-handler", text)  # the same script without its file beside it
    good = _zip(tmp_path / "good.zip", {"vendor-lib.sh": 'vendor_start() { exec "$@"; }\n'})
    bad = _zip(tmp_path / "bad.zip", {"vendor-lib.sh": "vendor_start() { exit 3; }\n"})
    assert explain(dict(os.environ), alone, *args, "--layer", good)[0] == 0
    code, outcomes, _ = explain(dict(os.environ), alone, *args, "--layer", bad)
    assert code == 1 and outcomes[0]["checked"]  # the layer given: its own file breaks it, checked
    refused = subprocess.run([*WRAPGEN, "explain", str(alone), *args, "--layer", str(good), "--no-sandbox"],
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert refused.returncode == 2 and "layers are unpacked at /opt in the sandbox" in refused.stderr


def test_wrappers_written_in_python_or_running_python_find_python3_as_on_lambda(tmp_path: Path) -> None:
    """A python runtime's /var/lang/bin has python3 and python beside python3.X: OpenTelemetry's and SolarWinds'
    wrappers run their launcher with python3, Elastic's is a python script (#!/usr/bin/env python). The launcher
    execs the runtime: the start counts, nothing is "replaced"."""
    launcher = "import os, sys\nos.execv(sys.argv[1], [sys.argv[1], '-X', 'importtime', *sys.argv[2:]])\n"
    layer_dir = tmp_path / "layer"
    layer_dir.mkdir()
    (layer_dir / "launcher.py").write_text(launcher)
    through = script(layer_dir, "through-python", '#!/bin/bash\nexec python3 /opt/launcher.py "$@"\n')
    written = script(tmp_path, "written-in-python", "#!/usr/bin/env python\n" + launcher)
    for wrapper in (through, written):
        code, outcomes, stderr = explain(dict(os.environ), wrapper, "--family", "python", "--runtime", "python3.12")
        assert code == 0, (wrapper.name, problems(outcomes[0]) if outcomes else stderr)
        assert outcomes[0]["steps"][0]["after"][1:3] == ["-X", "importtime"]
        assert not any("replaced" in problem for problem in problems(outcomes[0]))
    broken = script(tmp_path, "launcher-that-returns", "#!/usr/bin/env python3\nimport sys\nsys.exit(0)\n")
    code, outcomes, _ = explain(dict(os.environ), broken, "--family", "python", "--runtime", "python3.12")
    assert code == 1 and "the runtime was not started" in problems(outcomes[0])[0]


def test_sh_is_bash_as_on_amazon_linux(tmp_path: Path) -> None:
    """On Lambda /bin/sh is bash; a #!/bin/sh wrapper with bash syntax works there. In the sandbox /bin/sh is the
    bash explain runs; the control, without a sandbox, is Debian's dash, where it fails."""
    wrapper = script(tmp_path, "sh-wrapper", '#!/bin/sh\nif [[ -n "$1" ]]; then exec "$@"; fi\nexit 4\n')
    args = ("--family", "node", "--runtime", "nodejs22.x")
    assert explain(dict(os.environ), wrapper, *args)[0] == 0
    if os.path.realpath("/bin/sh").endswith("dash"):
        assert explain(dict(os.environ), wrapper, *args, "--no-sandbox")[0] == 1


def test_every_recorded_command_line_with_all_vectors(tmp_path: Path) -> None:
    """--all-vectors runs each of a runtime's recorded command lines: .NET's single-file program is at /var/task,
    where the stand-in must be found (it was hidden by the function's code directory)."""
    plain = script(tmp_path, "plain", '#!/bin/bash\nexec "$@"\n')
    code, outcomes, _ = explain(dict(os.environ), plain, "--family", "dotnet", "--runtime", "dotnet8", "--all-vectors")
    recorded = [v for v in vectors() if v.runtime == "dotnet8"]
    assert code == 0 and [o["vector"] for o in outcomes] == list(range(1, len(recorded) + 1)), outcomes
    assert [o["steps"][0]["after"] for o in outcomes] == [list(v.argv) for v in recorded]
    code, outcomes, _ = explain(dict(os.environ), plain, "--family", "dotnet", "--runtime", "dotnet8")
    assert [o["vector"] for o in outcomes] == [1]
    code, outcomes, _ = explain(dict(os.environ), plain, "--family", "java", "--runtime", "java25", "--all-vectors")
    assert [o["variant"] for o in outcomes] == [v.variant for v in vectors() if v.runtime == "java25"]
    assert len(outcomes) > 1 and outcomes[-1]["variant"]  # SnapStart or provisioned concurrency, named


def test_a_script_the_wrapper_runs_from_its_own_directory_is_beside_it(tmp_path: Path) -> None:
    """OpenTelemetry's python otel-handler runs "${SCRIPT_DIR}/otel-instrument": named by its name alone, a file in
    the script's own directory is put beside it at /opt, as the layer has it; the control, without it, is NOT
    CHECKED."""
    layer_dir = tmp_path / "layer"
    layer_dir.mkdir()
    handler = script(layer_dir, "vendor-handler", '#!/bin/bash\nSCRIPT_DIR="$(dirname "${BASH_SOURCE[0]}")"\n'
                     'exec "${SCRIPT_DIR}/vendor-instrument" "$@"\n')  # fmt: skip
    args = ("--family", "python", "--runtime", "python3.12")
    assert explain(dict(os.environ), handler, *args)[0] == 2
    script(layer_dir, "vendor-instrument", '#!/bin/bash\nexport VENDOR=1\nexec "$@"\n')
    code, outcomes, _ = explain(dict(os.environ), handler, *args)
    assert code == 0 and outcomes[0]["environment"]["VENDOR"] == {"before": None, "after": "1"}, outcomes


def test_every_script_of_an_amazon_linux_2_chain_runs_under_bash_42(tmp_path: Path, environment: dict) -> None:
    """With WRAPGEN_BASH42, the first script ran under bash 4.2 and the one it started by its #! line under this
    machine's bash: /bin/bash in the sandbox is now the chosen one."""
    if "WRAPGEN_BASH42" not in environment:
        pytest.skip("no bash 4.2: ../shared/tools/build-bash42.sh is not here")
    ours = tmp_path / "ours"
    assert subprocess.run([*WRAPGEN, "java", "--flag", "-Dx=1", "-o", str(ours)], check=False).returncode == 0
    theirs = script(tmp_path, "theirs", '#!/bin/bash\necho "bash $BASH_VERSION" >&2\nexec "$@"\n')
    for runtime, version in (("java11", "bash 4.2."), ("java21", "bash 5.")):
        code, outcomes, stderr = explain(environment, ours, theirs, "--runtime", runtime)
        said = [problem for problem in problems(outcomes[0]) if problem.startswith("printed on stderr: bash ")]
        assert code == 0 and said and said[0].startswith(f"printed on stderr: {version}"), (runtime, said, stderr)


def test_list_variables_are_compared_unit_by_unit(tmp_path: Path) -> None:
    """NODE_OPTIONS is cut as node reads it (an option with its value is one unit): a second `--require` is no
    repeat; the same `--require /opt/a.js` again is noted."""
    args = ("--family", "node", "--runtime", "nodejs22.x", "--env", "NODE_OPTIONS=--require /opt/a.js")
    for added, repeated in (("/opt/b.js", False), ("/opt/a.js", True)):
        wrapper = script(tmp_path, "w", f'#!/bin/bash\nexport NODE_OPTIONS="$NODE_OPTIONS --require {added}"\n'
                         'exec "$@"\n')  # fmt: skip
        code, outcomes, _ = explain(dict(os.environ), wrapper, *args)
        notes = [problem for problem in problems(outcomes[0]) if "more than once" in problem]
        assert code == 0 and notes == (["NODE_OPTIONS: ['--require /opt/a.js'] now given more than once"] if repeated
                                       else []), notes  # fmt: skip
