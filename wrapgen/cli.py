"""The command line: a thin typer layer. Each command builds a spec, calls the core, writes the result."""

import contextlib
import enum
import os
import shlex
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core

from wrapgen import __version__
from wrapgen.choices import Format, IacFormat, Via
from wrapgen.errors import WrapgenError
from wrapgen.runtimes import FAMILIES, Family

if TYPE_CHECKING:
    from wrapgen.manifest import Manifest


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


class Report(str, enum.Enum):
    text = "text"
    json = "json"


def _json(data: object) -> str:
    """JSON in UTF-8: a byte that is not UTF-8 (a path's, a file's) written as an escape (raw, it was not JSON)."""
    import json

    from wrapgen.printable import surrogates_escaped

    return surrogates_escaped(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def _print(text: str) -> None:
    """The payload on stdout, a write error (a full disk, a closed pipe) in one line, as every other error."""
    from wrapgen.output import write_stdout

    write_stdout(text.encode("utf-8", "surrogateescape"))


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


def _family_command(family: Family) -> Callable[..., None]:
    def command(
        flag: Annotated[
            list[str] | None,
            typer.Option(
                help=f"Interpreter options, split like a shell splits words (e.g. {family.flag_example!r})."
                " Repeatable.",
                metavar="TEXT",
            ),
        ] = None,
        unchecked_flag: Annotated[
            list[str] | None,
            typer.Option(
                help="One interpreter option (with its value) that wrapgen's option tables do not know, e.g. one"
                " newer than them: inserted after the --flag options, with a warning. Repeatable.",
                metavar="TEXT",
            ),
        ] = None,
        verify_with: Annotated[
            str | None,
            typer.Option(
                help="Before writing anything, run this local interpreter with the flags (and the variables) and a"
                " program that does nothing; stop with its error if it refuses them.",
                metavar="PATH",
            ),
        ] = None,
        preset: Annotated[
            list[str] | None,
            typer.Option(
                help=f"A named set of flags and variables, NAME or NAME=VALUE (see: wrapgen presets {family.name})."
                " Repeatable.",
                metavar="NAME[=VALUE]",
            ),
        ] = None,
        drop_flag: Annotated[
            list[str] | None,
            typer.Option(
                help="An option the runtime itself passes, removed (with its value) before the flags go in."
                " Repeatable.",
                metavar="OPTION",
            ),
        ] = None,
        env: Annotated[
            list[str] | None,
            typer.Option(
                help="NAME=VALUE exported before the runtime starts; list variables (NODE_OPTIONS,"
                " JAVA_TOOL_OPTIONS, RUBYOPT, DOTNET_STARTUP_HOOKS, PYTHONPATH) are appended to. Repeatable.",
                metavar="NAME=VALUE",
            ),
        ] = None,
        env_default: Annotated[
            list[str] | None,
            typer.Option(
                help="NAME=VALUE exported only where the variable is unset or empty. Repeatable.", metavar="NAME=VALUE"
            ),
        ] = None,
        then: Annotated[
            list[str] | None,
            typer.Option(
                help="Exec this next wrapper (e.g. /opt/otel-handler) with the modified command line instead"
                " of the interpreter; if it is missing at run time, warn and start the runtime.",
                metavar="PATH",
            ),
        ] = None,
        via: Annotated[
            Via,
            typer.Option(
                help="wrapper: a script for AWS_LAMBDA_EXEC_WRAPPER; env: only the variables to set"
                " (for IaC), or an error saying why a variable cannot do what was asked."
            ),
        ] = Via.wrapper,
        format_: Annotated[
            Format,
            typer.Option("--format", help="With --via env: NAME=VALUE lines, or a JSON object."),
        ] = Format.lines,
        runtime: Annotated[
            list[str] | None,
            typer.Option(
                help="Only for this Lambda runtime: flags are checked for it, a layer and the IaC list it as"
                f" compatible, --via env writes its variables ({', '.join(family.runtimes)}; default: all)."
                " Repeatable.",
                metavar="RUNTIME",
            ),
        ] = None,
        layer: Annotated[
            str | None,
            typer.Option(
                help="Also write a Lambda layer zip with the wrapper at /opt/wrapgen/NAME (byte-identical"
                " on every build).",
                metavar="PATH.zip",
            ),
        ] = None,
        include: Annotated[
            list[str] | None,
            typer.Option(
                help="With --layer or --dockerfile: add the file SRC at DEST under /opt, mode 0644 (in a layer, UTF-8"
                " text with LF line endings and no BOM). Repeatable.",
                metavar="SRC=DEST",
            ),
        ] = None,
        include_exec: Annotated[
            list[str] | None,
            typer.Option(
                help="With --layer or --dockerfile: like --include, for a script or binary: mode 0755.",
                metavar="SRC=DEST",
            ),
        ] = None,
        dockerfile: Annotated[
            bool,
            typer.Option(
                "--dockerfile",
                help="Print the Dockerfile lines that install the wrapper (written with"
                " -o, a path in the build context) in a Lambda base image.",
            ),
        ] = False,
        iac: Annotated[
            IacFormat | None,
            typer.Option(
                help="Print the IaC snippet that declares the layer (from --layer) or sets the variables"
                " (from --via env), instead of the script."
            ),
        ] = None,
        iac_dir: Annotated[
            str | None,
            typer.Option(
                help="With --iac and --layer: where the IaC template lives, the zip referenced relative to it"
                " (default: here).",
                metavar="DIR",
            ),
        ] = None,
        explain_it: Annotated[
            bool,
            typer.Option(
                "--explain",
                help="Before writing, run the wrapper as each of its Lambda runtimes would start it (with a"
                " recording stub as the interpreter) and say on stderr what it does (see: wrapgen explain).",
            ),
        ] = False,
        dynamic_references: Annotated[
            bool,
            typer.Option(
                "--allow-dynamic-references",
                help="With --iac sam or cloudformation: let a value hold {{resolve:...}}, which CloudFormation"
                " replaces with a secret or parameter at deploy time (refused by default: a literal value would"
                " change).",
            ),
        ] = False,
        output: Annotated[
            str | None,
            typer.Option(
                "--output", "-o", help="Write the script here (mode 0755, atomically); default stdout.", metavar="PATH"
            ),
        ] = None,
        name: Annotated[
            str | None,
            typer.Option(help=f"The wrapper's file name (default wrapgen-{family.name}).", metavar="NAME"),
        ] = None,
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
        from wrapgen.output import commit, write_stdout
        from wrapgen.plan import plan
        from wrapgen.request import Execution, Request

        request = Request(
            family.name,
            flag=tuple(flag or ()),
            unchecked_flag=tuple(unchecked_flag or ()),
            verify_with=verify_with,
            preset=tuple(preset or ()),
            drop_flag=tuple(drop_flag or ()),
            env=tuple(env or ()),
            env_default=tuple(env_default or ()),
            then=tuple(then or ()),
            via=via.value,
            format=format_.value,
            runtime=tuple(runtime or ()),
            layer=layer,
            include=tuple(include or ()),
            include_exec=tuple(include_exec or ()),
            dockerfile=dockerfile,
            iac=iac and iac.value,
            iac_dir=iac_dir,
            explain=explain_it,
            allow_dynamic_references=dynamic_references,
            output=output,
            name=name,
        )
        result = plan(request, Execution.unsandboxed if no_sandbox else Execution.sandboxed)
        if dry_run:
            result.check()
            sys.stderr.write("".join(result.messages) + result.describe())
            write_stdout(result.stdout)
            return
        commit(result)

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
        str | None, typer.Argument(help="Only this family's presets.", metavar="[FAMILY]", show_default=False)
    ] = None,
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON list.")] = Report.text,
) -> None:
    """List the presets: what each does, exactly what it sets, where it applies, and its caveats.

    Example: wrapgen presets java --format json
    """
    from wrapgen.presets import as_data, describe
    from wrapgen.spec import family_named

    families = [family_named(family).name] if family else list(FAMILIES)
    _print(_json(as_data(families)) if format_ is Report.json else describe(families))


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
    from wrapgen.iac import Deployment, snippet
    from wrapgen.inspection import inspect_layer
    from wrapgen.layer import in_opt
    from wrapgen.printable import printable

    report = inspect_layer(layer)
    if report.defects:
        raise WrapgenError(f"{printable(layer)}: {len(report.defects)} defect(s) would fail at cold start, the"
                           f" first: {printable(report.defects[0])}", "see: wrapgen inspect")  # fmt: skip
    ours = [e for e in report.entries if e.spec is not None and (name is None or e.spec.name == name)]
    if len(ours) != 1:
        found = ", ".join(printable(e.path) for e in report.entries if e.spec is not None) or "none"
        raise WrapgenError(f"{layer}: want one wrapgen wrapper, found: {found}", "choose one with --name")
    entry = ours[0]
    assert entry.spec is not None
    variables = (("AWS_LAMBDA_EXEC_WRAPPER", in_opt(entry.path)),)
    relative = os.path.relpath(layer, iac_dir)
    deployment = Deployment(entry.spec.family, entry.spec.name, relative, variables, entry.spec.selected)
    text = snippet(form.value, deployment)
    _print(text)


@_command("inspect")
def inspect_command(
    zip_path: Annotated[str, typer.Argument(help="A layer zip: wrapgen's or any other.", metavar="PATH.zip")],
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON object.")] = Report.text,
) -> None:
    """Report a layer zip's files, modes and wrappers; exit 1 on anything that would fail at cold start.

    Example: wrapgen inspect build/wrapgen-python.zip --format json
    """
    from wrapgen.inspection import describe_report, inspect_layer, report_json

    report = inspect_layer(zip_path)
    for piece in report_json(report) if format_ is Report.json else describe_report(report):
        _print(piece)
    if report.defects:
        raise typer.Exit(1)


@_command("explain")
def explain_command(
    scripts: Annotated[
        list[str],
        typer.Argument(help="A wrapper, or a wrapgen wrapper and the next wrapper it execs.", metavar="SCRIPT..."),
    ],
    family: Annotated[
        str | None,
        typer.Option(help="The runtimes' family (default: read from a wrapgen wrapper's header).", metavar="FAMILY"),
    ] = None,
    runtime: Annotated[
        list[str] | None, typer.Option(help="Only this Lambda runtime (default: all of the family's). Repeatable.")
    ] = None,
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON list.")] = Report.text,
    no_sandbox: _NoSandbox = False,
) -> None:
    """Run a wrapper (or a chain: a wrapgen wrapper and its next wrapper) for real under bash, as each Lambda runtime
    of the family starts it, with a recording stub as the interpreter: show the command line before and after,
    the variables it sets, and what would break the function or silently undo the wrapper; exit 1 if anything
    would. The scripts run in a sandbox (bubblewrap): as /opt/NAME, with Lambda's environment only, no network,
    nothing of this machine's but its system directories, read-only.

    Example: wrapgen explain build/wrapgen-java --runtime java21
    """
    from wrapgen.local.explain import as_data, describe, explain
    from wrapgen.spec import check_runtimes, family_named, wrapper_family

    chosen = family_named(family) if family else wrapper_family(scripts[0])
    if chosen is None:
        raise WrapgenError(f"{scripts[0]}: not a wrapgen wrapper: say which runtimes it is for",
                           "add --family python (or node, java, dotnet, ruby)")  # fmt: skip
    check_runtimes(chosen, runtime or ())
    outcomes = explain(scripts, chosen, runtime or (), sandboxed=not no_sandbox)
    _print(_json(as_data(outcomes)) if format_ is Report.json else describe(outcomes, chosen))
    if any(outcome.broken for outcome in outcomes):
        raise typer.Exit(1)


@_command("lint")
def lint_command(
    files: Annotated[list[str], typer.Argument(help="Wrapper scripts: wrapgen's or hand-written.", metavar="FILE...")],
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON object.")] = Report.text,
) -> None:
    """Run shellcheck (in each script's dialect, from its #! line) and bashate on wrapper scripts; exit 1 if they
    find anything. Files that are not shell scripts are skipped, with a note.

    Example: wrapgen lint /opt/vendor/wrapper wrapgen-python
    """
    from wrapgen.lint import lint

    report = lint(files)
    if format_ is Report.json:
        import dataclasses

        findings = [dataclasses.asdict(finding) for finding in report.findings]
        _print(_json({"findings": findings, "skipped": [{"path": p, "what": w} for p, w in report.skipped]}))
        raise typer.Exit(1 if report.findings else 0)
    from wrapgen.printable import printable

    for path, what in report.skipped:
        sys.stderr.write(printable(f"wrapgen lint: {path}: skipped: {what}") + "\n")
    _print("".join(f"{printable(str(finding))}\n" for finding in report.findings))
    if report.findings:
        sys.stderr.write(f"wrapgen lint: {len(report.findings)} finding(s) in {len(files)} file(s)\n")
        raise typer.Exit(1)
    sys.stderr.write(f"wrapgen lint: {len(files) - len(report.skipped)} file(s) clean\n")


@_command("try")
def try_command(
    script: Annotated[str, typer.Argument(help="The wrapper (AWS_LAMBDA_EXEC_WRAPPER's file).", metavar="SCRIPT")],
    handler: Annotated[str, typer.Option(help="The function's handler (_HANDLER), e.g. app.handler.")],
    event: Annotated[str, typer.Option(help="A JSON file: the event to invoke with (- for stdin).", metavar="FILE")],
    code: Annotated[str, typer.Option(help="The function's code (LAMBDA_TASK_ROOT).", metavar="DIR")] = ".",
    runtime: Annotated[
        str | None,
        typer.Option(
            help="The Lambda runtime whose argument vector to run (default: the one of the local"
            " interpreter's version, in the wrapper's family).",
            metavar="RUNTIME",
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
            help="Time init N times with and without the wrapper, interleaved: medians and ratio.", min=1, metavar="N"
        ),  # fmt: skip
    ] = 1,
    timeout: Annotated[
        float,
        typer.Option(
            help="Seconds a start may take, init and invocation (then it is killed).", min=0.1, metavar="S"
        ),  # fmt: skip
    ] = 30.0,
    format_: Annotated[Report, typer.Option("--format", help="text, or a JSON object.")] = Report.text,
    no_sandbox: _NoSandbox = False,
) -> None:
    """Start the real local runtime through the wrapper as Lambda does, invoke the handler once through a local
    Runtime API, and print its result, what it wrote and its init time with and without the wrapper; exit 1 unless
    the handler answered. It all runs in a sandbox (bubblewrap): the wrapper at /opt/NAME, the code at /var/task
    (read-only), Lambda's environment only, no network but the Runtime API; the event and the response are held to
    Lambda's 6 MB, what the function prints to its first 64 kB (shown escaped).

    Example: wrapgen try wrapgen-python --handler app.handler --event event.json --code src --compare 5
    """
    from wrapgen.local import trial

    report = trial.prepare_and_try(script, handler, event, code, runtime, interpreter, runtime_client, compare,
                                   timeout, not no_sandbox)  # fmt: skip
    _print(_json(trial.report_data(report)) if format_ is Report.json else trial.describe(report))
    if not report.ok:
        raise typer.Exit(1)


_Region = Annotated[
    str | None, typer.Option(help="The AWS region (default: AWS_REGION, or the profile's).", metavar="REGION")
]
_Profile = Annotated[
    str | None,
    typer.Option(help="A profile of ~/.aws/config (default: AWS_PROFILE, else the default).", metavar="PROFILE"),
]


@_command("publish")
def publish_command(
    zip_path: Annotated[str, typer.Argument(help="A layer zip, e.g. built with --layer.", metavar="PATH.zip")],
    layer_name: Annotated[str, typer.Option(help="The layer's name in Lambda.", metavar="NAME")],
    runtime: Annotated[
        list[str] | None,
        typer.Option(
            help="A compatible runtime (default: those of the zip's wrapgen wrapper). Repeatable.", metavar="RUNTIME"
        ),
    ] = None,
    architecture: Annotated[
        list[str] | None,
        typer.Option(help="x86_64 or arm64 (default: both; a wrapper is a script). Repeatable.", metavar="ARCH"),
    ] = None,
    region: _Region = None,
    profile: _Profile = None,
) -> None:
    """Publish a layer zip as a Lambda layer version and print its ARN; the latest version is reused (its ARN
    printed, saying so) when it holds the same code. Credentials and region as the AWS CLI finds them.

    Example: wrapgen publish build/wrapgen-python.zip --layer-name wrapgen-python --region eu-west-1
    """
    from wrapgen.aws.client import clients
    from wrapgen.aws.publish import publish

    (client,) = clients(region, profile, "lambda")
    published = publish(client, zip_path, layer_name, runtime or (), architecture or ())
    if published.new:
        sys.stderr.write(f"published: {', '.join(published.runtimes)}; {', '.join(published.architectures)}\n"
                         f"description: {published.description}\n")  # fmt: skip
    else:
        sys.stderr.write("not published: the latest version holds the same code (CodeSha256); its ARN:\n")
    _print(published.arn + "\n")


_Functions = Annotated[
    list[str] | None, typer.Option("--function", help="A function's name or ARN. Repeatable.", metavar="NAME|ARN")
]
_WithLayer = Annotated[
    str | None,
    typer.Option(
        help="Every function of the region with this layer (any version, for an ARN without one).", metavar="ARN"
    ),  # fmt: skip
]
_Tags = Annotated[
    list[str] | None, typer.Option("--tag", help="Every function with this tag (all of them given).", metavar="K=V")
]


def _fleet(command: str, region: str | None, profile: str | None, functions: list[str] | None,
           with_layer: str | None, tags: list[str] | None, one: Callable[..., object], dry_run: bool,
           prepare: Callable[[object], None] | None = None) -> None:  # fmt: skip
    """`prepare(client)` once, then `one(client, name)` on every function chosen; the diffs (--dry-run), the
    summary."""
    from wrapgen.aws import fleet
    from wrapgen.aws.client import clients

    (client,) = clients(region, profile, "lambda")
    if prepare is not None:
        prepare(client)
    names = fleet.targets(client, functions or (), with_layer, tags or ())
    results = fleet.run(names, lambda name: one(client, name))  # type: ignore[arg-type,return-value]
    if dry_run:
        _print("".join(r.change.diff() for r in results if r.change is not None and r.change.changed))
    _print(fleet.summary(results, command))
    if any(result.error is not None for result in results):
        failed = sum(result.error is not None for result in results)
        raise WrapgenError(f"{command}: {failed} of {len(results)} function(s) failed (see the summary)")


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
    explain_with: Annotated[
        list[str] | None,
        typer.Option(
            help="Local copies of the wrapper, then of the function's current wrapper, to check instead of the"
            " layers' own scripts; a failure to check is then an error. Repeatable.",
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
) -> None:
    """Put a layer and its wrapper on functions: the layer added (an older version of it replaced, the others kept
    in order), AWS_LAMBDA_EXEC_WRAPPER set (another wrapper already there chained after it, WRAPGEN_THEN), list
    variables appended to, and what was added recorded in WRAPGEN_ATTACHED for detach. Another version of a layer
    wrapgen attached is moved to in one step (detach still restores the configuration from before the first).

    Before anything is changed, the chain is checked as wrapgen explain does: our wrapper from the layer's zip, and
    the function's own wrapper from the layer of the function that holds it (each zip downloaded from
    GetLayerVersion's URL, at most 50 MB, or from --layer-zip). Both are run locally in a sandbox (bubblewrap: at
    their /opt paths, the function's own only if it is a bash or sh script), under bash, with a recording stub in the
    runtime's place, Lambda's environment only (not yours: no AWS credentials, no file of yours, no network); a
    chain that would break the function is refused unless --force. Where a zip or a sandbox cannot be had the
    summary says "not checked: WHY"; --no-explain skips the check. Exit 1 if any failed.

    Example: wrapgen attach --layer arn:aws:lambda:eu-west-1:123456789012:layer:wrapgen-node:3 --tag team=web
    """
    from wrapgen.aws import attach, chain
    from wrapgen.errors import InvalidValue
    from wrapgen.spec import assignment

    if no_explain and explain_with:
        raise InvalidValue("--no-explain and --explain-with: choose one")
    pairs = [assignment(item, "--env") for item in env or ()]
    infos: dict[str, attach.LayerInfo] = {}
    zips: dict[str, chain.Layers] = {}

    def prepare(client: object) -> None:
        infos["layer"] = attach.read_layer(client, layer, wrapper)
        zips["layers"] = chain.Layers(client, chain.local_zips(layer_zip or ()))

    def one(client: object, name: str) -> tuple[object, bool]:
        found = attach.read_function(client, name)
        change = attach.plan_attach(found, infos["layer"], pairs, force)
        if change.changed and no_explain:
            change.notes.append("not checked (--no-explain)")
        elif change.changed:
            how = chain.Check(zips["layers"], infos["layer"].arn, infos["layer"].wrapper, explain_with or (), force,
                              not no_sandbox)  # fmt: skip
            chain.check(change, how)
        if change.changed and not dry_run:
            attach.apply(client, change)
            return change, True
        return change, False

    _fleet("attach", region, profile, function, all_with_layer, tag, one, dry_run, prepare)


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
) -> None:
    """Take off exactly what wrapgen attach added (WRAPGEN_ATTACHED): its layer (the version it replaced put back),
    its variables (the values they had restored), what it appended to list variables, and the chained wrapper back
    in AWS_LAMBDA_EXEC_WRAPPER; everything else is left byte for byte. Exit 1 if any failed.

    Example: wrapgen detach --all-with-layer arn:aws:lambda:eu-west-1:123456789012:layer:wrapgen-node
    """
    from wrapgen.aws import attach

    def one(client: object, name: str) -> tuple[object, bool]:
        change = attach.plan_detach(attach.read_function(client, name), layer)
        if change.changed and not dry_run:
            attach.apply(client, change)
            return change, True
        return change, False

    _fleet("detach", region, profile, function, all_with_layer, tag, one, dry_run)


_Manifest = Annotated[
    str | None,
    typer.Option(
        "--manifest",
        "-m",
        help="The manifest (default: wrapgen.toml here, else pyproject.toml's [tool.wrapgen]).",
        metavar="PATH",
    ),
]


def _manifest(path: str | None) -> "Manifest":
    """The manifest, read; the process then works in its directory, where its paths are relative to."""
    from wrapgen import manifest

    found = manifest.load(path)
    os.chdir(found.directory)
    return found


@_command("build")
def build_command(
    names: Annotated[
        list[str] | None, typer.Argument(help="Entries to build (default: all).", metavar="[NAME]...")
    ] = None,
    manifest_path: _Manifest = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Write nothing: say on stderr each entry's command and what it would write."),
    ] = False,
    no_sandbox: _NoSandbox = False,
) -> None:
    """Build the entries of the manifest (wrapgen.toml) as one plan: every file of every entry written, or none
    (the same bytes as each entry's command line). Paths are relative to the manifest's directory. An entry's
    verify-with and explain run in the sandbox (bubblewrap), never with your environment.

    Example: wrapgen build orders-python
    """
    from wrapgen.output import commit
    from wrapgen.request import Execution

    found = _manifest(manifest_path)
    entries = found.select(names or ())
    plan = found.plan(entries, execute=Execution.unsandboxed if no_sandbox else Execution.sandboxed)
    if dry_run:
        from wrapgen.printable import printable

        commands = "".join(f"{printable(entry.name)}: {entry.command_line()}\n" for entry in entries)
        sys.stderr.write("".join(plan.messages) + commands + plan.describe())
        return
    commit(plan)
    sys.stderr.write(f"wrapgen build: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'},"
                     f" {len(plan.files)} file(s) written\n")  # fmt: skip


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
    from wrapgen import drift

    owners: dict[str, list[str]] = {}
    if files:
        if manifest_path is not None:
            raise WrapgenError("--manifest checks the manifest's files; FILEs are checked by their headers:"
                               " choose one")  # fmt: skip
        found = [drift.regenerated(path) for path in drift.distinct(files)]
    else:
        found_manifest = _manifest(manifest_path)
        from wrapgen.request import Execution

        planned = found_manifest.plan(found_manifest.entries, owners, Execution.never).files
        found = [(file, drift.compare(file)) for file in planned]
    from wrapgen.printable import printable

    wanted = [file for file, _ in found]
    drifts = [d for _, d in found if d is not None]
    if format_ is Report.json:
        differ = [{"path": d.path, "what": d.what, "entries": owners.get(d.path, []), "diff": d.diff} for d in drifts]
        _print(_json({"checked": [file.path for file in wanted], "differ": differ}))
    else:
        by = {path: f" (entr{'y' if len(names) == 1 else 'ies'} {', '.join(names)})" for path, names in owners.items()}
        _print("".join(f"{printable(f'{d.path}: {d.what}' + by.get(d.path, ''))}\n{d.diff}" for d in drifts))
    if drifts:
        fix = "wrapgen regenerate FILE..." if files else "wrapgen build"
        sys.stderr.write(f"wrapgen check: {len(drifts)} of {len(wanted)} file(s) differ from what wrapgen builds now"
                         f" (to rebuild them: {fix})\n")  # fmt: skip
        raise typer.Exit(1)
    sys.stderr.write(f"wrapgen check: {len(wanted)} file(s) up to date\n")


@_command("regenerate")
def regenerate_command(
    files: Annotated[list[str], typer.Argument(help="Generated wrappers or layer zips.", metavar="FILE...")],
) -> None:
    """Rewrite generated wrappers from their own headers' commands (in a layer zip, each wrapgen wrapper, the other
    files kept): the upgrade path when wrapgen changes. All are written, or none; a file already current is left.

    Example: wrapgen regenerate build/wrapgen-python build/wrapgen-python.zip
    """
    from wrapgen import drift
    from wrapgen.output import Plan, commit

    paths = drift.distinct(files)
    plan = Plan(files=[file for file, differs in map(drift.regenerated, paths) if differs is not None])
    commit(plan)
    from wrapgen.printable import printable

    for file in plan.files:
        sys.stderr.write(f"regenerated {printable(file.path)}\n")
    sys.stderr.write(f"wrapgen regenerate: {len(plan.files)} of {len(paths)} file(s) rewritten\n")


def _family_options(family: str) -> list[dict[str, object]]:
    """The family command's options as typer built them: the one source of their help, for wrapgen init. (typer
    0.2x carries its own click: its objects are read by their attributes.)"""
    command = typer.main.get_command(app)
    found = []
    for param in command.commands[family].params:  # type: ignore[attr-defined]
        if param.param_type_name != "option":
            continue
        choices = getattr(param.type, "choices", None)
        found.append({"option": max(param.opts, key=len), "metavar": "|".join(map(str, choices)) if choices else
                      param.metavar, "help": param.help, "multiple": param.multiple,
                      "switch": param.is_flag})  # fmt: skip
    return found


@_command("init")
def init_command(
    families: Annotated[
        list[str] | None,
        typer.Argument(help="A first entry for each of these families (default: python).", metavar="[FAMILY]..."),
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
    from wrapgen import starter
    from wrapgen.output import STDOUT, write_file, write_stdout
    from wrapgen.spec import family_named

    if output != STDOUT:
        starter.check_target(output)
    directory = os.path.dirname(os.path.abspath(output)) if output != STDOUT else os.getcwd()
    drafts = [starter.from_family(family_named(name)) for name in families or ([] if sources else ["python"])]
    from wrapgen.drift import distinct

    drafts += [starter.from_file(path, directory, outside) for path in distinct(sources or ())]
    options = {d.values["family"]: starter.options_of(_family_options(d.values["family"])) for d in drafts}
    from wrapgen.printable import utf8

    data = utf8(starter.render(drafts, options, outside), "the manifest", "a header's value or a path that is not"
                " UTF-8 cannot go in TOML")  # fmt: skip
    if output == STDOUT:
        write_stdout(data)
        return
    write_file(output, data, 0o644)
    sys.stderr.write(f"wrote {output} (to build its entries: wrapgen build)\n")
