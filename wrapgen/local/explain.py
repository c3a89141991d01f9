"""`wrapgen explain`: run a wrapper (or a chain of two) for real under bash, as each Lambda runtime of a family
would start it, with a recording stub in the interpreter's place; say what it did to the command line and the
environment, and what of that would break or silently neuter the function.

The stub is bash builtins only: it records its argv and its whole environment (/proc/self/environ), answers a probe
of the interpreter's version, and exits 42, which the wrapper must pass on. Where strace is installed, the run is
traced to tell exec from fork, count processes, and see which program the wrapper exec'd in the runtime's place.
A chain of any length runs as wrapgen runs one (wrapgen.links): the wrapgen wrapper among the scripts (else one
without flags) re-rendered with the others as its --first and --then links, and its shims beside it, each shim
recording each hand-over (what a link passed on, and what the next one was given) on the same pipe as the stand-in.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from wrapgen.errors import InvalidValue, WrapgenError
from wrapgen.grammar import Kind, classify
from wrapgen.header import read_file_command
from wrapgen.local.bootstrap import bootstrap_check, bootstrap_environment
from wrapgen.local.children import Ran
from wrapgen.presets import effects
from wrapgen.printable import printable
from wrapgen.runtimes import (
    BASH_42_RUNTIMES,
    MERGED_VARIABLES,
    Family,
    Grammar,
    Vector,
    vectors,
)

if TYPE_CHECKING:
    from wrapgen.local.sandbox import Layout
    from wrapgen.spec import WrapperSpec

_STUB = r"""#!/bin/bash
{
    printf '%s\0' {kind} "$$" "$#" "$0" "$@"
    while IFS= read -r -d '' wrapgen_entry; do
        printf '%s\0' "$wrapgen_entry"
    done < /proc/$$/environ
    printf '\0'
} >&{fd}
{next}case "${@: -1}" in
-version | --version | -V | -v | --info) printf '%s\n' {version} >&{stream}; exit 0 ;;
esac
exit {status}
"""
"""The stand-in interpreter, at Lambda's path (/var/lang/bin/NAME in the sandbox): it writes a record (its kind, pid,
argument count, argv and environment) to a pipe wrapgen reads (fd {fd}), so nothing in its environment says it is
observed; asked for its version (a wrapper's probe) it answers as the interpreter would, else it ends with
STUB_STATUS, which a wrapper must pass on (Lambda learns how its runtime ended from it). As a shim ({next}: exec the
next wrapper with the stand-in's path), it stands where the interpreter is for a wrapper that runs first."""
STUB_STATUS = 42
_OWN = frozenset({"_", "SHLVL", "PWD", "OLDPWD"})
"""Variables that bash sets for any program it starts: not a wrapper's doing."""
WORKERS = 4
"""Runtimes explained at once (each is mostly waiting for its sandbox to start and end)."""
RECORD = 4 * 1024 * 1024
"""Bytes of the stub's record and of strace's log kept (exec's own limit on argv and environment is 2 MiB)."""
_TIMEOUT = 60
"""Seconds a run may take: a wrapper execs at once, but a loaded machine's sandbox and strace start slowly."""
_FORK = re.compile(r"\b(clone3?|v?fork)\(")
BASH42_ENV = "WRAPGEN_BASH42"
"""Names a bash 4.2 (the one of Amazon Linux 2) to run the wrappers of its runtimes under."""


@dataclass(frozen=True)
class Problem:
    what: str
    breaks: bool
    """It would stop the function, or silently undo what the wrapper is for."""
    on_purpose: bool = False
    """A change the wrapper makes by design (an option replaced, the handler delegated): shown, not counted."""


@dataclass
class Step:
    """One script of the chain: the command line and environment it received and passed on."""

    script: str
    before: list[str] | None
    """The command line it received, the interpreter's path first (None: it never ran)."""
    after: list[str] | None
    """The command line it passed on (None: it never handed over)."""
    problems: list[Problem] = field(default_factory=list)
    environment: dict[str, str] | None = None
    """The environment it passed on (not reported: what the chain changed is, in the Outcome)."""
    role: str = "alone"
    """As Link.role: "alone", "first", "ours", "then"."""
    place: str = ""
    """Where it ran (its Lambda path in the sandbox)."""
    variables: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """The variables it changed: name -> (as it received it, as it passed it on); not the chain's bookkeeping."""
    skipped: str | None = None
    """Why it never ran (the chain's shim skipped it, or a link before it never handed over), or None."""
    handed: str | None = None
    """How it handed over, where not by exec to the next: "child" (it ran the next as a child), "interpreter" (it
    started the interpreter itself); None."""


@dataclass
class Outcome:
    runtime: str
    bash: str
    steps: list[Step]
    environment: dict[str, tuple[str | None, str | None]]
    """Variables the chain added, changed or removed: name -> (before, after)."""
    exit_status: int
    stdout: str
    stderr: str
    processes: str
    problems: list[Problem]
    vector: int = 1
    """Which of the runtime's recorded command lines (1: the first; .NET and java17 have more than one)."""
    unchecked: str | None = None
    """Why the verdict could not be reached here (a file of the wrapper's layer that was not given), or None."""
    variant: str = ""
    """What sets this command line apart from the runtime's first (java25: SnapStart or provisioned concurrency)."""
    command: list[str] | None = None
    """The command line the runtime got (None: it was not started)."""
    composed: str | None = None
    """Where none of the scripts was wrapgen's: the path of the wrapgen wrapper without flags that ran them as its
    links (composed by wrapgen's chain); else None."""

    @property
    def broken(self) -> bool:
        if self.unchecked is not None:
            return False
        return any(p.breaks for p in self.problems) or any(p.breaks for s in self.steps for p in s.problems)

    @property
    def label(self) -> str:
        return self.runtime if self.vector == 1 else f"{self.runtime}#{self.vector}"


def lambda_environment(vector: Vector, wrapper: str, variables: Sequence[tuple[str, str]] = ()) -> dict[str, str]:
    """What Lambda's bootstrap has set when it execs AWS_LAMBDA_EXEC_WRAPPER (example values), with the function's
    own variables (its configuration's, which may replace what Lambda does not reserve: PATH, LANG, ...)."""
    handler = vector.argv[-1] if vector.handler_in_argv else "app.handler"
    bootstrap = bootstrap_environment(vector.runtime, handler, "127.0.0.1:9001")
    return {**bootstrap, **dict(variables), "AWS_LAMBDA_EXEC_WRAPPER": wrapper}


class Link(NamedTuple):
    """One script of a chain."""

    script: str
    """The file shown: the script given (absolute), or a wrapper's own link where its layer gave it."""
    place: str
    """Where it stands where it runs (its Lambda path: /opt/NAME by default)."""
    role: str
    """"alone" (one script, no chain), "first" (a link before ours), "ours" (the wrapgen wrapper that runs the
    chain), "then" (a link after ours)."""


class Chain(NamedTuple):
    """Scripts composed as wrapgen composes them: ours (a wrapgen wrapper) runs them as its links, each started
    with a shim of ours named as the interpreter."""

    links: tuple[Link, ...]
    """In the order they run: the --first links, ours, the --then links."""
    spec: WrapperSpec
    """Ours, with its links at their places."""
    text: bytes
    """Ours' script: re-rendered from its spec, or (a wrapper's own links) the file itself."""
    composed: bool = False
    """None of the scripts is wrapgen's: ours is a wrapgen wrapper without flags, added to run them."""
    baked: bool = False
    """A wrapper's own links, from its layer or beside it: one not found is not given here (unless the layers
    were given)."""

    @property
    def ours(self) -> Link:
        return next(link for link in self.links if link.role == "ours")

    @property
    def first(self) -> bool:
        """Links run before ours (ours starts the chain, and runs when its shim hands on to it)."""
        return any(link.role == "first" for link in self.links)


def _spec(script: str) -> WrapperSpec | None:
    """The spec of a wrapgen wrapper (from its header), or None for any other script."""
    from wrapgen.spec import spec_from_command

    try:
        command = read_file_command(script)
        return None if command is None else spec_from_command(command)
    except WrapgenError:
        return None


def compose(scripts: Sequence[str], family: Family, where: Sequence[str]) -> Chain | None:
    """The scripts (absolute, at their places `where`) as wrapgen composes them: the first wrapgen wrapper among them
    is ours, those before it its --first links and those after it its --then links (around its own links, as
    WRAPGEN_FIRST and WRAPGEN_THEN are: attach's chain); with none of wrapgen's, a wrapgen wrapper without flags runs
    them all as --then links. None for one script run alone (not a wrapgen wrapper with its own links: baked() is
    for that). InvalidValue for a chain wrapgen would refuse."""
    from wrapgen.links import check_chain, check_link
    from wrapgen.render import render_wrapper
    from wrapgen.spec import wrapper_spec

    found = next(((i, spec) for i, script in enumerate(scripts) if (spec := _spec(script)) is not None), None)
    if len(scripts) == 1:
        return None
    if found is not None:
        at, spec = found
        if spec.family.name != family.name:
            raise InvalidValue(f"{scripts[at]}: a wrapgen wrapper for {spec.family.name}, not {family.name}",
                               f"--family {spec.family.name}")  # fmt: skip
        given = [Link(script, place, "first" if i < at else "ours" if i == at else "then")
                 for i, (script, place) in enumerate(zip(scripts, where, strict=True))]  # fmt: skip
        # Its own links run as they do on Lambda where WRAPGEN_FIRST and WRAPGEN_THEN hold the others: those
        # before it, its own --first links, it, its own --then links, those after it (its layer gives them).
        own_first, own_then = [Link(p, p, "first") for p in spec.first], [Link(p, p, "then") for p in spec.then]
        links = [*given[:at], *own_first, given[at], *own_then, *given[at + 1 :]]
    else:
        spec = wrapper_spec(family.name)
        place = "/opt/wrapgen/" + spec.name
        while place in where:
            place = "/opt/wrapgen/" + place.removeprefix("/opt/")
        links = [Link("", place, "ours"), *(Link(script, p, "then") for script, p in zip(scripts, where, strict=True))]
    first = tuple(check_link("--first", link.place) for link in links if link.role == "first")
    then = tuple(check_link("--then", link.place) for link in links if link.role == "then")
    check_chain(first, then)
    spec = spec._replace(first=first, then=then)
    text = render_wrapper(spec).text.encode("utf-8", "surrogateescape")
    own = found is not None and found[1].chained
    return Chain(tuple(links), spec, text, composed=found is None, baked=own)


def baked(script: str, place: str, opt: str) -> Chain | None:
    """A wrapgen wrapper with links of its own, run as its chain from `opt` (where its layer, or the files beside
    it, put its links); None for any other script, or one none of whose links is there."""
    spec = _spec(script)
    if spec is None or not spec.chained:
        return None
    paths = [*spec.first, *spec.then]
    if not any(os.path.isfile(os.path.join(opt, path.removeprefix("/opt/"))) for path in paths):
        return None
    links = [*(Link(path, path, "first") for path in spec.first), Link(script, place, "ours"),
             *(Link(path, path, "then") for path in spec.then)]  # fmt: skip
    with open(script, "rb") as stream:
        return Chain(tuple(links), spec, stream.read(), baked=True)


class How(NamedTuple):
    """How a chain is run: where each script stands (its Lambda path), in the sandbox or not, the function's layers
    unpacked (at /opt in the sandbox), and the function's own variables."""

    places: list[str]
    sandboxed: bool
    opt: str | None
    variables: tuple[tuple[str, str], ...]
    links: tuple[Link, ...]
    """The scripts, in the order they run."""
    chain: Chain | None = None
    """The scripts composed by wrapgen's chain (None: one script, run alone)."""
    layers: bool = False
    """The function's layers were given (at /opt): a file missing there is missing on Lambda too."""


def program_index(grammar: Grammar, argv: Sequence[str]) -> int | None:
    """Where the program starts (the script, main class, jar, .dll), past the interpreter's options."""
    i = 1
    while i < len(argv):
        kind, width = classify(grammar, argv[i])
        if kind is Kind.PROGRAM:
            return i
        i += width
    return None


def _bash_for(runtime: str) -> tuple[str, str]:
    """The bash to run a wrapper of this runtime under, and what to call it in the report."""
    if runtime in BASH_42_RUNTIMES and os.environ.get(BASH42_ENV):
        return os.environ[BASH42_ENV], "bash 4.2 (" + os.environ[BASH42_ENV] + ")"
    found = shutil.which("bash") or "/bin/bash"
    note = ", not Amazon Linux 2's 4.2: set WRAPGEN_BASH42 to one" if runtime in BASH_42_RUNTIMES else ""
    return found, f"this machine's bash{note}"


def _command(bash: str, script: str, path: str) -> list[str]:
    """How the kernel would start `script` (its #! line), found at `path` by the program, with bash being the
    chosen one."""
    from wrapgen.shebang import LINE_MAX, parse

    with open(script, "rb") as stream:
        parsed = parse(stream.readline(LINE_MAX + 1))
    if parsed is not None and os.path.basename(parsed[0]) == "bash":  # "bash\r" (a CRLF line) is not bash
        return [bash, *(parsed[1:] if parsed[1] is not None else ()), path]
    return [path]


def _decode(data: bytes) -> list[str]:
    return [os.fsdecode(item) for item in data.split(b"\0")[:-1]]


class Record(NamedTuple):
    """One start of the stand-in (or of the shim in the interpreter's place): its process, argv and environment."""

    kind: str
    pid: str
    argv: list[str]
    environment: dict[str, str]


def _records(data: bytes) -> list[Record]:
    """The records in the pipe, in the order written (one per start; a cut-off last one is dropped)."""
    items, found, i = _decode(data), [], 0
    while i + 3 < len(items) and items[i + 2].isdigit():
        end = i + 4 + int(items[i + 2])
        stop = items.index("", end) if "" in items[end:] else None
        if stop is None or end > len(items):
            break
        environment = dict(entry.partition("=")[::2] for entry in items[end:stop])
        found.append(Record(items[i], items[i + 1], items[i + 3 : end], environment))
        i = stop + 1
    return found


VERSION_ASKED = frozenset({"-version", "--version", "-V", "-v", "--info"})
"""A last argument that asks an interpreter its version: a wrapper's probe, not the runtime's start."""


def _version(runtime: str) -> tuple[str, int]:
    """What the runtime's interpreter answers when a wrapper asks its version, and on which stream (java: 2)."""
    found = re.search(r"(\d+)(?:\.(\d+))?", runtime)
    major, minor = (found[1], found[2] or "0") if found else ("0", "0")
    if runtime.startswith("java"):
        return f'openjdk version "{"1.8.0_0" if major == "8" else major + ".0.0"}"', 2
    said = {"python": f"Python {major}.{minor}.0", "nodejs": f"v{major}.0.0", "ruby": f"ruby {major}.{minor}.0"}
    return next((text for prefix, text in said.items() if runtime.startswith(prefix)), f"{major}.0.0"), 1


class Processes(NamedTuple):
    """What strace saw: execs and process creations, the first process (the wrapper's own), the last program that
    process tried to exec (path, whether it started), and the files under /opt the run looked for in vain."""

    execs: int
    forks: int
    first: str
    last_exec: tuple[str, bool] | None
    missing: tuple[str, ...] = ()


_EXECVE = re.compile(r'^(\d+) +execve\("((?:[^"\\]|\\.)*)", .* = (0|-1 \w+)', re.MULTILINE)


_MISSING = re.compile(r'^\d+ +(?:execve|open|openat)\((?:AT_FDCWD, )?"(/opt/(?:[^"\\]|\\.)*)",.* = -1 ENOENT',
                      re.MULTILINE)  # fmt: skip


_LIBRARY = re.compile(r"\.so(\.\d+)*$")
"""The dynamic loader's search of LD_LIBRARY_PATH (Lambda's holds /opt/lib): not a file the wrapper asked for."""


def _trace(log: bytes) -> Processes:
    """What an strace -f log says of the run."""
    text = log.decode("utf-8", "replace")
    lines = text.splitlines()
    execs = sum(1 for line in lines if "execve(" in line and line.rstrip().endswith("= 0"))
    forks = sum(1 for line in lines if _FORK.search(line) and "= -1" not in line)
    first = text.split(" ", 1)[0]
    tried = [(path, result == "0") for pid, path, result in _EXECVE.findall(text) if pid == first]
    missing = tuple(dict.fromkeys(path for path in _MISSING.findall(text) if not _LIBRARY.search(path)))
    return Processes(execs, forks, first, tried[-1] if len(tried) > 1 else None, missing)


def _ended(log: bytes | bytearray) -> int | None:
    """The exit status of the first process of an strace -f log (the wrapper, then what it exec'd), once it has
    ended (a signal N as -N); None while it runs. What it left running does not hold the run up."""
    first = log.split(b" ", 1)[0]
    if not first.isdigit():
        return None
    found = re.search(rb"^" + first + rb" +\+\+\+ (exited with (\d+)|killed by SIG(\w+))", log, re.MULTILINE)
    if found is None:
        return None
    if found[2] is not None:
        return int(found[2])
    return -getattr(signal, "SIG" + found[3].decode(), signal.SIGKILL)


def default_places(scripts: Sequence[str]) -> list[str]:
    """Where local scripts stand in the sandbox when their Lambda paths are not known: /opt/NAME."""
    places: list[str] = []
    for script in scripts:
        place = "/opt/" + os.path.basename(script)
        places.append(place if place not in places else f"/opt/{len(places)}/{os.path.basename(script)}")
    return places


class ChainRun(NamedTuple):
    """A run of the chain: the stand-in's records, how the processes ended, what strace saw (None: not traced),
    and the stand-in's path there."""

    records: list[Record]
    result: Ran
    processes: Processes | None
    stub: str
    paths: list[str]
    """Each script's path where it ran (in chain order)."""

    @property
    def first(self) -> str | None:
        """The wrapper's own process (strace's first), or None where not traced."""
        return self.processes.first if self.processes is not None else None

    def start(self, kind: str = "stub") -> Record | None:
        """The start of `kind` that counts: the one the wrapper's own process exec'd, else the last that was not a
        probe (a start as a child)."""
        mine = [record for record in self.records if record.kind == kind]
        own = [record for record in mine if record.pid == self.first]
        started = own or [r for r in mine if not (len(r.argv) > 1 and r.argv[-1] in VERSION_ASKED)]
        return started[-1] if started else None


def _stub(path: Path, vector: Vector, fd: int, kind: str, then: str = "") -> None:
    version, stream = _version(vector.runtime)
    text = _STUB.replace("{fd}", str(fd)).replace("{kind}", kind).replace("{next}", then)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("{version}", shlex.quote(version)).replace("{stream}", str(stream))
                    .replace("{status}", str(STUB_STATUS)))  # fmt: skip
    path.chmod(0o755)


PYTHON_HELPERS = ("python3", "python")
"""What a python runtime's /var/lang/bin holds beside python3.X, the interpreter wrappers run their own python
scripts with (OpenTelemetry's opentelemetry-instrument, a wrapper written in python): a real python here."""


def _helpers(layout: Layout, bin_dir: Path, name: str, bash: str) -> None:
    """Beside the stand-in, what Lambda's image has that wrappers use: python3 and python beside python3.X (this
    machine's python); and in the sandbox, /bin/sh is bash, as on Amazon Linux (Debian's is dash), and /bin/bash
    the one chosen (bash 4.2 for Amazon Linux 2: a script that another starts by its #! line runs under it too)."""
    if re.fullmatch(r"python3\.\d+", name):
        python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin") or sys.executable
        target = layout.expose_installation(os.path.realpath(python))
        for helper in PYTHON_HELPERS:
            if not (bin_dir / helper).is_symlink():
                (bin_dir / helper).symlink_to(target)
    if layout.sandboxed:
        chosen = os.path.realpath(bash)
        layout.place(chosen, "/bin/sh")
        if chosen != os.path.realpath(shutil.which("bash") or "/bin/bash"):  # Amazon Linux 2's, for every script
            layout.place(chosen, "/bin/bash")


_RECORDING = r"""{
    {kind}
    printf '%s\0' "$$" {count} {argv}
    if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
        while IFS= read -r -d '' wrapgen_entry; do
            printf '%s\0' "$wrapgen_entry"
        done < /proc/$$/environ
    else
        while IFS= read -r -d '' wrapgen_entry; do
            wrapgen_entry=${wrapgen_entry%%=*}
            if [[ $wrapgen_entry =~ ^[A-Za-z_][A-Za-z0-9_]*$ && -n ${!wrapgen_entry+set} ]]; then
                printf '%s\0' "$wrapgen_entry=${!wrapgen_entry}"
            fi
        done < /proc/$$/environ
        for wrapgen_entry in {names} "${!WRAPGEN_CHAIN_@}"; do
            if [[ -n ${!wrapgen_entry+set} ]]; then
                printf '%s\0' "$wrapgen_entry=${!wrapgen_entry}"
            fi
        done
    fi
{extra}    printf '\0'
} >&{fd}
"""
"""What a shim of the chain writes on the stand-in's pipe (a record as the stand-in's): "shim" where it starts
exec'd (what the link before passed on, its environment as exec'd), "sourced" where ours read it (ours' exports:
the variables the environment had, ours' own and the list variables, as they are now), "give" where it starts a link
or ours (with the list variables as it put them back)."""
_HANDS_ON = re.compile(r'^( *)exec -- ("\$wrapgen_(?:next|ours)") ("\$0"|"\$wrapgen_self") "\$@"$', re.MULTILINE)
_STARTED = """if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
        printf '%s\\0' shim
    else
        printf '%s\\0' sourced
    fi"""


def recording(text: str, fd: int, names: Sequence[str] = ()) -> str:
    """A shim's text (wrapgen.render.render_shims) with its records written on `fd`: one after its #! line (whether
    exec'd, or read by ours: then the environment is ours' exports, the variables it had and `names`), one before
    each exec of a link or of ours."""
    line, _, rest = text.partition("\n")
    known = " ".join(dict.fromkeys([*names, *MERGED_VARIABLES]))
    record = _RECORDING.replace("{names}", known).replace("{fd}", str(fd))
    started = record.replace("{kind}", _STARTED).replace("{count}", '"$#"').replace("{argv}", '"$0" "$@"')
    extra = "".join(f"    if [[ -n ${{{name}+set}} ]]; then\n        printf '%s\\0' \"{name}=${name}\"\n    fi\n"
                    for name in MERGED_VARIABLES)  # fmt: skip

    def give(found: re.Match[str]) -> str:
        block = record.replace("{kind}", "printf '%s\\0' give").replace("{count}", '"$(($# + 1))"')
        block = block.replace("{argv}", f'{found[2]} {found[3]} "$@"').replace("{extra}", extra)
        return "".join(found[1] + each + "\n" for each in block.splitlines()) + found[0]

    given, count = _HANDS_ON.subn(give, rest)
    if not count:
        raise InvalidValue("explain: the chain's shims no longer hand on as it reads them (a wrapgen bug)")
    return line + "\n" + started.replace("{extra}", "") + given


def _chain_files(chain: Chain, directory: Path, paths: Sequence[str], fd: int | None) -> None:
    """Ours' shims (recording on `fd`; None: as shipped) in `directory`, ours' links at `paths`."""
    from wrapgen.render import render_shims

    spec = _linked(chain, paths)
    directory.mkdir(parents=True, exist_ok=True)
    for artifact in render_shims(spec):
        path = directory / artifact.path
        names = [name for name, _ in (*spec.variables, *spec.defaults)]
        path.write_text(recording(artifact.text, fd, names) if fd is not None and artifact.text.startswith("#!")
                        else artifact.text)  # fmt: skip
        path.chmod(artifact.mode)


def _linked(chain: Chain, paths: Sequence[str]) -> WrapperSpec:
    """Ours' spec with its links at `paths` (each link's path where it runs)."""
    at = {link.place: path for link, path in zip(chain.links, paths, strict=True)}
    return chain.spec._replace(first=tuple(at[p] for p in chain.spec.first), then=tuple(at[p] for p in chain.spec.then))


def _entry(links: Sequence[Link]) -> int:
    """Which script Lambda execs: ours where it runs a chain, else the one."""
    return next((i for i, link in enumerate(links) if link.role == "ours"), 0)


def _run(how: How, vector: Vector, bash: str, work: Path) -> ChainRun:
    """Run the scripts on the vector (each at its place in the sandbox, in `opt` where given): one alone, or the
    chain (ours first, its shims recording each hand-over)."""
    from wrapgen.local.sandbox import Layout, run
    from wrapgen.render import shim_dir

    chain, links = how.chain, how.links
    sandboxed, opt = how.sandboxed, how.opt
    layout = Layout(sandboxed)
    record, record_write = os.pipe()
    trace, trace_write = os.pipe()
    name = os.path.basename(vector.argv[0])
    task = work / "task"
    task.mkdir(exist_ok=True)
    where = os.path.dirname(vector.argv[0])
    bin_dir = task if where == "/var/task" else work / "bin"  # a single-file .NET program is in the code
    bin_dir.mkdir(exist_ok=True)
    stub_dir = layout.place(str(bin_dir), where) if bin_dir != task else "/var/task" if sandboxed else str(task)
    cwd = layout.place(str(task), "/var/task")
    _helpers(layout, bin_dir, name, bash)
    entry = _entry(links)  # what Lambda execs: ours, which runs the chain
    if opt is not None and sandboxed:
        layout.place(opt, "/opt")  # the scripts are in it, at their places (ours and its shims as shipped)
        paths = [link.place for link in links]
        first = os.path.join(opt, paths[entry].removeprefix("/opt/"))
    elif chain is None:
        paths = [layout.place(links[0].script, links[0].place)]
        first = links[0].script
    else:  # no sandbox: the scripts where they are; ours written here
        paths = [str(work / "ours" / os.path.basename(link.place)) if link.role == "ours" else link.script
                 for link in links]  # fmt: skip
        first = paths[entry]
    if chain is not None:
        ours = paths[entry]
        if not sandboxed:  # ours re-rendered with its links where they are here
            from wrapgen.render import render_wrapper

            Path(ours).parent.mkdir(exist_ok=True)
            Path(ours).write_text(render_wrapper(_linked(chain, paths)).text)
            Path(ours).chmod(0o755)
        shims = work / "shims" if sandboxed else Path(shim_dir(ours))
        _chain_files(chain, shims, paths, record_write)
        layout.place(str(shims), shim_dir(ours))  # over the shims as shipped, in the sandbox
    stub_path = os.path.join(stub_dir, name)
    _stub(bin_dir / name, vector, record_write, "stub")
    env = lambda_environment(vector, paths[entry], how.variables)
    interpreter = os.path.join(stub_dir, name)
    argv = [*_command(layout.expose(bash), first, paths[entry]), interpreter, *vector.argv[1:]]
    strace = shutil.which("strace")
    fds = [record_write]
    reads = {record: RECORD}
    if strace:
        argv = [layout.expose(strace), "-f", "-q", "-o", f"/dev/fd/{trace_write}", "-e",
                "trace=execve,clone,clone3,fork,vfork,open,openat", *argv]  # fmt: skip
        fds.append(trace_write)
        reads[trace] = RECORD
    else:
        os.close(trace_write)
        os.close(trace)
    # strace waits for every process it traces: the run ends when the wrapper's own process does.
    until = (lambda kept: _ended(kept[trace]) is not None) if strace else None
    result = run(layout, argv, env, _TIMEOUT, cwd, reads=reads, pass_fds=fds, until=until)
    if result.timed_out:
        raise InvalidValue(f"{links[entry].script or paths[entry]}: still running after {_TIMEOUT} s (a wrapper must"
                           " exec the runtime)")  # fmt: skip
    processes = _trace(result.read[trace]) if strace else None
    status = _ended(result.read[trace]) if strace else None
    if status is not None:
        result = result._replace(returncode=status)
    return ChainRun(_records(result.read[record]), result, processes, stub_path, paths)


PROTECTED = frozenset({"-classpath", "-cp", "--class-path", "--depsfile", "--runtimeconfig"})
"""Options of the runtime's own that it cannot start without (its class path, its .NET files): removing one breaks
the function, where removing another option is a change on purpose."""


def _compare(family: Family, vector: Vector, before: list[str], after: list[str], env: dict[str, str] | None
             ) -> list[Problem]:  # fmt: skip
    """What a wrapper did to the command line, read by the interpreter's grammar: what would break or neuter the
    function, and what it changes on purpose."""
    problems: list[Problem] = []
    grammar = family.grammar
    program = program_index(grammar, before)
    delegated = _delegated(vector, before, after, env or {})
    if vector.handler_in_argv and after[-1:] != before[-1:]:
        if delegated:
            problems.append(Problem(f"the handler {before[-1]!r} replaced by {after[-1]!r}, which gets the original"
                                    f" from {delegated}", False, True))  # fmt: skip
        else:
            problems.append(Problem(f"the handler changed: the runtime reads {after[-1:]!r} where {before[-1]!r} was"
                                    " (the function fails at init)", True))  # fmt: skip
    if program is None:
        return problems + _options(before, after, None) + _duplicated(grammar, before, after)
    moved = program_index(grammar, after)
    if moved is None or after[moved] != before[program]:
        found = "nothing" if moved is None else repr(after[moved])
        problems.append(Problem(f"the program was displaced: the interpreter starts {found} where"
                                f" {before[program]!r} was", True))  # fmt: skip
        return problems + _options(before, after, program) + _duplicated(grammar, before, after)
    cut = 1 if vector.handler_in_argv else 0  # the handler, checked above
    tail_before, tail_after = before[program + 1 : len(before) - cut], after[moved + 1 : len(after) - cut]
    if tail_after != tail_before:
        extra = tail_after[: len(tail_after) - len(tail_before)] if tail_after[len(tail_after) - len(tail_before):]\
            == tail_before else tail_after  # fmt: skip
        what = "duplicated" if extra and extra == tail_before else "after the program"
        problems.append(Problem(f"{extra!r} {what} {before[program]!r}: the interpreter passes it to the program,"
                                " as an argument, instead of reading it", True))  # fmt: skip
    kept = _options(before[: program + 1], after[: moved + 1], program)
    return problems + kept + _duplicated(grammar, before, after)


def _delegated(vector: Vector, before: list[str], after: list[str], env: dict[str, str]) -> str | None:
    """The variable through which a wrapper that replaced the handler hands the original to its own (OTel's and
    ADOT's java wrappers), or None."""
    if not vector.handler_in_argv or after[-1:] == before[-1:] or not after:
        return None
    return _carrier(env, before[-1])


def _carrier(env: dict[str, str], handler: str) -> str | None:
    """The variable (not _HANDLER) that holds the original handler for the wrapper's own, or None."""
    return next((name for name, value in sorted(env.items()) if value == handler and name != "_HANDLER"), None)


def _options(before: list[str], after: list[str], program: int | None) -> list[Problem]:
    """The interpreter's options: one lost, split or joined breaks; one the wrapper removed or replaced (before the
    program, not the runtime's class path) is a change on purpose."""
    problems: list[Problem] = []
    matcher = difflib.SequenceMatcher(a=before[1:], b=after[1:], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("delete", "replace"):
            continue
        removed, added = before[1 + i1 : 1 + i2], after[1 + j1 : 1 + j2]
        options = program is not None and 1 + i2 <= program and not PROTECTED & set(before[i1 : 2 + i2])
        found = _lost(removed, added)
        if options and all(p.what.startswith("lost:") for p in found):
            verb = "replaced with " + shlex.join(added) if added else "removed"
            problems.append(Problem(f"option {shlex.join(removed)} {verb} (the wrapper's doing)", False, True))
        else:
            problems += found
    return problems


def _units(grammar: Grammar, argv: Sequence[str]) -> list[str]:
    """A command line's arguments after the interpreter, an option with its value as one ("-X importtime")."""
    found: list[str] = []
    i = 1
    while i < len(argv):
        kind, width = classify(grammar, argv[i])
        if kind is Kind.PROGRAM:
            return found + list(argv[i:])
        found.append(" ".join(argv[i : i + max(width, 1)]))
        i += max(width, 1)
    return found


def _duplicated(grammar: Grammar, before: list[str], after: list[str]) -> list[Problem]:
    """An argument (an option with its value) given again: python's "-X dev -X importtime" is no repeat."""
    had, now = _units(grammar, before), _units(grammar, after)
    duplicated = sorted(unit for unit in Counter(now) - Counter(had) if unit in had)
    return [Problem(f"duplicated: {duplicated!r} now appears more than once", False)] if duplicated else []


def changes(before: Sequence[str], after: Sequence[str]) -> list[str]:
    """What changed between two command lines, in words: inserted, removed, replaced elements."""
    found = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        where = f"before {before[i1]!r}" if i1 < len(before) else "at the end"
        if tag == "insert":
            found.append(f"inserted {shlex.join(after[j1:j2])} {where}")
        elif tag == "delete":
            found.append(f"removed {shlex.join(before[i1:i2])}")
        elif tag == "replace":
            found.append(f"replaced {shlex.join(before[i1:i2])} with {shlex.join(after[j1:j2])}")
    return found or ["unchanged"]


def _lost(removed: list[str], added: list[str]) -> list[Problem]:
    """Arguments gone from the command line: split on spaces, joined into one, or lost."""
    problems = []
    joined = " ".join(removed)
    if len(removed) > 1 and joined in added:
        return [Problem(f"joined: {removed!r} arrived as one argument {joined!r}", True)]
    for arg in removed:
        words = arg.split()
        if len(words) > 1 and all(word in added for word in words):
            problems.append(Problem(f"split: {arg!r} arrived as {len(words)} arguments {words!r}", True))
        else:
            problems.append(Problem(f"lost: {arg!r} no longer reaches the runtime", True))
    return problems


def _handler_variable(vector: Vector, given: dict[str, str], got: dict[str, str]) -> list[Problem]:
    """_HANDLER, which the python, node and ruby runtimes read: replaced by the wrapper's own handler where another
    variable carries the original (OpenTelemetry's python and node wrappers), else the function's is never called.
    Where the runtime reads the handler from its command line (java17+, .NET), changing it alone does nothing."""
    before, after = given.get("_HANDLER"), got.get("_HANDLER")
    if before == after or before is None:
        return []
    if vector.handler_in_argv:
        return [Problem(f"_HANDLER changed to {after!r}, which this runtime does not read (it takes the handler from"
                        " its command line)", False)]  # fmt: skip
    carrier = _carrier(got, before)
    if carrier is not None:
        return [Problem(f"_HANDLER {before!r} replaced by {after!r}, which gets the original from {carrier}", False,
                        True)]  # fmt: skip
    return [Problem(f"_HANDLER changed from {before!r} to {after!r}, and no variable carries the original: the"
                    " function's handler is never called", True)]  # fmt: skip


def _lists(given: dict[str, str], got: dict[str, str], next_got: dict[str, str] | None = None) -> list[Problem]:
    """What a wrapper did to the list variables (NODE_OPTIONS, JAVA_TOOL_OPTIONS, ...), unit by unit (an option with
    its value, as wrapgen.variables cuts them): a unit it was given and dropped breaks (it overwrote the function's
    or an earlier wrapper's value), unless wrapgen's chain put it back (`next_got`: what the next link, or the
    runtime, got from the shim); a unit added twice is noted."""
    from wrapgen.variables import every_unit

    problems = []
    for name, separator in MERGED_VARIABLES.items():
        before, after = every_unit(name, given.get(name, "")), every_unit(name, got.get(name, ""))
        dropped = [unit for unit in before if unit not in after]
        back = every_unit(name, next_got.get(name, "")) if next_got is not None else []
        if dropped and all(unit in back for unit in dropped):
            problems.append(Problem(f"{name}: {separator.join(dropped)!r} dropped (it overwrote the list), put back"
                                    " by wrapgen's chain", False))  # fmt: skip
        elif dropped:
            problems.append(Problem(f"{name}: {separator.join(dropped)!r} dropped: the wrapper overwrote the list"
                                    " instead of adding to it", True))  # fmt: skip
        twice = sorted(unit for unit, count in Counter(after).items() if count > 1 and count > before.count(unit))
        if twice:
            problems.append(Problem(f"{name}: {twice!r} now given more than once", False))
    return problems


def _environment(given: dict[str, str], got: dict[str, str]) -> dict[str, tuple[str | None, str | None]]:
    names = (set(given) | set(got)) - _OWN
    if got.get("LC_CTYPE") == "C.UTF-8" and "LC_CTYPE" not in given:
        names.discard("LC_CTYPE")  # a python launcher's locale coercion here (Lambda's en_US.UTF-8 is not installed)
    return {n: (given.get(n), got.get(n)) for n in sorted(names) if given.get(n) != got.get(n)}


def check_scripts(scripts: Sequence[str]) -> None:
    """Each script is what Lambda's bootstrap would exec: an executable file."""
    for script in scripts:
        refused = bootstrap_check(script)
        if refused is not None:
            status, said = refused
            raise InvalidValue(f"{script}: not an executable file (Lambda's bootstrap: {said!r}, exit {status})")


def explain(scripts: Sequence[str], family: Family, runtimes: Sequence[str] = (), *, sandboxed: bool = True,
            places: Sequence[str] | None = None, opt: str | None = None,
            variables: Sequence[tuple[str, str]] = (), every_vector: bool = False,
            managed: int | None = None) -> list[Outcome]:  # fmt: skip
    """Run the scripts (one, or a chain of any length in the order they run, composed by compose() or baked()) under
    each runtime's first recorded command line (`every_vector`: each of them), in the sandbox
    (wrapgen.local.sandbox) unless `sandboxed` is false, each script at its place there (its Lambda path; default
    /opt/NAME); `opt`, a directory of the function's layers unpacked (wrapgen.local.optdir), is /opt there, the
    scripts written into it at their places (without it, the files each script names under /opt that stand beside
    it); `variables` are the function's own, in the environment the scripts see. One outcome per command line, in
    the runtimes' order. `managed`: as a Managed Instances environment of that concurrency (wrapgen.local.managed)."""
    check_scripts(scripts)
    from wrapgen.local.managed import check, compared, explain_runs, lambda_variables
    from wrapgen.render import shim_dir

    if managed is not None:
        runtimes = check(family, tuple(runtimes), managed)
    given = [os.path.abspath(script) for script in scripts]
    chosen = [v for v in vectors() if v.runtime in (runtimes or family.runtimes)]
    where = default_places(given)
    for i, place in enumerate(places or ()):
        if place.startswith("/opt/") and os.path.normpath(place) == place and place not in where[:i]:
            where[i] = place  # a layer's file, where Lambda unzips it
    chain = compose(given, family, where)
    from concurrent.futures import ThreadPoolExecutor

    from wrapgen.local.optdir import put

    # Each run is its own (sandbox, work directory): they run side by side, a few at a time.
    with tempfile.TemporaryDirectory(prefix="wrapgen-explain-") as tmp, ThreadPoolExecutor(WORKERS) as pool:
        how = How(where, sandboxed, opt, tuple(variables), (Link(given[0], where[0], "alone"),), None, opt is not None)
        if sandboxed and opt is None:  # /opt as the scripts' layer has it, as far as it is known here
            known = os.path.join(tmp, "opt")
            os.mkdir(known)
            put(known, siblings(given, where))
            how = how._replace(opt=known)
        if how.opt is not None and sandboxed:
            put(how.opt, list(zip(given, where, strict=True)))
            chain = chain or baked(given[0], where[0], how.opt)
            if chain is not None:  # ours as composed, and its shims as shipped (each run's record, over them)
                path = Path(how.opt, chain.ours.place.removeprefix("/opt/"))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.unlink(missing_ok=True)
                path.write_bytes(chain.text)
                path.chmod(0o755)
                _chain_files(chain, Path(shim_dir(str(path))), [link.place for link in chain.links], None)
        if chain is not None:
            how = how._replace(links=chain.links, chain=chain)
        order = {runtime: i for i, runtime in enumerate(runtimes or family.runtimes)}
        runs = [(order[v.runtime], v.runtime, v) for v in chosen if v.runtime in order]
        if not every_vector:
            runs = list({runtime: (i, runtime, v) for i, runtime, v in reversed(runs)}.values())
        runs.sort(key=lambda run: run[0])
        numbered = [(vector, sum(1 for _, r, _ in runs[:i] if r == runtime) + 1)
                    for i, (_, runtime, vector) in enumerate(runs)]  # fmt: skip
        if managed is not None:
            how = how._replace(variables=(*how.variables, *lambda_variables(managed)))
        repeats = 1 if managed is None else explain_runs(family, managed)
        jobs = [[pool.submit(_explain_one, how, family, vector, Path(tempfile.mkdtemp(dir=tmp)), index)
                 for _ in range(repeats)] for vector, index in numbered]  # fmt: skip
        done = [[job.result() for job in runs] for runs in jobs]
        outcomes = [runs[0] if managed is None else compared(runs, family, managed, sandboxed) for runs in done]
    return outcomes


SIBLING_MAX = 1024 * 1024
"""Bytes of a file beside a script that the script names under /opt (a script of its layer it sources)."""


def siblings(chain: Sequence[str], places: Sequence[str]) -> list[tuple[str, str]]:
    """The files a script names that stand beside it here as they would in its layer (ADOT's and New Relic's
    wrappers source another script of theirs at /opt/NAME; OpenTelemetry's runs one from its own directory):
    (host file, path under /opt). Named by a path under /opt, or by its name alone for a file in the script's own
    directory; only regular files under that directory, not hidden, at most SIBLING_MAX bytes; none from a
    directory that holds a home."""
    from wrapgen.local.sandbox import holds_a_home

    found: list[tuple[str, str]] = []
    for script, place in zip(chain, places, strict=True):
        root, base = os.path.realpath(os.path.dirname(script)), os.path.dirname(place)
        if holds_a_home(root):
            continue
        with open(script, "rb") as stream:
            text = stream.read(SIBLING_MAX).decode("utf-8", "replace")
        named = [os.path.relpath(os.path.normpath(path), base) for path in re.findall(r"/opt/[\w.+@%/-]+", text)]
        words = set(re.findall(r"[\w.-]+", text))  # once, not a search of the text per file of the directory
        with os.scandir(root) as entries:
            named += [entry.name for entry in entries if entry.name in words or not re.fullmatch(r"[\w.-]+", entry.name)
                      and re.search(rf"(?<![\w.-]){re.escape(entry.name)}(?![\w.-])", text)]  # fmt: skip
        for relative in dict.fromkeys(named):
            if relative.startswith("..") or any(part.startswith(".") for part in relative.split(os.sep)):
                continue
            path = os.path.realpath(os.path.join(root, relative))
            if path.startswith(root + os.sep) and os.path.isfile(path) and os.path.getsize(path) <= SIBLING_MAX:
                found.append((path, os.path.join(base, relative)))
    return [(path, place) for path, place in found if place not in places]


def _started(start: Record | None, status: int, forked: bool | None, replaced: Problem | None) -> list[Problem]:
    """How the runtime was started and ended, as Lambda sees it through the wrapper."""
    if start is None:
        if replaced is not None and replaced.on_purpose:
            return [replaced]
        found = [replaced or Problem("the runtime was not started: the wrapper exited without exec'ing it", True)]
        if status != 0:
            found.append(Problem(f"exit status {status}: Lambda reports the runtime's init as failed", True))
        return found
    found = []
    if forked:
        found.append(Problem("the runtime was started as a child of the wrapper, not by exec: Lambda's signals reach"
                             " the wrapper, and the runtime is not the process Lambda started", True))  # fmt: skip
    if status != STUB_STATUS:
        found.append(Problem(f"the runtime's exit status is lost: it ended with {STUB_STATUS}, the wrapper exited"
                             f" {status} (Lambda learns how the runtime ended from it)", True))  # fmt: skip
    return found


_SHELLS = frozenset({"bash", "sh", "dash", "env"})


def _replaced(last: tuple[str, bool] | None, known: Sequence[str]) -> Problem | None:
    """Where the runtime never started: the program the wrapper's own process exec'd last in its place (AWS Lambda
    Web Adapter's bootstrap execs the function's own program, by design), or None. An interpreter that ran a script
    of the wrapper's (python3 with OpenTelemetry's launcher) replaced nothing: it did not start the runtime."""
    if last is None or last[0] in known or os.path.basename(last[0]) in _SHELLS:
        return None
    path, started = last
    if started and os.path.basename(path) in _INTERPRETERS:
        return None
    if started or path.startswith("/var/task/"):
        where = " (in the function's code: not here to run)" if not started else ""
        return Problem(f"the runtime replaced by {path}, a program the wrapper names{where}", False, True)
    return Problem(f"the wrapper exec'd {path}, which is not there or cannot run: the runtime was not started", True)


_INTERPRETERS = frozenset({*PYTHON_HELPERS, "node", "ruby", "java", "dotnet"})


def _argv(record: Record | None, vector: Vector) -> list[str] | None:
    """A record's argv as the runtime passes it (the stand-in named as the interpreter)."""
    return None if record is None else [vector.argv[0], *record.argv[1:]]


_SKIPPED = re.compile(r"^wrapgen: \S+: (?:chain link )?(.*) (is not an absolute path|is this wrapper|is missing or"
                      r" not executable|has a #! line ending in CR \(CRLF\)|has no #! line and is not a program|could"
                      r" not be started); skipped$", re.MULTILINE)  # fmt: skip
"""A shim's warning for a link it skipped (templates/shim.sh.j2)."""
BOOKKEEPING = "WRAPGEN_CHAIN_"
"""The prefix of the variables a chain's wrapper and shims keep their state in (not a link's doing)."""


def _own(env: dict[str, str]) -> dict[str, str]:
    """An environment without the chain's bookkeeping."""
    return {name: value for name, value in env.items() if not name.startswith(BOOKKEEPING)}


def _probe(record: Record) -> bool:
    return len(record.argv) > 1 and record.argv[-1] in VERSION_ASKED


class Handed(NamedTuple):
    """The chain's hand-overs, read from the shims' records."""

    steps: list[Step]
    hand_overs: int
    """Execs of a shim (a link handing over) and of a link (a shim starting it), each one the chain needs."""


_SHIM = frozenset({"shim", "sourced", "give"})
"""The kinds of a shim's records."""


def _state(records: Sequence[Record]) -> str | None:
    """The name of the chain's state variable (its value: the chain's process), from a shim's record."""
    for record in records:
        if record.kind in _SHIM:
            found = [name for name in record.environment if re.fullmatch(BOOKKEEPING + "[0-9A-F]{8}", name)]
            if found:
                return found[0]
    return None


def _handed(records: Sequence[Record], at: int, chained: Callable[[Record], bool]) -> tuple[Record | None, int]:
    """The record of what a link started (from `at` on): the shim handed over to, or a start as a child or of the
    interpreter itself; None where it started nothing before the shim started another. And where to read on."""
    for i in range(at, len(records)):
        if records[i].kind == "give":
            break
        if not (_probe(records[i]) and not chained(records[i])):  # a probe ("$1" -version) hands nothing over
            return records[i], i + 1
    return None, at


def _chain_steps(chain: Chain, ran: ChainRun, family: Family, vector: Vector, given: dict[str, str], stderr: str
                 ) -> Handed:  # fmt: skip
    """Each link of the chain: what it received (a shim's "give" record, or Lambda's start for ours when it runs
    first), what it passed on (the shim's record it started), what it changed; skipped links with the shim's
    reason; links after one that never handed over by exec, as never run."""
    records, state = ran.records, _state(ran.records)

    def chained(record: Record) -> bool:
        return record.kind in _SHIM and state is not None and record.environment.get(state) == record.pid

    why = dict(_SKIPPED.findall(stderr))
    steps: list[Step] = []
    hand_overs = sum(chained(record) and record.kind != "sourced" for record in records)  # one exec each
    at = 0
    if chain.first:  # ours started the chain without doing its work: its shim's first record
        at = next((i + 1 for i, record in enumerate(records) if chained(record)), len(records))
    stopped: str | None = None
    for link, path in zip(chain.links, ran.paths, strict=True):
        step = Step(link.script or path, None, None, role=link.role, place=link.place)
        steps.append(step)
        if stopped is not None:
            step.skipped = stopped
            step.problems.append(Problem(f"never ran: {stopped}", True))
            continue
        if link.role == "ours" and not chain.first:
            before, received = list(vector.argv), given
        else:
            found = next((i for i in range(at, len(records)) if records[i].kind == "give" and chained(records[i])
                          and records[i].argv[:1] == [path]), None)  # fmt: skip
            if found is None:
                step.skipped = why.get(path, "was not started")
                step.problems.append(Problem(f"skipped: it {step.skipped} (the chain went on without it)", False))
                continue
            before, received, at = [vector.argv[0], *records[found].argv[2:]], records[found].environment, found + 1
        step.before = before
        handed, at = _handed(records, at, chained)
        if handed is None:
            stopped = f"{step.script} before it never handed over"
            continue
        step.after, step.environment = [vector.argv[0], *handed.argv[1:]], handed.environment
        if not chained(handed):
            step.handed = "child" if handed.kind == "shim" else "interpreter"
            stopped = f"{step.script} before it " + (
                "ran the next as a child, not by exec" if step.handed == "child"
                else "started the interpreter itself, not the one it was given ($1)")  # fmt: skip
        after = _own(handed.environment)
        got = next((r.environment for r in records[at:] if r.kind == "give" and chained(r) or r.kind == "stub"
                    and not _probe(r)), None) if chained(handed) else None  # fmt: skip
        step.variables = _environment(_own(received), after)
        step.problems = _compare(family, vector, before, step.after, after)
        step.problems += _lists(received, after, got) + _handler_variable(vector, _own(received), after)
    if chain.composed:
        steps = [step for step in steps if step.role != "ours"]
    return Handed(steps, hand_overs)


def _explain_one(how: How, family: Family, vector: Vector, work: Path, index: int = 1) -> Outcome:
    bash, bash_note = _bash_for(vector.runtime)
    ran = _run(how, vector, bash, work)
    processes, first, start = ran.processes, ran.first, ran.start()
    result = ran.result
    paths = ran.paths
    given_env = lambda_environment(vector, paths[_entry(how.links)], how.variables)
    stderr = result.stderr.decode("utf-8", "replace")
    chain = how.chain
    if chain is None:
        (link,) = how.links
        step = Step(link.script, list(vector.argv), _argv(start, vector), place=link.place,
                    environment=start.environment if start else None)  # fmt: skip
        if step.after is not None and step.environment is not None:
            step.variables = _environment(given_env, step.environment)
            step.problems = _compare(family, vector, step.before or [], step.after, step.environment)
            step.problems += _lists(given_env, step.environment) + _handler_variable(vector, given_env,
                                                                                      step.environment)  # fmt: skip
        steps, needed = [step], 2
    else:
        handed = _chain_steps(chain, ran, family, vector, given_env, stderr)
        steps, needed = handed.steps, 2 + handed.hand_overs
    interpreter = os.path.join(os.path.dirname(ran.stub), os.path.basename(vector.argv[0]))
    known = [*paths, ran.stub, interpreter]
    if chain is not None:
        from wrapgen.render import shim_dir

        ours = paths[_entry(chain.links)]
        known += [os.path.join(shim_dir(ours), os.path.basename(vector.argv[0])),
                  os.path.join(shim_dir(ours), family.interpreters[0])]  # fmt: skip
    replaced = _replaced(processes.last_exec if processes else None, known)
    forked = None if start is None or first is None else start.pid != first
    problems = _started(start, result.returncode, forked, replaced) + _output(result, chain)
    got = _argv(start, vector)
    problems += [Problem(effect, False) for effect in (effects(vector, got) if got else [])]
    counted = "not traced (strace is not installed)"
    if processes is not None:
        counted = f"{processes.execs} exec(s), {processes.forks} fork(s)"
        problems += _counted(processes, needed)
    outcome = Outcome(
        runtime=vector.runtime,
        bash=bash_note,
        steps=steps,
        environment=_environment(given_env, _own(start.environment)) if start is not None else {},
        exit_status=result.returncode,
        stdout=result.stdout.decode("utf-8", "replace"),
        stderr=stderr,
        processes=counted,
        problems=problems,
        vector=index,
        variant=vector.variant,
        command=got,
        composed=chain.ours.place if chain is not None and chain.composed else None,
    )
    missing = [path for path in processes.missing if path not in paths] if processes is not None else []
    if missing and not how.layers and (outcome.broken or start is None):
        outcome.unchecked = f"it looks for {', '.join(map(repr, missing))}, a file of its layer, not given here"
    if chain is not None and chain.baked and not how.layers:
        absent = [step.place for step in steps if step.skipped == "is missing or not executable"]
        if absent:
            outcome.unchecked = f"its link {', '.join(map(repr, absent))} is not here, a file of its layer not given"
    return outcome


def _output(result: Ran, chain: Chain | None = None) -> list[Problem]:
    """What the scripts printed (the chain's own word on a link it skipped or repaired: said at the link)."""
    found = []
    if result.stdout:
        found.append(Problem("wrote to stdout (it lands in the function's log)", False))
    said = result.stderr.decode("utf-8", "replace")
    if chain is not None:
        own = re.compile(rf"^wrapgen: {re.escape(chain.spec.name)}: .*(; skipped|; put back|; kept once)\n?", re.M)
        said = own.sub("", said)
    if said.strip():
        found.append(Problem("printed on stderr: " + said.strip(), False))
    return found


def _counted(processes: Processes, needed: int) -> list[Problem]:
    found = []
    if processes.forks:
        found.append(Problem(f"{processes.forks} fork(s): each costs cold-start time (bash builtins need none)", False))
    if processes.execs > needed:
        found.append(Problem(f"{processes.execs - needed} exec(s) more than the chain needs", False))
    return found


def _shown(argv: Sequence[str] | None) -> str:
    return "(the runtime was not started)" if argv is None else printable(shlex.join(argv))


def _label(problem: Problem) -> str:
    return "problem" if problem.breaks else "changed on purpose" if problem.on_purpose else "note"


_ROLES = {"alone": "", "first": "  (before ours: --first)", "ours": "  (ours: the wrapgen wrapper that runs the chain)",
          "then": "  (after ours: --then)"}  # fmt: skip
_NEVER = "(it never handed over)"


def _change(name: str, old: str | None, new: str | None) -> str:
    return f"{name}={new}" if old is None else f"{name} unset" if new is None else f"{name}={new} (was {old})"


def describe(outcomes: Sequence[Outcome], family: Family) -> str:
    """The outcomes as text: per runtime, each wrapper's command line before and after, and the problems."""
    out = []
    counted = Counter(outcome.runtime for outcome in outcomes)
    for outcome in outcomes:
        verdict = "BREAKS the function" if outcome.broken else "NOT CHECKED" if outcome.unchecked else "ok"
        out.append(f"{outcome.label}: {verdict}  (under {outcome.bash}; {outcome.processes})")
        if counted[outcome.runtime] > 1:
            variant = f": {outcome.variant}" if outcome.variant else ""
            out.append(f"  command line {outcome.vector} of {counted[outcome.runtime]} recorded for {outcome.runtime}"
                       + variant)  # fmt: skip
        if outcome.composed:
            out.append(f"  composed by wrapgen's chain: a wrapgen wrapper without flags ({printable(outcome.composed)})"
                       " runs each script as a --then link")  # fmt: skip
        for number, step in enumerate(outcome.steps, 1):
            chained = step.role != "alone"
            out.append(f"  {f'{number}. ' if chained else ''}{printable(step.script)}{_ROLES[step.role]}")
            if step.before is not None:
                out.append(f"    received:  {_shown(step.before)}")
                out.append(f"    passed on: {_shown(step.after) if step.after is not None or not chained else _NEVER}")
            if step.before is not None and step.after is not None:
                out += [f"    changed: {printable(c)}" for c in changes(step.before, step.after)]
            out += [f"    variable: {printable(_change(name, old, new))}" for name, (old, new) in step.variables.items()
                    if chained]  # fmt: skip
            out += [f"    {_label(p)}: {printable(p.what)}" for p in step.problems]
        if outcome.steps and outcome.steps[0].role != "alone":
            out.append(f"  the runtime got: {_shown(outcome.command)}")
        out += [
            f"  environment: {printable(_change(name, old, new))}" for name, (old, new) in outcome.environment.items()
        ]
        out += [f"  {_label(p)}: {printable(p.what)}" for p in outcome.problems]
        if outcome.unchecked:
            out.append(f"  not checked: {printable(outcome.unchecked)} (give the layer: --layer ZIP; or put the file"
                       " beside the script)")  # fmt: skip
    width = max((len(o.label) for o in outcomes), default=7)
    out.append("")
    out.append(f"{'runtime'.ljust(width)}  {'result'.ljust(6)}  problems  notes  processes")
    for o in outcomes:
        found = o.problems + [p for step in o.steps for p in step.problems]
        breaking = sum(p.breaks for p in found)
        result = "BREAKS" if o.broken else "?" if o.unchecked else "ok"
        out.append(
            f"{o.label.ljust(width)}  {result.ljust(6)}  {breaking:>8}  {len(found) - breaking:>5}  {o.processes}"
        )
    broken = sum(outcome.broken for outcome in outcomes)
    unchecked = sum(outcome.unchecked is not None for outcome in outcomes)
    out.append(f"{len(outcomes)} {family.name} command line(s), {broken} where the function would break or lose what"
               " the wrapper is for" + (f", {unchecked} not checked" if unchecked else ""))  # fmt: skip
    return "\n".join(out) + "\n"


def as_data(outcomes: Sequence[Outcome]) -> list[dict[str, object]]:
    """The outcomes as data (for --format json)."""

    def problems(found: Sequence[Problem]) -> list[dict[str, object]]:
        return [{"problem": p.what, "breaks": p.breaks, "on_purpose": p.on_purpose} for p in found]

    return [
        {
            "runtime": o.runtime,
            "vector": o.vector,
            "variant": o.variant,
            "breaks": o.broken,
            "checked": o.unchecked is None,
            "not_checked": o.unchecked,
            "bash": o.bash,
            "processes": o.processes,
            "composed": o.composed,
            "command": o.command,
            "steps": [
                {
                    "script": s.script,
                    "place": s.place,
                    "role": s.role,
                    "received": s.before,
                    "passed_on": s.after,
                    "before": s.before,
                    "after": s.after,
                    "skipped": s.skipped,
                    "handed": s.handed,
                    "variables": {name: {"before": old, "after": new} for name, (old, new) in s.variables.items()},
                    "problems": problems(s.problems),
                }
                for s in o.steps
            ],  # fmt: skip
            "environment": {name: {"before": old, "after": new} for name, (old, new) in o.environment.items()},
            "exit_status": o.exit_status,
            "stdout": o.stdout,
            "stderr": o.stderr,
            "problems": problems(o.problems),
        }
        for o in outcomes
    ]
