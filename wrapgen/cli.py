"""The command line: a thin typer layer. Each command builds a spec, calls the core, writes the result."""

import sys
from collections.abc import Callable
from typing import Annotated, NoReturn

import typer

from wrapgen import __version__
from wrapgen.errors import WrapgenError
from wrapgen.runtimes import FAMILIES, Family

app = typer.Typer(
    name="wrapgen",
    help="Generate correct AWS Lambda exec wrappers (AWS_LAMBDA_EXEC_WRAPPER) and lint them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(error: WrapgenError) -> NoReturn:
    message = error.message + (f" ({error.hint})" if error.hint else "")
    sys.stderr.write("error: " + message.replace("\n", "\\n") + "\n")
    raise typer.Exit(1)


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
                help=f"Interpreter options, split like a shell splits words (e.g. {family.flag_example!r}). Repeatable."
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
            str | None,
            typer.Option(
                help="Exec this next wrapper (e.g. /opt/otel-handler) with the modified command line instead"
                " of the interpreter; if it is missing at run time, warn and start the runtime.",
                metavar="PATH",
            ),
        ] = None,
        output: Annotated[
            str | None,
            typer.Option("--output", "-o", help="Write the script here (mode 0755, atomically); default stdout."),
        ] = None,
        name: Annotated[
            str | None,
            typer.Option(help=f"The wrapper's file name (default wrapgen-{family.name}).", metavar="NAME"),
        ] = None,
    ) -> None:
        from wrapgen.output import write_file
        from wrapgen.render import render_wrapper
        from wrapgen.spec import wrapper_spec

        try:
            spec = wrapper_spec(
                family.name,
                flag or (),
                env or (),
                then,
                name,
                presets=preset or (),
                drops=drop_flag or (),
                env_defaults=env_default or (),
            )
            artifact = render_wrapper(spec)
            for warning in spec.warnings:
                sys.stderr.write(f"warning: {warning}\n")
            if output is None:
                sys.stdout.buffer.write(artifact.text.encode())
            else:
                write_file(output, artifact.text.encode(), artifact.mode)
        except WrapgenError as error:
            _fail(error)

    command.__doc__ = (
        f"Generate an exec wrapper for {family.title} runtimes ({', '.join(family.runtimes)}): it inserts"
        f" --flag options {family.placement}."
    )
    return command


for _family in FAMILIES.values():
    app.command(name=_family.name)(_family_command(_family))


@app.command("presets")
def presets_command(
    family: Annotated[
        str | None, typer.Argument(help="Only this family's presets.", metavar="[FAMILY]", show_default=False)
    ] = None,
) -> None:
    """List the presets: what each does, exactly what it sets, where it applies, and its caveats."""
    from wrapgen.presets import describe
    from wrapgen.spec import family_named

    try:
        families = [family_named(family).name] if family else list(FAMILIES)
    except WrapgenError as error:
        _fail(error)
    sys.stdout.write(describe(families))


@app.command("lint")
def lint_command(
    files: Annotated[list[str], typer.Argument(help="Wrapper scripts: wrapgen's or hand-written.", metavar="FILE...")],
) -> None:
    """Run shellcheck and bashate on wrapper scripts; exit 1 if they find anything."""
    from wrapgen.lint import lint

    try:
        findings = lint(files)
    except WrapgenError as error:
        _fail(error)
    for finding in findings:
        sys.stdout.write(f"{finding}\n")
    if findings:
        sys.stderr.write(f"wrapgen lint: {len(findings)} finding(s) in {len(files)} file(s)\n")
        raise typer.Exit(1)
    sys.stderr.write(f"wrapgen lint: {len(files)} file(s) clean\n")
