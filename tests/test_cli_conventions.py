"""What users of a command-line tool expect (issue 9): JSON output, help with examples, completion, a
pre-commit hook that the real pre-commit runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GOLDEN, ROOT, wrapgen_cli

from wrapgen.runtimes import FAMILIES


def test_presets_as_json_say_what_the_text_says() -> None:
    result = wrapgen_cli("presets", "java", "--format", "json")
    assert result.returncode == 0
    presets = {p["name"]: p for p in json.loads(result.stdout)}
    assert presets["tiered-c1"]["inserts"] == ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"]
    assert presets["tiered-c1"]["removes"] == ["-XX:-TieredCompilation"]
    assert presets["runtime-api-proxy"]["sets"] == {"AWS_LAMBDA_RUNTIME_API": "HOST:PORT"}
    assert {p["family"] for p in presets.values()} == {"java"}


def test_inspect_as_json(tmp_path: Path) -> None:
    layer = tmp_path / "l.zip"
    assert wrapgen_cli("node", "--preset", "source-maps", "--layer", str(layer)).returncode == 0
    data = json.loads(wrapgen_cli("inspect", str(layer), "--format", "json").stdout)
    entry, metadata, shim = data["files"]  # the wrapper, then its chain's (in every layer)
    assert entry["path"] == "/opt/wrapgen/wrapgen-node" and entry["mode"] == "0755" and data["defects"] == []
    assert entry["wrapper"]["inserts"] == ["--enable-source-maps"]
    assert entry["wrapper"]["first"] == entry["wrapper"]["then"] == [] and entry["chain_shim_of"] is None
    assert (shim["path"], shim["mode"], shim["wrapper"]) == ("/opt/wrapgen/wrapgen-node.chain/node", "0755", None)
    assert shim["chain_shim_of"] == metadata["chain_metadata_of"] == "/opt/wrapgen/wrapgen-node"
    assert metadata["path"] == "/opt/wrapgen/wrapgen-node.chain/chain.json" and metadata["chain_shim_of"] is None


def test_lint_as_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.write_text("#!/bin/bash\nexec $@\n")
    (tmp_path / "py").write_text("#!/usr/bin/env python3\n")
    result = wrapgen_cli("lint", "--format", "json", str(bad), str(GOLDEN / "python.sh"), str(tmp_path / "py"))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert {(f["path"], f["code"]) for f in data["findings"]} >= {(str(bad), "SC2068")}
    assert data["skipped"] == [{"path": str(tmp_path / "py"), "what": "a python3 script, not a shell script"}]


COMMANDS = ["presets", "iac", "inspect", "lint", "publish", "attach", "detach", "status", "iam-policy", "build",
            "check", "regenerate", "init"]  # fmt: skip


@pytest.mark.parametrize("command", [*FAMILIES, *COMMANDS])
def test_help_has_an_example_and_no_bare_type_names(command: str) -> None:
    result = wrapgen_cli(command, "--help")
    assert result.returncode == 0
    assert "Example: wrapgen " in result.stdout and "<str>" not in result.stdout


def test_iac_help_lists_the_formats() -> None:
    text = " ".join(wrapgen_cli("iac", "--help").stdout.split())
    assert "sam, cloudformation, terraform, serverless, cdk-python, cdk-typescript" in text


def test_shell_completion_is_offered() -> None:
    assert "--install-completion" in wrapgen_cli("--help").stdout
    env = {**os.environ, "_WRAPGEN_COMPLETE": "complete_bash", "COMP_WORDS": "wrapgen py", "COMP_CWORD": "1"}
    result = subprocess.run([str(Path(sys.executable).parent / "wrapgen")], env=env, capture_output=True, text=True,
                            check=False)  # fmt: skip
    assert "python" in result.stdout.split()


PreCommit = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> PreCommit:
    """`pre-commit try-repo` of this repository in a git repository: pre-commit installs wrapgen from here (once,
    for the tests of this module, where this checkout has no uncommitted change) and runs the hook."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit")), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip

    def run(repo: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
        if not (repo / ".git").exists():
            subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        subprocess.run(["git", "add", "."], cwd=repo, check=True)
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--verbose", *args]
        return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)

    return run


def test_the_pre_commit_hook_runs_with_the_real_pre_commit(tmp_path: Path, pre_commit: PreCommit) -> None:
    repo = tmp_path
    (repo / "wrapper").write_text('#!/bin/bash\nargs=("$@")\nexec ${args[@]}\n')
    (repo / "clean").write_text((GOLDEN / "python.sh").read_text())
    (repo / "tool.py").write_text("#!/usr/bin/env python3\nprint(1)\n")
    for path in ("wrapper", "clean", "tool.py"):
        (repo / path).chmod(0o755)
    bad = pre_commit(repo, "wrapgen-lint", "--files", "wrapper", "clean", "tool.py")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "wrapper:3: shellcheck SC2068" in bad.stdout and "clean:" not in bad.stdout
    good = pre_commit(repo, "wrapgen-lint", "--files", "clean")
    assert good.returncode == 0, good.stdout + good.stderr


def test_the_check_hook_gates_a_manifest_with_the_real_pre_commit(tmp_path: Path, pre_commit: PreCommit) -> None:
    repo = tmp_path
    (repo / "wrapgen.toml").write_text('[wrapper.api]\nfamily = "node"\nflag = ["--require /opt/p.js"]\n'
                                       'output = "build/wrapgen-node"\n')  # fmt: skip
    assert wrapgen_cli("build", cwd=repo).returncode == 0
    good = pre_commit(repo, "wrapgen-check", "--all-files")
    assert good.returncode == 0 and "1 file(s) up to date" in good.stdout, good.stdout + good.stderr
    script = repo / "build/wrapgen-node"
    script.write_text(script.read_text().replace("flags=(--require /opt/p.js)", "flags=(--require /opt/q.js)"))
    bad = pre_commit(repo, "wrapgen-check", "--all-files")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "build/wrapgen-node: hand-edited: not what its own header's command builds" in bad.stdout
