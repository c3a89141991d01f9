"""Tab completion of values (issue 23), through the bash function that `wrapgen --show-completion bash` prints:
the shell's COMP_WORDS and COMP_CWORD, wrapgen run as the completion protocol runs it, COMPREPLY read back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wrapgen.runtimes import FAMILIES

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def script() -> str:
    """The completion script a user installs (--install-completion writes this one)."""
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    shown = subprocess.run([BIN / "wrapgen", "--show-completion", "bash"], env=env, capture_output=True, text=True,
                           check=True)  # fmt: skip
    assert "_WRAPGEN_COMPLETE=complete_bash" in shown.stdout
    return shown.stdout


def complete(script: str, line: str, cwd: Path | None = None) -> list[str]:
    """What bash offers for the last word of `line` (empty where it ends with a space)."""
    words = line.split(" ")
    run = 'eval "$SCRIPT"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _wrapgen_completion wrapgen; '
    run += 'printf "%s\\n" "${COMPREPLY[@]}"'
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "SCRIPT": script}
    result = subprocess.run(["bash", "-c", run, "bash", *words], env=env, cwd=cwd, capture_output=True, text=True,
                            timeout=60, check=False)  # fmt: skip
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return [word for word in result.stdout.split("\n") if word]


def test_commands_are_completed(script: str) -> None:
    assert complete(script, "wrapgen py") == ["python"]


def test_presets_are_the_familys_own(script: str) -> None:
    offered = complete(script, "wrapgen java --preset ")
    assert "tiered-c1" in offered and "javaagent=" in offered  # one with a value ends in = for it
    assert "importtime" not in offered  # python's
    assert complete(script, "wrapgen python --flag -X --preset imp") == ["importtime"]


def test_runtime_ids_are_the_familys_own(script: str) -> None:
    assert complete(script, "wrapgen node --runtime ") == list(FAMILIES["node"].runtimes)
    assert complete(script, "wrapgen python --runtime node") == []  # the control: another family's
    assert complete(script, "wrapgen explain w --runtime java2") == [r for r in FAMILIES["java"].runtimes
                                                                      if r.startswith("java2")]  # fmt: skip
    assert "ruby3.4" in complete(script, "wrapgen publish l.zip --runtime ")


def test_iac_formats_and_families(script: str) -> None:
    formats = ["sam", "cloudformation", "terraform", "serverless", "cdk-python", "cdk-typescript"]
    assert complete(script, "wrapgen python --layer l.zip --iac ") == formats
    assert complete(script, "wrapgen iac cdk") == ["cdk-python", "cdk-typescript"]
    assert complete(script, "wrapgen presets ") == list(FAMILIES)
    assert complete(script, "wrapgen init python n") == ["node"]
    assert complete(script, "wrapgen iam-policy de") == ["detach"]


def test_manifest_entries_come_from_the_manifest_here(script: str, tmp_path: Path) -> None:
    (tmp_path / "wrapgen.toml").write_text('[wrapper.orders]\nfamily = "python"\noutput = "w"\n'
                                           '[wrapper.billing]\nfamily = "node"\noutput = "n"\n')  # fmt: skip
    assert complete(script, "wrapgen build ", tmp_path) == ["orders", "billing"]
    assert complete(script, "wrapgen build orders b", tmp_path) == ["billing"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "infra.toml").write_text('[wrapper.payments]\nfamily = "java"\noutput = "j"\n')
    assert complete(script, "wrapgen build --manifest other/infra.toml ", tmp_path) == ["payments"]
    assert complete(script, "wrapgen build ", other) == []  # no manifest there: nothing, and no error


def test_a_broken_manifest_offers_nothing_and_says_nothing(script: str, tmp_path: Path) -> None:
    (tmp_path / "wrapgen.toml").write_text("[wrapper.orders\n")
    assert complete(script, "wrapgen build ", tmp_path) == []  # complete() holds stderr to empty
