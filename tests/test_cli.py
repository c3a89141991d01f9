"""The command line, run in a child process as a user runs it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from conftest import GOLDEN, wrapgen_cli

from wrapgen import __version__
from wrapgen.runtimes import FAMILIES


def test_version() -> None:
    result = wrapgen_cli("--version")
    assert result.returncode == 0 and result.stdout == f"wrapgen {__version__}\n"


def test_stdout_by_default_and_the_same_bytes_every_time() -> None:
    first = wrapgen_cli("python", "--flag", "-X importtime")
    second = wrapgen_cli("python", "--flag", "-X importtime")
    assert first.returncode == 0 and first.stderr == ""
    assert first.stdout == second.stdout == (GOLDEN / "python.sh").read_text()


def test_output_file_is_executable_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "wrapper"
    old = os.umask(0o077)
    try:
        result = wrapgen_cli("node", "--flag", "--require /opt/wrapgen/preload.js", "--flag",
                             "--max-old-space-size=256", "-o", str(target))  # fmt: skip
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert target.read_text() == (GOLDEN / "node.sh").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wrapper"]


def test_output_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "wrapper"
    target.write_text("old")
    assert wrapgen_cli("ruby", "--flag", "--yjit", "-o", str(target)).returncode == 0
    assert target.read_text().startswith("#!/bin/bash -p\n")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["python", "--flag", ""], "--flag is empty"),
        (["python", "--flag", "-u", "--iac-dir", "infra"], "--iac-dir says where the --iac snippet references"),
        (["python", "--flag", "-u", "--via", "env", "--iac", "sam", "--iac-dir", "infra"], "without both it has"),
        (
            ["python", "--flag", "-u", "--layer", "l.zip", "--iac", "sam", "--dockerfile", "-o", "w"],
            "--iac prints the snippet; --dockerfile and --format print something else",
        ),
        (["python", "--flag", "-u", "--via", "env", "--iac", "sam", "--format", "json"], "--iac prints the snippet"),
        (["python", "--flag", "   "], "--flag is empty"),
        (["python", "--flag", "importtime"], "flag 'importtime' is not a python option"),
        (["python", "--flag", "-X"], "flag '-X' needs a value"),
        (["python", "--flag", "-m pdb"], "starts python's program"),
        (["python", "--flag", "-uc"], "starts python's program"),
        (["python", "--flag", "-V"], "print or check and exit"),
        (["python", "--flag", "-uh"], "print or check and exit"),
        (["python", "--flag", "'-X"], "cannot be split into words"),
        (["node", "--flag", "app.js"], "is not a node option"),
        (["node", "--flag", "--stack-trace-limit 5"], "needs its value in the same word: --stack-trace-limit=VALUE"),
        (["node", "--flag", "--require"], "needs a value"),
        (["node", "--flag", "--version"], "print or check and exit"),
        (["java", "--flag", "-jar app.jar"], "starts java's program"),
        (["java", "--flag", "-cp"], "would replace the runtime's own -cp"),
        (["java", "--flag", "-Xss"], "needs its value in the same word: -XssVALUE"),
        (["dotnet", "--flag", "exec"], "flag 'exec' is not a dotnet option: options start with '-'"),
        (["ruby", "--flag", "-e 1"], "starts ruby's program"),
        (["python", "--env", "NOVALUE"], "is not NAME=VALUE"),
        (["python", "--env", "1BAD=x"], "not a valid variable name"),
        (["python", "--env", "A-B=x"], "not a valid variable name"),
        (["python", "--env", "AWS_LAMBDA_RUNTIME_API=x"], "would break the runtime"),
        (["python", "--env", "UID=0"], "read-only in bash"),
        (["python", "--env", "wrapgen_flags=x"], "wrapgen's own"),
        (["python", "--env", "A=1", "--env", "A=2"], "A is given two values"),
        (["python", "--then", "otel-handler"], "not an absolute path"),
        (["python", "--then", "/"], "names a directory, which cannot be run"),
        (["python", "--then", "/opt/x/"], "names a directory, which cannot be run"),
        (["python", "--then", "/opt/x/.."], "names a directory, which cannot be run"),
        (["python", "--name", "../x"], "not a plain file name"),
        (["python", "--name", "-x"], "not a plain file name"),
        (["python", "--flag", "-u", "-o", "/etc/hostname/wrapper"], "cannot write"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(args: list[str], says: str) -> None:
    result = wrapgen_cli(*args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_hint_names_a_valid_flag() -> None:
    assert "-X importtime" in wrapgen_cli("python", "--flag", "importtime").stderr


@pytest.mark.parametrize("args", [["perl"], ["python", "--bogus"], ["python", "--flag"], []])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = wrapgen_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_bad_input_writes_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "wrapper"
    assert wrapgen_cli("python", "--flag", "importtime", "-o", str(target)).returncode == 1
    assert not target.exists()
    target.write_text("keep me")
    assert wrapgen_cli("python", "--flag", "importtime", "-o", str(target)).returncode == 1
    assert target.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wrapper"]


def test_output_into_a_directory_path(tmp_path: Path) -> None:
    result = wrapgen_cli("python", "--flag", "-u", "-o", str(tmp_path))
    assert result.returncode == 1 and "is a directory" in result.stderr


def test_output_on_a_full_or_read_only_filesystem_leaves_nothing(tmp_path: Path) -> None:
    """/proc/sys is a directory nobody can create files in, root included."""
    result = wrapgen_cli("python", "--flag", "-u", "-o", "/proc/sys/wrapgen-wrapper")
    assert result.returncode == 1 and result.stderr.startswith("error: cannot write /proc/sys/wrapgen-wrapper")


def test_lint_command(tmp_path: Path) -> None:
    clean = wrapgen_cli("lint", str(GOLDEN / "python.sh"), str(GOLDEN / "java.sh"))
    assert clean.returncode == 0 and clean.stdout == "" and "2 file(s) clean" in clean.stderr
    bad = tmp_path / "vendor-wrapper"
    bad.write_text('#!/bin/bash\nargs=("$@")\nexec ${args[@]}\n')
    found = wrapgen_cli("lint", str(bad))
    assert found.returncode == 1
    assert f"{bad}:3: shellcheck SC2068" in found.stdout
    missing = wrapgen_cli("lint", str(tmp_path / "nope"))
    assert missing.returncode == 1 and missing.stderr.endswith("nope: No such file or directory\n")


def test_python_dash_m_and_help() -> None:
    result = wrapgen_cli("python", "--help")
    assert result.returncode == 0 and "--flag" in result.stdout and "--then" in result.stdout


def test_a_wrapper_with_nothing_to_do_is_warned_about(tmp_path: Path) -> None:
    result = wrapgen_cli("ruby", "-o", str(tmp_path / "w"))
    assert result.returncode == 0
    assert result.stderr == "warning: nothing to insert, set or chain: the wrapper only starts the runtime\n"
    assert wrapgen_cli("ruby", "--env", "A=1", "-o", str(tmp_path / "w")).stderr == ""


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_option_of_a_family_command_is_a_field_of_the_one_option_model(family: str) -> None:
    """The command's parameters are named as Request's fields (so its Request is built from them, and the manifest
    keys, the header and init's starter follow), besides what is no option of a Request."""
    import typer  # noqa: TID251 - it reads wrapgen's own app

    from wrapgen.cli import app
    from wrapgen.request import Request

    params = {param.name for param in typer.main.get_command(app).commands[family].params}  # type: ignore[attr-defined]
    assert params == {*Request._fields[1:], "dry_run", "no_sandbox"}


def test_every_field_of_the_model_has_its_option_help() -> None:
    """The help that the command line and init's starter show comes from the model, one entry per field."""
    from wrapgen.request import OPTIONS, Request

    assert list(OPTIONS) == list(Request._fields[1:])
