"""--via env: the variables that do what a wrapper would, checked by the real interpreters, or a refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOLDEN, preset_item, wrapgen_cli

from wrapgen.envmode import env_assignments, format_assignments
from wrapgen.presets import PRESETS
from wrapgen.spec import wrapper_spec

RUNTIME = {"python": "python3.12", "node": "nodejs20.x", "java": "java17", "dotnet": "dotnet8", "ruby": "ruby3.3"}
CLEAN = {"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"}


def outcome(preset) -> str:  # type: ignore[no-untyped-def]
    try:
        items = env_assignments(
            wrapper_spec(preset.family, presets=[preset_item(preset)], runtimes=[RUNTIME[preset.family]])
        )
    except Exception as error:  # noqa: BLE001 - the refusal is the outcome
        return f"refused: {error}"
    return format_assignments(items, "lines").strip()


def test_every_preset_in_env_mode_is_golden(update_golden: bool) -> None:
    text = "".join(f"{p.family} {preset_item(p)} ({RUNTIME[p.family]}): {outcome(p)}\n" for p in PRESETS)
    path = GOLDEN / "presets-env.txt"
    if update_golden:
        path.write_text(text)
    assert path.read_text() == text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["python", "--preset", "frozen-modules-off"], "no environment variable"),
        (["python", "--flag", "-X showrefcount"], "no environment variable passes this python option"),
        (
            ["java", "--preset", "tiered-c1"],
            "say --runtime, if it is not java8.al2 or java8.al2023 or java11 or java11.al2023",
        ),
        (["java", "--preset", "tiered-c1", "--runtime", "java11"], "beats JAVA_TOOL_OPTIONS"),
        (["java", "--preset", "parallel-gc", "--runtime", "java21"], "two collectors stop the JVM"),
        (["java", "--preset", "cds-auto", "--runtime", "java21"], "-Xshare:on"),
        (["node", "--preset", "heap=256"], "beats NODE_OPTIONS"),
        (["node", "--flag", "--cpu-prof"], "node refuses it in NODE_OPTIONS"),
        (["node", "--flag", "--expose-gc"], "on Node.js 16, Node.js 18"),
        (["node", "--flag", "--some-unknown-flag"], "is not a node option"),
        (["node", "--flag", "--title 'a b'"], "splits on spaces"),
        (["dotnet", "--flag", "--roll-forward Major"], "no environment variable passes this dotnet option"),
        (["java", "--drop-flag", "-Xshare:on"], "cannot remove the runtime's own options"),
        (["ruby", "--then", "/opt/next"], "chains wrappers"),
        (["python", "--env", "PYTHONPATH=/x"], "needs one --runtime"),
        (["python", "--preset", "frozen-modules-off", "--runtime", "python3.10"], "applies to python3.11"),
        (["python", "--runtime", "nodejs20.x"], "is not a python runtime"),
        (["python", "--env", "BIG=" + "x" * 5000], "Lambda allows 4096"),
    ],
)
def test_env_mode_refuses_what_a_variable_cannot_do(args: list[str], says: str) -> None:
    result = wrapgen_cli(*args, "--via", "env")
    assert result.returncode == 1 and result.stdout == "", result.stdout
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr


def test_a_refusal_says_the_wrapper_can() -> None:
    result = wrapgen_cli("python", "--preset", "frozen-modules-off", "--via", "env")
    assert result.stderr.endswith("(a wrapper can: leave out --via env)\n")


def test_env_mode_appends_to_the_functions_own_value_and_prints_json() -> None:
    result = wrapgen_cli("node", "--via", "env", "--format", "json", "--env", "NODE_OPTIONS=--stack-trace-limit=100",
                         "--preset", "require=/opt/a.js", "--preset", "source-maps", "--flag", "--require /opt/a.js",
                         "--env-default", "OTEL_SERVICE_NAME=orders")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "NODE_OPTIONS": "--stack-trace-limit=100 --require /opt/a.js --enable-source-maps",
        "OTEL_SERVICE_NAME": "orders",
    }


def test_wrapper_only_options_are_refused_in_wrapper_mode() -> None:
    result = wrapgen_cli("python", "--format", "json")
    assert result.returncode == 1 and "goes with --via env" in result.stderr


@pytest.mark.parametrize("preset", [p for p in PRESETS if p.family == "python" and not p.env_refused],
                         ids=lambda p: p.name)  # fmt: skip
def test_python_presets_take_effect_through_variables(preset, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from test_presets import PYTHON_EFFECTS

    check = next(code for name, code in PYTHON_EFFECTS.items() if name.split("=")[0] == preset.name)
    script = tmp_path / "check.py"
    script.write_text(f"import sys\nprint(bool({check}))\n")
    name = preset.name if preset.value is None else f"{preset.name}=error::DeprecationWarning"
    variables = dict(env_assignments(wrapper_spec("python", presets=[name], runtimes=["python3.12"])))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env={**CLEAN, **variables},
                            check=False)  # fmt: skip
    if preset.name == "importtime":  # the variable does not show in sys._xoptions; its output does
        assert "import time:" in result.stderr and "| site" in result.stderr
    else:
        assert result.stdout == "True\n", (variables, result.stderr)


@pytest.mark.parametrize("major", ["18", "20", "22", "24"])
def test_node_options_accepts_what_the_table_says_on_each_real_node(major: str) -> None:
    """What wrapgen lets into NODE_OPTIONS is what each real node accepts there, and nothing else."""
    from test_option_tables import node

    from wrapgen.options import allowed_in_env, table

    options = sorted(name for name in table("node")["options"] if name.startswith("--"))
    script = (
        "const o = JSON.parse(process.env.OPTIONS); console.log(JSON.stringify(o.map(x =>"
        " process.allowedNodeEnvironmentFlags.has(x))))"
    )
    result = subprocess.run([node(major), "-e", script], env={**CLEAN, "OPTIONS": json.dumps(options)},
                            capture_output=True, text=True, check=True)  # fmt: skip
    listed = dict(zip(options, json.loads(result.stdout), strict=True))
    table_says = {option: int(major) in allowed_in_env(option) for option in options}
    differ = sorted(option for option in options if table_says[option] != listed[option])
    # process.allowedNodeEnvironmentFlags lists a few that node then refuses in NODE_OPTIONS: the table, made by
    # starting each real node, is right about those, as node itself shows.
    assert len(differ) <= 3, differ
    for option in differ:
        assert not table_says[option]
        ran = subprocess.run([node(major), "-e", "0"], env={**CLEAN, "NODE_OPTIONS": option}, capture_output=True,
                             text=True, timeout=30, check=False)  # fmt: skip
        assert ran.returncode != 0 and option in ran.stderr, (option, ran.stderr)


@pytest.mark.parametrize("major", ["18", "20", "22", "24"])
@pytest.mark.parametrize("preset", [p for p in PRESETS if p.family == "node" and not p.env_refused],
                         ids=lambda p: p.name)  # fmt: skip
def test_real_node_accepts_every_node_options_value_emitted(preset, major: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from test_option_tables import node

    preload = tmp_path / ("preload.mjs" if preset.name == "import" else "preload.cjs")
    preload.write_text("globalThis.PRELOADED = 'yes'\n")
    value = {"PATH": str(preload), "N": "12", "MB": "256"}.get(preset.value or "", "")
    name = preset.name if preset.value is None else f"{preset.name}={value}"
    runtime = f"nodejs{major}.x"
    variables = dict(env_assignments(wrapper_spec("node", presets=[name], runtimes=[runtime])))
    result = subprocess.run([node(major), "-e", "console.log(globalThis.PRELOADED ?? 'no')"], capture_output=True,
                            text=True, env={**CLEAN, **variables}, check=False)  # fmt: skip
    assert result.returncode == 0, (variables, result.stderr)
    if preset.name in {"require", "import"}:
        assert result.stdout == "yes\n"


@pytest.mark.interpreters
def test_java17_picks_up_java_tool_options_from_env_mode(tmp_path: Path) -> None:
    variables = dict(
        env_assignments(wrapper_spec("java", presets=["tiered-c1", "heap-dump-on-oom"], runtimes=["java17"]))
    )
    result = subprocess.run(["java", "-XX:+PrintFlagsFinal", "-version"], capture_output=True, text=True,
                            env={**CLEAN, **variables}, check=False)  # fmt: skip
    assert result.returncode == 0
    assert f"Picked up JAVA_TOOL_OPTIONS: {variables['JAVA_TOOL_OPTIONS']}" in result.stderr
    flags = {line.split()[1]: line.split()[3] for line in result.stdout.splitlines() if line.count("=") == 1}
    assert flags["TieredCompilation"] == "true" and flags["TieredStopAtLevel"] == "1"
    assert flags["HeapDumpOnOutOfMemoryError"] == "true" and flags["HeapDumpPath"] == "/tmp"
