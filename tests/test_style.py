"""ruff and mypy keep the code as the conventions say (typer stays in cli.py, types everywhere)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_ruff() -> None:
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run([sys.executable, "-m", "ruff", *args, "wrapgen", "tests"], cwd=ROOT,
                                capture_output=True, text=True, check=False)  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_typer_is_banned_outside_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The ban itself works: a module that imports typer is reported."""
    probe = ROOT / "wrapgen" / "_probe_banned.py"
    probe.write_text("import typer\n\nprint(typer)\n")
    try:
        result = subprocess.run([sys.executable, "-m", "ruff", "check", str(probe)], cwd=ROOT, capture_output=True,
                                text=True, check=False)  # fmt: skip
    finally:
        probe.unlink()
    assert result.returncode == 1 and "TID251" in result.stdout
