"""Issue 24's bar, against our own vendor-like wrappers (tests/fixtures/links): composed through a wrapgen wrapper
pairwise and in threes, in every order, on every runtime vector, each link's own effect appears as when it runs
alone, no argument is lost or split that was not split alone, no list variable loses a unit or gets one twice, the
handler delegation reaches the function's handler, and the runtime is exec'd (same process, its exit status).

What "alone" means here: each link run as AWS_LAMBDA_EXEC_WRAPPER with the vector (a recording stub in the
interpreter's place). The expected end of a chain is the same links run one after the other, each given what the
one before handed to the interpreter (its argv and its whole environment): the chain "by hand", each link seeing
the real interpreter. wrapgen's chain must end there, except for the list variables, where by hand a link that
overwrites drops the units before it (the controls show the bar failing so) and wrapgen's shims put them back.

The fast tier runs every ordered pair, the wrapgen wrapper first with its flags and variables, on one vector per
family (and java's with and without the handler in its command line); the rest (every vector, ours first without
flags, between and last, and the threes) is marked compose_full. Every case runs on bash 5 and on bash 4.2 (Amazon Linux
2's; the bash42 mark): the wrapper, its shims, the stub and the links' `#!/bin/bash` lines are pointed at it.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import WRAPGEN

from wrapgen.errors import InvalidValue
from wrapgen.render import render_shims, render_wrapper, shim_dir
from wrapgen.runtimes import MERGED_VARIABLES, Vector, vectors
from wrapgen.spec import wrapper_spec
from wrapgen.variables import every_unit, units

LINKS_DIR = Path(__file__).parent / "fixtures" / "links"


class Link(NamedTuple):
    families: frozenset[str]
    swap: tuple[str, str] | None = None
    """The handler it puts in _HANDLER (or in the handler argument) and the variable that carries the original."""
    replaces: bool = False
    """It execs a program of its own in the runtime's place (AWS Lambda Web Adapter)."""


ALL = frozenset({"python", "node", "java", "dotnet", "ruby"})
LINKS: dict[str, Link] = {
    "otel-java-agent": Link(frozenset({"java"})),
    "newrelic-java": Link(frozenset({"java"})),
    "otel-java-wrapper": Link(frozenset({"java"}), swap=(
        "io.opentelemetry.instrumentation.awslambdaevents.v2_2.TracingRequestWrapper",
        "OTEL_INSTRUMENTATION_AWS_LAMBDA_HANDLER")),
    "elastic-java": Link(frozenset({"java"})),
    "otel-node": Link(frozenset({"node"}), swap=("/opt/wrapper.handler", "ORIG_HANDLER")),
    "adot-node": Link(frozenset({"node"})),
    "node-probe": Link(frozenset({"node"})),
    "lumigo": Link(frozenset({"node", "python"}), swap=("lumigo_auto_instrument.handler", "LUMIGO_ORIGINAL_HANDLER")),
    "otel-python": Link(frozenset({"python"}), swap=("otel_wrapper.lambda_handler", "ORIG_HANDLER")),
    "elastic-python": Link(frozenset({"python"}), swap=("elasticapm.lambda.handler", "ELASTICAPM_ORIGINAL_HANDLER")),
    "otel-ruby": Link(frozenset({"ruby"}), swap=("/opt/wrapper.otel_wrapper", "ORIG_HANDLER")),
    "dotnet-hooks": Link(frozenset({"dotnet"})),
    "dynatrace": Link(frozenset({"java", "node", "python", "dotnet"})),
    "datadog-old": Link(ALL),
    "datadog-append": Link(ALL),
    "exec-env": Link(ALL),
    "web-adapter": Link(ALL, replaces=True),
}  # fmt: skip
"""Each fixture (a file of tests/fixtures/links), the families it is written for, and what matters to a chain."""

OURS = "wrapgen"
"""In a chain's list of names: the wrapgen wrapper itself."""

LIST_VARIABLE = {"python": "PYTHONPATH", "node": "NODE_OPTIONS", "java": "JAVA_TOOL_OPTIONS",
                 "dotnet": "DOTNET_STARTUP_HOOKS", "ruby": "RUBYOPT"}  # fmt: skip
FUNCTION_VALUE = {"PYTHONPATH": "/var/task/vendored", "NODE_OPTIONS": "--enable-source-maps",
                  "JAVA_TOOL_OPTIONS": "-Dfunction.own=1", "DOTNET_STARTUP_HOOKS": "/var/task/FunctionHook.dll",
                  "RUBYOPT": "-W:no-deprecated"}  # fmt: skip
"""What the function itself has in the family's list variable: it must survive every chain."""
HANDLER = {"python": "lambda_function.lambda_handler", "node": "index.handler",
           "java": "example.Handler::handleRequest", "dotnet": "MyApp", "ruby": "function.handler"}  # fmt: skip
"""The function's handler (_HANDLER) where the runtime does not pass it as an argument."""
OURS_FLAGS: dict[str, tuple[list[str], list[str]]] = {
    "python": (["-X importtime"], ["PYTHONPATH=/opt/wrapgen/python"]),
    "node": (["--stack-trace-limit=50"], ["NODE_OPTIONS=--require /opt/wrapgen/preload.js"]),
    # a flag with a space (Elastic splits it, as it does alone), and the unit Datadog's wrappers add
    "java": (["'-Dwrapgen.note=two words'"], ["JAVA_TOOL_OPTIONS=-javaagent:/opt/java/lib/dd-java-agent.jar"]),
    "dotnet": ([], ["DOTNET_STARTUP_HOOKS=/opt/wrapgen/Hook.dll"]),
    "ruby": (["-W0"], ["RUBYOPT=-rjson"]),
}
"""The wrapgen wrapper's own flags and variables, where a case gives it some."""
EXIT = 7
"""The stub interpreter's exit status: the function's, passed on through every exec."""
LAMBDA_PATH = "/usr/local/bin:/usr/bin:/bin"
"""Lambda's PATH without its /var/lang/bin and /opt/bin: python3 (otel-python's launcher, the python links' env)
is this machine's."""
IGNORED = {"_", "SHLVL", "PWD", "OLDPWD"}
"""Variables bash itself sets in each process: no link's effect."""

# The interpreter: answers a version probe as the runtime's would (java on stderr), else records its pid, argv
# and whole environment, NUL-separated, and exits EXIT.
STUB = r"""#!/bin/bash -p
case ${1-} in
    -version)
        printf 'openjdk version "%s"\n' "$STUB_VERSION" >&2
        exit 0
        ;;
    --version | -v | -V)
        printf '%s\n' "$STUB_VERSION"
        exit 0
        ;;
esac
printf '%s\0' "$$" "$0" "$@" >"$STUB_RECORD"
for name in $(compgen -e); do
    printf '%s=%s\0' "$name" "${!name}"
done >"$STUB_RECORD.env"
exit "$STUB_EXIT"
"""


def version_of(runtime: str) -> str:
    """What the runtime's interpreter says to --version (-version for java)."""
    if runtime.startswith("java"):
        major = runtime[4:].split(".")[0]
        return "1.8.0_402" if major == "8" else f"{major}.0.10"
    if runtime.startswith("nodejs"):
        return f"v{runtime[6:].split('.')[0]}.9.0"
    if runtime.startswith("python3."):
        return f"Python {runtime[6:]}.1"
    if runtime.startswith("python"):
        return "Python 3.12.1"
    if runtime.startswith("dotnet"):
        return f"{runtime[6:]}.0.100"
    return f"ruby {runtime[4:]}.0"


def family_of(vector: Vector) -> str:
    return next(family for family in LIST_VARIABLE if vector.runtime.startswith(family))


VECTORS = vectors()


def _vector_id(vector: Vector) -> str:
    """The runtime, and for dotnet which of its command lines (a class library's handler, `dotnet exec`, or a
    single-file program); a second recorded vector of a runtime gets -2."""
    if vector.runtime.startswith("dotnet"):
        kind = "handler" if vector.handler_in_argv else "exec" if len(vector.argv) > 1 else "single-file"
        return f"{vector.runtime}-{kind}"
    same = [v for v in VECTORS if v.runtime == vector.runtime]
    return vector.runtime + (f"-{same.index(vector) + 1}" if same.index(vector) else "")


VECTOR_IDS = {vector: _vector_id(vector) for vector in VECTORS}
REPRESENTATIVE = {"java11", "java21", "nodejs20.x", "python3.12", "dotnet8-handler", "ruby3.3"}
"""The vectors the fast tier runs every ordered pair on: one per family, and java with and without the handler in
its command line."""


@dataclass
class Start:
    """What the interpreter (or the program a link put in its place) got, and how the process ended."""

    returncode: int
    same_pid: bool
    argv: list[str]
    env: dict[str, str]
    stderr: str

    @property
    def started(self) -> bool:
        return bool(self.argv)


@dataclass
class World:
    """One directory for a bash: stubs at every vector's interpreter path, the links, the task's handler programs,
    and the chains written by wrapgen. Runs are cached by their input (a chain by hand shares its first steps)."""

    root: Path
    bash: str
    cache: dict[tuple[object, ...], Start] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for vector in VECTORS:
            self.write(self.root / vector.argv[0].lstrip("/"), STUB)
        for path in LINKS_DIR.iterdir():
            text = path.read_text()  # a link is a program; a file it sources is not
            self.write(self.root / "links" / path.name, text, 0o755 if text.startswith("#!") else 0o644)
        for handler in HANDLER.values():
            self.write(self.root / "task" / handler, STUB)
        for vector in VECTORS:
            if vector.handler_in_argv:
                self.write(self.root / "task" / vector.argv[-1], STUB)

    def write(self, target: Path, text: str, mode: int = 0o755) -> str:
        if text.startswith("#!/bin/bash"):
            text = "#!" + self.bash + text.removeprefix("#!/bin/bash")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        target.chmod(mode)
        return str(target)

    def link(self, name: str) -> str:
        """A fixture's path here (an absolute path is a link's own)."""
        return name if name.startswith("/") else str(self.root / "links" / name)

    def argv(self, vector: Vector) -> list[str]:
        return [str(self.root / vector.argv[0].lstrip("/")), *vector.argv[1:]]

    def env(self, vector: Vector) -> dict[str, str]:
        family = family_of(vector)
        variable = LIST_VARIABLE[family]
        return {
            "PATH": LAMBDA_PATH,
            "LANG": "C.UTF-8",
            "STUB_RECORD": str(self.root / "record"),
            "STUB_EXIT": str(EXIT),
            "STUB_VERSION": version_of(vector.runtime),
            "AWS_EXECUTION_ENV": "AWS_Lambda_" + vector.runtime,
            "AWS_LAMBDA_FUNCTION_NAME": "compose",
            "LAMBDA_TASK_ROOT": str(self.root / "task"),
            "LAMBDA_RUNTIME_DIR": "/var/runtime",
            "_HANDLER": vector.argv[-1] if vector.handler_in_argv else HANDLER[family],
            variable: FUNCTION_VALUE[variable],
        }

    def start(self, program: str, argv: Sequence[str], env: dict[str, str]) -> Start:
        """Exec program with argv as Lambda's bootstrap execs AWS_LAMBDA_EXEC_WRAPPER, and read the record."""
        key = (program, tuple(argv), tuple(sorted(env.items())))
        if key in self.cache:
            return self.cache[key]
        record = self.root / "record"
        for stale in (record, Path(f"{record}.env")):
            stale.unlink(missing_ok=True)
        process = subprocess.Popen([program, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, stderr = process.communicate(timeout=60)
        recorded = record.read_bytes().decode().split("\0")[:-1] if record.exists() else []
        variables = {}
        if recorded:
            for item in Path(f"{record}.env").read_bytes().decode().split("\0")[:-1]:
                name, _, value = item.partition("=")
                variables[name] = value
        result = Start(process.returncode, bool(recorded) and recorded[0] == str(process.pid), recorded[1:],
                       variables, stderr.decode(errors="replace"))  # fmt: skip
        self.cache[key] = result
        return result

    def wrapper(self, family: str, first: Sequence[str], then: Sequence[str], flagged: bool) -> str:
        """A wrapgen wrapper of this chain, written as `-o PATH` writes it: the script, and its shims in PATH.chain/
        (none where it has no link)."""
        flags, env = OURS_FLAGS[family] if flagged else ([], [])
        spec = wrapper_spec(family, flags, env, [self.link(n) for n in then], first=[self.link(n) for n in first])
        digest = hashlib.sha256("\0".join(spec.command()).encode()).hexdigest()[:12]
        path = self.root / "chains" / digest / f"wrapgen-{family}"
        if not path.exists():
            self.write(path, render_wrapper(spec).text)
            if spec.chained:
                for shim in render_shims(spec):
                    self.write(Path(shim_dir(str(path))) / shim.path, shim.text, shim.mode)
        return str(path)


_WORLDS: dict[str, World] = {}


@pytest.fixture
def world(bash: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> World:
    if request.node.get_closest_marker("compose_full") and not (
        os.environ.get("WRAPGEN_COMPOSE_FULL") == "1" or "compose_full" in (request.config.option.markexpr or "")
    ):
        pytest.skip("the whole composition matrix takes about 5 minutes a bash on 2 cores: run it with"
                    " -m compose_full or WRAPGEN_COMPOSE_FULL=1")  # fmt: skip
    if bash not in _WORLDS:
        _WORLDS[bash] = World(tmp_path_factory.mktemp("compose"), bash)
    return _WORLDS[bash]


class Case(NamedTuple):
    """A chain: the links before the wrapgen wrapper, after it, whether it has flags, and the vector."""

    first: tuple[str, ...]
    then: tuple[str, ...]
    flagged: bool
    vector: Vector

    @property
    def family(self) -> str:
        return family_of(self.vector)

    @property
    def order(self) -> tuple[str, ...]:
        return (*self.first, OURS, *self.then)

    @property
    def links(self) -> tuple[str, ...]:
        return (*self.first, *self.then)


def alone(world: World, case: Case, name: str) -> Start:
    """One link (or the wrapgen wrapper, unchained) run alone as AWS_LAMBDA_EXEC_WRAPPER on the bare vector."""
    return world.start(program(world, case, name), world.argv(case.vector), world.env(case.vector))


def program(world: World, case: Case, name: str) -> str:
    return world.wrapper(case.family, (), (), case.flagged) if name == OURS else world.link(name)


def by_hand(world: World, case: Case) -> Start:
    """The chain by hand: each link run as Lambda would, given what the one before gave the interpreter."""
    argv, env = world.argv(case.vector), world.env(case.vector)
    result = None
    for name in case.order:
        result = world.start(program(world, case, name), argv, env)
        if not result.started:
            return result
        argv, env = result.argv, {k: v for k, v in result.env.items() if k not in IGNORED}
    assert result is not None
    return result


def through_wrapgen(world: World, case: Case) -> Start:
    wrapper = world.wrapper(case.family, case.first, case.then, case.flagged)
    return world.start(wrapper, world.argv(case.vector), world.env(case.vector))


def list_problems(world: World, case: Case, end: Start) -> list[str]:
    """Units of a list variable lost (the function's, or one a link added alone), one kept twice that no link
    had twice alone, or one that comes from nowhere."""
    problems = []
    base = world.env(case.vector)
    for variable in MERGED_VARIABLES:
        required = units(variable, base.get(variable, ""))
        twice_alone: set[str] = set()
        for name in case.order:
            ran = alone(world, case, name)
            value = ran.env.get(variable, "")
            required += [unit for unit in units(variable, value) if unit not in required]
            every = every_unit(variable, value)
            twice_alone |= {unit for unit in every if every.count(unit) > 1}
        got = every_unit(variable, end.env.get(variable, ""))
        lost = [unit for unit in required if unit not in got]
        twice = sorted({unit for unit in got if got.count(unit) > 1} - twice_alone)
        extra = sorted(set(got) - set(required))
        if lost:
            problems.append(f"{variable} lost {lost} (has {end.env.get(variable)!r})")
        if twice:
            problems.append(f"{variable} has {twice} twice (has {end.env.get(variable)!r})")
        if extra:
            problems.append(f"{variable} has {extra}, which no link added (has {end.env.get(variable)!r})")
    return problems


def handler_problems(world: World, case: Case, end: Start) -> list[str]:
    """Each handler a link put in place delegates, through the variable that carries the original, to the next,
    and the last is the function's."""
    carriers = {LINKS[name].swap[0]: LINKS[name].swap[1] for name in case.links if LINKS[name].swap}
    function = world.env(case.vector)["_HANDLER"]
    problems = []
    starts = [("_HANDLER", end.env.get("_HANDLER", ""))]
    if case.vector.handler_in_argv and not any(LINKS[name].replaces for name in case.links):
        starts.append(("the handler argument", end.argv[-1] if end.argv else ""))
    for where, handler in starts:
        seen = [handler]
        while handler in carriers and len(seen) <= len(carriers):
            handler = end.env.get(carriers[handler], "")
            seen.append(handler)
        if handler != function:
            problems.append(f"{where} delegates {' -> '.join(seen)}, not to the function's {function}")
    return problems


def bar_problems(world: World, case: Case, end: Start, expected: Start) -> list[str]:
    """Everything of the bar that does not hold for `end`, against the chain by hand (`expected`)."""
    if not end.started:
        return [f"the runtime was not started (exit {end.returncode}): {end.stderr[-600:]}"]
    problems = []
    if not end.same_pid:
        problems.append("the runtime is not the process Lambda started (not exec'd)")
    if end.returncode != EXIT:
        problems.append(f"exit status {end.returncode}, not the runtime's {EXIT}")
    if end.argv != expected.argv:
        problems.append(f"argv {end.argv[1:]} where the links alone, one after the other, give {expected.argv[1:]}"
                        f" (program {end.argv[:1]} vs {expected.argv[:1]})")  # fmt: skip
    names = (set(end.env) | set(expected.env)) - IGNORED - set(MERGED_VARIABLES)
    # A link that replaces the runtime never gives the shim back the hand to end the chain: only a link wrapgen
    # knows by its path (wrapgen.links.KNOWN, /opt/bootstrap) can have the state unset before it, which
    # test_the_web_adapter_at_its_path_gets_no_state checks. The fixture here is at a path of the test's own.
    unknown_last = bool(case.links) and LINKS[case.links[-1]].replaces
    for name in sorted(names):
        if name.startswith("WRAPGEN_CHAIN_") and unknown_last:
            continue
        if name.startswith("WRAPGEN_CHAIN_"):
            problems.append(f"the chain's state {name} reaches the runtime")
        elif end.env.get(name) != expected.env.get(name):
            problems.append(f"{name}={end.env.get(name)!r} where the links alone give {expected.env.get(name)!r}")
    problems += list_problems(world, case, end)
    problems += handler_problems(world, case, end)
    return problems


# --- the matrix ---------------------------------------------------------------------------------------------------


def links_of(family: str) -> list[str]:
    return [name for name, link in LINKS.items() if family in link.families]


def runnable(family: str, chain: tuple[str, ...]) -> str | None:
    """Why a chain of links is not in the run matrix (None: it is)."""
    for i, name in enumerate(chain):
        if LINKS[name].replaces and i < len(chain) - 1:
            return "the web adapter never hands on: refused (test_refused_*) or its followers never run"
        if LINKS[name].replaces and any(LINKS[before].swap for before in chain[:i]):
            return "a handler swap before the web adapter sends it to the swapped handler, by hand too"
    return None


PLACEMENTS = ("then", "flagged-first", "flagged-between", "flagged-last")
"""Where the wrapgen wrapper stands: first without flags (every link --then), first with its flags and variables,
between (the first link --first, the rest --then) and last (every link --first)."""


def chains(family: str, size: int, start: str | None = None) -> list[tuple[str, ...]]:
    """Every ordered chain of `size` of the family's links (starting with `start`) that the run matrix holds."""
    return [chain for chain in itertools.permutations(links_of(family), size)
            if runnable(family, chain) is None and (start is None or chain[0] == start)]  # fmt: skip


def placed(chain: tuple[str, ...], placement: str, vector: Vector) -> Case | None:
    """The chain with the wrapgen wrapper where `placement` puts it (None: a link that replaces the runtime would
    not be last)."""
    replaces = any(LINKS[name].replaces for name in chain)
    if placement == "then":
        return Case((), chain, False, vector)
    if placement == "flagged-first":
        return Case((), chain, True, vector)
    if placement == "flagged-between":
        return None if LINKS[chain[0]].replaces else Case(chain[:1], chain[1:], True, vector)
    return None if replaces else Case(chain, (), True, vector)


def check(world: World, cases: Sequence[Case | None]) -> None:
    """Run each chain through wrapgen and by hand; one failure lists every chain that misses the bar."""
    failures = []
    for case in cases:
        if case is None:
            continue
        end = through_wrapgen(world, case)
        problems = bar_problems(world, case, end, by_hand(world, case))
        if problems:
            failures.append("\n    ".join([f"{' -> '.join(case.order)}{' (flagged)' if case.flagged else ''}:",
                                           *problems, *end.stderr.splitlines()[-6:]]))  # fmt: skip
    total = sum(case is not None for case in cases)
    assert not failures, f"{len(failures)} of {total} chains miss the bar:\n" + "\n".join(failures)


def pair_params() -> list[object]:
    params = []
    for vector in VECTORS:
        for placement in PLACEMENTS:
            fast = VECTOR_IDS[vector] in REPRESENTATIVE and placement == "flagged-first"
            marks = () if fast else (pytest.mark.compose_full,)
            params.append(pytest.param(vector, placement, id=f"{VECTOR_IDS[vector]}-{placement}", marks=marks))
    return params


def three_params() -> list[object]:
    return [pytest.param(vector, start, id=f"{VECTOR_IDS[vector]}-{start}", marks=pytest.mark.compose_full)
            for vector in VECTORS for start in links_of(family_of(vector)) if not LINKS[start].replaces]  # fmt: skip


@pytest.mark.parametrize(("vector", "placement"), pair_params())
def test_every_ordered_pair_ends_as_its_links_alone(world: World, vector: Vector, placement: str) -> None:
    check(world, [placed(chain, placement, vector) for chain in chains(family_of(vector), 2)])


@pytest.mark.parametrize(("vector", "start"), three_params())
def test_every_ordered_three_ends_as_its_links_alone(world: World, vector: Vector, start: str) -> None:
    """Threes: the wrapgen wrapper first without flags on every vector; first with flags, between and last on the
    representative vectors (the placements' own work is the pairs')."""
    placements = PLACEMENTS if VECTOR_IDS[vector] in REPRESENTATIVE else ("then",)
    check(world, [placed(chain, p, vector) for chain in chains(family_of(vector), 3, start) for p in placements])


# --- controls: the same bar fails without wrapgen's shims ---------------------------------------------------------


def _vector(runtime: str) -> Vector:
    return next(vector for vector in VECTORS if vector.runtime == runtime)


@pytest.mark.parametrize(
    ("runtime", "chain"),
    [("nodejs20.x", ("dynatrace", "datadog-old")), ("java21", ("otel-java-agent", "datadog-old")),
     ("python3.12", ("otel-python", "datadog-old")), ("ruby3.3", ("otel-ruby", "datadog-old")),
     ("dotnet8", ("dotnet-hooks", "datadog-old"))],
)  # fmt: skip
def test_control_by_hand_an_overwriting_link_loses_units(world: World, runtime: str, chain: tuple[str, ...]) -> None:
    """Chained by hand (each link given the real interpreter), Datadog's old wrapper drops what the function and
    the link before it put in the list variable: the bar's list check fails there, and holds through wrapgen."""
    case = Case((), chain, True, _vector(runtime))
    expected = by_hand(world, case)
    variable = LIST_VARIABLE[case.family]
    assert any(p.startswith(f"{variable} lost") for p in list_problems(world, case, expected)), expected.env
    end = through_wrapgen(world, case)
    assert not bar_problems(world, case, end, expected)
    assert "dropped" in end.stderr and "put back" in end.stderr, end.stderr


def test_control_by_hand_a_unit_added_twice_is_there_twice(world: World) -> None:
    case = Case((), ("datadog-old", "datadog-append"), False, _vector("java21"))
    expected = by_hand(world, case)
    assert any("twice" in p for p in list_problems(world, case, expected)), expected.env
    end = through_wrapgen(world, case)
    assert not bar_problems(world, case, end, expected)


def test_control_without_its_shims_only_the_first_link_runs(world: World, tmp_path: Path) -> None:
    """The wrapper copied alone (no PATH.chain/): the old behaviour, the first --then only, warned; the bar fails."""
    case = Case((), ("exec-env", "lumigo"), False, _vector("nodejs20.x"))
    wrapper = Path(world.wrapper(case.family, case.first, case.then, case.flagged))
    alone_copy = tmp_path / "wrapgen-node"
    shutil.copy(wrapper, alone_copy)
    end = world.start(str(alone_copy), world.argv(case.vector), world.env(case.vector))
    problems = bar_problems(world, case, end, by_hand(world, case))
    assert any("LUMIGO_ORIGINAL_HANDLER" in p for p in problems), problems
    assert "cannot run" in end.stderr, end.stderr


def test_the_matrix_compares_against_links_that_did_something(world: World) -> None:
    """The bar is not met by links that do nothing: each fixture alone changes what the runtime gets."""
    for name, link in LINKS.items():
        for family in sorted(link.families):
            vector = next(
                v for v in VECTORS if family_of(v) == family and v.handler_in_argv == (family in ("java", "dotnet"))
            )
            case = Case((), (), False, vector)
            ran = alone(world, case, name)
            assert ran.started and ran.same_pid and ran.returncode == EXIT, (name, family, ran.stderr)
            bare = world.env(vector)
            changed = ran.argv != world.argv(vector) or any(
                ran.env.get(k) != v for k, v in bare.items()) or set(ran.env) - set(bare) - IGNORED  # fmt: skip
            assert changed, (name, family)


def test_a_link_that_starts_the_runtime_as_a_child_hands_on(world: World) -> None:
    """AWS's sample wrapper starts the command line as a child (os.system): alone, the runtime still starts, with its
    option. Chained, the next link must still run (by hand it does: it gets the command line the sample passes)."""
    case = Case((), ("aws-sample-child", "lumigo"), False, _vector("python3.12"))
    ran = alone(world, case, "aws-sample-child")
    assert ran.started and ran.argv[1:3] == ["-X", "importtime"] and not ran.same_pid, ran
    expected = by_hand(world, case)
    assert expected.env.get("_HANDLER") == "lumigo_auto_instrument.handler", expected.env
    end = through_wrapgen(world, case)
    assert end.started and end.argv == expected.argv, end
    assert end.env.get("_HANDLER") == expected.env["_HANDLER"], (
        "the link after the child-starting one never ran: "
        + " ".join(f"{k}={v}" for k, v in end.env.items() if "HANDLER" in k or "WRAPGEN" in k)
    )


# --- refusals: each with a true reason ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "then", "named"),
    [((), ("/opt/bootstrap", "/opt/otel-handler"), "/opt/otel-handler"),
     (("/opt/bootstrap",), (), "this wrapper"),
     (("/opt/bootstrap",), ("/opt/otel-handler",), "this wrapper"),
     (("/opt/bootstrap", "/opt/datadog_wrapper"), (), "/opt/datadog_wrapper"),
     (("/opt/otel-handler",), ("/opt/bootstrap", "/opt/datadog_wrapper"), "/opt/datadog_wrapper")],
)  # fmt: skip
def test_refused_the_web_adapter_not_last(
    first: tuple[str, ...], then: tuple[str, ...], named: str, tmp_path: Path
) -> None:
    """At generation: the message names the link, what it does, and what would never run after it."""
    with pytest.raises(InvalidValue) as refused:
        wrapper_spec("node", then=then, first=first)
    message = str(refused.value)
    assert "/opt/bootstrap" in message and "Web Adapter" in message, message
    assert "replaces the runtime" in message and f"{named} after it would never run" in message, message
    command = [*WRAPGEN, "node", *(f"--first={p}" for p in first), *(f"--then={p}" for p in then),
               "-o", str(tmp_path / "w")]  # fmt: skip
    cli = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert cli.returncode != 0 and "/opt/bootstrap" in cli.stderr and "never run" in cli.stderr, cli.stderr


def test_refused_for_a_true_reason_the_web_adapter_never_hands_on(world: World) -> None:
    """What the refusal says, run: the web adapter (at a path wrapgen does not know, so not refused) before
    another link: that link and anything after never runs, whatever wrapgen's shims do."""
    case = Case((), ("web-adapter", "exec-env"), True, _vector("nodejs20.x"))
    end = through_wrapgen(world, case)
    assert end.started and end.argv == [str(world.root / "task" / "index.handler")], end
    assert "VENDOR_THROUGH_ENV" not in end.env
    # before the wrapgen wrapper (--first): it never runs either, its variable is not set
    end = through_wrapgen(world, Case(("web-adapter",), (), True, _vector("nodejs20.x")))
    assert end.started and end.argv == [str(world.root / "task" / "index.handler")], end
    assert "preload.js" not in end.env.get("NODE_OPTIONS", ""), end.env


@pytest.mark.sandbox
@pytest.mark.parametrize("runtime", ["nodejs20.x", "java21", "python3.12", "dotnet8", "ruby3.3"])
def test_the_web_adapter_at_its_path_gets_no_state(world: World, runtime: str, tmp_path: Path) -> None:
    """The web adapter where its layer puts it (/opt/bootstrap, in a mount namespace of bubblewrap's over a tmpfs
    /opt), last: the function's program gets what the links set, and none of the chain's own variables (the shim
    never runs again to unset them)."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed")
    vector = _vector(runtime)
    family = family_of(vector)
    wrapper = world.wrapper(family, (), ("exec-env", "/opt/bootstrap"), True)
    opt = ["--tmpfs", "/opt", "--ro-bind", world.link("web-adapter"), "/opt/bootstrap"]
    command = ["bwrap", "--dev-bind", "/", "/", *opt, "--", wrapper, *world.argv(vector)]
    record = world.root / "record"
    record.unlink(missing_ok=True)
    ran = subprocess.run(command, env=world.env(vector), capture_output=True, text=True, check=False, timeout=60)
    env = dict(item.partition("=")[::2] for item in Path(f"{record}.env").read_text().split("\0")[:-1])
    program = str(world.root / "task" / world.env(vector)["_HANDLER"])
    assert record.read_text().split("\0")[1:-1] == [program], ran.stderr
    assert ran.returncode == EXIT and env.get("VENDOR_THROUGH_ENV") == "1", ran.stderr
    assert not [name for name in env if name.startswith("WRAPGEN_CHAIN_")], env


def test_refused_on_stdout_a_chain_that_needs_shims() -> None:
    """Printed on stdout, a wrapper has no PATH.chain/ beside it: more than one --then (or any --first) cannot run,
    which the control without shims shows."""
    cli = subprocess.run([*WRAPGEN, "node", "--then", "/opt/a", "--then", "/opt/b"], capture_output=True, text=True,
                         check=False, timeout=120)  # fmt: skip
    assert cli.returncode != 0 and cli.stdout == "", cli
    assert "-o" in cli.stderr, cli.stderr


def test_the_cli_writes_what_the_matrix_runs(world: World, tmp_path: Path) -> None:
    """The matrix writes its chains through wrapgen's API: the same bytes as `wrapgen ... -o PATH`."""
    then = ["datadog-old", "otel-node"]
    out = tmp_path / "wrapgen-node"
    flags, env = OURS_FLAGS["node"]
    args = [f"--flag={f}" for f in flags] + [f"--env={e}" for e in env] + [f"--then={world.link(t)}" for t in then]
    cli = subprocess.run([*WRAPGEN, "node", *args, "-o", str(out)], capture_output=True, text=True, check=False,
                         timeout=120)  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    spec = wrapper_spec("node", flags, env, [world.link(t) for t in then])
    assert out.read_text() == render_wrapper(spec).text
    shims = {shim.path: shim.text for shim in render_shims(spec)}
    assert {p.name: p.read_text() for p in Path(shim_dir(str(out))).iterdir()} == shims


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
