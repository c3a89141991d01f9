"""wrapgen explain of a chain of any length (issue 24): the scripts composed as wrapgen composes them (ours re-rendered
with the others as its --first and --then links, each started with a shim named as the interpreter), each hand-over
recorded by the shims: what each link received and passed on, the variables it changed, links skipped, a link
that replaced the runtime; each with a control where it matters. Run in the sandbox, as explain runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import WRAPGEN

from wrapgen.runtimes import vectors

pytestmark = pytest.mark.sandbox

DOC = Path(__file__).parent.parent / "docs" / "explain-and-try.md"


def explain(*args: str | Path) -> tuple[int, list[dict[str, Any]], str]:
    result = subprocess.run([*WRAPGEN, "explain", *map(str, args), "--format", "json"], capture_output=True,
                            text=True, env=dict(os.environ), timeout=300, check=False)  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout) if result.stdout else [], result.stderr


def script(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    path.chmod(0o755)
    return path


def wrapper(path: Path, *args: str) -> Path:
    made = subprocess.run([*WRAPGEN, *args, "-o", str(path)], capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    return path


def problems(outcome: dict[str, Any]) -> list[str]:
    return [p["problem"] for p in outcome["problems"]] + [p["problem"] for s in outcome["steps"] for p in s["problems"]]


def vector(runtime: str) -> list[str]:
    return list(next(v for v in vectors() if v.runtime == runtime).argv)


# Three links of my own per family: one inserts an option after "$1", one overwrites the family's list variable,
# one asks "$1" its version and inserts an option only if the answer is the runtime's.
FAMILY = {
    "node": ("nodejs22.x", "NODE_OPTIONS", "--max-old-space-size=100", "--require /opt/v.js", "--trace-deprecation",
             "v22.*", "--no-warnings"),
    "java": ("java21", "JAVA_TOOL_OPTIONS", "-Xss2m", "-javaagent:/opt/v.jar", "-Dvendor=1", '*\\"21.*',
             "-XX:+UseSerialGC"),
}  # fmt: skip


def links(directory: Path, family: str) -> tuple[Path, Path, Path]:
    _, variable, _, unit, inserted, answer, probed = FAMILY[family]
    inserts = script(directory, "inserts", f'#!/bin/bash\nexec "$1" {inserted} "${{@:2}}"\n')
    overwrites = script(directory, "overwrites", f'#!/bin/bash\nexport {variable}="{unit}"\nexec "$@"\n')
    probes = script(directory, "probes", f'#!/bin/bash\nversion=$("$1" -version 2>&1) || exit 1\n'
                    f'case $version in {answer}) exec "$1" {probed} "${{@:2}}" ;; esac\nexit 3\n')  # fmt: skip
    return inserts, overwrites, probes


@pytest.mark.parametrize("family", FAMILY)
def test_a_chain_of_three_shows_what_each_link_received_passed_on_and_changed(tmp_path: Path, family: str) -> None:
    runtime, variable, kept, unit, inserted, _, probed = FAMILY[family]
    chain = links(tmp_path, family)
    args = ("--family", family, "--runtime", runtime, "--env", f"{variable}={kept}")
    code, outcomes, stderr = explain(*chain, *args)
    (outcome,) = outcomes
    assert code == 0, (problems(outcome), stderr)
    assert outcome["composed"] == f"/opt/wrapgen/wrapgen-{family}"  # none is wrapgen's: wrapgen's chain runs them
    first, second, third = outcome["steps"]
    assert [s["script"] for s in outcome["steps"]] == list(map(str, chain))
    assert [(s["role"], s["skipped"]) for s in outcome["steps"]] == [("then", None)] * 3
    start = vector(runtime)
    assert first["received"] == start and first["passed_on"] == [start[0], inserted, *start[1:]]
    assert first["variables"] == {} and first["problems"] == []
    assert second["received"] == first["passed_on"] and second["passed_on"] == first["passed_on"]
    assert second["variables"] == {variable: {"before": kept, "after": unit}}  # what it did, as it did it
    repaired = f"{variable}: {kept!r} dropped (it overwrote the list), put back by wrapgen's chain"
    assert [p["problem"] for p in second["problems"]] == [repaired]  # a note: the chain repaired it
    assert not second["problems"][0]["breaks"]
    assert third["received"] == second["passed_on"]  # the probe went to the interpreter; the link saw it as one
    assert third["passed_on"] == [start[0], probed, inserted, *start[1:]] and third["variables"] == {}
    assert outcome["command"] == third["passed_on"]  # the runtime got the last link's command line
    assert outcome["environment"] == {variable: {"before": kept, "after": f"{kept} {unit}"}}
    assert outcome["exit_status"] == 42 and not any(name.startswith("WRAPGEN_") for name in outcome["environment"])
    # the control: the same overwriting link without wrapgen's chain drops the function's unit, which breaks
    code, outcomes, _ = explain(chain[1], *args)
    assert code == 1 and f"{variable}: {kept!r} dropped: the wrapper overwrote the list instead of adding to it" in \
        problems(outcomes[0])  # fmt: skip


def test_ours_in_the_middle_gets_the_first_links_command_line_and_the_chain_costs_its_execs(tmp_path: Path) -> None:
    inserts, overwrites, _ = links(tmp_path, "node")
    ours = wrapper(tmp_path / "ours", "node", "--flag", "--trace-warnings")
    args = ("--family", "node", "--runtime", "nodejs22.x")
    code, outcomes, stderr = explain(inserts, ours, overwrites, *args)
    (outcome,) = outcomes
    assert code == 0, (problems(outcome), stderr)
    assert outcome["composed"] is None
    first, middle, last = outcome["steps"]
    assert [s["role"] for s in outcome["steps"]] == ["first", "ours", "then"]
    start = vector("nodejs22.x")
    assert first["received"] == start and first["passed_on"] == [start[0], "--trace-deprecation", *start[1:]]
    assert middle["received"] == first["passed_on"]
    handed = first["passed_on"]
    assert middle["passed_on"] == [*handed[:-1], "--trace-warnings", handed[-1]]  # ours: before the program
    assert last["received"] == middle["passed_on"] and last["variables"] == {
        "NODE_OPTIONS": {"before": None, "after": "--require /opt/v.js"}}  # fmt: skip
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (scripts/test installs it)")
    assert "exec(s) more than the chain needs" not in " ".join(problems(outcome)), outcome["processes"]
    # the control: a link that execs through another program costs one exec more than the chain needs
    through = script(tmp_path, "through", '#!/bin/bash\nexec /usr/bin/env VENDOR=1 "$@"\n')
    code, outcomes, _ = explain(inserts, ours, through, *args)
    assert code == 0 and "1 exec(s) more than the chain needs" in problems(outcomes[0])
    assert outcomes[0]["steps"][2]["variables"] == {"VENDOR": {"before": None, "after": "1"}}


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            archive.writestr(info, text)
    return path


def test_a_missing_link_is_skipped_and_the_chain_goes_on(tmp_path: Path) -> None:
    """A wrapper's own links, from its layer: the one the layer lacks is skipped with the shim's reason, the others
    run. The control: its links beside it instead of a layer, the missing one is not known to be missing on Lambda
    (NOT CHECKED)."""
    ours = wrapper(tmp_path / "w", "python", "--flag", "-X importtime", "--then", "/opt/a", "--then", "/opt/missing",
                   "--then", "/opt/c")  # fmt: skip
    a = '#!/bin/bash\nexport A=1\nexec "$@"\n'
    c = '#!/bin/bash\nexec "$1" -X dev "${@:2}"\n'
    layer = _zip(tmp_path / "layer.zip", {"a": a, "c": c})
    args = ("--runtime", "python3.12")
    code, outcomes, stderr = explain(ours, *args, "--layer", layer)
    (outcome,) = outcomes
    assert code == 0, (problems(outcome), stderr)
    steps = outcome["steps"]
    assert [(s["script"], s["role"]) for s in steps] == [(str(ours), "ours"), ("/opt/a", "then"),
                                                         ("/opt/missing", "then"), ("/opt/c", "then")]  # fmt: skip
    assert steps[1]["variables"] == {"A": {"before": None, "after": "1"}}
    assert steps[2]["skipped"] == "is missing or not executable" and steps[2]["received"] is None
    assert steps[2]["problems"][0]["problem"].startswith("skipped: it is missing or not executable")
    assert steps[3]["received"] == steps[1]["passed_on"] and steps[3]["passed_on"][1:3] == ["-X", "dev"]
    assert outcome["command"][1:5] == ["-X", "dev", "-X", "importtime"]
    assert "chain link /opt/missing" not in " ".join(problems(outcome))  # said at the link, not again as stderr
    # the control: the links beside the wrapper, no layer: /opt/missing may be in a layer not given here
    beside = tmp_path / "beside"
    beside.mkdir()
    shutil.copy(ours, beside / "w")
    script(beside, "a", a)
    script(beside, "c", c)
    code, outcomes, _ = explain(beside / "w", *args)
    assert code == 2 and "'/opt/missing'" in outcomes[0]["not_checked"]
    assert outcomes[0]["steps"][3]["passed_on"][1:3] == ["-X", "dev"]  # the others ran from beside it


def test_a_link_that_cannot_start_is_skipped_where_alone_it_breaks(tmp_path: Path) -> None:
    inserts, _, _ = links(tmp_path, "node")
    crlf = script(tmp_path, "crlf", '#!/bin/bash\r\nexec "$@"\r\n')
    args = ("--family", "node", "--runtime", "nodejs22.x")
    code, outcomes, stderr = explain(inserts, crlf, *args)
    assert code == 0, problems(outcomes[0]) if outcomes else stderr
    assert outcomes[0]["steps"][1]["skipped"] == "has a #! line ending in CR (CRLF)"
    assert outcomes[0]["command"] == outcomes[0]["steps"][0]["passed_on"]
    assert explain(crlf, *args)[0] == 1  # the control: alone, Lambda cannot start it


def test_a_link_that_replaces_the_runtime_is_on_purpose_last_and_breaks_the_chain_elsewhere(tmp_path: Path) -> None:
    replaces = script(tmp_path, "replaces", '#!/bin/bash\nexec -- "${LAMBDA_TASK_ROOT}/${_HANDLER}"\n')
    ours = wrapper(tmp_path / "ours", "python", "--flag", "-X importtime")
    args = ("--runtime", "python3.12")
    code, outcomes, stderr = explain(ours, replaces, *args)
    (outcome,) = outcomes
    assert code == 0, (problems(outcome), stderr)
    last = outcome["steps"][1]
    assert last["received"][1:3] == ["-X", "importtime"] and last["passed_on"] is None
    said = [p for p in outcome["problems"] if "the runtime replaced by /var/task/app.handler" in p["problem"]]
    assert said and said[0]["on_purpose"] and not said[0]["breaks"] and outcome["command"] is None
    # the control: first, it never hands over, and ours never runs: what ours is for is lost
    code, outcomes, _ = explain(replaces, ours, *args)
    assert code == 1
    first, second = outcomes[0]["steps"]
    assert first["passed_on"] is None and second["received"] is None
    assert second["skipped"] == f"{replaces} before it never handed over"
    assert second["problems"][0]["breaks"]


def test_a_second_wrapgen_wrapper_is_a_plain_link_one_with_links_runs_them_first(tmp_path: Path) -> None:
    one = wrapper(tmp_path / "one", "node", "--flag", "--trace-warnings")
    two = wrapper(tmp_path / "two", "node", "--flag", "--trace-deprecation")
    code, outcomes, stderr = explain(one, two, "--runtime", "nodejs22.x")
    assert code == 0, stderr
    assert [s["role"] for s in outcomes[0]["steps"]] == ["ours", "then"]
    assert outcomes[0]["command"][-3:-1] == ["--trace-warnings", "--trace-deprecation"]  # each did its work once
    linked = wrapper(tmp_path / "linked", "node", "--then", "/opt/x")
    code, _, stderr = explain(two, linked, "--runtime", "nodejs22.x")
    assert code == 0  # the first is ours; the other, a plain link, runs its own chain... as a link would
    code, outcomes, stderr = explain(linked, two, "--runtime", "nodejs22.x")
    # its own link runs before the other (as WRAPGEN_THEN's after its own): not here, so not checked
    assert code == 2 and "'/opt/x' is not here" in outcomes[0]["not_checked"], stderr
    assert [s["place"] for s in outcomes[0]["steps"]] == ["/opt/linked", "/opt/x", "/opt/two"]


def _documented() -> list[dict[str, Any]]:
    """The JSON example of docs/explain-and-try.md (a list of outcomes)."""
    (block,) = [b for b in re.findall(r"```json\n(.*?)```", DOC.read_text(), re.S) if '"steps"' in b]
    return list(json.loads(block))


def test_the_json_shape_is_the_documented_one(tmp_path: Path) -> None:
    chain = links(tmp_path, "node")
    code, outcomes, _ = explain(*chain, "--family", "node", "--runtime", "nodejs22.x")
    (documented,) = _documented()
    (outcome,) = outcomes
    assert set(outcome) == set(documented)
    for step in outcome["steps"]:
        assert set(step) == set(documented["steps"][0])
    assert set(outcome["problems"][0]) == set(documented["problems"][0])
    assert {s["role"] for s in documented["steps"]} <= {"alone", "first", "ours", "then"}
    assert any(s["skipped"] for s in documented["steps"]) and any(s["variables"] for s in documented["steps"])


@pytest.mark.parametrize(
    ("text", "handed"),
    [('#!/bin/bash\nexec /var/lang/bin/node --trace-uncaught "${@:2}"\n', "interpreter"),
     ('#!/bin/bash\n"$1" --trace-uncaught "${@:2}"\nexit $?\n', "child")],
    ids=["starts-the-interpreter-itself", "runs-the-next-as-a-child"],
)  # fmt: skip
def test_a_link_that_does_not_hand_over_by_exec_leaves_the_links_after_it_unrun(tmp_path: Path, text: str,
                                                                                handed: str) -> None:  # fmt: skip
    """It starts the interpreter itself (not "$1", the shim), or the shim as its child: the chain stops there. Last,
    what it passed on is what the runtime got (a child still breaks: Lambda's signals reach the link)."""
    odd = script(tmp_path, "odd", text)
    inserts, _, _ = links(tmp_path, "node")
    args = ("--family", "node", "--runtime", "nodejs22.x")
    code, outcomes, _ = explain(odd, inserts, *args)
    first, second = outcomes[0]["steps"]
    assert code == 1 and first["handed"] == handed and first["passed_on"][1] == "--trace-uncaught"
    assert second["received"] is None and second["problems"][0]["breaks"]
    assert second["skipped"].startswith(f"{odd} before it ")
    code, outcomes, _ = explain(inserts, odd, *args)  # the control: last, nothing after it is lost
    last = outcomes[0]["steps"][1]
    assert last["handed"] == handed and last["passed_on"][1:3] == ["--trace-uncaught", "--trace-deprecation"]
    assert code == (1 if handed == "child" else 0), problems(outcomes[0])
