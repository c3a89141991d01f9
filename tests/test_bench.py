"""The benchmark script still runs and prints its figures (what it measures is read by people, not asserted)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_benchmark_prints_both_sections() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--iterations", "3", "--cli-iterations", "2"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "wrapgen python wrapper / AWS documentation sample = " in result.stdout
    assert "processes started by wrapgen python wrapper: 0 forks, 2 execs" in result.stdout
    assert "wrapgen python ... -o FILE / python -c 'import typer, jinja2' = " in result.stdout
