"""The example wrappers are what their commands make today, lint clean, and work."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from conftest import INTERPRETER, ROOT, Sandbox, encode, wrapgen_cli

from wrapgen.lint import lint

EXAMPLES = ROOT / "examples" / "wrappers"


def commands() -> list[list[str]]:
    text = (EXAMPLES / "regenerate.sh").read_text().replace("\\\n", " ")
    return [shlex.split(line)[1:] for line in text.splitlines() if line.startswith("wrapgen ")]


def test_there_is_one_example_per_command_and_family() -> None:
    made = sorted(args[args.index("-o") + 1] for args in commands())
    assert made == sorted(p.name for p in EXAMPLES.iterdir() if p.suffix not in {".sh", ".md"})
    assert {args[0] for args in commands()} == {"python", "node", "java", "dotnet", "ruby"}


@pytest.mark.parametrize("args", commands(), ids=lambda a: a[a.index("-o") + 1])
def test_example_is_current_and_lint_clean(args: list[str], tmp_path: Path) -> None:
    out = args.index("-o") + 1
    target = tmp_path / args[out]
    result = wrapgen_cli(*args[:out], str(target), *args[out + 1 :])
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == (EXAMPLES / args[out]).read_bytes()
    assert lint([str(EXAMPLES / args[out])]) == []


@pytest.mark.parametrize("args", commands(), ids=lambda a: a[a.index("-o") + 1])
def test_example_runs(args: list[str], sandbox: Sandbox) -> None:
    wrapper = EXAMPLES / args[args.index("-o") + 1]
    interpreter = sandbox.stub("/var/lang/bin/" + INTERPRETER[args[0]])
    program = ["exec", "/var/runtime/app.dll"] if args[0] == "dotnet" else ["/var/runtime/entry"]
    run = sandbox.run(str(wrapper), [interpreter, *program])
    flags = shlex.split(args[args.index("--flag") + 1])
    at = 2 if args[0] == "dotnet" else 1
    assert run.argv == encode([interpreter, *program[: at - 1], *flags, *program[at - 1 :]])
