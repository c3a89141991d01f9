"""Presets, --drop-flag, list variables and --env-default, in the wrapper: generated, linted and run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOLDEN, INTERPRETER, Sandbox, encode, fixtures, preset_item, wrapgen_cli

from wrapgen.lint import lint
from wrapgen.presets import PRESETS, describe
from wrapgen.render import render_wrapper
from wrapgen.runtimes import FAMILIES
from wrapgen.spec import wrapper_spec


def test_the_presets_listing_is_golden(update_golden: bool) -> None:
    text = describe(list(FAMILIES))
    path = GOLDEN / "presets.txt"
    if update_golden:
        path.write_text(text)
    assert path.read_text() == text
    assert wrapgen_cli("presets").stdout == text
    assert wrapgen_cli("presets", "ruby").stdout == describe(["ruby"])


def test_every_family_has_the_presets_the_issue_names() -> None:
    names = {(p.family, p.name) for p in PRESETS}
    wanted = {
        "python": "importtime dev utf8 tracemalloc faulthandler unbuffered no-bytecode frozen-modules-off warnings",
        "node": "source-maps heap require import stack-trace-limit trace-warnings",
        "java": "tiered-c1 javaagent serial-gc parallel-gc cds-auto heap-dump-on-oom",
        "dotnet": "startup-hook tiered-pgo-off ready-to-run invariant-globalization",
        "ruby": "yjit warnings-off",
    }
    every_family = {(f, "runtime-api-proxy") for f in wanted}  # issue 8: the Runtime API proxy pattern
    assert {(f, n) for f, names_ in wanted.items() for n in names_.split()} | every_family == names


def test_every_preset_makes_a_lint_clean_wrapper_that_inserts_its_flags(sandbox: Sandbox) -> None:
    scripts = []
    for preset in PRESETS:
        spec = wrapper_spec(preset.family, presets=[preset_item(preset)], runtimes=preset.runtimes)
        script = sandbox.script(f"{preset.family}-{preset.name}", render_wrapper(spec).text)
        scripts.append(script)
        interpreter = sandbox.stub("/var/lang/bin/" + INTERPRETER[preset.family])
        program = ["exec", "/var/task/app.dll"] if preset.family == "dotnet" else ["/var/runtime/entry"]
        run = sandbox.run(script, [interpreter, *program])
        at = 2 if preset.family == "dotnet" else 1
        argv = [interpreter, *program]
        assert run.argv == encode(argv[:at] + list(spec.inserted) + argv[at:]), preset.name
    assert [str(f) for f in lint(scripts).findings] == []


def _java_vector(runtime: str) -> list[str]:
    return next(e["argv"] for e in fixtures() if e["runtime"] == runtime)


def test_tiered_c1_replaces_the_runtimes_tiered_flag_on_java11(sandbox: Sandbox) -> None:
    wrapper = sandbox.script("wrapper", render_wrapper(wrapper_spec("java", presets=["tiered-c1"])).text)
    argv = _java_vector("java11")
    argv = [sandbox.stub(argv[0]), *argv[1:]]
    run = sandbox.run(wrapper, argv)
    expected = [a for a in argv if a != "-XX:-TieredCompilation"]
    at = expected.index("lambdainternal.AWSLambda")
    assert run.argv == encode(expected[:at] + ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"] + expected[at:])


def test_parallel_gc_replaces_the_serial_collector(sandbox: Sandbox) -> None:
    wrapper = sandbox.script("wrapper", render_wrapper(wrapper_spec("java", presets=["parallel-gc"])).text)
    argv = _java_vector("java17")
    argv = [sandbox.stub(argv[0]), *argv[1:]]
    got = sandbox.run(wrapper, argv).argv
    assert b"-XX:+UseSerialGC" not in got and b"-XX:+UseParallelGC" in got
    assert got[-1] == argv[-1].encode() and got[-2] == argv[-2].encode()


@pytest.mark.parametrize(
    ("drop", "argv", "kept"),
    [
        ("-cp", ["-Xss1m", "-cp", "/a", "-Dx", "Main"], ["-Xss1m", "-Dx", "Main"]),
        ("--class-path", ["--class-path=/a", "-Dx", "Main", "--class-path"], ["-Dx", "Main", "--class-path"]),
        ("-Dx", ["-Dx", "-Dxy", "Main", "-Dx"], ["-Dxy", "Main", "-Dx"]),
    ],
)
def test_drop_flag_removes_only_before_the_program(
    sandbox: Sandbox, drop: str, argv: list[str], kept: list[str]
) -> None:
    wrapper = sandbox.script("wrapper", render_wrapper(wrapper_spec("java", ["-Dnew"], drops=[drop])).text)
    java = sandbox.stub("/var/lang/bin/java")
    got = sandbox.run(wrapper, [java, *argv]).argv
    at = kept.index("Main")
    assert got == encode([java, *kept[:at], "-Dnew", *kept[at:]])


NODE = ["--require /opt/a.js", "--stack-trace-limit=9"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, "--require /opt/a.js --stack-trace-limit=9"),
        ("", "--require /opt/a.js --stack-trace-limit=9"),
        ("--max-old-space-size=100", "--max-old-space-size=100 --require /opt/a.js --stack-trace-limit=9"),
        ("--stack-trace-limit=9", "--stack-trace-limit=9 --require /opt/a.js"),
        ("--require /opt/b.js", "--require /opt/b.js --require /opt/a.js --stack-trace-limit=9"),
    ],
    ids=["unset", "empty", "user value", "token present", "same option, other value"],
)
def test_node_options_is_appended_to_never_replaced(sandbox: Sandbox, before: str | None, after: str) -> None:
    spec = wrapper_spec("python", env=[f"NODE_OPTIONS={' '.join(NODE)}"])
    wrapper = sandbox.script("wrapper", render_wrapper(spec).text)
    argv = [sandbox.stub("/var/lang/bin/python3.12"), "/var/runtime/bootstrap.py"]
    run = sandbox.run(wrapper, argv, env={} if before is None else {"NODE_OPTIONS": before}, show=["NODE_OPTIONS"])
    assert run.env == {"NODE_OPTIONS": after.encode()}


def test_applied_twice_changes_nothing_more(sandbox: Sandbox) -> None:
    spec = dict(env=["JAVA_TOOL_OPTIONS=-Dx=1 -Dy=2"], presets=["startup-hook=/opt/h/Hook.dll"])
    second = sandbox.script("second", render_wrapper(wrapper_spec("dotnet", **spec, name="second")).text)
    first = sandbox.script("first", render_wrapper(wrapper_spec("dotnet", **spec, then=(second,))).text)
    argv = [sandbox.stub("/var/lang/bin/dotnet"), "exec", "/var/task/app.dll"]
    run = sandbox.run(first, argv, env={"DOTNET_STARTUP_HOOKS": "Mine"},
                      show=["JAVA_TOOL_OPTIONS", "DOTNET_STARTUP_HOOKS"])  # fmt: skip
    assert run.env == {"JAVA_TOOL_OPTIONS": b"-Dx=1 -Dy=2", "DOTNET_STARTUP_HOOKS": b"Mine:/opt/h/Hook.dll"}


@pytest.mark.parametrize(("before", "after"), [(None, b"UTC"), ("", b"UTC"), ("Europe/Paris", b"Europe/Paris")])
def test_env_default_sets_only_an_unset_or_empty_variable(sandbox: Sandbox, before: str | None, after: bytes) -> None:
    wrapper = sandbox.script("wrapper", render_wrapper(wrapper_spec("ruby", env_defaults=["APP_TZ=UTC"])).text)
    argv = [sandbox.stub("/var/lang/bin/ruby"), "/var/runtime/index.rb"]
    run = sandbox.run(wrapper, argv, env={} if before is None else {"APP_TZ": before}, show=["APP_TZ"])
    assert run.env == {"APP_TZ": after}


def test_pythonpath_keeps_the_layers(sandbox: Sandbox) -> None:
    spec = wrapper_spec("python", env=["PYTHONPATH=/var/task/vendor"])
    assert spec.warnings and "appends /opt/python" in spec.warnings[0]
    wrapper = sandbox.script("wrapper", render_wrapper(spec).text)
    argv = [sandbox.stub("/var/lang/bin/python3.12"), "/var/runtime/bootstrap.py"]
    run = sandbox.run(wrapper, argv, show=["PYTHONPATH"])
    assert run.env == {"PYTHONPATH": b"/var/task/vendor:/opt/python:/opt/python/lib/python3.12/site-packages"}
    result = wrapgen_cli("python", "--env", "PYTHONPATH=/x")
    assert result.returncode == 0 and result.stderr.startswith("warning: PYTHONPATH hides layers")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["python", "--preset", "importime"], "did you mean 'importtime'?"),
        (["python", "--preset", "warnings"], "needs a value: --preset warnings=ACTION"),
        (["python", "--preset", "dev=1"], "takes no value"),
        (["node", "--preset", "heap=lots"], "'lots' is not a valid MB"),
        (["node", "--preset", "require=relative.js"], "not a valid PATH"),
        (["python", "--preset", "dev", "--preset", "dev"], "not repeatable"),
        (["dotnet", "--preset", "tiered-pgo-off", "--env", "DOTNET_TieredPGO=1"], "given two values"),
        (["dotnet", "--env", "DOTNET_STARTUP_HOOKS=/opt/hook.so"], "must name a .dll"),
        (["dotnet", "--env", "DOTNET_STARTUP_HOOKS=My Hook"], "neither an absolute path nor an assembly name"),
        (["java", "--drop-flag", "-cp /a"], "is not one java option"),
        (["java", "--drop-flag", "Main"], "is not one java option"),
        (
            ["java", "--drop-flag", "-XX:-TieredCompilaton"],
            "not a java option of any Lambda runtime (did you mean '-XX:+TieredCompilation'?)",
        ),
        (["node", "--drop-flag", "--max-old-space"], "not a node option of any Lambda runtime"),
        (["ruby", "--env", "A=1", "--env-default", "A=2"], "both as a variable to set and as a default"),
        (["python", "--env", "NODE_OPTIONS=--cpu-prof"], "NODE_OPTIONS --cpu-prof: node refuses it in NODE_OPTIONS"),
        (
            ["node", "--env-default", "NODE_OPTIONS=--unknown-x"],
            "node refuses it in NODE_OPTIONS (or it is not a node option)",
        ),
    ],
)
def test_bad_presets_and_variables(args: list[str], says: str) -> None:
    result = wrapgen_cli(*args)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and says in result.stderr, result.stderr


PYTHON_EFFECTS = {
    "importtime": "'importtime' in sys._xoptions",
    "dev": "sys.flags.dev_mode",
    "utf8": "sys.flags.utf8_mode == 1",
    "tracemalloc": "__import__('tracemalloc').is_tracing()",
    "faulthandler": "__import__('faulthandler').is_enabled()",
    "unbuffered": "sys.stdout.write_through",
    "no-bytecode": "sys.flags.dont_write_bytecode",
    "frozen-modules-off": "sys._xoptions.get('frozen_modules') == 'off'",
    "warnings=error::DeprecationWarning": "sys.warnoptions == ['error::DeprecationWarning']",
}


@pytest.mark.parametrize("preset", PYTHON_EFFECTS)
def test_python_presets_take_effect_in_the_real_interpreter(preset: str, sandbox: Sandbox, tmp_path: Path) -> None:
    script = tmp_path / "bootstrap.py"
    script.write_text(f"import sys\nprint(bool({PYTHON_EFFECTS[preset]}))\n")
    wrapper = sandbox.script("wrapper", render_wrapper(wrapper_spec("python", presets=[preset])).text)
    clean = {"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"}  # no PYTHON* variable; not the C locale (UTF-8 mode)
    result = subprocess.run([wrapper, sys.executable, str(script)], capture_output=True, text=True, env=clean,
                            check=False)  # fmt: skip
    assert result.stdout == "True\n", result.stderr
    plain = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=clean, check=False)
    assert plain.stdout == "False\n"


@pytest.mark.interpreters
def test_node_require_preset_runs_a_real_preload(sandbox: Sandbox, tmp_path: Path) -> None:
    preload = tmp_path / "preload.cjs"
    preload.write_text("globalThis.PRELOADED = 'yes'\n")
    index = tmp_path / "index.mjs"
    index.write_text("console.log(JSON.stringify([globalThis.PRELOADED, process.execArgv]))\n")
    spec = wrapper_spec("node", presets=[f"require={preload}", "stack-trace-limit=7"])
    wrapper = sandbox.script("wrapper", render_wrapper(spec).text)
    result = subprocess.run([wrapper, "node", "--expose-gc", str(index)], capture_output=True, text=True, check=False)
    assert json.loads(result.stdout) == ["yes", ["--expose-gc", "--require", str(preload), "--stack-trace-limit=7"]]


@pytest.mark.interpreters
def test_java_tiered_c1_ends_with_tiered_on_and_stop_level_1(sandbox: Sandbox, tmp_path: Path) -> None:
    """A java11-style vector (flags, -classpath, main class last) that turns tiered compilation off."""
    source = tmp_path / "Main.java"
    source.write_text('public class Main { public static void main(String[] a) { System.out.println("started"); } }\n')
    subprocess.run(["javac", "-d", str(tmp_path), str(source)], check=True)
    wrapper = sandbox.script("wrapper", render_wrapper(wrapper_spec("java", presets=["tiered-c1"])).text)
    argv = ["java", "-XX:MaxHeapSize=445645k", "-XX:+UseSerialGC", "-XX:-TieredCompilation",
            "-Djava.net.preferIPv4Stack=true", "-XX:+ErrorFileToStderr", "-XX:+PrintFlagsFinal",
            "-classpath", str(tmp_path), "Main"]  # fmt: skip
    plain = subprocess.run(argv, capture_output=True, text=True, check=True)
    result = subprocess.run([wrapper, *argv], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    flags = {line.split()[1]: line.split()[3] for line in result.stdout.splitlines() if line.count("=") == 1}
    assert flags["TieredCompilation"] == "true" and flags["TieredStopAtLevel"] == "1"
    assert result.stdout.splitlines()[-1] == "started"
    before = {line.split()[1]: line.split()[3] for line in plain.stdout.splitlines() if line.count("=") == 1}
    assert before["TieredCompilation"] == "false"


def test_a_presets_plain_variable_never_overwrites_the_functions_own(sandbox: Sandbox) -> None:
    wrapper = sandbox.script("wrapper", render_wrapper(wrapper_spec("dotnet", presets=["tiered-pgo-off"])).text)
    argv = [sandbox.stub("/var/lang/bin/dotnet"), "exec", "/var/task/app.dll"]
    assert sandbox.run(wrapper, argv, show=["DOTNET_TieredPGO"]).env == {"DOTNET_TieredPGO": b"0"}
    kept = sandbox.run(wrapper, argv, env={"DOTNET_TieredPGO": "1"}, show=["DOTNET_TieredPGO"])
    assert kept.env == {"DOTNET_TieredPGO": b"1"}
