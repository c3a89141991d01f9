"""The plan a Request makes: what `wrapgen python ...` and an entry of wrapgen.toml both build (every file and
message), computed without writing anything, so that a command line and a manifest entry give the same bytes.

Imports are inside the functions: a family command's start-up pays only for what its options use.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wrapgen.choices import Format, IacFormat, Via
from wrapgen.errors import InvalidValue
from wrapgen.request import Execution, Request

if TYPE_CHECKING:
    from wrapgen.layer import LayerFile
    from wrapgen.output import Plan
    from wrapgen.spec import WrapperSpec


def plan(request: Request, execute: Execution = Execution.sandboxed) -> Plan:
    """What the command writes and prints, computed without writing anything (WrapgenError on bad input);
    `execute` says where --verify-with and --explain run what they run, if at all."""
    from wrapgen.output import Plan
    from wrapgen.spec import spec_of

    _check_choice("--via", request.via, Via)
    _check_choice("--format", request.format, Format)
    if request.iac is not None:
        _check_choice("--iac", request.iac, IacFormat)
    spec = spec_of(request)
    if request.iac_dir is not None and (request.iac is None or request.layer is None):
        raise InvalidValue("--iac-dir says where the --iac snippet references the --layer zip from; without"
                           " both it has nothing to do")  # fmt: skip
    if request.iac is not None and (request.dockerfile or request.format != "lines"):
        raise InvalidValue("--iac prints the snippet; --dockerfile and --format print something else")
    if request.allow_dynamic_references and request.iac not in ("sam", "cloudformation"):
        raise InvalidValue("--allow-dynamic-references goes with --iac sam or cloudformation, which resolve"
                           " {{resolve:...}}")  # fmt: skip
    result = Plan(messages=[f"warning: {warning}\n" for warning in spec.warnings])
    if not (spec.inserted or spec.variables or spec.defaults or spec.chained or spec.dropped):
        result.messages.append("warning: nothing to insert, set or chain: the wrapper only starts the runtime\n")
    if execute is Execution.never:
        request = request._replace(verify_with=None, explain=False)
    sandboxed = execute is Execution.sandboxed
    if request.via == "env":
        _env_plan(result, spec, request, sandboxed)
    else:
        _wrapper_plan(result, spec, request, sandboxed)
    return result


def _check_choice(option: str, value: str, choices: type[enum.Enum]) -> None:
    """A value given as text (a manifest's) that the command line takes from a closed list."""
    values = [choice.value for choice in choices]
    if value not in values:
        raise InvalidValue(f"{option} {value!r}: want one of {', '.join(values)}")


def _snippet(request: Request, spec: WrapperSpec, layer: str | None, variables: tuple[tuple[str, str], ...]) -> bytes:
    """The IaC snippet; wrapgen.iac (and YAML) is imported only when one is asked for."""
    from wrapgen.iac import Deployment, snippet
    from wrapgen.printable import utf8

    assert request.iac is not None
    relative = None if layer is None else os.path.relpath(layer, request.iac_dir or ".")
    deployment = Deployment(spec.family, spec.name, relative, variables, spec.selected, spec.first + spec.then)
    text = snippet(request.iac, deployment, request.allow_dynamic_references)
    return utf8(text, f"the --iac {request.iac} snippet")


def _env_plan(result: Plan, spec: WrapperSpec, request: Request, sandboxed: bool) -> None:
    """--via env: the variables (or the IaC snippet that sets them), and a layer of the --include files."""
    from wrapgen.envmode import env_assignments, format_assignments
    from wrapgen.output import File
    from wrapgen.printable import utf8

    if request.dockerfile:
        raise InvalidValue("--dockerfile installs a wrapper; --via env makes none (set the variables with"
                           " ENV lines)")  # fmt: skip
    if request.explain:
        raise InvalidValue("--explain runs a wrapper; --via env makes none")
    layer = _env_layer(result, spec, request)
    variables = tuple(env_assignments(spec))
    if not variables:
        raise InvalidValue("--via env: nothing to set", "give --flag, --preset or --env")
    for key, value in variables:
        utf8(value, f"--via env: {key}'s value", "a function's configuration holds text only; a wrapper"
             " passes any bytes: leave out --via env")  # fmt: skip
    if request.verify_with is not None:
        from wrapgen.local.verify import verify

        verify(spec, request.verify_with, variables, flags=False, sandboxed=sandboxed)
    if request.iac is not None:
        data = _snippet(request, spec, layer, variables)
    else:
        data = utf8(format_assignments(variables, request.format), "the variables' text")
    if request.output is None:
        result.stdout += data
    else:
        result.files.append(File(request.output, data, 0o644))


def _env_layer(result: Plan, spec: WrapperSpec, request: Request) -> str | None:
    """With --via env, a layer of the --include files that the variables name (no wrapper in it)."""
    from wrapgen.layer import include_files

    if request.layer is None:
        if request.include or request.include_exec:
            raise InvalidValue("--include and --include-exec go with --layer (or, for a wrapper, --dockerfile)")
        _warn_unshipped(result, spec, None, "nothing ships it: the function must get it from a layer")
        return None
    if not (request.include or request.include_exec):
        raise InvalidValue("--layer with --via env holds the files that --include names: give one at least")
    _add_layer(result, spec, request.layer, include_files(request.include, request.include_exec), wrapper=False)
    return request.layer


def _add_layer(result: Plan, spec: WrapperSpec, layer: str, files: Sequence[LayerFile], wrapper: bool) -> None:
    """The layer zip of these files, its summary, and a warning for each file a preset names that it lacks."""
    from wrapgen.layer import build_layer
    from wrapgen.output import File
    from wrapgen.render import layer_summary

    built = build_layer(files)
    result.files.append(File(layer, built.data, 0o644))
    result.messages.append(layer_summary(spec, built, wrapper=wrapper))
    _warn_unshipped(result, spec, files, "it is not in this layer: the function must get it from another")


def _warn_unshipped(result: Plan, spec: WrapperSpec, files: Sequence[LayerFile] | None, why: str) -> None:
    """A preset names a file under /opt (a preload, an agent, a hook) that what wrapgen writes does not hold."""
    from wrapgen.layer import missing_references

    for path in missing_references(spec.referenced_files, files or ()):
        result.messages.append(f"warning: {path}: {why}\n")


def _wrapper_plan(result: Plan, spec: WrapperSpec, request: Request, sandboxed: bool) -> None:
    """What a wrapper request writes and prints: the script, the layer, the Dockerfile lines, the IaC snippet."""
    from wrapgen.layer import LayerFile, include_files, normalise_text, wrapper_file, wrapper_path
    from wrapgen.output import File
    from wrapgen.render import dockerfile_lines, render_wrapper

    if request.format != "lines":
        raise InvalidValue("--format goes with --via env: it says how to print the variables")
    includes = request.include or request.include_exec
    if includes and request.layer is None and not request.dockerfile:
        raise InvalidValue("--include and --include-exec go with --layer or --dockerfile")
    if request.iac is not None and request.layer is None:
        raise InvalidValue("--iac references the layer zip: add --layer PATH.zip (or use --via env)")
    if request.verify_with is not None:
        from wrapgen.local.verify import verify

        verify(spec, request.verify_with, spec.variables + spec.defaults, sandboxed=sandboxed)
    artifact = render_wrapper(spec)
    script = artifact.text.encode()
    in_layer = _shims(result, spec, request)
    if request.explain:
        result.messages.append(_explanation(spec, script, sandboxed))
    files = include_files(request.include, request.include_exec)
    if request.output is not None:
        result.files.append(File(request.output, script, artifact.mode))
    if request.layer is not None:
        wrapper = LayerFile(wrapper_file(spec.name), normalise_text(script), artifact.mode)
        _add_layer(result, spec, request.layer, [wrapper, *in_layer, *files], wrapper=True)
    elif request.dockerfile:
        _warn_unshipped(result, spec, files, "it is not copied into the image: COPY it, or add --include")
    else:
        _warn_unshipped(result, spec, None, "nothing ships it: the function must get it from a layer")
    if request.iac is not None and request.layer is not None:
        result.stdout += _snippet(request, spec, request.layer, (("AWS_LAMBDA_EXEC_WRAPPER", wrapper_path(spec.name)),))
    elif request.dockerfile:
        copied = [*(in_layer if spec.chained else []), *files]
        result.stdout += dockerfile_lines(spec, request.output, copied).encode()
    elif request.output is None and request.layer is None:
        result.stdout += script


def _shims(result: Plan, spec: WrapperSpec, request: Request) -> list[LayerFile]:
    """The chain's shims as layer files (in a layer always: attach may chain another wrapper after it), written
    beside -o's file (in PATH.chain/) where the wrapper runs others."""
    from wrapgen.layer import LayerFile, normalise_text, wrapper_file
    from wrapgen.output import File
    from wrapgen.render import render_shims, shim_dir

    if request.output is None and request.layer is None:
        _check_shimless(result, spec)
    if request.layer is None and not spec.chained:
        return []  # nothing ships them: not rendered (a family command's time)
    shims = [
        LayerFile(
            f"{shim_dir(wrapper_file(spec.name))}/{shim.path}",
            normalise_text(shim.text.encode()),
            shim.mode,
            f"{shim_dir(request.output or '')}/{shim.path}",
        )
        for shim in render_shims(spec)
    ]
    if request.output is not None and spec.chained:
        result.files += [File(shim.source or "", shim.data, shim.mode) for shim in shims]
    return shims


def _check_shimless(result: Plan, spec: WrapperSpec) -> None:
    """A chain whose wrapper is written alone (no -o, no --layer): its shims are not written, and without them the
    first link after it gets the interpreter's path (a link before it, or a second after it, would not run)."""
    if len(spec.then) > 1 or spec.first:
        raise InvalidValue("a chain of more than one next wrapper, or with --first, needs its shims beside the wrapper",
                           "write it with -o PATH (the shims go in PATH.chain/) or --layer")  # fmt: skip
    if spec.then:
        result.messages.append(f"warning: --then {spec.then[0]}: without its shims (-o PATH writes them in PATH.chain/,"
                               " --layer adds them) the next wrapper gets the interpreter's path, and what it drops"
                               " from a list variable is not put back\n")  # fmt: skip


def _explanation(spec: WrapperSpec, script: bytes, sandboxed: bool) -> str:
    """--explain: the wrapper about to be written, run as each of its runtimes would start it (wrapgen explain)."""
    import tempfile

    from wrapgen.local.explain import describe, explain

    with tempfile.TemporaryDirectory(prefix="wrapgen-") as tmp:
        path = os.path.join(tmp, spec.name)
        with open(path, "wb") as stream:
            stream.write(script)
        os.chmod(path, 0o755)
        outcomes = explain([path], spec.family, spec.runtimes, sandboxed=sandboxed)
    for outcome in outcomes:
        for step in outcome.steps:
            step.script = spec.name
    broken = [outcome.runtime for outcome in outcomes if outcome.broken]
    if broken:
        raise InvalidValue(f"--explain: the wrapper would break the function on {', '.join(broken)}",
                           "nothing was written; to see how: write it without --explain, then wrapgen explain"
                           " it")  # fmt: skip
    return describe(outcomes, spec.family)
