"""The command line: a thin typer layer. Each command builds a spec, calls the core, writes the result."""

import contextlib
import os
import shlex
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core

from wrapgen import __version__
from wrapgen.choices import Format, IacFormat, Report, Via
from wrapgen.cli import completion
from wrapgen.errors import WrapgenError
from wrapgen.request import OPTIONS, option_help
from wrapgen.runtimes import FAMILIES, Family

if TYPE_CHECKING:
    from wrapgen.request import Request


class _App(typer.Typer):
    """The app, whose run ends in one `error:` line and exit 1 where stdout cannot take what typer itself prints
    (help, --version, a completion script) on a full disk; typer handles only a closed pipe (exit 1, silently).
    wrapgen's own output goes through output.write_stdout, which says so itself."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        try:
            return super().__call__(*args, **kwargs)
        except OSError as error:
            # One without a file name is typer's own write to stdout; one with is a bug, said in one line still.
            where = "cannot write to stdout" if error.filename is None else str(error.filename)
            sys.stderr.write(f"error: {where}: {error.strerror or error}\n")
            # What is left in stdout's buffer would fail again when Python flushes it at exit.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(1) from None


class _Boundary(typer.core.TyperGroup):
    """THE error boundary, around every command: a WrapgenError is `error: MESSAGE (HINT)` on stderr and its exit
    status (1; an Interrupted 130); Ctrl-C (SIGINT) elsewhere `error: interrupted` and 130; an OSError that names
    its file one line too. Usage errors are typer's own (exit 2). Anything else is a bug and keeps its traceback."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except WrapgenError as error:
            _say(error)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            sys.stderr.write("error: interrupted\n")
            raise typer.Exit(130) from None
        except OSError as error:
            if error.filename is None:
                raise
            _say(WrapgenError(f"{os.fsdecode(error.filename)}: {error.strerror or error}"))
            raise typer.Exit(1) from None


app = _App(
    name="wrapgen",
    cls=_Boundary,
    help="Generate correct AWS Lambda exec wrappers (AWS_LAMBDA_EXEC_WRAPPER) and lint them.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


_NoSandbox = Annotated[
    bool,
    typer.Option(
        "--no-sandbox",
        help="Run what wrapgen did not write (a wrapper, an interpreter, a runtime) on this machine where no sandbox"
        " (bubblewrap) can be made: unconfined, with your environment, files and network. Only for code you trust.",
    ),
]
_FunctionEnv = Annotated[
    list[str] | None,
    typer.Option(
        "--env",
        help="A variable of the function's configuration, in the environment the wrappers and runtime see (vendor"
        " wrappers branch on theirs). Repeatable.",
        metavar="NAME=VALUE",
    ),
]
_ManagedInstances = Annotated[
    int | None,
    typer.Option(
        "--managed-instances",
        help="Run as a Lambda Managed Instances environment serving N requests at once: Lambda's"
        " AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances and AWS_LAMBDA_MAX_CONCURRENCY=N, and as many runtime"
        " processes as the runtime starts there (python: N; what is not documented is said). java21+, python3.13+,"
        " nodejs22.x+ and dotnet8+ only.",
        metavar="N",
    ),
]
_FunctionLayers = Annotated[
    list[str] | None,
    typer.Option(
        "--layer",
        help="A layer zip, unpacked at /opt in the sandbox, in the order given (a later one's files over an"
        " earlier one's), as Lambda unpacks the function's layers; the wrappers go over them. Repeatable.",
        metavar="PATH.zip",
    ),
]
_FunctionEnvFile = Annotated[
    list[str] | None,
    typer.Option(
        "--env-file",
        help="The function's variables from a file: NAME=VALUE lines or a JSON object (as wrapgen --via env"
        " prints them); --env's win. Repeatable.",
        metavar="FILE",
    ),
]


def _exit(code: int) -> None:
    """A command's exit status, as typer ends with it."""
    if code:
        raise typer.Exit(code)


def _say(error: WrapgenError) -> None:
    from wrapgen.printable import printable

    message = error.message + (f" ({error.hint})" if error.hint else "")
    sys.stderr.write("error: " + printable(message) + "\n")


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"wrapgen {__version__}\n")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print wrapgen's version and exit.", callback=_show_version, is_eager=True),
    ] = False,
) -> None:
    """Generate correct AWS Lambda exec wrappers (AWS_LAMBDA_EXEC_WRAPPER) and lint them."""


def _request(family: str, given: dict[str, object]) -> "Request":
    """The Request of a family command's options: each parameter of the command is named as its Request field (a
    test holds the two to each other), so that a new option is a field and its typer declaration, nothing else."""
    import enum

    from wrapgen.request import Request

    values: dict[str, Any] = {}
    for field in Request._fields[1:]:
        value: Any = given[field]
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(Request._field_defaults[field], tuple):
            value = tuple(value or ())
        values[field] = value
    return Request(family, **values)


def _family_command(family: Family) -> Callable[..., None]:
    def h(field: str) -> str:
        return option_help(field, family.name, family.flag_example, family.runtimes)

    def command(
        flag: Annotated[list[str] | None, typer.Option(help=h("flag"), metavar=OPTIONS["flag"].metavar)] = None,
        unchecked_flag: Annotated[
            list[str] | None, typer.Option(help=h("unchecked_flag"), metavar=OPTIONS["unchecked_flag"].metavar)
        ] = None,
        verify_with: Annotated[
            str | None, typer.Option(help=h("verify_with"), metavar=OPTIONS["verify_with"].metavar)
        ] = None,
        preset: Annotated[
            list[str] | None,
            typer.Option(
                help=h("preset"), metavar=OPTIONS["preset"].metavar, autocompletion=completion.presets(family.name)
            ),
        ] = None,
        drop_flag: Annotated[
            list[str] | None, typer.Option(help=h("drop_flag"), metavar=OPTIONS["drop_flag"].metavar)
        ] = None,
        env: Annotated[list[str] | None, typer.Option(help=h("env"), metavar=OPTIONS["env"].metavar)] = None,
        env_default: Annotated[
            list[str] | None, typer.Option(help=h("env_default"), metavar=OPTIONS["env_default"].metavar)
        ] = None,
        first: Annotated[list[str] | None, typer.Option(help=h("first"), metavar=OPTIONS["first"].metavar)] = None,
        then: Annotated[list[str] | None, typer.Option(help=h("then"), metavar=OPTIONS["then"].metavar)] = None,
        via: Annotated[Via, typer.Option(help=h("via"))] = Via.wrapper,
        format: Annotated[Format, typer.Option("--format", help=h("format"))] = Format.lines,
        runtime: Annotated[
            list[str] | None,
            typer.Option(
                help=h("runtime"), metavar=OPTIONS["runtime"].metavar, autocompletion=completion.runtimes(family.name)
            ),
        ] = None,
        layer: Annotated[str | None, typer.Option(help=h("layer"), metavar=OPTIONS["layer"].metavar)] = None,
        include: Annotated[
            list[str] | None, typer.Option(help=h("include"), metavar=OPTIONS["include"].metavar)
        ] = None,
        include_exec: Annotated[
            list[str] | None, typer.Option(help=h("include_exec"), metavar=OPTIONS["include_exec"].metavar)
        ] = None,
        dockerfile: Annotated[bool, typer.Option("--dockerfile", help=h("dockerfile"))] = False,
        iac: Annotated[IacFormat | None, typer.Option(help=h("iac"))] = None,
        iac_dir: Annotated[str | None, typer.Option(help=h("iac_dir"), metavar=OPTIONS["iac_dir"].metavar)] = None,
        explain: Annotated[bool, typer.Option("--explain", help=h("explain"))] = False,
        allow_dynamic_references: Annotated[
            bool, typer.Option("--allow-dynamic-references", help=h("allow_dynamic_references"))
        ] = False,
        output: Annotated[
            str | None, typer.Option("--output", "-o", help=h("output"), metavar=OPTIONS["output"].metavar)
        ] = None,
        name: Annotated[str | None, typer.Option(help=h("name"), metavar=OPTIONS["name"].metavar)] = None,
        dry_run: Annotated[
            bool,
            typer.Option(
                "--dry-run",
                help="Write nothing: say on stderr what would be written (path, mode, size, sha256) and print what"
                " would be printed.",
            ),
        ] = False,
        no_sandbox: _NoSandbox = False,
    ) -> None:
        from wrapgen.commands import family as family_command

        given = locals()
        _exit(family_command.run(_request(family.name, given), given["dry_run"], given["no_sandbox"]))

    command.__doc__ = (
        f"Generate an exec wrapper for {family.title} runtimes ({', '.join(family.runtimes)}): it inserts"
        f" --flag options {family.placement}.\n\n"
        f"Example: wrapgen {family.name} --flag {shlex.quote(family.flag_example)} -o wrapgen-{family.name}"
        f" --layer build/wrapgen-{family.name}.zip"
    )
    return command


# Typer builds the options of every registered command on each run (about 2 ms a family command): a run of one
# family registers that one only (no other command either); any other run (help, completion, the other
# commands) registers them all.
_ASKED = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] in FAMILIES else None
for _family in FAMILIES.values():
    if _ASKED in (None, _family.name):
        app.command(name=_family.name)(_family_command(_family))


def _command(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a command other than the families', except in a run of one family (see above)."""
    return (lambda function: function) if _ASKED else app.command(name)


@_command("presets")
def presets_command(
    family: Annotated[
        str | None,
        typer.Argument(
            help="Only this family's presets.",
            metavar="[FAMILY]",
            show_default=False,
            autocompletion=completion.families,
        ),
    ] = None,
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON list.")] = Report.text,
) -> None:
    """List the presets: what each does, exactly what it sets, where it applies, and its caveats.

    Example: wrapgen presets java --format json
    """
    from wrapgen.commands import presets

    _exit(presets.run(family, format_))


@_command("iac")
def iac_command(
    form: Annotated[
        IacFormat,
        typer.Argument(help=f"The tool the snippet is for: {', '.join(f.value for f in IacFormat)}.", metavar="FORMAT"),
    ],
    layer: Annotated[str, typer.Option(help="A layer zip built earlier with --layer.", metavar="PATH.zip")],
    iac_dir: Annotated[
        str, typer.Option(help="Where the IaC template lives: the zip is referenced relative to it.", metavar="DIR")
    ] = ".",
    name: Annotated[
        str | None, typer.Option(help="Which wrapper, when the layer holds several.", metavar="NAME")
    ] = None,
) -> None:
    """Print the IaC snippet for a layer zip built earlier (it reads the wrapper back from the zip).

    Example: wrapgen iac terraform --layer build/wrapgen-python.zip --iac-dir infra > infra/wrapgen.tf
    """
    from wrapgen.commands import iac

    _exit(iac.run(form, layer, iac_dir, name))


@_command("inspect")
def inspect_command(
    zip_path: Annotated[str, typer.Argument(help="A layer zip: wrapgen's or any other.", metavar="PATH.zip")],
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON object.")] = Report.text,
) -> None:
    """Report a layer zip's files, modes and wrappers; exit 1 on anything that would fail at cold start.

    Example: wrapgen inspect build/wrapgen-python.zip --format json
    """
    from wrapgen.commands import inspect

    _exit(inspect.run(zip_path, format_))


@_command("explain")
def explain_command(
    scripts: Annotated[
        list[str],
        typer.Argument(
            help="A wrapper, or a chain of any length in the order the scripts run, composed as wrapgen composes"
            " one: the wrapgen wrapper among them runs those before it as --first links and those after it as --then"
            " links (none of wrapgen's: a wrapgen wrapper without flags runs them all).",
            metavar="SCRIPT...",
        ),
    ],
    family: Annotated[
        str | None,
        typer.Option(
            help="The runtimes' family (default: read from a wrapgen wrapper's header).",
            metavar="FAMILY",
            autocompletion=completion.families,
        ),
    ] = None,
    runtime: Annotated[
        list[str] | None,
        typer.Option(
            help="Only this Lambda runtime (default: all of the family's). Repeatable.",
            autocompletion=completion.runtimes(),
        ),
    ] = None,
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON list.")] = Report.text,
    no_sandbox: _NoSandbox = False,
    env: _FunctionEnv = None,
    env_file: _FunctionEnvFile = None,
    layer: _FunctionLayers = None,
    all_vectors: Annotated[
        bool,
        typer.Option(
            "--all-vectors",
            help="Every command line recorded for each runtime (.NET's class library, executable assembly and"
            " single-file program; java17's two), not only the first.",
        ),
    ] = False,
    managed_instances: _ManagedInstances = None,
) -> None:
    """Run a wrapper, or a chain of them (each link started with a shim named as the interpreter, as wrapgen runs
    a chain), for real under bash, as each Lambda runtime of the family starts it, with a recording stub as the
    interpreter: show what each link received and passed on, the variables each changed, the command line and
    environment the runtime got, and what would break the function or silently undo a wrapper; exit 1 if anything
    would, 2 if it could not check (a missing file, a refusal, no sandbox). The scripts run in a sandbox
    (bubblewrap): as /opt/NAME, with Lambda's environment only, no network, nothing of this machine's but its
    system directories, read-only.

    Example: wrapgen explain vendor-a build/wrapgen-java vendor-b --runtime java21
    """
    from wrapgen.commands import explain

    _exit(explain.run(scripts, family, runtime, format_, no_sandbox, env, env_file, layer, all_vectors,
                      managed_instances))  # fmt: skip


@_command("lint")
def lint_command(
    files: Annotated[list[str], typer.Argument(help="Wrapper scripts: wrapgen's or hand-written.", metavar="FILE...")],
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON object.")] = Report.text,
) -> None:
    """Run shellcheck (in each script's dialect, from its #! line) and bashate on wrapper scripts; exit 1 if they
    find anything. Files that are not shell scripts are skipped, with a note.

    Example: wrapgen lint /opt/vendor/wrapper wrapgen-python
    """
    from wrapgen.commands import lint

    _exit(lint.run(files, format_))


@_command("try")
def try_command(
    handler: Annotated[str, typer.Option(help="The function's handler (_HANDLER), e.g. app.handler.")],
    event: Annotated[str, typer.Option(help="A JSON file: the event to invoke with (- for stdin).", metavar="FILE")],
    script: Annotated[
        str | None,
        typer.Argument(
            help="The wrapper (AWS_LAMBDA_EXEC_WRAPPER's file), or a layer zip a wrapgen command built with --layer"
            " (unpacked at /opt, its wrapper run). Leave out to try --env/--env-file alone (a --via env setup).",
            metavar="[SCRIPT]",
        ),
    ] = None,
    code: Annotated[str, typer.Option(help="The function's code (LAMBDA_TASK_ROOT).", metavar="DIR")] = ".",
    runtime: Annotated[
        str | None,
        typer.Option(
            help="The Lambda runtime whose argument vector to run (default: the one of the local"
            " interpreter's version, in the wrapper's family).",
            metavar="RUNTIME",
            autocompletion=completion.runtimes(),
        ),  # fmt: skip
    ] = None,
    interpreter: Annotated[
        str | None,
        typer.Option(help="The local interpreter (default: this python; java, node or ruby on PATH).", metavar="PATH"),
    ] = None,
    runtime_client: Annotated[
        str | None,
        typer.Option(
            help="node: the aws-lambda-ric package (default: DIR/node_modules/aws-lambda-ric).", metavar="PATH"
        ),  # fmt: skip
    ] = None,
    compare: Annotated[
        int,
        typer.Option(
            help="Time init in N pairs of starts without and with the wrapper (without one: the variables),"
            " alternating: the median ratio and the least and most of the pairs'. 1: one sample.",
            min=1,
            metavar="N",
        ),
    ] = 5,
    timeout: Annotated[
        float,
        typer.Option(
            help="Seconds a start may take, init and invocation (then it is killed).", min=0.1, metavar="S"
        ),  # fmt: skip
    ] = 30.0,
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON object.")] = Report.text,
    no_sandbox: _NoSandbox = False,
    layer: _FunctionLayers = None,
    env: _FunctionEnv = None,
    env_file: _FunctionEnvFile = None,
    managed_instances: _ManagedInstances = None,
) -> None:
    """Start the real local runtime through the wrapper (a file, or the one in a layer zip wrapgen built) with the
    function's variables as Lambda does, invoke the handler once through a local Runtime API, and print its result,
    what it wrote and its init time with and without the wrapper (without one: the variables); exit 1 unless
    the handler answered. It all runs in a sandbox (bubblewrap): the wrapper at /opt/NAME, the code at /var/task
    (read-only), Lambda's environment only, no network but the Runtime API; the event and the response are held to
    Lambda's 6 MB, what the function prints to its first 64 kB (shown escaped).

    Example: wrapgen try build/layer.zip --handler app.handler --event event.json --code src --env-file vars.env
    """
    from wrapgen.commands import try_

    _exit(
        try_.run(
            script,
            handler,
            event,
            code,
            runtime,
            interpreter,
            runtime_client,
            compare,
            timeout,
            format_,
            no_sandbox,
            layer,
            env,
            env_file,
            managed_instances,
        )
    )


_Region = Annotated[
    str | None, typer.Option(help="The AWS region (default: AWS_REGION, or the profile's).", metavar="REGION")
]
_Profile = Annotated[
    str | None,
    typer.Option(help="A profile of ~/.aws/config (default: AWS_PROFILE, else the default).", metavar="PROFILE"),
]
_Summary = Annotated[
    Report, typer.Option("--format", help="text, or a JSON object on stdout (keys: docs/aws.md); messages on stderr.")
]


@_command("publish")
def publish_command(
    zip_path: Annotated[str, typer.Argument(help="A layer zip, e.g. built with --layer.", metavar="PATH.zip")],
    layer_name: Annotated[str, typer.Option(help="The layer's name in Lambda.", metavar="NAME")],
    runtime: Annotated[
        list[str] | None,
        typer.Option(
            help="A compatible runtime (default: those of the zip's wrapgen wrapper). Repeatable.",
            metavar="RUNTIME",
            autocompletion=completion.runtimes(),
        ),
    ] = None,
    architecture: Annotated[
        list[str] | None,
        typer.Option(help="x86_64 or arm64 (default: both; a wrapper is a script). Repeatable.", metavar="ARCH"),
    ] = None,
    region: _Region = None,
    profile: _Profile = None,
    format_: _Summary = Report.text,
) -> None:
    """Publish a layer zip as a Lambda layer version and print its ARN; the latest version is reused (its ARN
    printed, saying so) when it holds the same code. Credentials and region as the AWS CLI finds them.

    Example: wrapgen publish build/wrapgen-python.zip --layer-name wrapgen-python --region eu-west-1
    """
    from wrapgen.commands import publish

    _exit(publish.run(zip_path, layer_name, runtime, architecture, region, profile, format_))


_Functions = Annotated[
    list[str] | None, typer.Option("--function", help="A function's name or ARN. Repeatable.", metavar="NAME|ARN")
]
_WithLayer = Annotated[
    str | None,
    typer.Option(
        help="Every function of the region with this layer (any version, for an ARN without one), or whose"
        " WRAPGEN_ATTACHED names it (a detach left something to undo).",
        metavar="ARN",
    ),
]
_Tags = Annotated[
    list[str] | None, typer.Option("--tag", help="Every function with this tag (all of them given).", metavar="K=V")
]


@_command("attach")
def attach_command(
    layer: Annotated[str, typer.Option(help="The layer version's ARN (e.g. from wrapgen publish).", metavar="ARN")],
    function: _Functions = None,
    all_with_layer: _WithLayer = None,
    tag: _Tags = None,
    env: Annotated[
        list[str] | None,
        typer.Option(
            help="A variable to set; a list variable (NODE_OPTIONS, JAVA_TOOL_OPTIONS, ...) is appended to."
            " Repeatable.",
            metavar="NAME=VALUE",
        ),  # fmt: skip
    ] = None,
    wrapper: Annotated[
        str | None,
        typer.Option(
            help="The wrapper's path (default: the one wrapgen publish wrote in the layer's description).",
            metavar="/opt/wrapgen/NAME",
        ),  # fmt: skip
    ] = None,
    first: Annotated[
        list[str] | None,
        typer.Option(
            "--first",
            help="A link that runs before the wrapper (added to WRAPGEN_FIRST), e.g. a vendor's that must run first;"
            " the function's current wrapper, named here, is placed here. Repeatable, in order.",
            metavar="PATH",
        ),  # fmt: skip
    ] = None,
    then: Annotated[
        list[str] | None,
        typer.Option(
            "--then",
            help="A link that runs after the wrapper (added to WRAPGEN_THEN, after the function's current wrapper"
            " unless it is named here, which places it). Repeatable, in order; a runtime replacer such as"
            " /opt/bootstrap only last.",
            metavar="PATH",
        ),  # fmt: skip
    ] = None,
    explain_with: Annotated[
        list[str] | None,
        typer.Option(
            help="Local copies of the chain's scripts in the order they run (WRAPGEN_FIRST's links, the wrapper,"
            " WRAPGEN_THEN's: the function's current wrapper among them) to check instead of the layers' own;"
            " a failure to check is then an error. Repeatable.",
            metavar="SCRIPT",
        ),  # fmt: skip
    ] = None,
    layer_zip: Annotated[
        list[str] | None,
        typer.Option(
            help="A local copy of a layer version's zip (the one attached, or one on the functions), used instead"
            " of downloading it where its CodeSha256 matches (e.g. where GetLayerVersion gives no URL). Repeatable.",
            metavar="PATH.zip",
        ),  # fmt: skip
    ] = None,
    no_explain: Annotated[
        bool, typer.Option("--no-explain", help="Do not check the wrapper chain (the summary says: not checked).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Print the before/after diff of each function; change nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="Attach where the runtime, a variable already set or the chain check says no.")
    ] = False,
    region: _Region = None,
    profile: _Profile = None,
    no_sandbox: _NoSandbox = False,
    format_: _Summary = Report.text,
) -> None:
    """Put a layer and its wrapper on functions: the layer added (an older version of it replaced, the others kept
    in order), AWS_LAMBDA_EXEC_WRAPPER set (another wrapper already there chained after it, first in WRAPGEN_THEN,
    or where --first or --then places it), --first and --then links added to WRAPGEN_FIRST and WRAPGEN_THEN (those
    there already kept, in order; a link there already not added again), list variables appended to, and what was
    added recorded in WRAPGEN_ATTACHED for detach. Another version of a layer wrapgen attached is moved to in one
    step (detach still restores the configuration from before the first); attached again, the chain is extended.

    Before anything is changed, the chain is checked: as wrapgen generation checks links (a link that replaces the
    runtime, such as /opt/bootstrap, only last, the wrapper's own --first and --then links, read from the layer, in
    it), then as wrapgen explain does: our wrapper from the layer's zip, each link from the layer of the function
    that holds it (each zip downloaded from GetLayerVersion's URL, at most 50 MB, or from --layer-zip). They are run
    locally in a sandbox (bubblewrap: at their /opt paths, a link only if it is a bash or sh script), under bash,
    with a recording stub in the runtime's place, Lambda's environment only (not yours: no AWS credentials, no file
    of yours, no network); a chain that would break the function is refused unless --force. Where a zip or a
    sandbox cannot be had the summary says "not checked: WHY"; --no-explain skips the run. Exit 1 if any failed.

    Example: wrapgen attach --layer arn:aws:lambda:eu-west-1:123456789012:layer:wrapgen-node:3 --tag team=web
    """
    from wrapgen.commands import attach

    _exit(
        attach.run(
            layer,
            function,
            all_with_layer,
            tag,
            env,
            wrapper,
            explain_with,
            layer_zip,
            no_explain,
            dry_run,
            force,
            region,
            profile,
            no_sandbox,
            format_,
            first,
            then,
        )
    )


@_command("detach")
def detach_command(
    function: _Functions = None,
    all_with_layer: _WithLayer = None,
    tag: _Tags = None,
    layer: Annotated[
        str | None,
        typer.Option(help="Only where wrapgen attached this layer (any version, without one).", metavar="ARN"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option(help="Print the before/after diff of each function; change nothing.")
    ] = False,
    region: _Region = None,
    profile: _Profile = None,
    format_: _Summary = Report.text,
    force: Annotated[
        bool,
        typer.Option(help="Put back what attach recorded even where a value or the layer was changed since."),
    ] = False,
) -> None:
    """Take off exactly what wrapgen attach added (WRAPGEN_ATTACHED): its layer (the version it replaced put back),
    its variables (the values they had restored), what it appended to list variables, and the chained wrapper back
    in AWS_LAMBDA_EXEC_WRAPPER (WRAPGEN_FIRST and WRAPGEN_THEN as they were); everything else is left byte for
    byte. Where a value or the layer was changed since attach, the rest is undone and that is left as it is, named
    (current and original value) and kept in WRAPGEN_ATTACHED, so that a detach after it is fixed by hand finishes
    the job; --force puts back the originals regardless. Exit 1 if any failed or was left.

    Example: wrapgen detach --all-with-layer arn:aws:lambda:eu-west-1:123456789012:layer:wrapgen-node
    """
    from wrapgen.commands import detach

    _exit(detach.run(function, all_with_layer, tag, layer, dry_run, region, profile, format_, force))


@_command("status")
def status_command(
    function: _Functions = None,
    all_with_layer: _WithLayer = None,
    tag: _Tags = None,
    every: Annotated[bool, typer.Option("--all", help="Every function of the region.")] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Run each function's wrapper chain as wrapgen explain does, in the sandbox (as attach checks it).",
        ),
    ] = False,
    layer_zip: Annotated[
        list[str] | None,
        typer.Option(
            help="With --check: a local copy of a layer version's zip, used where its CodeSha256 matches. Repeatable.",
            metavar="PATH.zip",
        ),
    ] = None,
    region: _Region = None,
    profile: _Profile = None,
    no_sandbox: _NoSandbox = False,
    format_: _Summary = Report.text,
) -> None:
    """Which functions carry a wrapgen layer (the one attach recorded in WRAPGEN_ATTACHED, or one whose description
    wrapgen publish wrote), its version and whether it is the latest published, the wrapper chain they run, their
    variables near Lambda's 4 KB, and what attach recorded that no longer matches the function (a value changed
    since, the layer gone); with --check, explain's verdict on the chain. Read only; 8 functions at a time, a
    progress line on a terminal. Exit 0 if every function is healthy, 1 if any is not (a mismatch, a chain that
    breaks it), 2 if wrapgen could not look (an error: no region, a function that could not be read).

    Example: wrapgen status --all-with-layer arn:aws:lambda:eu-west-1:123456789012:layer:wrapgen-node --check
    """
    from wrapgen.commands import status

    _exit(status.run(function, all_with_layer, tag, every, check, layer_zip, region, profile, no_sandbox, format_))


@_command("iam-policy")
def iam_policy_command(
    command: Annotated[
        str,
        typer.Argument(
            help="publish, attach, detach, status or build.",
            metavar="COMMAND",
            show_default=False,
            autocompletion=completion.iam_commands,
        ),
    ],
) -> None:
    """Print the least-privilege IAM policy (JSON) that a wrapgen command needs: the Lambda actions of the calls it
    makes (a test records them against moto), each on the resources Lambda checks it on; narrow the ARNs' * to your
    region, account, functions and layers. Actions it needs without calling them are said on stderr.

    Example: wrapgen iam-policy attach > wrapgen-attach-policy.json
    """
    from wrapgen.commands import iam_policy

    _exit(iam_policy.run(command))


_Manifest = Annotated[
    str | None,
    typer.Option(
        "--manifest",
        "-m",
        help="The manifest (default: wrapgen.toml here, else pyproject.toml's [tool.wrapgen]).",
        metavar="PATH",
    ),
]


@_command("build")
def build_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Entries to build (default: all).", metavar="[NAME]...", autocompletion=completion.entries),
    ] = None,
    manifest_path: _Manifest = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Write nothing: say on stderr each entry's command and what it would write."),
    ] = False,
    no_sandbox: _NoSandbox = False,
    format_: _Summary = Report.text,
) -> None:
    """Build the entries of the manifest (wrapgen.toml) as one plan: every file of every entry written, or none
    (the same bytes as each entry's command line). Paths are relative to the manifest's directory. An entry's
    verify-with and explain run in the sandbox (bubblewrap), never with your environment.

    Example: wrapgen build orders-python
    """
    from wrapgen.commands import build

    _exit(build.run(names, manifest_path, dry_run, no_sandbox, format_))


@_command("check")
def check_command(
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="Generated wrappers or layer zips, each checked against its own header's command (default: every"
            " file the manifest declares).",
            metavar="[FILE]...",
        ),
    ] = None,
    manifest_path: _Manifest = None,
    format_: Annotated[
        Report, typer.Option("--format", help="text (each drift, then its diff), or a JSON object.")
    ] = Report.text,
) -> None:
    """Compare generated files with what wrapgen would build now and exit 1, with a diff, for each that is missing,
    stale (built from other options or by another wrapgen) or hand-edited: the CI gate (and a pre-commit hook).
    With no FILE, every file of the manifest's entries; with FILEs, each as its own header's command builds it.
    It compares bytes and runs nothing: an entry's verify-with and explain are for wrapgen build.

    Example: wrapgen check build/wrapgen-python build/wrapgen-python.zip
    """
    from wrapgen.commands import check

    _exit(check.run(files, manifest_path, format_))


@_command("regenerate")
def regenerate_command(
    files: Annotated[list[str], typer.Argument(help="Generated wrappers or layer zips.", metavar="FILE...")],
) -> None:
    """Rewrite generated wrappers from their own headers' commands (in a layer zip, each wrapgen wrapper, the other
    files kept): the upgrade path when wrapgen changes. All are written, or none; a file already current is left.

    Example: wrapgen regenerate build/wrapgen-python build/wrapgen-python.zip
    """
    from wrapgen.commands import regenerate

    _exit(regenerate.run(files))


@_command("init")
def init_command(
    families: Annotated[
        list[str] | None,
        typer.Argument(
            help="A first entry for each of these families (default: python).",
            metavar="[FAMILY]...",
            autocompletion=completion.families,
        ),
    ] = None,
    sources: Annotated[
        list[str] | None,
        typer.Option(
            "--from",
            help="An entry that rebuilds this generated wrapper (or layer zip of one) from its header's command."
            " Repeatable.",
            metavar="FILE",
        ),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", help="Where to write it (- for stdout); never over a file.", metavar="PATH")
    ] = "wrapgen.toml",
    outside: Annotated[
        bool,
        typer.Option(
            "--allow-paths-outside",
            help="Take --from files outside the manifest's directory, and write allow-paths-outside = true in it"
            " (its entries may then write and read files anywhere you can).",
        ),
    ] = False,
) -> None:
    """Write a commented starter manifest (wrapgen.toml): an entry for each FAMILY, or for each generated file given
    with --from (built again by wrapgen build, to the same bytes), every other key commented with its meaning.

    Example: wrapgen init --from build/wrapgen-python --from build/wrapgen-node.zip
    """
    from wrapgen.commands import init

    _exit(init.run(families, sources, output, outside))
