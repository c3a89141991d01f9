"""The first command prints the next step (issue 23): a script printed to a terminal is followed, on stderr, by
the commands that write it, build a layer of it and explain it; a pipe or a redirect gets the script alone."""

from __future__ import annotations

import os
import pty
import shlex
import subprocess
from pathlib import Path

from conftest import GOLDEN, WRAPGEN, wrapgen_cli

FIRST = ["python", "--flag", "-X importtime"]  # the README's first command


def on_a_terminal(*args: str, cwd: Path) -> tuple[bytes, str]:
    """Run wrapgen with stdout on a pseudo-terminal (stderr on a pipe): what the terminal showed, and stderr."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([*WRAPGEN, *args], stdout=terminal, stderr=subprocess.PIPE, cwd=cwd)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert process.wait(timeout=60) == 0, stderr
    return shown.replace(b"\r\n", b"\n"), stderr


def test_a_script_on_a_terminal_ends_with_the_next_steps(tmp_path: Path) -> None:
    shown, stderr = on_a_terminal(*FIRST, cwd=tmp_path)
    assert shown == (GOLDEN / "python.sh").read_bytes()
    assert stderr == (
        "\nnext:\n"
        "  # write it (mode 0755)\n"
        "  wrapgen python --flag '-X importtime' --output wrapgen-python\n"
        "  # a layer zip of it\n"
        "  wrapgen python --flag '-X importtime' --layer build/wrapgen-python.zip --output wrapgen-python\n"
        "  # see what it does on each runtime\n"
        "  wrapgen explain wrapgen-python\n"
    )
    # The steps work as printed: the script written, then the layer with it (explain is tested in test_explain).
    commands = [shlex.split(line) for line in stderr.splitlines() if line.startswith("  wrapgen ")]
    for command in commands[:2]:
        assert wrapgen_cli(*command[1:], cwd=tmp_path).returncode == 0
    assert (tmp_path / "wrapgen-python").read_bytes() == shown
    assert (tmp_path / "wrapgen-python").stat().st_mode & 0o777 == 0o755
    assert wrapgen_cli("inspect", "build/wrapgen-python.zip", cwd=tmp_path).returncode == 0
    assert commands[2] == ["wrapgen", "explain", "wrapgen-python"]


def test_the_steps_name_the_wrappers_own_name_and_options(tmp_path: Path) -> None:
    _, stderr = on_a_terminal("node", "--preset", "source-maps", "--env", "A=b c", "--name", "w-node", cwd=tmp_path)
    assert "  wrapgen node --preset source-maps --env 'A=b c' --output w-node --name w-node\n" in stderr
    assert "  wrapgen explain w-node\n" in stderr


def test_a_pipe_or_a_redirect_gets_the_script_alone(tmp_path: Path) -> None:
    """The control: the same command, stdout not a terminal, prints no step, and its bytes are the script's."""
    piped = subprocess.run([*WRAPGEN, *FIRST], capture_output=True, cwd=tmp_path, check=True)
    assert (piped.stdout, piped.stderr) == ((GOLDEN / "python.sh").read_bytes(), b"")
    with open(tmp_path / "redirected", "wb") as out:
        redirected = subprocess.run([*WRAPGEN, *FIRST], stdout=out, stderr=subprocess.PIPE, cwd=tmp_path, check=True)
    assert redirected.stderr == b""
    assert (tmp_path / "redirected").read_bytes() == piped.stdout


def test_no_steps_where_the_script_is_not_what_is_printed(tmp_path: Path) -> None:
    """Written with -o, or a snippet, variables or Dockerfile lines on the terminal: those are the result."""
    for args in (
        [*FIRST, "-o", "w"],
        [*FIRST, "--layer", "l.zip"],
        [*FIRST, "--via", "env"],
        [*FIRST, "-o", "w", "--dockerfile"],
        [*FIRST, "--layer", "l.zip", "--iac", "sam"],
    ):
        _, stderr = on_a_terminal(*args, cwd=tmp_path)
        assert "next:" not in stderr, args
