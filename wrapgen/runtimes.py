"""The one table of runtime knowledge: families, their interpreters' option grammar, Lambda runtime ids.

Templates and code branch on these fields, never on a family's name. Adding a family is one row here plus
its argument vectors in tables/lambda-runtime-argv.json.
"""

from __future__ import annotations

from typing import NamedTuple


class Grammar(NamedTuple):
    """How an interpreter reads its command line, as far as finding where its program starts.

    The program (script, module, main class, ...) is the first element that is not an option or an
    option's value; wrapgen inserts flags right before it, after the runtime's own options.
    """

    value_options: frozenset[str] = frozenset()
    """Options that take the next element as their value when given alone (`-classpath CP`)."""
    program_options: frozenset[str] = frozenset()
    """Options that start the program: flags go before them (`-m`, `-jar`, `--`)."""
    program_prefixes: tuple[str, ...] = ()
    """Elements starting with one of these start the program (`--module=app/Main`)."""
    after_options: frozenset[str] = frozenset()
    """Elements after which flags go, whatever follows (dotnet's `exec`)."""
    bundles: bool = False
    """Short options may be bundled in one element (`-uBX importtime`)."""
    short_program: str = ""
    """In a bundle, letters that start the program (python `-c`, `-m`)."""
    short_value: str = ""
    """In a bundle, letters whose value is the rest of the element or else the next one (`-X`)."""
    short_attached: str = ""
    """In a bundle, letters whose optional value can only be the rest of the element (ruby `-W0`)."""
    refused: frozenset[str] = frozenset()
    """Options that make the interpreter print and exit, check, wait for a debugger or restart on changes instead
    of running its program: never inserted."""
    displaces: frozenset[str] = frozenset()
    """Options that would take the place of the runtime's own (its class path, its deps file): never inserted."""


class Family(NamedTuple):
    """One language family: which interpreters it wraps and how their command lines are read."""

    name: str
    title: str
    interpreters: tuple[str, ...]
    """Glob patterns that the interpreter's file name (the wrapper's `$1`, without its directory) matches."""
    grammar: Grammar
    placement: str
    """Where flags go, in words, for the script's header and the docs."""
    flag_example: str
    """A valid --flag for this family, shown in errors."""
    foreign_hint: str
    """Said at run time when `$1` is not one of this family's interpreters."""
    versions: tuple[tuple[str, str], ...]
    """Lambda runtime ids whose bootstrap execs AWS_LAMBDA_EXEC_WRAPPER with this family's interpreter, each
    with its interpreter's version: the key of that version in the family's option table (wrapgen/tables)."""
    retired: tuple[tuple[str, str], ...] = ()
    """The family's other ids of botocore's Runtime enum: runtimes AWS deprecated on which Lambda no longer
    creates functions, each with its deprecation date (AWS's runtime pages, as cfn-lint 1.58 records them):
    refused, naming it."""
    handler: str = ""
    """A handler of the usual shape, for the example function in IaC output."""
    cdk_runtime_family: str = ""
    """The aws_lambda.RuntimeFamily member of CDK for this family's runtimes."""
    options_variable: str = ""
    """The variable whose words the interpreter reads as options (NODE_OPTIONS, ...), if it has one."""
    path_variable: str = ""
    """The variable that, once set, hides the layers' paths from the runtime's bootstrap (PYTHONPATH)."""
    layer_paths: tuple[str, ...] = ()
    """What the bootstrap adds for layers while path_variable is unset ({version}: the interpreter's X.Y)."""
    noop_program: tuple[str, ...] = ()
    """Arguments after the flags that make the interpreter start and do nothing (--verify-with); empty where it
    cannot without an application (dotnet)."""
    runtime_options: frozenset[str] = frozenset()
    """Options the runtime's bootstrap passes on its command line, which beat the same option in the family's
    options variable: only a wrapper's flag, inserted after them, overrides them."""

    @property
    def runtimes(self) -> tuple[str, ...]:
        """The Lambda runtime ids, oldest first; the last is the newest."""
        return tuple(runtime for runtime, _ in self.versions)

    def version_of(self, runtime: str) -> str:
        """The interpreter version (option table key) of a Lambda runtime of this family."""
        return dict(self.versions)[runtime]

    def since(self, first: str) -> tuple[str, ...]:
        """The runtime `first` of this family and the later ones."""
        return self.runtimes[self.runtimes.index(first) :]


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family(
            name="python",
            title="Python",
            interpreters=("python", "python[0-9]", "python[0-9].[0-9]", "python[0-9].[0-9][0-9]"),
            grammar=Grammar(
                value_options=frozenset({"--check-hash-based-pycs"}),
                program_options=frozenset({"-", "--"}),
                bundles=True,
                short_program="cm",
                short_value="WX",
                refused=frozenset(
                    {"-h", "-?", "-V", "--help", "--help-env", "--help-xoptions", "--help-all", "--version"}
                ),
            ),
            placement="before the script, -m or -c",
            flag_example="-X importtime",
            foreign_hint="is not a python interpreter",
            versions=tuple((f"python3.{minor}", f"3.{minor}") for minor in range(8, 16)),
            retired=(("python2.7", "2021-07-15"), ("python3.6", "2022-07-18"), ("python3.7", "2023-12-04")),
            handler="app.handler",
            cdk_runtime_family="PYTHON",
            noop_program=("-c", "pass"),
            path_variable="PYTHONPATH",
            layer_paths=("/opt/python", "/opt/python/lib/python{version}/site-packages"),
        ),
        Family(
            name="node",
            title="Node.js",
            interpreters=("node", "nodejs"),
            grammar=Grammar(
                # Node's own string options; V8's options (--max-old-space-size ...) only take `=VALUE`.
                value_options=frozenset(
                    {
                        "-r",
                        "--require",
                        "--import",
                        "--loader",
                        "--experimental-loader",
                        "-C",
                        "--conditions",
                        "--max-http-header-size",
                        "--inspect-port",
                        "--debug-port",
                        "--title",
                        "--input-type",
                        "--dns-result-order",
                        "--icu-data-dir",
                        "--openssl-config",
                        "--redirect-warnings",
                        "--secure-heap",
                        "--secure-heap-min",
                        "--heapsnapshot-signal",
                        "--heapsnapshot-near-heap-limit",
                        "--diagnostic-dir",
                        "--report-dir",
                        "--report-directory",
                        "--report-filename",
                        "--report-signal",
                        "--unhandled-rejections",
                        "--trace-event-categories",
                        "--trace-event-file-pattern",
                        "--tls-cipher-list",
                        "--tls-keylog",
                        "--use-largepages",
                        "--disable-proto",
                        "--env-file",
                        "--watch-path",
                        "--experimental-policy",
                        "--policy-integrity",
                        "--run",
                    }
                ),  # fmt: skip
                program_options=frozenset({"-e", "--eval", "-p", "--print", "-", "--"}),
                program_prefixes=("--eval=", "--print="),
                refused=frozenset(
                    {
                        "-h",
                        "--help",
                        "-v",
                        "--version",
                        "-c",
                        "--check",
                        "-i",
                        "--interactive",
                        "--test",
                        "--v8-options",
                        "--run",
                        "--watch",
                        "--watch-path",
                        "--inspect-brk",
                        "--inspect-brk-node",
                        "--inspect-wait",
                    }
                ),  # fmt: skip
            ),
            placement="after the runtime's own options, before the script",
            flag_example="--require /opt/wrapgen/preload.js",
            foreign_hint="is not node",
            versions=tuple((f"nodejs{major}.x", str(major)) for major in (16, 18, 20, 22, 24, 26)),
            retired=(
                ("nodejs", "2016-08-30"),
                ("nodejs4.3", "2020-03-05"),
                ("nodejs4.3-edge", "2020-03-05"),
                ("nodejs6.10", "2019-08-12"),
                ("nodejs8.10", "2020-03-06"),
                ("nodejs10.x", "2021-07-30"),
                ("nodejs12.x", "2023-03-31"),
                ("nodejs14.x", "2023-12-04"),
            ),
            handler="index.handler",
            cdk_runtime_family="NODEJS",
            noop_program=("-e", "0"),
            options_variable="NODE_OPTIONS",
            runtime_options=frozenset({"--max-old-space-size", "--max-semi-space-size", "--max-http-header-size"}),
        ),
        Family(
            name="java",
            title="Java",
            interpreters=("java",),
            grammar=Grammar(
                value_options=frozenset(
                    {
                        "-cp",
                        "-classpath",
                        "--class-path",
                        "-p",
                        "--module-path",
                        "--upgrade-module-path",
                        "--add-modules",
                        "--enable-native-access",
                        "--add-reads",
                        "--add-exports",
                        "--add-opens",
                        "--limit-modules",
                        "--patch-module",
                        "--source",
                        "-d",
                        "--describe-module",
                    }
                ),  # fmt: skip
                program_options=frozenset({"-jar", "-m", "--module"}),
                displaces=frozenset({"-cp", "-classpath", "--class-path"}),
                program_prefixes=("--module=",),
                refused=frozenset(
                    {
                        "-version",
                        "--version",
                        "-help",
                        "--help",
                        "-h",
                        "-?",
                        "-X",
                        "--help-extra",
                        "-fullversion",
                        "--full-version",
                        "--dry-run",
                        "--list-modules",
                        "-d",
                        "--describe-module",
                        "--validate-modules",
                    }
                ),  # fmt: skip
            ),
            placement="after the runtime's own options, before the main class or -jar (never before the handler)",
            flag_example="-XX:+PrintCommandLineFlags",
            foreign_hint="is not java",
            versions=(
                ("java8.al2", "8"),
                ("java8.al2023", "8"),
                ("java11", "11"),
                ("java11.al2023", "11"),
                ("java17", "17"),
                ("java17.al2023", "17"),
                ("java21", "21"),
                ("java25", "25"),
            ),
            retired=(("java8", "2024-01-08"),),
            handler="example.Handler::handleRequest",
            cdk_runtime_family="JAVA",
            noop_program=("-version",),
            options_variable="JAVA_TOOL_OPTIONS",
        ),
        Family(
            name="dotnet",
            title=".NET",
            interpreters=("dotnet",),
            grammar=Grammar(
                value_options=frozenset(
                    {
                        "--depsfile",
                        "--runtimeconfig",
                        "--additionalprobingpath",
                        "--additional-deps",
                        "--fx-version",
                        "--roll-forward",
                        "--roll-forward-on-no-candidate-fx",
                    }
                ),  # fmt: skip
                after_options=frozenset({"exec"}),
                displaces=frozenset({"--depsfile", "--runtimeconfig"}),
                refused=frozenset(
                    {
                        "-h",
                        "--help",
                        "--info",
                        "--version",
                        "--list-runtimes",
                        "--list-sdks",
                        "-d",
                        "--diagnostics",
                    }
                ),  # fmt: skip
            ),
            placement="right after `dotnet exec`",
            flag_example="--roll-forward LatestMajor",
            foreign_hint=(
                "is not dotnet (a single-file or native AOT app has no interpreter to take flags:"
                " use environment variables)"
            ),
            versions=(("dotnet6", "6"), ("dotnet8", "8"), ("dotnet10", "10")),
            retired=(
                ("dotnetcore1.0", "2019-06-27"),
                ("dotnetcore2.0", "2019-05-30"),
                ("dotnetcore2.1", "2022-01-05"),
                ("dotnetcore3.1", "2023-04-03"),
            ),
            handler="App::App.Function::FunctionHandler",
            cdk_runtime_family="DOTNET_CORE",
        ),
        Family(
            name="ruby",
            title="Ruby",
            interpreters=("ruby", "ruby[0-9].[0-9]"),
            grammar=Grammar(
                value_options=frozenset(
                    {"--enable", "--disable", "--encoding", "--external-encoding", "--internal-encoding"}
                ),
                program_options=frozenset({"-", "--"}),
                bundles=True,
                short_program="e",
                short_value="CEIr",
                short_attached="0FiKTWx",
                refused=frozenset({"-h", "--help", "--version", "-c", "-n", "-p", "-y", "--yydebug", "--dump", "-x"}),
            ),
            placement="before the script",
            flag_example="--yjit",
            foreign_hint="is not ruby",
            versions=(("ruby3.2", "3.2"), ("ruby3.3", "3.3"), ("ruby3.4", "3.4"), ("ruby4.0", "4.0")),
            retired=(("ruby2.5", "2021-07-30"), ("ruby2.7", "2023-12-07")),
            handler="app.handler",
            cdk_runtime_family="RUBY",
            noop_program=("-e", "0"),
            options_variable="RUBYOPT",
        ),
    )
}

BASH_42_RUNTIMES: frozenset[str] = frozenset(
    {"python3.8", "python3.9", "nodejs16.x", "nodejs18.x", "java8.al2", "java11", "java17", "dotnet6", "ruby3.2"}
)
"""Runtimes on Amazon Linux 2, whose bash is 4.2; the others are on Amazon Linux 2023 (bash 5.2)."""

SNAPSTART_SINCE: dict[str, str] = {"java": "java11", "python": "python3.12", "dotnet": "dotnet8"}
"""The first runtime of each family that Lambda SnapStart supports (AWS's SnapStart page): it and the later ones do.
The wrapper runs in the init that SnapStart snapshots, and so does what JAVA_TOOL_OPTIONS starts (an agent): what
they read then (the environment, the clock, random seeds, credentials) is the same in every restored environment."""


def snapstart(runtime: str) -> bool:
    """Lambda SnapStart can snapshot this runtime's init (SNAPSTART_SINCE)."""
    family = RUNTIME_FAMILY.get(runtime)
    first = SNAPSTART_SINCE.get(family.name, "") if family else ""
    return bool(first) and family is not None and family.runtimes.index(runtime) >= family.runtimes.index(first)


RESERVED_ENV: frozenset[str] = frozenset(
    {"AWS_LAMBDA_RUNTIME_API", "LAMBDA_RUNTIME_DIR", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_EXEC_WRAPPER"}
)
"""Variables a wrapper must not export: the runtime finds its API, its code or this wrapper through them."""

MERGED_VARIABLES: dict[str, str] = {
    "NODE_OPTIONS": " ",
    "JAVA_TOOL_OPTIONS": " ",
    "RUBYOPT": " ",
    "DOTNET_STARTUP_HOOKS": ":",
    "PYTHONPATH": ":",
}
"""Variables that hold a list (and the separator): a wrapper appends to the function's value, never replaces it."""

RUNTIME_FAMILY: dict[str, Family] = {runtime: f for f in FAMILIES.values() for runtime in f.runtimes}
"""Each Lambda runtime id that runs a wrapper, and its family."""

RETIRED: dict[str, tuple[Family, str]] = {r: (f, date) for f in FAMILIES.values() for r, date in f.retired}
"""Each retired runtime id of the families (Family.retired): its family and AWS's deprecation date."""


def retired(runtime: str) -> str | None:
    """Why wrapgen refuses a runtime id AWS retired (one line), or None for any other id."""
    if runtime not in RETIRED:
        return None
    family, date = RETIRED[runtime]
    return (f"--runtime {runtime!r} was deprecated by AWS on {date} and Lambda no longer creates functions on it;"
            f" {family.title}'s newest is {family.runtimes[-1]}")  # fmt: skip


OPTIONS_VARIABLES: dict[str, str] = {f.options_variable: f.name for f in FAMILIES.values() if f.options_variable}
"""Variables whose words are interpreter options, read by that family's grammar: variable -> family."""


def options_variable(family: str) -> str | None:
    """The variable whose words the family's interpreter reads as options, if it has one."""
    return FAMILIES[family].options_variable or None


ENV_LIMIT = 4096
"""Bytes Lambda allows for all of a function's environment variables together (names and values)."""

CONFIGURATION_KEY = r"[a-zA-Z][a-zA-Z0-9_]+"
"""The pattern of a key in a function's configuration (Environment.Variables), as the Lambda API checks it."""

CONFIGURATION_RESERVED: frozenset[str] = frozenset(
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    }
)  # fmt: skip
"""Keys Lambda reserves: a function's configuration cannot set them (the Lambda API and cfn-lint refuse them)."""

LAYER_NAME = r"[a-zA-Z0-9_-]{1,140}"
"""A layer's name (LayerName), as the Lambda API checks it."""

ARGV_TABLE = "lambda-runtime-argv.json"
"""wrapgen/tables/ARGV_TABLE: each Lambda runtime's recorded argument vector (what its bootstrap execs the wrapper
with), with a confidence mark and a note. The tests' fixtures and `wrapgen try` read this one copy."""


def argument_vectors() -> list[dict[str, object]]:
    """The recorded argument vectors, in the table's order (a runtime may have several: java17, dotnet)."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "tables" / ARGV_TABLE
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


class Vector(NamedTuple):
    """The command line a Lambda runtime's bootstrap execs AWS_LAMBDA_EXEC_WRAPPER with (the wrapper's "$@")."""

    runtime: str
    argv: tuple[str, ...]
    handler_in_argv: bool
    """The handler is the last argument (java17+, dotnet): a wrapper must leave it last."""
    note: str
    variant: str = ""
    """The function configuration this command line is for ("SnapStart or provisioned concurrency"), where the
    runtime starts differently there; empty for the command line it has otherwise."""


def vectors() -> list[Vector]:
    """The recorded vectors as data (some runtimes have several, the usual first); OS-only runtimes, which ignore
    the wrapper, have none."""
    return [
        Vector(
            str(e["runtime"]),
            tuple(e["argv"]),  # type: ignore[arg-type]
            bool(e["handler_in_argv"]),
            str(e.get("note", "")),
            str(e.get("variant", "")),
        )
        for e in argument_vectors()
        if e["argv"]
    ]
