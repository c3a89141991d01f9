"""ruff and mypy keep the code as the conventions say (typer stays in wrapgen/cli/, types everywhere)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.style


def test_ruff() -> None:
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run([sys.executable, "-m", "ruff", *args, "wrapgen", "tests"], cwd=ROOT,
                                capture_output=True, text=True, check=False)  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_typer_is_banned_outside_cli() -> None:
    """The ban itself works: a module of the package that imports typer is reported (read from stdin, so that
    no file is written into the package)."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--stdin-filename", "wrapgen/_probe.py", "-"],
                            input="import typer\n\nprint(typer)\n", cwd=ROOT, capture_output=True, text=True,
                            check=False)  # fmt: skip
    assert result.returncode == 1 and "TID251" in result.stdout
    command = [sys.executable, "-m", "ruff", "check", "--stdin-filename", "wrapgen/cli/__init__.py", "-"]
    allowed = subprocess.run(command, input="import typer\n\nprint(typer)\n", cwd=ROOT, capture_output=True,
                             text=True, check=False)  # fmt: skip
    assert allowed.returncode == 0, allowed.stdout
