"""The built wheel carries its templates; the README's commands and .ci/run agree."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from conftest import GOLDEN, ROOT


def test_the_wheel_renders_from_its_own_templates(tmp_path: Path) -> None:
    """Nothing else notices a broken force-include: build, install in a fresh venv, render."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True, timeout=600,
    )  # fmt: skip
    (wheel,) = dist.glob("wrapgen-*.whl")
    assert "wrapgen/templates/wrapper.sh.j2" in zipfile.ZipFile(wheel).namelist()
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=600)
    result = subprocess.run(
        [env / "bin" / "wrapgen", "python", "--flag", "-X importtime"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "python.sh").read_text()
    lint = subprocess.run([env / "bin" / "wrapgen", "lint", str(GOLDEN / "python.sh")], capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert lint.returncode == 0, lint.stdout + lint.stderr


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
