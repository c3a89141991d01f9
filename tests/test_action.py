"""The GitHub Action (action.yml at the root): its steps, parsed from action.yml, run in a shell as a runner runs a
composite action's (GITHUB_ACTION_PATH, RUNNER_TEMP, inputs through ${{ inputs.X }}), against a sample repository
with and without drift."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, WRAPGEN

pytestmark = pytest.mark.tools

MANIFEST = '[wrapper.orders]\nfamily = "python"\nflag = ["-X importtime"]\noutput = "build/wrapgen-python"\n'


def _steps() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return action["inputs"], action["runs"]["steps"]


def run_action(repo: Path, temp: Path, inputs: dict[str, str], install: bool = True
               ) -> list[subprocess.CompletedProcess[str]]:  # fmt: skip
    """Each step as a runner runs it (bash --noprofile --norc -eo pipefail), until one fails; `install`: also the
    first step, which installs wrapgen into RUNNER_TEMP (once is enough for a test's runs)."""
    declared, steps = _steps()
    values = {name: str(spec.get("default", "")) for name, spec in declared.items()} | inputs
    assert set(inputs) <= set(declared), inputs

    def expand(text: str) -> str:
        return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m[1]], text)

    done: list[subprocess.CompletedProcess[str]] = []
    for i, step in enumerate(steps):
        if i == 0 and not install:
            continue
        condition = step.get("if")
        if condition is not None:
            found = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", condition)
            assert found is not None, f"a condition this runner cannot read: {condition}"
            if values[found[1]] != found[2]:
                continue
        env = {"PATH": os.environ["PATH"], "HOME": str(temp), "GITHUB_ACTION_PATH": str(ROOT), "RUNNER_TEMP": str(temp),
               **{name: expand(str(value)) for name, value in (step.get("env") or {}).items()}}  # fmt: skip
        for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE"):
            if name in os.environ:
                env[name] = os.environ[name]
        cwd = repo / expand(step.get("working-directory", "."))
        ran = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd, env=env,
                             capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
        done.append(ran)
        if ran.returncode != 0:
            break
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RUNNER_TEMP after the action's first step: wrapgen installed from this checkout into a venv of its own."""
    temp = tmp_path_factory.mktemp("runner-temp")
    repo = tmp_path_factory.mktemp("empty-repo")
    (install,) = run_action(repo, temp, {"build": "false"}, install=True)[:1]
    assert install.returncode == 0, install.stderr[-3000:]
    assert (temp / "wrapgen-action" / "bin" / "wrapgen").is_file()
    return temp


def sample(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "wrapgen.toml").write_text(MANIFEST)
    built = subprocess.run([*WRAPGEN, "build"], cwd=repo, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    return repo


def test_the_action_passes_a_repository_without_drift_and_fails_one_with_the_diff(tmp_path: Path,
                                                                                  installed: Path) -> None:  # fmt: skip
    repo = sample(tmp_path)
    clean = run_action(repo, installed, {}, install=False)
    assert [ran.returncode for ran in clean] == [0], [ran.stdout + ran.stderr for ran in clean]
    script = repo / "build" / "wrapgen-python"
    script.write_text(script.read_text() + "echo edited by hand\n")
    drift = run_action(repo, installed, {}, install=False)
    assert drift[-1].returncode == 1, drift[-1].stdout
    assert "build/wrapgen-python" in drift[-1].stdout and "-echo edited by hand" in drift[-1].stdout  # the diff


def test_its_inputs_files_manifest_directory_and_build(tmp_path: Path, installed: Path) -> None:
    repo = sample(tmp_path)
    moved = tmp_path / "sub"
    repo.rename(moved)
    (moved / "ci.toml").write_text((moved / "wrapgen.toml").read_text())
    (moved / "wrapgen.toml").unlink()
    asked = {"working-directory": "sub", "manifest": "ci.toml"}
    assert [ran.returncode for ran in run_action(tmp_path, installed, asked, install=False)] == [0]
    only = run_action(tmp_path, installed, {"working-directory": "sub", "files": "build/wrapgen-python"}, install=False)
    assert only[-1].returncode == 0, only[-1].stderr  # a file checked against its own header: no manifest needed
    (moved / "build" / "wrapgen-python").unlink()
    missing = run_action(tmp_path, installed, asked, install=False)
    assert missing[-1].returncode == 1 and len(missing) == 1  # check first: build is not reached
    (moved / "extra.toml").write_text(MANIFEST.replace("orders", "more").replace("build/wrapgen-python", "b/w"))
    built = run_action(tmp_path, installed, {"working-directory": "sub", "manifest": "extra.toml", "build": "true",
                                             "files": "build/../ci.toml"}, install=False)  # fmt: skip
    assert built[-1].returncode != 0  # ci.toml is no generated file: check refuses it, build is not reached
    (moved / "b").mkdir()
    made = run_action(tmp_path, installed, {"working-directory": "sub", "manifest": "extra.toml", "build": "true",
                                            "files": ""}, install=False)  # fmt: skip
    assert made[0].returncode == 1  # b/w missing: check fails before build
    subprocess.run([*WRAPGEN, "build", "--manifest", "extra.toml"], cwd=moved, check=True, capture_output=True)
    made = run_action(tmp_path, installed, {"working-directory": "sub", "manifest": "extra.toml", "build": "true"},
                      install=False)  # fmt: skip
    assert [ran.returncode for ran in made] == [0, 0]  # check, then build


def test_an_input_is_never_run_as_code(tmp_path: Path, installed: Path) -> None:
    """Inputs reach the shell through the environment: a manifest named `$(touch pwned)` is a file that does not
    exist, not a command."""
    repo = sample(tmp_path)
    hostile = run_action(repo, installed, {"manifest": "$(touch pwned); x", "files": "`touch pwned2`"}, install=False)
    assert hostile[-1].returncode != 0 and not (repo / "pwned").exists() and not (repo / "pwned2").exists()
    subprocess.run(["bash", "-c", 'true --manifest "$(touch pwned)"'], cwd=repo, check=False)
    assert (repo / "pwned").exists()  # the control: the same text spliced into a script runs
