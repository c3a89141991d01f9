"""The local stand-in for a Lambda runtime, for `wrapgen try`: the runtime's recorded argument vector with the
real local interpreter in place of /var/lang/bin/..., and a real local entry in place of the runtime's own.

python: wrapgen's bootstrap.py in front of awslambdaric (PyPI); node: aws-lambda-ric (npm), AWS's client;
java: a main class of wrapgen's (runtime_clients/AWSLambda.java, compiled once into the user's cache) with the
runtime's JVM options; ruby: a runtime client of wrapgen's (runtime_clients/index.rb). dotnet is not emulated.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from wrapgen.errors import WrapgenError
from wrapgen.local.sandbox import Layout
from wrapgen.runtimes import RUNTIME_FAMILY, Family, vectors

CLIENTS = Path(__file__).parent / "runtime_clients"
"""wrapgen's runtime entries (package data); LAMBDA_RUNTIME_DIR points here, as it points to /var/runtime."""

JAVA_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"
JAVA_MAINS = frozenset({JAVA_MAIN, "lambdainternal.AWSLambda"})


@dataclass
class Local:
    """A runtime as `wrapgen try` starts it: what the bootstrap would exec the wrapper with, made local. Its paths
    are as the layout gives them: Lambda's in the sandbox (/var/task, /var/runtime), this machine's without."""

    runtime: str
    family: Family
    vector: list[str]
    """The recorded vector (Lambda's paths)."""
    argv: list[str]
    """The local command: interpreter, the runtime's options, wrapgen's or AWS's entry."""
    runtime_dir: str
    task_root: str
    layout: Layout
    emulated: list[str] = field(default_factory=list)
    """What differs from Lambda, one line each: said in the report."""


def family_of_runtime(runtime: str) -> Family:
    if runtime in RUNTIME_FAMILY:
        return RUNTIME_FAMILY[runtime]
    raise WrapgenError(f"--runtime {runtime}: not a Lambda runtime that runs a wrapper",
                       f"one of: {', '.join(RUNTIME_FAMILY)}")  # fmt: skip


def vector_of(runtime: str) -> list[str]:
    """The runtime's first recorded vector that starts with an interpreter (not a single-file binary)."""
    for vector in vectors():
        if vector.runtime == runtime and vector.argv[0].startswith("/var/lang/bin/"):
            return list(vector.argv)
    raise WrapgenError(f"{runtime}: no recorded argument vector")


def _probe(argv: list[str], what: str, sandboxed: bool) -> str:
    """What the local interpreter prints for `argv` (its version, an import), run in the sandbox."""
    from wrapgen.local.sandbox import PLAIN_ENVIRONMENT, run

    layout = Layout(sandboxed)
    argv = [layout.expose_installation(argv[0]), *argv[1:]]
    try:
        done = run(layout, argv, PLAIN_ENVIRONMENT if sandboxed else os.environ, 60, "/tmp" if sandboxed else ".")
    except OSError as error:
        raise WrapgenError(f"{argv[0]}: cannot run {what}: {error.strerror or error}") from None
    if done.timed_out:
        raise WrapgenError(f"{argv[0]}: {what} did not answer in 60 s")
    return (done.stdout + done.stderr).decode("utf-8", "replace")


def _interpreter(family: Family, given: str | None) -> str:
    if given is not None:
        found = shutil.which(given) if os.sep not in given else given
        if found is None or not os.access(found, os.X_OK):
            raise WrapgenError(f"--interpreter {given}: not an executable file")
        return os.path.abspath(found)
    if family.name == "python":
        import sys

        return sys.executable
    name = {"node": "node", "java": "java", "ruby": "ruby"}.get(family.name)
    found = shutil.which(name) if name else None
    if found is None:
        raise WrapgenError(f"{family.name}: no local interpreter: {name or family.name} is not on PATH",
                           "give --interpreter PATH")  # fmt: skip
    return found


def _version(family: Family, interpreter: str, sandboxed: bool) -> str:
    """The interpreter's version as the family's runtimes key it (3.12, 22, 17, 3.3)."""
    if family.name == "python":
        out = _probe([interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], "python", sandboxed)
        return out.strip()
    if family.name == "node":
        match = re.search(r"v(\d+)\.", _probe([interpreter, "--version"], "node --version", sandboxed))
    elif family.name == "java":
        said = _probe([interpreter, "-version"], "java -version", sandboxed)
        match = re.search(r'version "(?:1\.(\d+)|(\d+))', said)
        return next((g for g in match.groups() if g), "") if match else ""
    else:
        match = re.search(r"ruby (\d+\.\d+)", _probe([interpreter, "--version"], "ruby --version", sandboxed))
    return match.group(1) if match else ""


def choose_runtime(family: Family, version: str) -> str | None:
    """The family's runtime that runs this interpreter version (the first, e.g. java17 before java17.al2023)."""
    return next((runtime for runtime, v in family.versions if v == version), None)


def local_runtime(family: Family, runtime: str | None, interpreter: str | None, code: str, handler: str,
                  client: str | None, sandboxed: bool = True) -> Local:  # fmt: skip
    """The local command for this family (and runtime, else the one of the local interpreter's version): in the
    sandbox, the function's code at /var/task and wrapgen's runtime entries at /var/runtime, as on Lambda."""
    if family.name == "dotnet":
        raise WrapgenError("dotnet: wrapgen try cannot start a .NET runtime here (no emulation of"
                           " Amazon.Lambda.RuntimeSupport)")  # fmt: skip
    path = _interpreter(family, interpreter)
    version = _version(family, path, sandboxed)
    notes = []
    if runtime is None:
        runtime = choose_runtime(family, version)
        if runtime is None:
            runtime = family.runtimes[-1]
            notes.append(f"no Lambda runtime runs {family.title} {version or '(unknown version)'}: the vector of"
                         f" {runtime}, the newest, is used")  # fmt: skip
    elif family.version_of(runtime) != version:
        notes.append(f"{runtime} runs {family.title} {family.version_of(runtime)}; the local interpreter is"
                     f" {version or 'of an unknown version'}")  # fmt: skip
    vector = vector_of(runtime)
    layout = Layout(sandboxed)
    runtime_dir = layout.place(str(CLIENTS), "/var/runtime")
    task_root = layout.place(os.path.abspath(code), "/var/task")
    local = Local(runtime, family, vector, [layout.expose_installation(path), *vector[1:]], runtime_dir, task_root,
                  layout)  # fmt: skip
    local.emulated.append(f"interpreter: {path} ({family.title} {version or '?'}) for {vector[0]}")
    build = {"python": _python, "node": _node, "java": _java, "ruby": _ruby}[family.name]
    build(local, code, handler, client)
    local.emulated.extend(notes)
    return local


def _python(local: Local, code: str, handler: str, client: str | None) -> None:
    out = _probe([local.argv[0], "-c", "import awslambdaric; print(awslambdaric.__version__)"], "python",
                 local.layout.sandboxed)  # fmt: skip
    if "Error" in out:
        raise WrapgenError(f"{local.argv[0]}: cannot import awslambdaric, the runtime interface client",
                           "pip install 'wrapgen[try]' (or awslambdaric) for that python")  # fmt: skip
    local.argv[-1] = os.path.join(local.runtime_dir, "bootstrap.py")
    local.emulated.append(f"bootstrap: wrapgen's emulation of {local.vector[-1]} ({local.argv[-1]});"
                          f" runtime client: awslambdaric {out.strip()} (real)")  # fmt: skip


def _node(local: Local, code: str, handler: str, client: str | None) -> None:
    where = Path(client) if client else Path(code) / "node_modules" / "aws-lambda-ric"
    entry = where / "index.mjs" if where.is_dir() else where
    if not entry.is_file():
        raise WrapgenError(f"node: AWS's runtime interface client is not at {where}",
                           "npm install aws-lambda-ric in --code DIR (4.x needs node 22), or give --runtime-client"
                           " PATH")  # fmt: skip
    version = "?"
    try:
        import json

        version = json.loads((entry.parent / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    local.argv[-1] = _placed(local, code, str(entry.resolve()), where)
    local.emulated.append(f"entry: aws-lambda-ric {version} (real, AWS's npm package) at {local.argv[-1]} in place"
                          f" of {local.vector[-1]}")  # fmt: skip


def _placed(local: Local, code: str, entry: str, package: Path) -> str:
    """The runtime client's entry as the runtime sees it: in the function's code (/var/task/...), or exposed with
    the node_modules it was installed in (its dependencies are hoisted there)."""
    task = os.path.realpath(code)
    if entry.startswith(task + os.sep):
        return os.path.join(local.task_root, os.path.relpath(entry, task))
    package = package.resolve()
    local.layout.expose(str(package.parent if package.parent.name == "node_modules" else package))
    return entry


def _java(local: Local, code: str, handler: str, client: str | None) -> None:
    classes = local.layout.expose(str(_compiled_entry(local.argv[0])))
    task = local.task_root
    argv, dropped = [local.argv[0]], []
    items = iter(local.argv[1:])
    for arg in items:
        if arg in ("-classpath", "-cp", "--class-path"):
            argv += [arg, os.pathsep.join([str(classes), task, os.path.join(task, "lib", "*")])]
            next(items, None)
        elif arg.startswith(("-javaagent:/var/", "-XX:SharedArchiveFile=/var/")):
            dropped.append(arg)
        elif arg == "-Xshare:on":
            argv.append("-Xshare:auto")
            dropped.append(arg)
        else:
            argv.append(arg)
    if local.vector[-2:-1] == [JAVA_MAIN]:
        argv[-1] = handler  # java17+: the handler is the last argument
    local.argv = argv
    main = next((arg for arg in local.vector if arg in JAVA_MAINS), JAVA_MAIN)
    reads = "its first argument" if main == JAVA_MAIN else "_HANDLER"
    local.emulated.append(f"main class: wrapgen's {main} (in {CLIENTS}, compiled in {classes}): it reads the handler"
                          f" from {reads}, as AWS's does; the handler gets the event as a String, context null; no"
                          " aws-lambda-java-core")  # fmt: skip
    local.emulated.append(f"class path: wrapgen's classes, {task}, {task}/lib/* in place of Lambda's jars")
    if dropped:
        local.emulated.append(f"left out (Lambda's files, absent here): {' '.join(dropped)}; -Xshare:auto instead")


def _compiled_entry(java: str) -> Path:
    """AWSLambda.java compiled for Java 11+, once per source, in the user's cache."""
    sources = [CLIENTS / "AWSLambda.java", CLIENTS / "lambdainternal" / "AWSLambda.java"]
    source = b"".join(path.read_bytes() for path in sources)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wrapgen" / "try-java"
    target = cache / hashlib.sha256(source).hexdigest()[:16]
    if (target / "com").is_dir():
        return target
    sibling = Path(java).parent / "javac"
    javac = str(sibling) if sibling.is_file() else shutil.which("javac")
    if javac is None:
        raise WrapgenError("java: javac (a JDK) is needed once, to compile wrapgen's runtime entry class",
                           "put a JDK 11+ on PATH")  # fmt: skip
    import tempfile

    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=cache))
    done = subprocess.run([javac, "--release", "11", "-d", str(work), *map(str, sources)],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    if done.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise WrapgenError(f"java: {javac} could not compile wrapgen's runtime entry class: {first}")
    try:
        work.rename(target)
    except OSError:  # another run compiled it meanwhile
        shutil.rmtree(work, ignore_errors=True)
    return target


def _ruby(local: Local, code: str, handler: str, client: str | None) -> None:
    local.argv[-1] = os.path.join(local.runtime_dir, "index.rb")
    local.emulated.append(f"runtime client: wrapgen's emulation of {local.vector[-1]} ({local.argv[-1]}, net/http):"
                          " the handler gets event: (parsed JSON) and context: nil")  # fmt: skip
