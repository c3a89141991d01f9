"""The built wheel carries its templates; the README's commands and .ci/run agree."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import GOLDEN, ROOT

pytestmark = pytest.mark.tools


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True, timeout=600,
    )  # fmt: skip
    (built,) = dist.glob("wrapgen-*.whl")
    return built


def _install(wheel: Path, env: Path, python: str = sys.executable) -> Path:
    """A fresh venv of `python` with the wheel (and its dependencies, from the index) installed: its bin/."""
    subprocess.run([python, "-m", "venv", str(env)], check=True, timeout=600)
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=600)
    return env / "bin"


def test_the_wheel_renders_from_its_own_templates(tmp_path: Path, wheel: Path) -> None:
    """Nothing else notices a broken force-include: build, install in a fresh venv, render."""
    assert "wrapgen/templates/wrapper.sh.j2" in zipfile.ZipFile(wheel).namelist()
    bin_dir = _install(wheel, tmp_path / "venv")
    result = subprocess.run(
        [bin_dir / "wrapgen", "python", "--flag", "-X importtime"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "python.sh").read_text()
    lint = subprocess.run([bin_dir / "wrapgen", "lint", str(GOLDEN / "python.sh")], capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_oldest_python_builds_and_checks_a_manifest(tmp_path: Path, wheel: Path) -> None:
    """Python 3.10, the oldest wrapgen supports (no tomllib): the wheel with its dependencies reads wrapgen.toml."""
    pyenv = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3.10")))
    candidates = [shutil.which("python3.10"), *pyenv]
    python = next((c for c in candidates if c and subprocess.run([c, "-c", "import venv"], capture_output=True,
                                                                 check=False).returncode == 0), None)  # fmt: skip
    if python is None:
        pytest.skip("no Python 3.10 on this machine (PATH, pyenv): the tomli path of wrapgen.toml is not run")
    bin_dir = _install(wheel, tmp_path / "venv", python)
    (tmp_path / "wrapgen.toml").write_text('[wrapper.py]\nfamily = "python"\nflag = ["-X importtime"]\noutput = "w"\n')
    for command in ("build", "check"):
        result = subprocess.run([bin_dir / "wrapgen", command], capture_output=True, text=True, cwd=tmp_path,
                                check=False)  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "w").read_text() == (GOLDEN / "python.sh").read_text()
    version = subprocess.run([bin_dir / "python", "-c", "import sys, tomli; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True)  # fmt: skip
    assert version.stdout == "(3, 10)\n"


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    setup = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", setup, re.S)


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = _readme_commands()
    assert len(commands) == 2, commands
    install, tests = commands
    assert 'wrapgen python --flag "-X importtime"' in install
    assert tests == "scripts/test"
    assert "\nscripts/test\n" in (ROOT / ".ci" / "run").read_text()
    assert "pytest" in (ROOT / "scripts" / "test").read_text()
