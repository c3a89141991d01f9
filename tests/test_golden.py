"""Golden wrapper scripts and a chain's shim: the exact bytes that ship, linted, checked for bash 4.2, and
reproducible."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import GOLDEN, WRAPGEN, wrapgen_cli

from wrapgen.lint import lint
from wrapgen.render import METADATA, render_shims, render_wrapper, shim_dir
from wrapgen.spec import spec_from_command

# name -> the wrapgen arguments that make it
CASES: dict[str, list[str]] = {
    "python": ["python", "--flag", "-X importtime"],
    "node": ["node", "--flag", "--require /opt/wrapgen/preload.js", "--flag", "--max-old-space-size=256"],
    "java": ["java", "--flag", "-XX:+PrintCommandLineFlags -Dwrapgen.flag=on"],
    "dotnet": ["dotnet", "--flag", "--roll-forward LatestMajor"],
    "ruby": ["ruby", "--flag", "--yjit -W0"],
    "python-everything": [
        "python", "--flag", "-X importtime -X frozen_modules=off -W error::DeprecationWarning", "--flag", "-u",
        "--env", "POWERTOOLS_SERVICE_NAME=orders", "--env", "NOTE=it's $HOME `id` and a\nnewline",
        "--then", "/opt/otel-instrument", "--name", "profile-imports",
    ],
    "java-long-values": [
        "java", "--flag", "-javaagent:/opt/wrapgen/" + "very-long-agent-directory-name/" * 3 + "agent.jar=opt=1",
        "--env", "JAVA_AGENT_CONFIG=" + "key=value;" * 20, "--name", "java-agent",
    ],
    "java-presets": [
        "java", "--preset", "tiered-c1", "--preset", "javaagent=/opt/wrapgen/agent.jar", "--preset", "cds-auto",
        "--drop-flag", "-Xshare:on", "--env", "JAVA_TOOL_OPTIONS=-Dotel.service.name=orders",
    ],
    "dotnet-presets": [
        "dotnet", "--preset", "startup-hook=/opt/wrapgen/Hook.dll", "--preset", "tiered-pgo-off",
        "--preset", "invariant-globalization", "--env-default", "OTEL_SERVICE_NAME=orders",
    ],
    "python-presets": [
        "python", "--preset", "importtime", "--preset", "warnings=error::DeprecationWarning",
        "--env", "PYTHONPATH=/var/task/vendor",
    ],
    "node-presets": ["node", "--preset", "require=/opt/wrapgen/preload.js", "--preset", "source-maps",
                     "--env", "NODE_OPTIONS=--trace-warnings"],
    # No flag to insert, as dotnet-presets (so no flags array: bash 4.2 under nounset calls an empty one unbound),
    # on the path that removes the runtime's own options.
    "java-drop-only": ["java", "--drop-flag", "-XX:-TieredCompilation"],
    # A chain (issue 24): a vendor's wrapper before ours, two after it (the last one re-splits its arguments).
    "node-chain": [
        "node", "--preset", "require=/opt/wrapgen/preload.js", "--first", "/opt/dynatrace", "--then",
        "/opt/otel-handler", "--then", "/opt/datadog_wrapper", "--name", "node-chain",
    ],
}  # fmt: skip

SHIMS = {"node-chain.shim": ("node-chain", "node")}
"""Golden shims: name -> the case whose chain it belongs to, and the interpreter it is named as (all the shims of
a chain are one script)."""
GOLDENS = [*CASES, *SHIMS]

# Constructs that bash 4.2 (Amazon Linux 2) lacks or that behave differently there.
BASH42_FORBIDDEN = {
    r"\$\{[^}]*@[QEPAKaUuLk]\}": "${var@op} needs bash 4.4",
    r"\[\s*-\d+\s*\]": "negative array subscripts need bash 4.3",
    r"\$\{[^}]*:\s*-\d+[}:]": "negative offsets from the end of an array (${a[@]: -1}) misbehave before 4.3",
    r"\b(declare|local|typeset)\s+-\w*n": "namerefs need bash 4.3",
    r"\b(mapfile|readarray)\b[^\n]*\s-d\b": "mapfile -d needs bash 4.4",
    r"\bwait\s+-n\b": "wait -n needs bash 4.3",
    r"\bset\s+(-\w*u|-o\s+nounset)": "set -u errors on empty arrays before bash 4.4",
    r"\bEPOCH(REAL)?TIME\b|\bBASH_ARGV0\b|\bSRANDOM\b": "bash 5 variables",
    r"\$\((?!\()|`": "command substitution forks a subshell",
    r"(?<![-\w=])eval\b": "eval",
}

QUOTED = re.compile(r"\$'(?:[^'\\]|\\.)*'|'[^']*'")


def golden_text(name: str) -> str:
    if name in SHIMS:
        case, interpreter = SHIMS[name]
        shims = {shim.path: shim.text for shim in render_shims(spec_from_command(["wrapgen", *CASES[case]]))}
        return shims[interpreter]
    return render_wrapper(spec_from_command(["wrapgen", *CASES[name]])).text


@pytest.mark.parametrize("name", GOLDENS)
def test_golden(name: str, update_golden: bool) -> None:
    path = GOLDEN / f"{name}.sh"
    text = golden_text(name)
    if update_golden:
        path.write_text(text)
    assert path.read_text() == text, f"{path} differs; rerun with --update-golden and review the diff"


def test_every_golden_file_has_a_case() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.sh")) == sorted(GOLDENS)


def test_a_chains_shims_are_one_script_and_the_golden_one_is_among_them() -> None:
    for case, interpreter in SHIMS.values():
        spec = spec_from_command(["wrapgen", *CASES[case]])
        texts = {shim.path: shim.text for shim in render_shims(spec) if shim.path != METADATA}
        assert interpreter in texts and len(set(texts.values())) == 1


def test_shellcheck_and_bashate_find_nothing_in_any_golden() -> None:
    paths = sorted(str(p) for p in GOLDEN.glob("*.sh"))
    assert len(paths) == len(GOLDENS)
    assert [str(f) for f in lint(paths).findings] == []


def test_lint_does_find_problems(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The gate above means something only if the linters report a bad script."""
    bad = tmp_path / "bad.sh"
    bad.write_text("#!/bin/bash\nfor f in $(ls)\ndo\n  echo $f\ndone\n")
    codes = {f.code for f in lint([str(bad)]).findings}
    assert {"SC2045", "SC2086", "E010", "E003"} <= codes


@pytest.mark.parametrize("name", GOLDENS)
def test_golden_scripts_avoid_what_bash_42_lacks(name: str) -> None:
    code = "\n".join(line for line in (GOLDEN / f"{name}.sh").read_text().splitlines() if not line.startswith("#"))
    code = QUOTED.sub("''", code)  # values are data, not code
    found = {why for pattern, why in BASH42_FORBIDDEN.items() if re.search(pattern, code)}
    assert found == set()


def test_the_bash42_check_catches_what_it_names() -> None:
    samples = ['echo "${x@Q}"', 'echo "${a[-1]}"', 'echo "${a[@]: -1}"', "declare -n r=x", "mapfile -d '' a",
               "wait -n", "set -u", "echo $EPOCHSECONDS $EPOCHREALTIME", "x=$(date)", "x=`date`", "eval x"]  # fmt: skip
    for sample in samples:
        assert any(re.search(p, sample) for p in BASH42_FORBIDDEN), sample


@pytest.mark.parametrize("name", GOLDENS)
def test_the_script_is_lf_only_and_reproducible(name: str) -> None:
    data = (GOLDEN / f"{name}.sh").read_bytes()
    assert data.startswith(b"#!/bin/bash -p\n") and b"\r" not in data and data.endswith(b"\n")
    assert all(len(line) <= 79 for line in data.decode().splitlines())


@pytest.mark.parametrize("seed", ["0", "1", "4242"])
def test_the_same_command_gives_the_same_bytes_whatever_the_hash_seed(seed: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Sets (the grammar's options, presets' drops) iterate in another order under another hash seed: a
    script that depended on that order would differ from its golden file in one of these runs."""
    for name in CASES:
        command = " ".join(CASES[name])
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": "Pacific/Chatham", "LC_ALL": "C"}
        result = subprocess.run([*WRAPGEN, *CASES[name], *_written(name, tmp_path)], capture_output=True,
                                check=False, cwd=tmp_path, env=env)  # fmt: skip
        assert result.returncode == 0, (command, result.stderr)
        assert _output(name, result.stdout, tmp_path) == (GOLDEN / f"{name}.sh").read_bytes(), command
        for shim, (case, interpreter) in SHIMS.items():
            if case == name:
                written = Path(shim_dir(str(tmp_path / name))) / interpreter
                assert written.read_bytes() == (GOLDEN / f"{shim}.sh").read_bytes(), command


def _written(name: str, where: Path) -> list[str]:
    """Where a case is written: stdout, or `-o` for a chain that needs its shims beside it (stdout refuses it)."""
    return ["-o", str(where / name)] if name in {case for case, _ in SHIMS.values()} else []


def _output(name: str, stdout: bytes, where: Path) -> bytes:
    """The wrapper a case wrote (_written)."""
    return (where / name).read_bytes() if _written(name, where) else stdout


@pytest.mark.parametrize("name", CASES)
def test_the_header_command_regenerates_the_same_bytes(name: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = (GOLDEN / f"{name}.sh").read_text().splitlines()
    begin = next(i for i, line in enumerate(lines) if line.startswith("#   wrapgen "))
    command = []
    for line in lines[begin:]:
        if not line.startswith("#   "):
            break
        command.append(line[4:])
    argv = (
        subprocess.run(["bash", "-c", "printf '%s\\0' " + "\n".join(command)], capture_output=True, check=True)
        .stdout.decode()
        .split("\0")[:-1]
    )
    assert argv[0] == "wrapgen"
    result = wrapgen_cli(*argv[1:], *_written(name, tmp_path))
    assert result.returncode == 0, result.stderr
    assert _output(name, result.stdout.encode(), tmp_path) == (GOLDEN / f"{name}.sh").read_bytes()
    assert argv[1] == CASES[name][0]
