"""Wrappers in front of the real python3, node and java on this machine, where the effect can be seen."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Sandbox, aws_sample, fixtures, render

pytestmark = pytest.mark.interpreters


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is installed by .ci/run"
    return found


def _run(wrapper: str, argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([wrapper, *argv], capture_output=True, text=True, cwd=cwd, timeout=120, check=False)


def test_python_with_importtime(sandbox: Sandbox, tmp_path: Path) -> None:
    script = tmp_path / "bootstrap.py"
    script.write_text("import sys, json\nprint(json.dumps({'x': sys._xoptions, 'argv': sys.argv}))\n")
    wrapper = sandbox.script("wrapper", render("python", ["-X importtime"]))
    result = _run(wrapper, [sys.executable, str(script), "arg with space"], tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown == {"x": {"importtime": True}, "argv": [str(script), "arg with space"]}
    assert "import time:" in result.stderr and "| json" in result.stderr


def test_python_with_dash_m_as_in_a_container_image(sandbox: Sandbox, tmp_path: Path) -> None:
    (tmp_path / "showflags.py").write_text("import sys\nprint(sys.flags.dont_write_bytecode, sys._xoptions)\n")
    wrapper = sandbox.script("wrapper", render("python", ["-B -X dev"]))
    result = _run(wrapper, [sys.executable, "-m", "showflags"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 {'dev': True}"


def test_node_sees_the_flag_after_the_runtime_flags(sandbox: Sandbox, tmp_path: Path) -> None:
    node = _tool("node")
    entry = next(e for e in fixtures() if e["runtime"] == "nodejs18.x")
    index = tmp_path / "index.mjs"
    index.write_text("console.log(JSON.stringify(process.execArgv))\n")
    argv = [node, *entry["argv"][1:-1], str(index)]
    wrapper = sandbox.script("wrapper", render("node", ["--stack-trace-limit=42"]))
    result = _run(wrapper, argv, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [*entry["argv"][1:-1], "--stack-trace-limit=42"]


def test_node_runs_a_real_preload_given_with_require(sandbox: Sandbox, tmp_path: Path) -> None:
    preload = tmp_path / "pre load.cjs"
    preload.write_text("globalThis.WRAPGEN_PRELOADED = 'yes'\n")
    index = tmp_path / "index.mjs"
    index.write_text("console.log(globalThis.WRAPGEN_PRELOADED)\n")
    wrapper = sandbox.script("wrapper", render("node", [f"--require '{preload}'"]))
    result = _run(wrapper, [_tool("node"), "--expose-gc", "--max-http-header-size", "81920", str(index)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "yes"


@pytest.fixture(scope="module")
def java_main(tmp_path_factory: pytest.TempPathFactory) -> Path:
    classes = tmp_path_factory.mktemp("classes")
    source = classes / "Main.java"
    source.write_text(
        "public class Main { public static void main(String[] a) {"
        ' System.out.println(System.getProperty("wrapgen.flag") + "|" + String.join(",", a)); } }\n'
    )
    subprocess.run([_tool("javac"), "-d", str(classes), str(source)], check=True, timeout=300)
    return classes


def test_java17_style_vector_keeps_its_handler(sandbox: Sandbox, java_main: Path, tmp_path: Path) -> None:
    java = _tool("java")
    handler = "com.example.App::handleRequest"
    argv = [java, "-XX:+UseSerialGC", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", str(java_main), "Main",
            handler]  # fmt: skip
    wrapper = sandbox.script("wrapper", render("java", ["-Dwrapgen.flag=on"]))
    result = _run(wrapper, argv, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"on|{handler}"


def test_java17_with_the_aws_sample_loses_its_handler(sandbox: Sandbox, java_main: Path, tmp_path: Path) -> None:
    """What wrapgen exists to prevent: the sample puts the flag where the handler was."""
    sample = sandbox.script(
        "sample",
        aws_sample("-Dwrapgen.flag=on"),
    )
    result = _run(sample, [_tool("java"), "-cp", str(java_main), "Main", "com.example.App::handleRequest"], tmp_path)
    # the JVM never sees the option, and the runtime client would take it as the handler (its first argument)
    assert result.stdout.strip() == "null|-Dwrapgen.flag=on,com.example.App::handleRequest"
