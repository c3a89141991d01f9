"""No input makes wrapgen print a traceback.

Random combinations of every option of a family command, each with values valid and hostile (bytes that are not
UTF-8, control characters, quotes, `$`, `${...}`, backslashes, newlines, about 100 KB, empty), run through the
real command line: in this process (typer's runner: fast, so many examples) and in a child process, whose argv
holds the real bytes. A run exits 0, 1 (one `error:` line) or 2 (a usage error); a run that fails writes nothing;
a wrapper that a run writes passes wrapgen's own lint, at any length of the values it holds.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import WRAPGEN, Sandbox, preset_item
from hypothesis import HealthCheck, Phase, assume, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner  # noqa: TID251 - it runs wrapgen's own app, in this process

from wrapgen.cli import app
from wrapgen.lint import lint
from wrapgen.presets import presets_for
from wrapgen.runtimes import FAMILIES

HUGE = 100_000
"""Characters of a huge value: under Linux's limit for one argument (128 KiB), in bytes too."""

HOSTILE = [
    "", " ", "'", '"', "\\", "$", "${HOME}", "${x:-$(id)}", "$(touch canary)", "`id`", "\n", "\r\n", "\t",
    "a\nb", "\x1b[31m", "\x7f", "--", "-", "=", "==", "#", " #", "*", "?", "[", "<<EOF", "é✓", "\u2028",
    "\u00a0", "\ufeff", "\udcff", "\udc80\udcfe", "x\udcffy", "caf\udcc3", "%s%n", "{{resolve:ssm:x}}", "then",
    "function", "shellcheck", "-X", "/opt/", "/", ".", "..", "a=b=c", "x" * 80,
]  # fmt: skip

_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\0"), max_size=16)
"""Text a command line can hold (no NUL, no surrogate but those of undecodable bytes)."""
_BYTES = st.binary(min_size=1, max_size=12).map(lambda b: b.replace(b"\0", b"").decode("utf-8", "surrogateescape"))
"""Bytes that are mostly not UTF-8, as Python hands them over from argv (surrogate escapes)."""
_HUGE = st.sampled_from(["a" * HUGE, "${x}\n\udcff\\" * (HUGE // 8), "é" * (HUGE // 2)])
"""Huge values that stay huge once quoted (no `'`, which shlex.quote makes five characters)."""


def hostile() -> st.SearchStrategy[str]:
    """A value meant to break something; about one in twenty is huge."""
    small = st.one_of(st.sampled_from(HOSTILE), _TEXT, _BYTES)
    return st.integers(0, 19).flatmap(lambda i: _HUGE if i == 0 else small)


def _path(value: str) -> str:
    """A relative path in the run's directory made from any value: nothing is written outside it."""
    return "p" + value.replace("/", "_")


def _flags(family: str) -> list[str]:
    return {
        "python": ["-X importtime", "-u", "-W error", "-X dev -B"],
        "node": ["--enable-source-maps", "--max-old-space-size=256", "--require /opt/x.js", "--title=t"],
        "java": ["-XX:+UseSerialGC", "-Dk=v", "-javaagent:/opt/a.jar", "-Xshare:off"],
        "dotnet": ["--roll-forward LatestMajor", "--additionalprobingpath /opt/p"],
        "ruby": ["--yjit", "-W0", "--disable-gems"],
    }[family]


def _with_value(family: str) -> list[str]:
    """Options of the family that take any text, written so that a value follows (a value appended)."""
    return {
        "python": ["-W ", "-X "],
        "node": ["--title=", "--require ", "--max-old-space-size="],
        "java": ["-Dkey=", "-javaagent:/opt/", "-Xss"],
        "dotnet": ["--additionalprobingpath ", "--roll-forward "],
        "ruby": ["-I", "--enable-", "-r"],
    }[family]


def _drops(family: str) -> list[str]:
    return {
        "python": ["-X", "-u", "-B"],
        "node": ["--max-old-space-size", "--require"],
        "java": ["-XX:-TieredCompilation", "-Xshare:on", "-D", "--class-path"],
        "dotnet": ["--roll-forward", "--depsfile"],
        "ruby": ["--enable-", "--disable-", "-W"],
    }[family]


_NAMES = ["AB", "MY_VAR", "NODE_OPTIONS", "JAVA_TOOL_OPTIONS", "PYTHONPATH", "RUBYOPT", "DOTNET_STARTUP_HOOKS",
          "A", "HOME", "PATH", "RANDOM", "AWS_LAMBDA_RUNTIME_API", "wrapgen_x", "V" * 300]  # fmt: skip
_IAC = ["sam", "cloudformation", "terraform", "serverless", "cdk-python", "cdk-typescript"]


@st.composite
def option(draw: st.DrawFn, family: str) -> list[str]:
    """One option with its value (or a flag alone): a valid value, a valid form holding a hostile value, or a
    hostile value as it is."""
    bad = draw(hostile())
    quoted = shlex.quote(bad)
    presets = [preset_item(p) for p in presets_for(family)] or ["none"]
    choices: dict[str, list[str]] = {
        "--flag": [*_flags(family), *(f + quoted for f in _with_value(family)), bad],
        "--unchecked-flag": ["-Xfuture", "--new-thing=" + quoted, "-Z " + quoted, bad],
        "--preset": [*presets, presets[0].split("=")[0] + "=" + bad, bad],
        "--drop-flag": [*_drops(family), _drops(family)[-1] + quoted, bad],
        "--env": [f"{draw(st.sampled_from(_NAMES))}={v}" for v in ("1", "/opt/x", bad)] + [bad],
        "--env-default": [f"{draw(st.sampled_from(_NAMES))}={v}" for v in ("1", bad)] + [bad],
        "--then": ["/opt/next", "/opt/" + bad, bad],
        "--name": ["w", "my.wrapper", "n" * 300, bad],
        "--via": ["wrapper", "env", bad],
        "--runtime": [*FAMILIES[family].runtimes, bad],
        "--format": ["lines", "json", bad],
        "--layer": ["l.zip", "out/l.zip", _path(bad)],
        "--include": ["f.txt=x/f.txt", "f.txt=" + bad, _path(bad) + "=x/y", "f.txt", "/dev/zero=x/z"],
        "--include-exec": ["tool.sh=bin/tool", "tool.sh=" + bad],
        "--iac": [*_IAC, bad],
        "--iac-dir": [".", "out", _path(bad)],
        "-o": ["w", "out/w", "-", _path(bad)],
        "--verify-with": ["/bin/true", "/nonexistent/python", bad],
    }
    name = draw(st.sampled_from([*choices, "--dockerfile"]))
    if name == "--dockerfile":
        return [name]
    return [name, draw(st.sampled_from(choices[name]))]


@st.composite
def any_command(draw: st.DrawFn) -> list[str]:
    """A family command line: mostly a known family, any options, any values."""
    family = draw(st.sampled_from(sorted(FAMILIES)))
    options = draw(st.lists(option(family), min_size=0, max_size=8))
    head = draw(st.sampled_from([family] * 9 + [draw(_BYTES)]))
    dry_run = ["--dry-run"] if draw(st.integers(0, 9)) == 0 else []  # sparingly: real writes are the point
    return [head, *(word for group in options for word in group), *dry_run]


_MODES = [[], ["-o", "w"], ["-o", "-"], ["--layer", "out/l.zip"], ["--layer", "l.zip", "--iac", "IAC"],
          ["--layer", "l.zip", "--include", "f.txt=x/f.txt", "--include-exec", "tool.sh=bin/tool", "--iac", "IAC",
           "--iac-dir", "out"],
          ["-o", "w", "--dockerfile", "--include", "f.txt=x/f.txt"], ["--via", "env"], ["--via", "env", "-o", "v"],
          ["--via", "env", "--format", "json"], ["--via", "env", "--iac", "IAC"],
          ["--via", "env", "--layer", "l.zip", "--include", "f.txt=x/f.txt", "--iac", "IAC"]]  # fmt: skip


@st.composite
def valid_command(draw: st.DrawFn) -> list[str]:
    """A command line that gets far: one of the ways to run wrapgen, options in a valid form, each value a
    hostile one only where any text is an option's value (a flag's value, a variable's, a path)."""
    family = draw(st.sampled_from(sorted(FAMILIES)))
    bad = draw(hostile())
    quoted = shlex.quote(bad)
    listed = [FAMILIES[family].options_variable, FAMILIES[family].path_variable, "DOTNET_STARTUP_HOOKS"]
    name = draw(st.sampled_from(["AB", "MY_VAR", "V" * 60, *filter(None, listed)]))
    choices = [
        ["--flag", draw(st.sampled_from([*_flags(family), *(f + quoted for f in _with_value(family))]))],
        ["--env", f"{name}={bad}"],
        ["--env-default", f"DEFAULT_{name}={bad}"],
        ["--preset", draw(st.sampled_from([preset_item(p) for p in presets_for(family)] or ["none"]))],
        ["--then", "/opt/" + bad],
        ["--name", draw(st.sampled_from(["w", "n" * 200, "a.b-c_d"]))],
        ["--drop-flag", draw(st.sampled_from(_drops(family)))],
        ["--unchecked-flag", "--new-thing=" + quoted],
        ["--runtime", draw(st.sampled_from(FAMILIES[family].runtimes))],
    ]
    options = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=4))
    mode = [word.replace("IAC", draw(st.sampled_from(_IAC))) for word in draw(st.sampled_from(_MODES))]
    return [family, *(word for group in options for word in group), *mode]


def command() -> st.SearchStrategy[list[str]]:
    return st.one_of(any_command(), valid_command())


@dataclass
class Outcome:
    code: int
    stderr: str
    written: list[str]


def _listing(root: Path) -> list[str]:
    return sorted(os.fsdecode(p.relative_to(root)) for p in root.rglob("*"))


@contextlib.contextmanager
def _run_dir() -> Iterator[Path]:
    """A fresh directory with the files the commands include: a text file and a script."""
    with tempfile.TemporaryDirectory(prefix="wrapgen-fuzz-") as name:
        root = Path(name)
        (root / "f.txt").write_text("x\n")
        (root / "tool.sh").write_text("#!/bin/sh\ntrue\n")
        yield root


_RUNNER = CliRunner()


def run_here(argv: Sequence[str], root: Path) -> Outcome:
    """The command in this process, in `root` (typer's runner; a traceback shows as its exception)."""
    before = _listing(root)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = _RUNNER.invoke(app, list(argv))
    finally:
        os.chdir(cwd)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for {argv!r}") from result.exception
    new = [path for path in _listing(root) if path not in before]
    return Outcome(result.exit_code, result.stderr, new)


def run_child(argv: Sequence[str], root: Path) -> Outcome:
    """The command in a child process, with the arguments as the bytes they stand for."""
    before = _listing(root)
    result = subprocess.run([*WRAPGEN, *map(os.fsencode, argv)], cwd=root, capture_output=True, timeout=120,
                            check=False)  # fmt: skip
    new = [path for path in _listing(root) if path not in before]
    return Outcome(result.returncode, result.stderr.decode("utf-8", "replace"), new)


def check(argv: Sequence[str], outcome: Outcome) -> None:
    shown = repr([a if len(a) < 200 else a[:50] + f"...({len(a)} chars)" for a in argv])
    assert outcome.code in (0, 1, 2), (shown, outcome.code, outcome.stderr[-2000:])
    assert "Traceback" not in outcome.stderr, (shown, outcome.stderr[-4000:])
    if outcome.code != 0 or argv[-1] == "--dry-run":
        assert outcome.written == [], (shown, outcome.written, outcome.stderr[-2000:])
    if outcome.code == 1:
        assert any(line.startswith("error: ") for line in outcome.stderr.splitlines()), (shown, outcome.stderr)


# In this process, a run takes milliseconds: many examples, and a failure shrinks to a short command line.
_QUICK = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A child process, or lint, takes a second or so: fewer examples, and no shrinking (the example is printed as found).
_SLOW = [Phase.explicit, Phase.reuse, Phase.generate]


@_QUICK
@given(argv=command())
def test_any_command_line_exits_0_1_or_2_without_a_traceback(argv: list[str]) -> None:
    with _run_dir() as root:
        outcome = run_here(argv, root)
    event(f"exit {outcome.code}")
    check(argv, outcome)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=_SLOW)
@given(argv=command())
def test_any_command_line_in_a_real_process(argv: list[str]) -> None:
    """The same in a child process, whose argv holds the real bytes (surrogate escapes are Python's own)."""
    assume(all(len(os.fsencode(arg)) < 128 * 1024 for arg in argv))  # Linux's limit for one argument
    with _run_dir() as root:
        outcome = run_child(argv, root)
    event(f"exit {outcome.code}")
    check(argv, outcome)


KNOWN = [
    ["python", "--env", "AB=\udcff", "--via", "env"],
    ["python", "--env", "AB=\udcff", "--via", "env", "--format", "json"],
    ["python", "--env", "AB=\udcff", "--via", "env", "--iac", "sam"],
    ["python", "--env", "AB=1", "--layer", "\udcff.zip", "--iac", "terraform"],
    ["python", "--env", "AB=1", "--layer", "l.zip", "--include", "f.txt=x/\udcff"],
    ["python", "--env", "AB=1", "--layer", "l.zip", "--include", "f.txt=x/a\nb"],
    ["python", "--drop-flag", "'"],
    ["python", "--drop-flag", "-X\\"],
    ["python", "--flag", "'-X"],
    ["python", "--flag", "-X\\"],
    ["python", "--unchecked-flag", '"'],
    ["python", "--unchecked-flag", "-X\\"],
]


def test_what_once_made_a_traceback_is_one_error_line() -> None:
    for argv in KNOWN:
        with _run_dir() as root:
            outcome = run_child(argv, root)
            check(argv, outcome)
            assert outcome.code == 1 and outcome.stderr.count("\n") == 1, (argv, outcome.stderr)


@pytest.mark.parametrize("argv", [["python"], ["python", "--help"], ["--help"], ["--version"], ["presets"]])
def test_a_full_stdout_is_one_error_line(argv: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run([*WRAPGEN, *argv], stdout=full, stderr=subprocess.PIPE, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "error: cannot write to stdout: No space left on device", result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_a_wrapper_keeps_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    """A wrapper carries any bytes: the child's argv holds the raw byte, the script $'\\xff', the runtime the byte."""
    made = subprocess.run([*WRAPGEN, "python", "--env", b"AB=\xff", "-o", "w"], cwd=tmp_path, capture_output=True,
                          check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr
    script = (tmp_path / "w").read_bytes()
    assert b"export AB=$'\\xff'" in script and script.isascii()
    sandbox = Sandbox(tmp_path)
    run = sandbox.run(sandbox.script("wrapper", script.decode()), [sandbox.stub("/var/lang/bin/python3.12"), "app.py"],
                      show=["AB"])  # fmt: skip
    assert run.returncode == 0 and run.env == {"AB": b"\xff"}


# Lint at any length: values of every option that reaches the script, valid but long (and hostile within what is
# valid). Each example renders several wrappers and lints them in one run of each linter.
_ALPHABETS = ["a", "ab/", "x y", "$'\"`\\", "é✓", "#[<", "\udcff", "\t\n", "-=:,.", "\x85\u2028\xa0", "{{%!~}}"]
_LENGTHS = [0, 1, 30, 60, 70, 75, 76, 77, 78, 79, 80, 81, 120, 300, 1500]


@st.composite
def long_text(draw: st.DrawFn, min_size: int = 0) -> str:
    alphabet = draw(st.sampled_from(_ALPHABETS))
    length = max(min_size, draw(st.sampled_from(_LENGTHS)))
    return (alphabet * (length // len(alphabet) + 1))[:length]


@st.composite
def long_name(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from([2, 40, 41, 60, 80, 300]))
    return ("LONG_NAME_" * 40)[:length]


def _long_drops(family: str, word: str, value: str) -> list[str]:
    """Options a runtime passes that take any suffix, so that one to drop can be long."""
    return {"python": ["-X" + word], "java": ["-D" + shlex.quote(value)], "ruby": ["--enable-" + word]}.get(family, [])


@st.composite
def script_options(draw: st.DrawFn, family: str) -> list[str]:
    """Options that all reach the script, with long values that wrapgen accepts (mostly)."""
    value = draw(long_text())
    plain = draw(long_text(min_size=1).filter(lambda v: v.isprintable() and "\udcff" not in v))
    word = "".join(ch for ch in plain if ch.isalnum()) or "x"
    presets = {
        "python": [f"warnings=error::{word[:2000]}"],
        "node": [f"require=/opt/{word}.js"],
        "java": [f"javaagent=/opt/{word}.jar"],
        "dotnet": [f"startup-hook=/opt/{word}.dll"],
        "ruby": [],
    }[family]
    choices = {
        "--flag": [f + shlex.quote(value) for f in _with_value(family) if f.endswith(("=", " ", ":/opt/"))],
        "--unchecked-flag": ["--new-thing=" + shlex.quote(value)],
        "--preset": presets,
        "--drop-flag": _long_drops(family, word, value),
        "--env": [f"{draw(long_name())}={value}", f"NODE_OPTIONS=--require=/opt/{word}"],
        "--env-default": [f"{draw(long_name())}={value}"],
        "--then": ["/opt/" + value],
        "--name": ["n" + word],
    }
    options = []
    for name, values in choices.items():
        if values and draw(st.booleans()):
            options += [name, draw(st.sampled_from(values))]
    return options


_LINT = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=_SLOW)


@_LINT
@given(data=st.data())
def test_every_wrapper_lints_clean_at_any_length(data: st.DataObject) -> None:
    with _run_dir() as root:
        written = []
        for index, family in enumerate(sorted(FAMILIES)):
            argv = [family, *data.draw(script_options(family), label=family), "-o", f"w{index}"]
            outcome = run_here(argv, root)
            check(argv, outcome)
            if outcome.code == 0:
                written.append(str(root / f"w{index}"))
        findings = [str(finding) for finding in lint(written).findings]
        assert findings == [], findings


_LONG = "x" * 300
LONG_VALUES = {
    "drop-flag": [
        "java",
        "--drop-flag",
        "-D" + _LONG,
        "--drop-flag",
        shlex.quote("-D" + "$'\"`" * 80),
        "--drop-flag",
        "-Dx",
    ],
    "drop-flag-x": ["python", "--drop-flag", "-X" + _LONG],
    "drop-flag-enable": ["ruby", "--drop-flag", "--enable-" + _LONG],
    "flag": ["java", "--flag", "-Dk=" + _LONG + ",a,b"],
    "unchecked-flag": ["ruby", "--unchecked-flag", "--new=" + _LONG],
    "env": ["python", "--env", "AB=" + _LONG],
    "env-name": ["python", "--env", "A" * 300 + "=1", "--env", "B" * 41 + "=" + _LONG],
    "env-default": ["node", "--env-default", "AB=" + _LONG],
    "env-default-name": ["node", "--env-default", "A" * 300 + "=" + _LONG, "--env-default", "C" * 41 + "="],
    "list-variable": ["node", "--env", "NODE_OPTIONS=--require=/opt/" + _LONG],
    "then": ["dotnet", "--then", "/opt/" + _LONG],
    "then-directive": ["python", "--then", "/opt/" + "a" * 57 + "shellcheck"],
    "name": ["ruby", "--name", "n" + _LONG],
    "preset": ["java", "--preset", f"javaagent=/opt/{_LONG}.jar=a=b,c=d"],
    "preset-hook": ["dotnet", "--preset", f"startup-hook=/opt/{_LONG}.dll"],
}


def test_a_long_value_of_each_option_that_reaches_the_script_lints_clean(tmp_path: Path) -> None:
    """Once, a long --drop-flag made a line bashate refuses (E006), a long variable name too; a comma in a flag made
    shellcheck read the array as mistyped (SC2054); a header piece `shellcheck...` read as a directive (SC1073)."""
    for name, argv in LONG_VALUES.items():
        outcome = run_here([*argv, "-o", name], tmp_path)
        assert outcome.code == 0, (name, outcome.stderr)
    assert "\n#   'shellcheck'\n" in (tmp_path / "then-directive").read_text()  # the piece that once was a directive
    findings = [str(finding) for finding in lint([str(tmp_path / name) for name in LONG_VALUES]).findings]
    assert findings == [], findings
