"""Presets: named, documented sets of flags and variables, as one table of data.

In a wrapper a preset inserts its flags (and drops the runtime's options it replaces); a preset with no
flags (dotnet's) sets its variables. `--via env` uses the variables: a preset's own (Python's twins of its
flags, .NET's), or else its flags in the family's options variable (NODE_OPTIONS, JAVA_TOOL_OPTIONS,
RUBYOPT), unless the preset says why a variable cannot do what it does.
"""

from __future__ import annotations

import difflib
import functools
import re
import shlex
from collections.abc import Sequence
from typing import NamedTuple

from wrapgen.errors import InvalidValue
from wrapgen.grammar import Kind, scan
from wrapgen.runtimes import FAMILIES, RUNTIME_FAMILY, Vector, snapstart, vectors

_PATH = r"/[^\s,]*[^\s,/]"
_NUMBER = r"[1-9][0-9]{0,6}"
_AT_INIT = (
    "{what}, in the init that SnapStart snapshots: what it reads or makes then (the clock, random seeds and"
    " unique ids, credentials, network connections, the environment) is the same in every restored"
    " environment unless it renews them after restore"
)


class Preset(NamedTuple):
    family: str
    name: str
    summary: str
    flags: tuple[str, ...] = ()
    """Interpreter flags, with `{value}` where the preset's value goes."""
    env: tuple[tuple[str, str], ...] = ()
    """Variables: what --via env sets (Python's twins of the flags), or all a flagless preset does."""
    drops: tuple[str, ...] = ()
    """The runtime's own options this preset removes before inserting its flags."""
    value: str | None = None
    """The value's name (`heap=MB`); None for a preset that takes no value."""
    value_pattern: str = ""
    runtimes: tuple[str, ...] = ()
    """The Lambda runtimes it applies to; empty for all of the family's."""
    env_refused: str = ""
    """Why a variable cannot do what this preset does (so --via env refuses it); empty when it can."""
    env_refused_on: tuple[str, ...] = ()
    """Where env_refused holds only on some runtimes: those runtimes."""
    caveat: str = ""
    repeatable: bool = False
    overrides: bool = False
    """Its variables are set even where the function has a value (Lambda always sets AWS_LAMBDA_RUNTIME_API)."""
    file: bool = False
    """Its value names a file the function must have (a preload, an agent, a hook)."""
    clashes: tuple[str, ...] = ()
    """Runtime options (prefixes) the interpreter refuses beside its flags: where a runtime passes one, the function
    does not start."""
    at_init: str = ""
    """What its code does in the init that SnapStart snapshots, and why that matters (said where SnapStart can run)."""

    @property
    def usage(self) -> str:
        return f"{self.name}={self.value}" if self.value else self.name


def _python(name: str, summary: str, flags: str, twin: str | None, **extra: object) -> Preset:
    env = () if twin is None else (tuple(twin.split("=", 1)),)
    return Preset("python", name, summary, tuple(flags.split()), env, **extra)  # type: ignore[arg-type]


PRESETS: tuple[Preset, ...] = (
    _python("importtime", "print how long each import takes, on stderr", "-X importtime",
            "PYTHONPROFILEIMPORTTIME=1"),
    _python("dev", "development mode: more warnings and checks (slower)", "-X dev", "PYTHONDEVMODE=1"),
    _python("utf8", "UTF-8 mode: UTF-8 for files and streams whatever the locale", "-X utf8", "PYTHONUTF8=1"),
    _python("tracemalloc", "trace memory allocations (tracemalloc) from the start", "-X tracemalloc",
            "PYTHONTRACEMALLOC=1", caveat="costs memory and time on every allocation"),
    _python("faulthandler", "dump Python tracebacks on a crash (segfault, abort)", "-X faulthandler",
            "PYTHONFAULTHANDLER=1"),
    _python("unbuffered", "unbuffered stdout and stderr", "-u", "PYTHONUNBUFFERED=1"),
    _python("no-bytecode", "do not write .pyc files", "-B", "PYTHONDONTWRITEBYTECODE=1"),
    _python("frozen-modules-off", "import the standard library's frozen modules from source", "-X frozen_modules=off",
            None, runtimes=FAMILIES["python"].since("python3.11"),
            env_refused="-X frozen_modules has no environment variable",
            caveat="Python 3.11 and later; slower start"),
    _python("warnings", "a warnings filter, e.g. error::DeprecationWarning", "-W {value}",
            "PYTHONWARNINGS={value}", value="ACTION", value_pattern=r"[A-Za-z0-9_.:]+"),
    Preset("node", "source-maps", "stack traces mapped through source maps", ("--enable-source-maps",),
           caveat="slows down code that creates many Error objects"),
    Preset("node", "heap", "the old-generation heap limit, in MB", ("--max-old-space-size={value}",),
           value="MB", value_pattern=_NUMBER,
           env_refused="the runtime passes its own --max-old-space-size on the command line, which beats"
           " NODE_OPTIONS", caveat="inserted after the runtime's own limit, so it wins; keep it below the"
           " function's memory"),
    Preset("node", "require", "preload a CommonJS module before the handler", ("--require", "{value}"),
           value="PATH", value_pattern=_PATH, repeatable=True, file=True),
    Preset("node", "import", "preload an ES module before the handler", ("--import", "{value}"),
           value="PATH", value_pattern=_PATH, repeatable=True, file=True, runtimes=FAMILIES["node"].since("nodejs18.x"),
           caveat="Node.js 18.19, 20.6 and later"),
    Preset("node", "stack-trace-limit", "frames kept in stack traces", ("--stack-trace-limit={value}",),
           value="N", value_pattern=_NUMBER),
    Preset("node", "trace-warnings", "print a stack trace with each process warning", ("--trace-warnings",)),
    Preset("java", "tiered-c1", "fast cold start: tiered compilation stopping at C1",
           ("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"), drops=("-XX:-TieredCompilation",),
           env_refused="java8 and java11 pass -XX:-TieredCompilation on the command line, which beats"
           " JAVA_TOOL_OPTIONS", env_refused_on=("java8.al2", "java8.al2023", "java11", "java11.al2023"),
           ),
    Preset("java", "javaagent", "attach a Java agent", ("-javaagent:{value}",), value="PATH[=OPTS]",
           value_pattern=_PATH + r"(=\S*)?", repeatable=True, file=True,
           caveat="some agents need class data sharing off or automatic: add cds-auto",
           at_init=_AT_INIT.format(what="the agent starts in the JVM's start-up")),
    Preset("java", "serial-gc", "the serial garbage collector (the runtime's default)", ("-XX:+UseSerialGC",)),
    Preset("java", "parallel-gc", "the parallel garbage collector instead of the serial one",
           ("-XX:+UseParallelGC",), drops=("-XX:+UseSerialGC",),
           env_refused="the runtime passes -XX:+UseSerialGC on the command line, and two collectors stop"
           " the JVM at start-up", caveat="worth it only with more than one vCPU (1,769 MB and up)"),
    Preset("java", "cds-auto", "class data sharing if it can, instead of required (agents need it)",
           ("-Xshare:auto",),
           env_refused="the runtime passes -Xshare:on on the command line, which beats JAVA_TOOL_OPTIONS",
           clashes=("-XX:AOTCache=",)),  # JDK 25: "Option AOTCache cannot be used at the same time with -Xshare:auto"
    Preset("java", "heap-dump-on-oom", "write a heap dump to /tmp on OutOfMemoryError",
           ("-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=/tmp"),
           caveat="/tmp holds 512 MB unless ephemeral storage is raised; copy the dump out before it is lost"),
    Preset("dotnet", "startup-hook", "run a startup hook assembly before Main", (),
           (("DOTNET_STARTUP_HOOKS", "{value}"),), value="PATH", value_pattern=r"/[^\s,:]*|[A-Za-z0-9_.-]+",
           repeatable=True, file=True,
           caveat="an absolute path, or an assembly name without '/' or '.dll'; not for single-file or AOT apps",
           at_init=_AT_INIT.format(what="the hook's Initialize() runs before Main")),
    Preset("dotnet", "tiered-pgo-off", "turn off dynamic PGO (less JIT work at start-up)", (),
           (("DOTNET_TieredPGO", "0"),)),
    Preset("dotnet", "ready-to-run", "use ReadyToRun precompiled code", (), (("DOTNET_ReadyToRun", "1"),),
           caveat="on by default, so this states it: a DOTNET_ReadyToRun the function sets (0 turns it off) is"
           " kept; publish with PublishReadyToRun for code to use"),
    Preset("dotnet", "invariant-globalization", "no ICU: culture-invariant globalization (faster start)", (),
           (("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1"),),
           caveat="culture-specific formatting and sorting behave as the invariant culture"),
    Preset("ruby", "yjit", "the YJIT just-in-time compiler", ("--yjit",),
           caveat="needs a Ruby built with YJIT; costs memory"),
    Preset("ruby", "warnings-off", "silence Ruby's warnings", ("-W0",)),
    *(
        Preset(family, "runtime-api-proxy", "send the runtime's Runtime API calls through a proxy extension"
               " listening at HOST:PORT", (), (("AWS_LAMBDA_RUNTIME_API", "{value}"),), value="HOST:PORT",
               value_pattern=r"([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):[1-9][0-9]{0,4}",
               overrides=True,
               env_refused="Lambda reserves AWS_LAMBDA_RUNTIME_API: a function's configuration cannot set it,"
               " and extensions need the real one; a wrapper sets it for the runtime alone",
               caveat="the proxy extension (in a layer) must listen there and forward to the real Runtime API,"
               " which it reads from its own AWS_LAMBDA_RUNTIME_API")
        for family in FAMILIES
    ),
)  # fmt: skip


class Applied(NamedTuple):
    """One use of a preset, with its value put in."""

    preset: Preset
    value: str | None
    flags: tuple[str, ...]
    env: tuple[tuple[str, str], ...]


def presets_for(family: str) -> list[Preset]:
    return [preset for preset in PRESETS if preset.family == family]


def _fill(text: str, value: str | None) -> str:
    return text.replace("{value}", value) if value is not None else text


def apply_preset(family: str, item: str) -> Applied:
    """`NAME` or `NAME=VALUE` as that preset's flags and variables, or an error that says what fits."""
    name, sep, value = item.partition("=")
    known = {preset.name: preset for preset in presets_for(family)}
    preset = known.get(name)
    if preset is None:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"see: wrapgen presets {family}"
        raise InvalidValue(f"no {family} preset {name!r}", hint)
    if preset.value is None and sep:
        raise InvalidValue(f"preset {name} takes no value")
    if preset.value is not None:
        if not sep:
            raise InvalidValue(f"preset {name} needs a value: --preset {preset.usage}")
        if not re.fullmatch(preset.value_pattern, value):
            raise InvalidValue(f"preset {name}: {value!r} is not a valid {preset.value}")
    filled = value if sep else None
    return Applied(
        preset,
        filled,
        tuple(_fill(flag, filled) for flag in preset.flags),
        tuple((key, _fill(text, filled)) for key, text in preset.env),
    )


def check_runtime(use: Applied, runtime: str) -> None:
    """A preset that applies to some runtimes only (frozen-modules-off) is refused for another."""
    if use.preset.runtimes and runtime not in use.preset.runtimes:
        raise InvalidValue(f"--preset {use.preset.name} applies to {', '.join(use.preset.runtimes)}, not {runtime}")


def apply_presets(family: str, items: Sequence[str]) -> list[Applied]:
    applied = [apply_preset(family, item) for item in items]
    seen: set[str] = set()
    for use in applied:
        if use.preset.name in seen and not use.preset.repeatable:
            raise InvalidValue(f"preset {use.preset.name} is given twice; it is not repeatable")
        seen.add(use.preset.name)
    return applied


def describe(families: Sequence[str]) -> str:
    """The presets of these families as text: one block each, saying exactly what they set."""
    from wrapgen.runtimes import options_variable

    blocks = []
    for family in families:
        variable = options_variable(family)
        blocks.append(f"{family} presets (--preset NAME[=VALUE]):\n")
        for preset in presets_for(family):
            shown = {"flags": " ".join(_fill(flag, preset.value) for flag in preset.flags)}
            lines = [f"  {preset.usage}" + ("  (repeatable)" if preset.repeatable else ""), f"    {preset.summary}"]
            if preset.flags:
                lines.append(f"    wrapper: inserts {shown['flags']}")
            if preset.drops:
                lines.append(f"    wrapper: removes the runtime's {' '.join(preset.drops)}")
            env = [f"{key}={_fill(value, preset.value)}" for key, value in preset.env]
            if not env and preset.flags and variable:
                env = [f"{variable} += {shown['flags']}"]
            if preset.env_refused and not preset.env_refused_on:
                lines.append(f"    --via env: not possible: {preset.env_refused}")
            elif env:
                lines.append(f"    {'sets' if not preset.flags else '--via env'}: {', '.join(env)}")
                if preset.env_refused:
                    lines.append(f"    --via env: not on {', '.join(preset.env_refused_on)}: {preset.env_refused}")
            else:
                lines.append("    --via env: not possible: no environment variable does this")
            runtimes = preset.runtimes or FAMILIES[family].runtimes
            lines.append(f"    runtimes: {', '.join(runtimes)}")
            if preset.caveat:
                lines.append(f"    caveat: {preset.caveat}")
            lines += [f"    runtime: {said}" for said in _interplays(preset, runtimes)]
            blocks.append("\n".join(lines) + "\n")
        blocks.append("\n")
    return "".join(blocks)


def as_data(families: Sequence[str]) -> list[dict[str, object]]:
    """The presets of these families as data (for --format json): what `describe` says, field by field."""
    found: list[dict[str, object]] = []
    for family in families:
        for preset in presets_for(family):
            found.append({
                "family": family,
                "name": preset.name,
                "usage": preset.usage,
                "summary": preset.summary,
                "inserts": [_fill(flag, preset.value) for flag in preset.flags],
                "removes": list(preset.drops),
                "sets": {key: _fill(value, preset.value) for key, value in preset.env},
                "runtimes": list(preset.runtimes or FAMILIES[family].runtimes),
                "via_env_refused": preset.env_refused or None,
                "via_env_refused_on": list(preset.env_refused_on),
                "repeatable": preset.repeatable,
                "caveat": preset.caveat or None,
                "runtime_notes": _interplays(preset, preset.runtimes or FAMILIES[family].runtimes),
            })  # fmt: skip
    return found


def _interplays(preset: Preset, runtimes: Sequence[str]) -> list[str]:
    """What `interactions` says of this preset on these runtimes (with its value's name where it takes one)."""
    use = Applied(preset, preset.value, tuple(_fill(flag, preset.value) for flag in preset.flags), ())
    return [said.removeprefix(f"--preset {preset.name}: ") for said in interactions(preset.family, runtimes, [use], [])]


# How inserted options meet a runtime's own, derived from its recorded command lines (runtimes.vectors()): an option
# the runtime already passes does nothing (the JVM and node keep the last of equal options); one that a variant of
# the runtime (java25 with SnapStart or provisioned concurrency) leaves out while its usual command line has it
# undoes what the runtime chose for that variant.
NO_EFFECT = "no effect"
UNDOES = "undoes"
MEMORY_SIZED = ("-XX:MaxHeapSize=", "-XX:MaxMetaspaceSize=", "-XX:ReservedCodeCacheSize=", "--max-old-space-size=",
                "--max-semi-space-size=")  # fmt: skip
"""Options whose value the bootstrap computes from the function's memory (java's heap differs between the recorded
command lines, node's by the nodejs24.x bootstrap's formula): a recorded value is one memory size's, so an equal
one is not known to do nothing."""


@functools.cache
def _recorded() -> tuple[Vector, ...]:
    return tuple(vectors())


def _options(family: str, argv: Sequence[str]) -> list[tuple[str, ...]]:
    """The options of a command line (argv[0] the interpreter), each with its value, up to its program."""
    found = scan(FAMILIES[family].grammar, argv)
    return [tuple(argv[token.start : token.stop]) for token in found if token.kind is Kind.OPTION]


def interplay(vector: Vector, options: Sequence[tuple[str, ...]], drops: Sequence[str] = ()) -> str:
    """NO_EFFECT where the runtime's command line has all these options already (and none that they remove),
    UNDOES where it is a variant that leaves out what its runtime's usual command line has; else ""."""
    family = RUNTIME_FAMILY[vector.runtime].name
    own = _options(family, vector.argv)
    if not options or any(drop in vector.argv for drop in drops) or any(o[0].startswith(MEMORY_SIZED) for o in options):
        return ""
    if all(option in own for option in options):
        return NO_EFFECT
    usual = [_options(family, v.argv) for v in _recorded() if v.runtime == vector.runtime and not v.variant]
    return UNDOES if vector.variant and any(all(o in found for o in options) for found in usual) else ""


def _said(runtimes: Sequence[str], shown: str, usual: str, variant: str = "") -> str:
    """One interplay in words: on these runtimes, `usual` (NO_EFFECT or "") on their usual command line, and with
    `variant` (if any) it undoes the runtime's choice."""
    where = ", ".join(runtimes)
    if not variant:
        return f"already the default on {where} (the runtime passes {shown} itself): no effect"
    left = f"with {variant} the runtime leaves {shown} out on purpose, and there it undoes that default"
    if usual == NO_EFFECT:
        return f"on {where}, already the default (no effect) but {left}: use it only to override that"
    return f"on {where}, {left}"


def effects(vector: Vector, argv: Sequence[str]) -> list[str]:
    """What the options a wrapper added to this runtime's command line (argv, what the runtime got) do there beyond
    what they say, one line each: explain's notes."""
    family = RUNTIME_FAMILY[vector.runtime].name
    own, got = _options(family, vector.argv), _options(family, argv)
    added = dict.fromkeys(option for option in got if option not in own or got.count(option) > 1)
    found = []
    for verdict in (NO_EFFECT, UNDOES):
        hit = [word for option in added if interplay(vector, [option]) == verdict for word in option]
        if hit:
            found.append(_said([vector.runtime], shlex.join(hit), "", vector.variant if verdict == UNDOES else ""))
    return found


Verdict = tuple[str, str, list[str]]
"""interplay on a group of runtimes: (NO_EFFECT or "" on their usual command line, a variant undone, the runtimes)."""


def _verdicts(chosen: Sequence[Vector], options: Sequence[tuple[str, ...]], drops: Sequence[str]) -> list[Verdict]:
    """interplay over these command lines, grouped as _said words them."""
    groups: dict[tuple[str, str], list[str]] = {}
    for runtime in dict.fromkeys(v.runtime for v in chosen):
        verdicts = [(v.variant, interplay(v, options, drops)) for v in chosen if v.runtime == runtime]
        usual = NO_EFFECT if all(x == NO_EFFECT for variant, x in verdicts if not variant) else ""
        if usual and all(x == NO_EFFECT for _, x in verdicts):
            groups.setdefault((usual, ""), []).append(runtime)
        for variant in (variant for variant, x in verdicts if x == UNDOES):
            groups.setdefault((usual, variant), []).append(runtime)
    return [(usual, variant, where) for (usual, variant), where in groups.items()]


def _clash(use: Applied, chosen: Sequence[Vector]) -> str:
    """The runtimes whose command line has an option the interpreter refuses beside this preset's flags, in words."""
    clashes = use.preset.clashes
    hits = {v.runtime: arg for v in chosen for arg in v.argv if clashes and arg.startswith(clashes)}
    if not hits:
        return ""
    return (f"on {', '.join(hits)} the runtime passes {' '.join(sorted(set(hits.values())))}, which the interpreter"
            f" refuses beside {shlex.join(use.flags)}: the function would not start")  # fmt: skip


def interactions(family: str, runtimes: Sequence[str], uses: Sequence[Applied], flags: Sequence[str]) -> list[str]:
    """Warnings, one line each: a preset or --flag that has no effect on some of these runtimes or undoes a
    runtime's default there (interplay) or that the runtime's own options refuse (Preset.clashes), and a preset
    whose code runs in the init SnapStart snapshots (Preset.at_init)."""
    items = [(f"--preset {use.preset.name}", _options(family, ["", *use.flags]), use.preset.drops)
             for use in uses if use.flags]  # fmt: skip
    items += [(f"--flag {shlex.join(option)}", [option], ()) for option in _options(family, ["", *flags])]
    chosen = [v for v in _recorded() if v.runtime in runtimes]
    found = []
    for label, options, drops in items:
        shown = shlex.join(word for option in options for word in option)
        verdicts = _verdicts(chosen, options, drops)
        found += [f"{label}: {_said(where, shown, usual, variant)}" for usual, variant, where in verdicts]
    found += [f"--preset {use.preset.name}: {said}" for use in uses if (said := _clash(use, chosen))]
    at_init = ", ".join(runtime for runtime in runtimes if snapstart(runtime))
    found += [f"--preset {use.preset.name}: with SnapStart ({at_init}), {use.preset.at_init}"
              for use in uses if use.preset.at_init and at_init]  # fmt: skip
    return found
