"""Nothing in the function's environment or in a broken next wrapper stops a wrapgen wrapper from starting the
runtime; names bash owns and the runtime's own options are refused; the Runtime API proxy pattern; lint by dialect."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import WRAPGEN, Sandbox, encode, fixtures, preset_item, render, wrapgen_cli

from wrapgen.envmode import env_assignments
from wrapgen.lint import dialect, lint
from wrapgen.presets import presets_for
from wrapgen.render import render_wrapper
from wrapgen.runtimes import BASH_42_RUNTIMES, FAMILIES
from wrapgen.spec import WrapperSpec, wrapper_spec
from wrapgen.variables import units

PYTHON = "/var/lang/bin/python3.12"
FLAG = {"python": "-X importtime", "node": "--trace-warnings", "java": "-Dx=1", "dotnet": "--roll-forward Major",
        "ruby": "--yjit"}  # fmt: skip


def _python(sandbox: Sandbox) -> list[str]:
    return [sandbox.stub(PYTHON), "/var/runtime/bootstrap.py"]


def _broken(sandbox: Sandbox, kind: str) -> str:
    """A next wrapper that exists, is executable, and cannot run."""
    target = sandbox.root / f"next-{kind}"
    if kind == "crlf":
        target.write_bytes(b'#!/bin/bash\r\nexec "$@"\r\n')
    elif kind == "missing-interpreter":
        target.write_bytes(b'#!/nonexistent/bin/sh\nexec "$@"\n')
    elif kind == "truncated-binary":
        target.write_bytes(Path("/bin/true").read_bytes()[:100])
    elif kind == "foreign-binary":
        data = bytearray(Path("/bin/true").read_bytes())
        data[18:20] = (0x28).to_bytes(2, "little")  # e_machine: ARM, on this machine an exec format error
        target.write_bytes(bytes(data))
    elif kind == "random-bytes":
        target.write_bytes(bytes(range(1, 256)) * 4)
    elif kind == "no-shebang":
        target.write_bytes(b'echo "I would run as a shell script" >&2\nexit 3\n')
    target.chmod(0o755)
    return str(target)


BROKEN = {
    "crlf": "has a #! line ending in CR (CRLF)",
    "missing-interpreter": "could not be started",
    "truncated-binary": "could not be started",
    "foreign-binary": "could not be started",
    "random-bytes": "has no #! line and is not a program",
    "no-shebang": "has no #! line and is not a program",
}


@pytest.mark.parametrize("how", ["--then", "WRAPGEN_THEN"])
@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_next_wrapper_that_cannot_run_fails_open(sandbox: Sandbox, kind: str, how: str) -> None:
    nxt = _broken(sandbox, kind)
    wrapper = sandbox.script("wrapper", render("python", ["-X importtime"], then=nxt if how == "--then" else None))
    argv = _python(sandbox)
    run = sandbox.run(wrapper, argv, env={"WRAPGEN_THEN": nxt} if how == "WRAPGEN_THEN" else {})
    assert run.returncode == 0, run.stderr
    assert run.argv == encode([argv[0], "-X", "importtime", argv[1]])
    assert f"wrapgen: wrapgen-python: next wrapper {nxt} {BROKEN[kind]}; starting the runtime directly" in run.stderr


@pytest.mark.parametrize("value", ["next", "./next", "opt/next"])
def test_a_relative_wrapgen_then_is_warned_about_and_ignored(sandbox: Sandbox, value: str) -> None:
    vendor = sandbox.script("next", '#!/bin/bash\nexport VENDOR_WAS_HERE=1\nexec "$@"\n')
    assert Path(vendor).is_file()
    wrapper = sandbox.script("wrapper", render("python", ["-X importtime"]))
    argv = _python(sandbox)
    result = subprocess.run([wrapper, *argv], cwd=sandbox.root, capture_output=True, check=False, env={
        "PATH": "/usr/bin:/bin", "STUB_RECORD": str(sandbox.record), "STUB_SHOW": "VENDOR_WAS_HERE",
        "WRAPGEN_THEN": value})  # fmt: skip
    assert result.returncode == 0
    assert sandbox.record.read_bytes().split(b"\0")[:-1] == encode([argv[0], "-X", "importtime", argv[1]])
    assert not Path(f"{sandbox.record}.env").exists()  # the relative one was not run
    assert f"next wrapper {value} is not an absolute path" in result.stderr.decode()


def test_a_next_wrapper_that_works_still_runs(sandbox: Sandbox) -> None:
    """The control for the above: the same chain with a sound next wrapper reaches it."""
    vendor = sandbox.script("vendor", '#!/bin/bash\nexport VENDOR_WAS_HERE=1\nexec "$@"\n')
    wrapper = sandbox.script("wrapper", render("python", ["-X importtime"], then=vendor))
    argv = _python(sandbox)
    run = sandbox.run(wrapper, argv, show=["VENDOR_WAS_HERE"])
    assert run.env == {"VENDOR_WAS_HERE": b"1"} and run.stderr == ""


def test_a_second_then_is_an_error() -> None:
    result = wrapgen_cli("python", "--flag", "-u", "--then", "/opt/a", "--then", "/opt/b")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("error: a chain of more than one next wrapper, or with --first, needs its shims")
    assert result.stderr.count("\n") == 1


HOSTILE_ENV = {
    "nounset": {"SHELLOPTS": "nounset"},
    "errexit-xtrace-noexec": {"SHELLOPTS": "errexit:nounset:xtrace:noexec"},
    "bashopts": {"BASHOPTS": "nocasematch:extglob:failglob:nullglob"},
    "bash-env": {"BASH_ENV": "{root}/evil.sh"},
    "exported-exec": {"BASH_FUNC_exec%%": "() { echo HIJACKED >&2; }", "exec": "() { echo HIJACKED >&2; }"},
    "exported-printf": {"BASH_FUNC_printf%%": "() { echo HIJACKED >&2; }", "printf": "() { echo HIJACKED >&2; }"},
    "posix": {"POSIXLY_CORRECT": "1"},
    "bash-compat": {"BASH_COMPAT": "31"},
    "globignore-ifs-cdpath": {"GLOBIGNORE": "*", "IFS": "x", "CDPATH": "/"},
}


def _hostile(sandbox: Sandbox, name: str) -> dict[str, str]:
    (sandbox.root / "evil.sh").write_text("echo HIJACKED >&2\nexit 99\n")
    return {key: value.replace("{root}", str(sandbox.root)) for key, value in HOSTILE_ENV[name].items()}


@pytest.mark.parametrize("inserts", ["flags", "no flags"])
@pytest.mark.parametrize("name", sorted(HOSTILE_ENV))
def test_the_functions_environment_does_not_change_what_the_wrapper_does(
    sandbox: Sandbox, name: str, inserts: str
) -> None:
    """SHELLOPTS=nounset killed bash 4.2 on the empty flags array; BASH_ENV, exported functions and the rest
    could run code or change the script. `#!/bin/bash -p` ignores them, on 4.2 and 5.2 alike."""
    flags = ["-X importtime"] if inserts == "flags" else []
    wrapper = sandbox.script("wrapper", render("python", flags, env=["WRAPGEN_TEST_SET=yes"]))
    argv = _python(sandbox)
    clean = sandbox.run(wrapper, argv, show=["WRAPGEN_TEST_SET"])
    run = sandbox.run(wrapper, argv, env=_hostile(sandbox, name), show=["WRAPGEN_TEST_SET"])
    assert (run.returncode, run.argv, run.env, run.stderr) == (0, clean.argv, clean.env, "")
    assert clean.argv == encode(argv[:1] + (["-X", "importtime"] if flags else []) + argv[1:])


@pytest.mark.parametrize("name", ["bash-env", "exported-exec"])
def test_without_dash_p_the_same_environment_breaks_a_wrapper(sandbox: Sandbox, name: str) -> None:
    """The control: these variables do take hold of a bash script started without -p (exported functions only
    where bash imports them: every bash reads the BASH_FUNC_ form or the old `() {` one)."""
    wrapper = sandbox.script("wrapper", render("python", [], env=["WRAPGEN_TEST_SET=yes"]))
    run = sandbox.run(wrapper, _python(sandbox), env=_hostile(sandbox, name), prefix=[sandbox.bash])
    assert run.returncode != 0 or "HIJACKED" in run.stderr


NOUNSET = {"SHELLOPTS": {"SHELLOPTS": "nounset"}, "BASH_ENV": {"BASH_ENV": "{root}/nounset.sh"}}
NO_FLAGS = '        set -- "${wrapgen_head[@]}" "$@"\n'
OLD = {
    NO_FLAGS: '        set -- "${wrapgen_head[@]}" "${wrapgen_flags[@]}" "$@"\n',
    "\nwrapgen_scan=\n": "\nwrapgen_flags=()\nwrapgen_scan=\n",
}
"""What a wrapper without flags was: an empty flags array, expanded."""
BASH_FILE_CASES: list[tuple[str, str, dict[str, Any]]] = [
    *((family, "bare", {}) for family in FAMILIES),
    *((family, "flags", {"flags": [FLAG[family]]}) for family in FAMILIES),
    *((family, "env", {"env": ["WRAPGEN_TEST_SET=a b"], "env_defaults": ["WRAPGEN_TEST_DEFAULT=1"]})
      for family in FAMILIES),
    *((family, "then", {"then": "{root}/vendor"}) for family in FAMILIES),
    *((p.family, p.name, {"presets": [preset_item(p)], "runtimes": p.runtimes})
      for family in FAMILIES for p in presets_for(family)),
]  # fmt: skip


def _bash_file(sandbox: Sandbox, family: str, given: dict[str, Any], how: str) -> tuple[WrapperSpec, dict[str, str]]:
    """The spec of one case, and the environment that turns nounset on for a script bash runs as `bash FILE`."""
    (sandbox.root / "nounset.sh").write_text("set -u\n")
    sandbox.script("vendor", '#!/bin/bash\nexport VENDOR_WAS_HERE=1\nexec "$@"\n')
    then = given.get("then", "").replace("{root}", str(sandbox.root))
    spec = wrapper_spec(family, **{**given, "then": (then,) if then else ()})
    return spec, {key: value.replace("{root}", str(sandbox.root)) for key, value in NOUNSET[how].items()}


@pytest.mark.parametrize("how", sorted(NOUNSET))
@pytest.mark.parametrize(("family", "case", "given"), BASH_FILE_CASES, ids=[f"{f}-{c}" for f, c, _ in BASH_FILE_CASES])
def test_run_as_bash_file_under_nounset_the_wrapper_starts_the_runtime(
    sandbox: Sandbox, family: str, case: str, given: dict[str, Any], how: str
) -> None:
    """`bash FILE` (a vendor wrapper's `bash "$next"`) skips the #! line's -p: SHELLOPTS=nounset or BASH_ENV's
    `set -u` then hold, and bash 4.2 called the empty flags array unbound. Every vector of the family, every case."""
    spec, hostile = _bash_file(sandbox, family, given, how)
    wrapper = sandbox.script("wrapper", render_wrapper(spec).text)
    show = [name for name, _ in spec.variables + spec.defaults] + ["VENDOR_WAS_HERE"]
    for entry in (e for e in fixtures() if e["runtime"] in spec.runtimes and e["insert_at"] is not None):
        argv, at = [sandbox.stub(entry["argv"][0]), *entry["argv"][1:]], int(entry["insert_at"])
        clean = sandbox.run(wrapper, argv, show=show)
        run = sandbox.run(wrapper, argv, env=hostile, show=show, prefix=[sandbox.bash])
        assert (run.returncode, run.argv, run.env, run.stderr) == (0, clean.argv, clean.env, ""), entry["runtime"]
        kept = [arg for arg in argv[:at] if arg not in spec.dropped]
        assert clean.argv == encode([*kept, *spec.inserted, *argv[at:]]), entry["runtime"]
        assert set(clean.env) == set(show) - ({"VENDOR_WAS_HERE"} if not spec.then else set())


@pytest.mark.parametrize("how", sorted(NOUNSET))
def test_the_old_expansion_of_the_flags_dies_under_nounset_on_bash_42(sandbox: Sandbox, how: str) -> None:
    """The control: the same wrapper as wrapgen wrote it before (an empty flags array, expanded) dies there on bash
    4.2 (4.4 and later expand an empty array under nounset); started by its #! line (-p) it ran, and runs."""
    spec, hostile = _bash_file(sandbox, "python", {}, how)
    text = render_wrapper(spec).text
    assert NO_FLAGS in text and "wrapgen_flags" not in text
    for new, was in OLD.items():
        text = text.replace(new, was)
    old = sandbox.script("old", text)
    run = sandbox.run(old, _python(sandbox), env=hostile, prefix=[sandbox.bash])
    if sandbox.bash.endswith("4.2.45/bash"):
        assert run.returncode != 0 and "wrapgen_flags[@]: unbound variable" in run.stderr and run.argv == []
    else:
        assert run.returncode == 0 and run.argv == encode(_python(sandbox))
    assert sandbox.run(old, _python(sandbox), env=hostile).argv == encode(_python(sandbox))


@pytest.mark.parametrize(
    "name", ["RANDOM", "SECONDS", "LINENO", "GROUPS", "SHLVL", "BASH_ENV", "BASH_XTRACEFD", "BASH_FUNC_x",
             "FUNCNAME", "OPTIND", "PIPESTATUS", "_", "EPOCHSECONDS", "EPOCHREALTIME", "SRANDOM", "HISTCMD", "BASHPID",
             "IFS"],
)  # fmt: skip
@pytest.mark.parametrize("option", ["--env", "--env-default"])
def test_names_bash_owns_are_refused(name: str, option: str) -> None:
    for extra in ([], ["--via", "env"]):
        result = wrapgen_cli("node", option, f"{name}=1", *extra)
        assert result.returncode == 1 and result.stdout == ""
        assert f"{option} {name} is bash's own variable" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("name", ["RANDOM", "SHLVL", "BASHPID"])
def test_why_bash_owned_names_are_refused(sandbox: Sandbox, name: str) -> None:
    """What happens to such a variable exported by a bash script: the program it execs gets another value."""
    script = sandbox.script("export", f"#!/bin/bash -p\nexport {name}=424242\nexec /usr/bin/env\n")
    seen = subprocess.run([script], capture_output=True, check=True, env={"PATH": "/usr/bin:/bin"}).stdout
    assert f"{name}=424242".encode() not in seen.split(b"\n")


class TestRuntimeApiProxy:
    def test_the_wrapper_sets_the_proxy_for_the_runtime_over_lambdas_value(self, sandbox: Sandbox) -> None:
        for family, interpreter, program in [("python", PYTHON, "/var/runtime/bootstrap.py"),
                                             ("dotnet", "/var/lang/bin/dotnet", "exec")]:  # fmt: skip
            spec = wrapper_spec(family, presets=["runtime-api-proxy=127.0.0.1:9009"])
            wrapper = sandbox.script(f"w-{family}", render_wrapper(spec).text)
            argv = [sandbox.stub(interpreter), program, "/var/task/x"]
            run = sandbox.run(wrapper, argv, env={"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"},
                              show=["AWS_LAMBDA_RUNTIME_API"])  # fmt: skip
            assert run.returncode == 0 and run.env == {"AWS_LAMBDA_RUNTIME_API": b"127.0.0.1:9009"}
            disabled = sandbox.run(wrapper, argv, env={"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
                                   "WRAPGEN_DISABLE": "1"}, show=["AWS_LAMBDA_RUNTIME_API"])  # fmt: skip
            assert disabled.env == {"AWS_LAMBDA_RUNTIME_API": b"127.0.0.1:9001"}

    @pytest.mark.parametrize("family", sorted(FAMILIES))
    def test_every_family_has_it_and_env_mode_refuses_it(self, family: str) -> None:
        result = wrapgen_cli(family, "--preset", "runtime-api-proxy=localhost:9009", "--via", "env")
        assert result.returncode == 1 and "Lambda reserves AWS_LAMBDA_RUNTIME_API" in result.stderr

    @pytest.mark.parametrize("value", ["9009", "host", "a b:1", "127.0.0.1:0", "-x:1", "h:123456", "$(id):1"])
    def test_a_bad_host_port_is_refused(self, value: str) -> None:
        result = wrapgen_cli("node", "--preset", f"runtime-api-proxy={value}")
        assert result.returncode == 1 and "is not a valid HOST:PORT" in result.stderr

    def test_setting_the_variable_points_at_the_preset(self) -> None:
        result = wrapgen_cli("java", "--env", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9009")
        assert result.returncode == 1 and "--preset runtime-api-proxy=HOST:PORT" in result.stderr


@pytest.mark.parametrize("function_value", [None, "0"])
def test_ready_to_run_keeps_the_functions_own_value_as_its_caveat_says(sandbox: Sandbox, function_value: str | None
                                                                       ) -> None:  # fmt: skip
    spec = wrapper_spec("dotnet", presets=["ready-to-run"])
    assert "is kept" in spec.presets[0].preset.caveat
    wrapper = sandbox.script("wrapper", render_wrapper(spec).text)
    env = {} if function_value is None else {"DOTNET_ReadyToRun": function_value}
    run = sandbox.run(wrapper, [sandbox.stub("/var/lang/bin/dotnet"), "exec", "/var/task/App.dll"], env=env,
                      show=["DOTNET_ReadyToRun"])  # fmt: skip
    assert run.env == {"DOTNET_ReadyToRun": (function_value or "1").encode()}


class TestListVariablesSplitOnAsciiWhiteSpaceOnly:
    VALUE = "-Dgreeting=hello\u00a0world -Dother=1\t-Dthird=2"

    def test_units(self) -> None:
        assert units("JAVA_TOOL_OPTIONS", self.VALUE) == ["-Dgreeting=hello\u00a0world", "-Dother=1", "-Dthird=2"]
        assert units("NODE_OPTIONS", "--title=a\u2003b --trace-warnings") == ["--title=a\u2003b", "--trace-warnings"]

    def test_via_env_keeps_a_no_break_space_inside_its_flag(self) -> None:
        spec = wrapper_spec("java", ["-Dgreeting=hello\u00a0world", "-Dx=1"], runtimes=["java21"])
        assert env_assignments(spec) == [("JAVA_TOOL_OPTIONS", "-Dgreeting=hello\u00a0world -Dx=1")]

    def test_the_wrapper_appends_it_as_one_unit_once(self, sandbox: Sandbox) -> None:
        wrapper = sandbox.script("wrapper", render("java", [], env=[f"JAVA_TOOL_OPTIONS={self.VALUE}"]))
        argv = [sandbox.stub("/var/lang/bin/java"), "-cp", "x", "Main"]
        already = "-Dgreeting=hello\u00a0world"
        run = sandbox.run(wrapper, argv, env={"JAVA_TOOL_OPTIONS": already, "LC_ALL": "C.UTF-8"},
                          show=["JAVA_TOOL_OPTIONS"])  # fmt: skip
        assert run.env == {"JAVA_TOOL_OPTIONS": f"{already} -Dother=1 -Dthird=2".encode()}

    @pytest.mark.interpreters
    def test_the_real_jvm_reads_it_so(self, tmp_path: Path) -> None:
        java = shutil.which("java")
        assert java, "a JDK is installed by scripts/test"
        (value,) = dict(
            env_assignments(wrapper_spec("java", ["-Dgreeting=hello\u00a0world"], runtimes=["java17"]))
        ).values()
        result = subprocess.run(
            [java, "-XshowSettings:properties", "-version"],
            capture_output=True,
            check=False,
            env={"JAVA_TOOL_OPTIONS": value, "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 0
        assert "greeting = hello\u00a0world" in result.stderr.decode("utf-8", "replace")  # fmt: skip


class TestNodeOptionsTheRuntimePasses:
    @pytest.mark.parametrize("flag", ["--max-old-space-size=256", "--max_old_space_size=256",
                                      "--max-semi-space-size=16", "--max-http-header-size=16384"])  # fmt: skip
    def test_refused_in_node_options_however_spelled(self, flag: str) -> None:
        for args in (["--flag", flag, "--via", "env"], ["--via", "env", "--runtime", "nodejs22.x", "--flag", flag],
                     ["--env", f"NODE_OPTIONS={flag}"]):  # fmt: skip
            result = wrapgen_cli("node", *args)
            assert result.returncode == 1, args
            assert "the runtime passes its own on the command line, which beats NODE_OPTIONS" in result.stderr

    def test_as_a_wrapper_flag_it_works(self) -> None:
        assert wrapgen_cli("node", "--flag", "--max-old-space-size=256").returncode == 0

    def test_the_runtime_does_pass_them(self) -> None:
        """The table's list is what the recorded node vectors hold (so NODE_OPTIONS cannot override them)."""
        passed = {arg.split("=")[0] for e in fixtures() if e["runtime"].startswith("nodejs") for arg in e["argv"]}
        assert FAMILIES["node"].runtime_options <= passed


class TestRuntimeTable:
    NEW = ["java8.al2023", "java11.al2023", "java17.al2023", "ruby4.0"]

    def test_every_runtime_has_a_vector_and_every_vector_a_runtime(self) -> None:
        runtimes = {r for family in FAMILIES.values() for r in family.runtimes}
        vectors = {e["runtime"] for e in fixtures()}
        assert runtimes <= vectors
        assert vectors - runtimes == {"provided", "provided.al2", "provided.al2023", "python-container-awslambdaric"}
        assert runtimes >= BASH_42_RUNTIMES and set(self.NEW) <= runtimes - BASH_42_RUNTIMES

    @pytest.mark.parametrize("runtime", NEW)
    def test_the_new_runtimes_are_accepted(self, runtime: str) -> None:
        family = "ruby" if runtime.startswith("ruby") else "java"
        preset = "yjit" if family == "ruby" else "heap-dump-on-oom"
        result = wrapgen_cli(family, "--preset", preset, "--via", "env", "--runtime", runtime)
        assert result.returncode == 0, result.stderr

    @pytest.mark.parametrize(("runtime", "ok"), [("java8.al2023", False), ("java11.al2023", False),
                                                  ("java17.al2023", True)])  # fmt: skip
    def test_tiered_c1_by_variable_follows_the_command_line_of_each(self, runtime: str, ok: bool) -> None:
        result = wrapgen_cli("java", "--preset", "tiered-c1", "--via", "env", "--runtime", runtime)
        assert (result.returncode == 0) == ok, result.stderr


class TestLintByDialect:
    def test_sh_is_checked_as_sh(self, tmp_path: Path) -> None:
        script = tmp_path / "w"
        script.write_text('#!/bin/sh\nset -- a b\nargs=("$@")\nexec "${args[@]}"\n')
        codes = {finding.code for finding in lint([str(script)]).findings}
        assert "SC3030" in codes  # arrays are undefined in POSIX sh
        script.write_text('#!/bin/bash\nset -- a b\nargs=("$@")\nexec "${args[@]}"\n')
        assert lint([str(script)]).findings == []

    @pytest.mark.parametrize(("head", "what"), [
        (b"#!/usr/bin/env python3\nprint(1)\n", "a python3 script, not a shell script"),
        (b"#!/var/lang/bin/node\nconsole.log(1)\n", "a node script, not a shell script"),
        (b"#!/usr/bin/env -S ruby -w\nputs 1\n", "a ruby script, not a shell script"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "a binary file, not a script"),
    ])  # fmt: skip
    def test_other_files_are_skipped_with_a_note(self, tmp_path: Path, head: bytes, what: str) -> None:
        path = tmp_path / "x"
        path.write_bytes(head)
        assert dialect(head) == (None, what)
        result = wrapgen_cli("lint", str(path))
        assert result.returncode == 0 and result.stdout == ""
        assert f"wrapgen lint: {path}: skipped: {what}\n" in result.stderr

    @pytest.mark.parametrize(("line", "shell"), [("#!/bin/bash -p", "bash"), ("#!/usr/bin/env bash", "bash"),
                                                 ("#!/bin/dash", "dash"), ("#! /bin/sh -e", "sh")])  # fmt: skip
    def test_dialect_from_the_shebang(self, line: str, shell: str) -> None:
        assert dialect(line.encode() + b"\necho\n")[0] == shell

    def test_a_file_named_like_an_option_is_a_file(self, tmp_path: Path) -> None:
        (tmp_path / "-eSC2086").write_text("#!/bin/bash\necho $1\n")
        result = subprocess.run([*WRAPGEN, "lint", "--", "-eSC2086"], cwd=tmp_path, capture_output=True, text=True,
                                check=False)  # fmt: skip
        assert result.returncode == 1 and "SC2086" in result.stdout, result.stderr

    def test_a_device_or_missing_file_is_a_clear_error(self) -> None:
        for path, says in (("/dev/null", "not a regular file"), ("/nonexistent/w", "No such file or directory")):
            result = wrapgen_cli("lint", path)
            assert result.returncode == 1 and result.stderr == f"error: {path}: {says}\n"

    def test_a_script_over_a_megabyte_is_refused(self, tmp_path: Path) -> None:
        """shellcheck took 1.5 GB and 25 s for a 10 MB line, more than 8 GB for 100 MB."""
        (tmp_path / "big").write_text("#!/bin/bash\necho " + "a" * (1 << 20) + "\n")
        result = wrapgen_cli("lint", str(tmp_path / "big"))
        assert (result.returncode, result.stderr) == (1, f"error: {tmp_path / 'big'}: 1048594 bytes, more than wrapgen"
                                                         " reads (1048576)\n")  # fmt: skip

    def test_names_the_linters_misread_are_reported_as_they_are(self, tmp_path: Path) -> None:
        """shellcheck's output is FILE:LINE:...: a name with ':3:1: error:' in it, or a newline, was misread, one
        not UTF-8 made shellcheck fail; names are printed escaped (an ESC moved the terminal)."""
        names = [b"x:3:1: error: fake [SC9999]", b"a\nb", b"\xff.sh", b"e\x1b[2Jz"]
        for name in names:
            (tmp_path / os.fsdecode(name)).write_text("#!/bin/bash\necho $1\n")
        result = subprocess.run([*WRAPGEN, "lint", "--", *names], cwd=tmp_path, capture_output=True, check=False)
        assert result.returncode == 1, result.stderr
        lines = result.stdout.decode().splitlines()
        assert sorted(line.split(": shellcheck SC2086")[0] for line in lines if "SC2086" in line) == sorted(
            ["x:3:1: error: fake [SC9999]:2", "a\\nb:2", "\\udcff.sh:2", "e\\x1b[2Jz:2"]
        )
        assert "\x1b" not in result.stdout.decode() and "SC9999" not in result.stdout.decode().replace("[SC9999]", "")

    def test_a_header_past_8_kb_is_read_whole(self, tmp_path: Path) -> None:
        """lint read the first 8 kB: a long header was cut, and its command said to be refused."""
        made = wrapgen_cli("python", "--flag", "-X importtime", "--env", "A=" + "x" * 7209, "--runtime", "python3.12",
                           "-o", str(tmp_path / "w"))  # fmt: skip
        assert made.returncode == 0, made.stderr
        result = wrapgen_cli("lint", str(tmp_path / "w"))
        assert (result.returncode, result.stdout) == (0, ""), result.stdout


@pytest.mark.parametrize(
    ("family", "argv", "at"),
    [
        ("python", ["/var/lang/bin/python3.12", ""], 1),
        ("python", ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py", ""], 1),
        ("node", ["/var/lang/bin/node", "--expose-gc", "/var/runtime/index.mjs", ""], 2),
        ("java", ["/var/lang/bin/java", "-XX:-TieredCompilation", "-cp", "x", "Main", ""], 4),
    ],
)
def test_a_lone_empty_last_argument_is_kept(sandbox: Sandbox, family: str, argv: list[str], at: int) -> None:
    """bash 4.2 drops a slice ("${@:2}", "${a[@]:n}") that is one empty string: the real 4.2 found it."""
    presets = ["tiered-c1"] if family == "java" else []  # the path that drops the runtime's own option
    spec = wrapper_spec(family, ["--trace-warnings" if family == "node" else "-Dx=1" if family == "java" else "-u"],
                        presets=presets)  # fmt: skip
    wrapper = sandbox.script("wrapper", render_wrapper(spec).text)
    argv = [sandbox.stub(argv[0]), *argv[1:]]
    run = sandbox.run(wrapper, argv)
    kept = [arg for arg in argv[:at] if arg not in spec.dropped]
    assert (run.returncode, run.stderr) == (0, "")
    assert run.argv == encode([*kept, *spec.inserted, *argv[at:]])


@pytest.mark.parametrize("what", ["--env", "--unchecked-flag"])
def test_what_exec_cannot_take_is_refused_and_what_it_can_starts(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch,
                                                                 what: str) -> None:  # fmt: skip
    """The wrapper passes each option and variable to exec, which takes at most 131,072 bytes of one (its NUL in):
    at the limit the function starts; a byte over, exec fails (E2BIG), so wrapgen refuses it. Once it wrote it."""
    from wrapgen import render as render_module
    from wrapgen import spec as spec_module
    from wrapgen.errors import InvalidValue

    monkeypatch.setattr(render_module, "HEADER_MAX", 1 << 30)  # wrapgen's own bound on a header comes first
    prefix = "WRAPGEN_BIG=" if what == "--env" else "-Xbig="

    def wrapper(size: int) -> str:  # the variable or option of `size` bytes with its NUL
        text = prefix + "x" * (size - 1 - len(prefix))
        if what == "--env":
            return render_wrapper(wrapper_spec("python", ["-u"], [text])).text
        return render_wrapper(wrapper_spec("python", unchecked=[text])).text

    fits = sandbox.run(sandbox.script("fits", wrapper(spec_module.ARG_STRLEN)), _python(sandbox), show=["WRAPGEN_BIG"])
    assert fits.returncode == 0 and fits.stderr == ""
    started = len(fits.env.get("WRAPGEN_BIG", b"")) if what == "--env" else max(map(len, fits.argv))
    assert started == spec_module.ARG_STRLEN - 1 - (len(prefix) if what == "--env" else 0)
    with pytest.raises(InvalidValue, match=r"is 131073 bytes: Linux's exec takes at most 131072"):
        wrapper(spec_module.ARG_STRLEN + 1)
    monkeypatch.setattr(spec_module, "check_exec_size", lambda spec: None)  # what wrapgen once wrote: it breaks
    over = sandbox.run(sandbox.script("over", wrapper(spec_module.ARG_STRLEN + 1)), _python(sandbox))
    assert over.returncode != 0 and "Argument list too long" in over.stderr and over.argv == []


def test_all_a_wrapper_passes_to_exec_is_held_to_a_budget() -> None:
    from wrapgen.errors import InvalidValue

    env = [f"WRAPGEN_BIG{i}=" + "x" * 120_000 for i in range(9)]
    wrapper_spec("python", ["-u"], env[:8])  # 960 kB: taken
    with pytest.raises(InvalidValue, match=r"the wrapper's options and variables are 1080\d\d\d bytes"):
        wrapper_spec("python", ["-u"], env)


def test_a_header_wrapgen_could_not_read_back_is_refused(tmp_path: Path) -> None:
    """inspect, check and iac read 64 kB of a wrapper for its header: one with a 70 kB value was written, and then
    not known for wrapgen's (iac said it found no wrapgen wrapper)."""
    from wrapgen.errors import InvalidValue

    with pytest.raises(InvalidValue, match=r"the wrapper's header, the command that rebuilds it, would take 7\d{4}"):
        render_wrapper(wrapper_spec("python", ["-u"], ["A=" + "x" * 70_000]))
    made = wrapgen_cli("python", "--flag", "-u", "--env", "A=" + "x" * 50_000, "--layer", str(tmp_path / "l.zip"))
    assert made.returncode == 0, made.stderr
    assert "A=xxx" in wrapgen_cli("inspect", str(tmp_path / "l.zip")).stdout  # read back whole
