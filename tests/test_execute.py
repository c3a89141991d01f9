"""Generated wrappers executed for real under bash, against stub interpreters that record their argv."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Sandbox, aws_sample, encode, family_of, fixtures, render

from wrapgen.grammar import insertion_index
from wrapgen.runtimes import FAMILIES

# Flags per family, with an option and its separate value, so that splitting them would show.
FLAGS = {
    "python": ["-X importtime", "-W error::DeprecationWarning"],
    "node": ["--require '/opt/wrapgen/pre load.js'", "--stack-trace-limit=50"],
    "java": ["-XX:+PrintCommandLineFlags", "'-Dwrapgen.note=a b'"],
    "dotnet": ["--roll-forward LatestMajor", "--additionalprobingpath /opt/dotnet"],
    "ruby": ["--yjit", "-I /opt/ruby/lib"],
}
FLAG_TOKENS = {family: [token for text in texts for token in shlex.split(text)] for family, texts in FLAGS.items()}

VECTORS = [entry for entry in fixtures() if entry["argv"] is not None]
# BASH_COMPAT=42 makes bash 5 behave as bash 4.2 where the two differ (Amazon Linux 2 ships 4.2).
# Lambda sets LANG=en_US.UTF-8: bash then counts characters, not bytes, in ${#x} and ${x:i:1}.
COMPAT = [
    pytest.param({}, id="bash"),
    pytest.param({"BASH_COMPAT": "42"}, id="compat42"),
    pytest.param({"LC_ALL": "C.UTF-8"}, id="utf8"),
]


def _install(sandbox: Sandbox, argv: list[str]) -> list[str]:
    """Point argv[0] at a stub of the same name inside the sandbox."""
    return [sandbox.stub(argv[0]), *argv[1:]]


@pytest.mark.parametrize("compat", COMPAT)
@pytest.mark.parametrize("entry", VECTORS, ids=lambda e: f"{e['runtime']}-{len(e['argv'])}")
def test_every_fixture_vector_gets_flags_at_its_index(sandbox: Sandbox, entry: dict, compat: dict) -> None:
    family = family_of(entry["runtime"])
    wrapper = sandbox.script("wrapper", render(family, FLAGS[family]))
    argv = _install(sandbox, entry["argv"])
    at = entry["insert_at"]
    assert insertion_index(FAMILIES[family].grammar, argv) == at

    run = sandbox.run(wrapper, argv, env=compat)

    assert run.returncode == 0, run.stderr
    if at is None:  # a dotnet single-file app: no interpreter, started unchanged with one warning
        assert run.argv == encode(argv)
        assert run.stderr.count("wrapgen:") == 1 and "single-file" in run.stderr
    else:
        assert run.argv == encode(argv[:at] + FLAG_TOKENS[family] + argv[at:])
        assert run.stderr == ""


@pytest.mark.parametrize("entry", [e for e in VECTORS if e["handler_in_argv"]], ids=lambda e: e["runtime"])
def test_the_handler_stays_the_last_argument(sandbox: Sandbox, entry: dict) -> None:
    family = family_of(entry["runtime"])
    wrapper = sandbox.script("wrapper", render(family, FLAGS[family]))
    run = sandbox.run(wrapper, _install(sandbox, entry["argv"]))
    assert run.argv[-1] == entry["argv"][-1].encode()
    assert run.argv[-2] == entry["argv"][-2].encode()


def test_the_aws_documentation_sample_breaks_java17_and_wrapgen_does_not(sandbox: Sandbox) -> None:
    """The documented `insert before the last argument` sample turns the flag into the handler."""
    sample = sandbox.script(
        "sample",
        aws_sample("-XX:+PrintCommandLineFlags"),
    )
    entry = next(e for e in VECTORS if e["runtime"] == "java17")
    argv = _install(sandbox, entry["argv"])
    assert sandbox.run(sample, argv).argv[-1] == entry["argv"][-1].encode()
    assert sandbox.run(sample, argv).argv[-2] == b"-XX:+PrintCommandLineFlags"  # the handler's slot
    wrapper = sandbox.script("wrapper", render("java", ["-XX:+PrintCommandLineFlags"]))
    ours = sandbox.run(wrapper, argv).argv
    assert ours[-2:] == [e.encode() for e in entry["argv"][-2:]]
    assert ours[entry["insert_at"]] == b"-XX:+PrintCommandLineFlags"


ODD = [
    "with space",
    "'single' \"double\"",
    "*",
    "[a-z]?",
    "line\nbreak",
    "",
    "-leading-dash",
    "--",
    "$(touch pwned)",
    "`touch pwned`",
    "${HOME}",
    "tab\there",
    "non-ascii: é ✓ 日本",
    b"\xff\xfe not utf-8",
    "back\\slash",
    "trailing newline\n",
]


@pytest.mark.parametrize("compat", COMPAT)
def test_every_other_argument_is_kept_byte_for_byte(sandbox: Sandbox, compat: dict) -> None:
    wrapper = sandbox.script("wrapper", render("python", ["-X importtime"]))
    interpreter = sandbox.stub("/var/lang/bin/python3.12")
    argv = [interpreter, "-W", "a b", "-Xé", b"-\xffX", "v", "/var/runtime/bootstrap.py", *ODD]
    run = sandbox.run(wrapper, argv, env=compat)
    assert run.argv == encode([*argv[:6], "-X", "importtime", *argv[6:]])
    assert not (sandbox.root / "pwned").exists()


def test_odd_elements_before_the_program_are_kept_too(sandbox: Sandbox) -> None:
    wrapper = sandbox.script("wrapper", render("java", ["-Dx=1"]))
    java = sandbox.stub("/var/lang/bin/java")
    argv = [java, "-Dodd=a b\nc", "-cp", "has space:*", "Main", *ODD]
    assert sandbox.run(wrapper, argv).argv == encode([java, "-Dodd=a b\nc", "-cp", "has space:*", "-Dx=1", "Main",
                                                      *ODD])  # fmt: skip


@pytest.mark.parametrize(
    ("family", "argv", "at"),
    [
        ("python", ["python3", "-m", "awslambdaric", "app.handler"], 1),
        ("python", ["python3", "-uc", "print(1)"], 1),
        ("python", ["python3", "-uX", "dev", "-Wdefault", "app.py"], 4),
        ("python", ["python3", "-Xdev", "-", "x"], 2),
        ("python", ["python3", "--check-hash-based-pycs", "always", "app.py"], 3),
        ("python", ["python3", "--", "-app.py"], 1),
        ("node", ["node", "-r", "./x.js", "--", "app.js"], 3),
        ("node", ["node", "--eval=1"], 1),
        ("node", ["node", "-e", "1"], 1),
        ("java", ["java", "-cp", "a:b", "-jar", "app.jar", "x"], 3),
        ("java", ["java", "--module-path", "mods", "--module=app/Main", "x"], 3),
        ("java", ["java", "-p", "mods", "-m", "app/Main"], 3),
        ("dotnet", ["dotnet", "app.dll"], 1),
        ("dotnet", ["dotnet", "--roll-forward", "Major", "app.dll", "x"], 3),
        ("ruby", ["ruby", "-W0", "-I", "lib", "-rjson", "app.rb"], 5),
        ("ruby", ["ruby", "-e", "puts 1"], 1),
    ],
)
def test_the_option_grammar_finds_the_program(sandbox: Sandbox, family: str, argv: list[str], at: int) -> None:
    assert insertion_index(FAMILIES[family].grammar, argv) == at
    wrapper = sandbox.script("wrapper", render(family, FLAGS[family]))
    argv = _install(sandbox, ["/var/lang/bin/" + argv[0], *argv[1:]])
    assert sandbox.run(wrapper, argv).argv == encode(argv[:at] + FLAG_TOKENS[family] + argv[at:])


@pytest.mark.parametrize(
    ("family", "argv", "says"),
    [
        (
            "python",
            ["/var/lang/bin/node", "--expose-gc", "/var/runtime/index.mjs"],
            "is not a python interpreter",
        ),
        ("node", ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"], "is not node"),
        ("dotnet", ["/var/task/MyApp"], "single-file"),
        ("python", ["/var/lang/bin/python3.12", "-X", "dev"], "found no program"),
        ("java", ["/var/lang/bin/java", "-version"], "found no program"),
        ("node", ["/var/lang/bin/node", "--max-http-header-size"], "found no program"),
    ],
)
def test_fail_open_starts_the_runtime_unchanged_with_one_warning(
    sandbox: Sandbox, family: str, argv: list[str], says: str
) -> None:
    wrapper = sandbox.script("wrapper", render(family, FLAGS[family], env=["WRAPGEN_TEST_SET=yes"]))
    argv = _install(sandbox, argv)
    run = sandbox.run(wrapper, argv, show=["WRAPGEN_TEST_SET"])
    assert run.returncode == 0
    assert run.argv == encode(argv)
    assert run.stderr.startswith("wrapgen: ") and says in run.stderr and run.stderr.count("\n") == 1
    assert run.env == {"WRAPGEN_TEST_SET": b"yes"}  # variables still apply (a single-file app reads them)


def test_no_arguments_is_a_clear_error(sandbox: Sandbox) -> None:
    wrapper = sandbox.script("wrapper", render("python", ["-X importtime"]))
    run = sandbox.run(wrapper, [])
    assert run.returncode != 0
    assert "no command to run" in run.stderr and "AWS_LAMBDA_EXEC_WRAPPER" in run.stderr
    assert not sandbox.record.exists()


def test_the_exit_code_passes_through(sandbox: Sandbox) -> None:
    wrapper = sandbox.script("wrapper", render("node", ["--stack-trace-limit=50"]))
    argv = _install(sandbox, ["/var/lang/bin/node", "/var/runtime/index.mjs"])
    assert sandbox.run(wrapper, argv, env={"STUB_EXIT": "7"}).returncode == 7
    assert sandbox.run(wrapper, argv, env={"STUB_EXIT": "0"}).returncode == 0


def test_env_is_exported_byte_for_byte(sandbox: Sandbox) -> None:
    value = "a b $(touch pwned) `id` 'q' \"d\" \n é" + "x" * 200
    wrapper = sandbox.script("wrapper", render("python", ["-u"], env=[f"WRAPGEN_TEST_VALUE={value}", "EMPTY="]))
    argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
    run = sandbox.run(wrapper, argv, show=["WRAPGEN_TEST_VALUE", "EMPTY"])
    assert run.env == {"WRAPGEN_TEST_VALUE": value.encode(), "EMPTY": b""}
    assert not (sandbox.root / "pwned").exists()


class TestSwitches:
    def test_disable_runs_the_original_vector_and_sets_nothing(self, sandbox: Sandbox) -> None:
        wrapper = sandbox.script("wrapper", render("python", ["-X importtime"], env=["WRAPGEN_TEST_SET=yes"]))
        argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
        run = sandbox.run(wrapper, argv, env={"WRAPGEN_DISABLE": "1"}, show=["WRAPGEN_TEST_SET"])
        assert run.argv == encode(argv) and run.env == {} and run.stderr == ""

    def test_disable_takes_exactly_1(self, sandbox: Sandbox) -> None:
        wrapper = sandbox.script("wrapper", render("python", ["-X importtime"]))
        argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
        assert sandbox.run(wrapper, argv, env={"WRAPGEN_DISABLE": "0"}).argv[1] == b"-X"

    def test_debug_prints_the_final_command_line_quoted(self, sandbox: Sandbox) -> None:
        wrapper = sandbox.script("wrapper", render("java", ["'-Dnote=a b'"]))
        argv = _install(sandbox, ["/var/lang/bin/java", "-cp", "x y", "Main", "it's\nhere"])
        run = sandbox.run(wrapper, argv, env={"WRAPGEN_DEBUG": "1"})
        assert run.stderr.startswith("wrapgen: wrapgen-java: exec ")
        shown = run.stderr.removeprefix("wrapgen: wrapgen-java: exec ").removesuffix("\n")
        # bash reads the printed line back into exactly the vector the stub received
        back = subprocess.run(["bash", "-c", f"printf '%s\\0' {shown}"], capture_output=True, check=True).stdout
        assert back.split(b"\0")[:-1] == run.argv
        assert "\n" not in shown

    def test_then_chains_to_a_real_second_wrapper(self, sandbox: Sandbox) -> None:
        second = sandbox.script("second", render("python", ["-u"], name="second"))
        first = sandbox.script("first", render("python", ["-X importtime"], then=second, name="first"))
        argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
        run = sandbox.run(first, argv)
        assert run.argv == encode([argv[0], "-X", "importtime", "-u", argv[1]])

    def test_then_chains_to_a_hand_written_wrapper(self, sandbox: Sandbox) -> None:
        vendor = sandbox.script("vendor", '#!/bin/bash\nexport VENDOR_WAS_HERE=1\nexec "$@"\n')
        first = sandbox.script("first", render("node", ["--stack-trace-limit=50"], then=vendor))
        argv = _install(sandbox, ["/var/lang/bin/node", "--expose-gc", "/var/runtime/index.mjs"])
        run = sandbox.run(first, argv, show=["VENDOR_WAS_HERE"])
        assert run.argv == encode([argv[0], "--expose-gc", "--stack-trace-limit=50", argv[2]])
        assert run.env == {"VENDOR_WAS_HERE": b"1"}

    def test_wrapgen_then_in_the_environment_chains_once(self, sandbox: Sandbox) -> None:
        second = sandbox.script("second", render("python", ["-u"], name="second"))
        first = sandbox.script("first", render("python", ["-X importtime"], name="first"))
        argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
        run = sandbox.run(first, argv, env={"WRAPGEN_THEN": second}, show=["WRAPGEN_THEN"])
        assert run.argv == encode([argv[0], "-X", "importtime", "-u", argv[1]])
        assert run.env == {} and run.stderr == ""  # consumed, so the second wrapper does not chain again

    def test_baked_then_comes_first_and_wrapgen_then_is_left_to_the_last(self, sandbox: Sandbox) -> None:
        third = sandbox.script("third", render("python", ["-B"], name="third"))
        second = sandbox.script("second", render("python", ["-u"], name="second"))
        first = sandbox.script("first", render("python", ["-X importtime"], then=second, name="first"))
        argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
        run = sandbox.run(first, argv, env={"WRAPGEN_THEN": third})
        assert run.argv == encode([argv[0], "-X", "importtime", "-u", "-B", argv[1]])

    @pytest.mark.parametrize("state", ["missing", "not executable", "directory"])
    def test_a_missing_next_wrapper_warns_and_starts_the_runtime(self, sandbox: Sandbox, state: str) -> None:
        target = sandbox.root / "next"
        if state == "not executable":
            target.write_text('#!/bin/bash\nexec "$@"\n')
        elif state == "directory":
            target.mkdir()
        wrapper = sandbox.script("wrapper", render("python", ["-X importtime"], then=str(target)))
        argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
        run = sandbox.run(wrapper, argv)
        assert run.returncode == 0
        assert run.argv == encode([argv[0], "-X", "importtime", argv[1]])
        assert run.stderr.count("wrapgen:") == 1 and "missing or not" in run.stderr

    def test_a_next_wrapper_that_is_this_one_is_not_followed(self, sandbox: Sandbox) -> None:
        wrapper = sandbox.script("wrapper", render("python", ["-X importtime"]))
        argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
        run = sandbox.run(wrapper, argv, env={"WRAPGEN_THEN": wrapper})
        assert run.argv == encode([argv[0], "-X", "importtime", argv[1]])
        assert "is this wrapper" in run.stderr

    def test_disable_still_hands_over_to_the_next_wrapper(self, sandbox: Sandbox) -> None:
        vendor = sandbox.script("vendor", '#!/bin/bash\nexport VENDOR_WAS_HERE=1\nexec "$@"\n')
        wrapper = sandbox.script("wrapper", render("python", ["-X importtime"], then=vendor))
        argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
        run = sandbox.run(wrapper, argv, env={"WRAPGEN_DISABLE": "1"}, show=["VENDOR_WAS_HERE"])
        assert run.argv == encode(argv) and run.env == {"VENDOR_WAS_HERE": b"1"}


@pytest.mark.strace
def test_no_external_command_and_no_subshell(sandbox: Sandbox) -> None:
    """The wrapper's only process image change is its final exec: traced, and with no PATH at all."""
    second = sandbox.script("second", render("python", ["-u"], name="second"))
    wrapper = sandbox.script("wrapper", render("python", ["-X importtime"], env=["A=1"], then=second))
    argv = _install(sandbox, ["/var/lang/bin/python3.12", "/var/runtime/bootstrap.py"])
    strace = shutil.which("strace")
    assert strace, "strace is installed by .ci/run (Debian package strace)"
    trace = sandbox.root / "trace"
    run = sandbox.run(
        wrapper, argv, env={"WRAPGEN_DEBUG": "1"},
        prefix=[strace, "-f", "-qq", "-o", str(trace), "-e", "trace=execve,fork,vfork,clone,clone3"],
    )  # fmt: skip
    assert run.argv == encode([argv[0], "-X", "importtime", "-u", argv[1]])
    calls = [line.split(None, 1)[1] for line in trace.read_text().splitlines()]
    assert [call.split("(")[0] for call in calls] == ["execve", "execve", "execve"], calls  # first, second, stub
    assert not [call for call in calls if call.startswith(("fork", "vfork", "clone"))]
    no_path = sandbox.run(wrapper, argv, env={"PATH": "/nonexistent", "WRAPGEN_DEBUG": "1"}, prefix=[sandbox.bash])
    assert no_path.returncode == 0 and "not found" not in no_path.stderr
    assert no_path.argv == encode([argv[0], "-X", "importtime", "-u", argv[1]])


def test_the_script_runs_when_executed_directly_by_its_shebang(sandbox: Sandbox, tmp_path: Path) -> None:
    text = render("ruby", ["--yjit"])
    assert text.startswith("#!/bin/bash -p\n")
    wrapper = sandbox.script("wrapper", text)
    argv = _install(sandbox, ["/var/lang/bin/ruby", "/var/runtime/index.rb"])
    assert sandbox.run(wrapper, argv).argv == encode([argv[0], "--yjit", argv[1]])
