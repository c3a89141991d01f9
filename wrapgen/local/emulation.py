"""The local stand-in for a Lambda runtime, for `wrapgen try`: the runtime's recorded argument vector with the
real local interpreter in place of /var/lang/bin/..., and a real local entry in place of the runtime's own.

python: wrapgen's bootstrap.py in front of awslambdaric (PyPI); node: aws-lambda-ric (npm), AWS's client (4.x
with its own index.mjs; 3.x, for node 16-20, behind runtime_clients/index.mjs, which runs it as Lambda's does);
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
from wrapgen.installed import extra_hint
from wrapgen.local.sandbox import Layout
from wrapgen.runtimes import RUNTIME_FAMILY, Family, retired, vectors

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
    version: str = ""
    """The local interpreter's version as the family's runtimes key it (3.12, 22, 17), or "" if unknown."""
    emulated: list[str] = field(default_factory=list)
    """What differs from Lambda, one line each: said in the report."""
    managed: int | None = None
    """As a Lambda Managed Instances environment of this concurrency (wrapgen.local.managed), or not."""


def family_of_runtime(runtime: str) -> Family:
    if runtime in RUNTIME_FAMILY:
        return RUNTIME_FAMILY[runtime]
    if refusal := retired(runtime):
        raise WrapgenError(refusal)
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
                  layout, version)  # fmt: skip
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
                           extra_hint("try") + " (or pip install awslambdaric for that python)")  # fmt: skip
    local.argv[-1] = os.path.join(local.runtime_dir, "bootstrap.py")
    local.emulated.append(f"bootstrap: wrapgen's emulation of {local.vector[-1]} ({local.argv[-1]});"
                          f" runtime client: awslambdaric {out.strip()} (real)")  # fmt: skip


RIC_NODE = 22
"""aws-lambda-ric 4.x needs node 22 or later (its engines); 3.x, the last before it, runs node 16-20 (its README)."""


def _node(local: Local, code: str, handler: str, client: str | None) -> None:
    where = Path(client) if client else Path(code) / "node_modules" / "aws-lambda-ric"
    found = _ric_package(where)
    if found is None:  # not inside an aws-lambda-ric package: the file given is the entry, as given
        entry = where / "index.mjs" if where.is_dir() else where
        if not entry.is_file():
            raise WrapgenError(f"node: AWS's runtime interface client is not at {where}",
                               f"npm install aws-lambda-ric in --code DIR (4.x for node {RIC_NODE}+, 3.x for node"
                               f" 16-{RIC_NODE - 2}), or give --runtime-client PATH")  # fmt: skip
        local.argv[-1] = _placed(local, code, str(entry.resolve()), entry.parent)
        local.emulated.append(f"entry: {entry} (not in an aws-lambda-ric package) in place of {local.vector[-1]}")
        return
    package, version = found
    major = _ric_fits(version, local.version, package)
    if major == 3:
        _ric3(local, code, package, version)
        return
    entry = where if where.is_file() else package / "index.mjs"
    if not entry.is_file():
        raise WrapgenError(f"node: aws-lambda-ric {version} at {package} has no index.mjs, its entry")
    local.argv[-1] = _placed(local, code, str(entry.resolve()), package)
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


def _ric_package(where: Path) -> tuple[Path, str] | None:
    """The aws-lambda-ric package `where` is (a directory) or is in (its index.mjs, bin/ or dist/ entry), with its
    version; npm keeps the name in an alias's package.json (aws-lambda-ric3: npm:aws-lambda-ric@3...)."""
    import json

    for package in [where] if where.is_dir() else [where.parent, where.parent.parent]:
        try:
            meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and meta.get("name") == "aws-lambda-ric":
            return package.resolve(), str(meta.get("version", "?"))
    return None


def _ric_fits(version: str, node: str, package: Path) -> int:
    """The package's major, if it runs on the local node's major (either unknown: not checked)."""
    ric = int(version.split(".")[0]) if version.split(".")[0].isdigit() else 0
    if ric < 3:
        raise WrapgenError(f"node: aws-lambda-ric {version} at {package}: wrapgen try runs 3.x (node 16-"
                           f"{RIC_NODE - 2}) and 4.x (node {RIC_NODE}+)", "npm install aws-lambda-ric@4 (node"
                           f" {RIC_NODE}+) or aws-lambda-ric@3 (node 16-{RIC_NODE - 2}) in --code DIR")  # fmt: skip
    if not node.isdigit():
        return ric
    other = "give --runtime-client PATH, or --interpreter a node"
    if ric == 3 and int(node) >= RIC_NODE:
        raise WrapgenError(f"node: aws-lambda-ric {version} at {package} runs on node 16-{RIC_NODE - 2}, the local"
                           f" node is {node}", f"npm install aws-lambda-ric@4 in --code DIR; or {other}"
                           f" 16-{RIC_NODE - 2}")  # fmt: skip
    if ric >= 4 and int(node) < RIC_NODE:
        raise WrapgenError(f"node: aws-lambda-ric {version} at {package} needs node {RIC_NODE} or later, the local"
                           f" node is {node}", "npm install aws-lambda-ric@3, the last for node < 22, in --code DIR;"
                           f" or {other} {RIC_NODE}+")  # fmt: skip
    return ric


def _ric3(local: Local, code: str, package: Path, version: str) -> None:
    """aws-lambda-ric 3.x as Lambda's nodejs18.x/20.x start it: node execs /var/runtime/index.mjs (here wrapgen's),
    which hands LAMBDA_TASK_ROOT and _HANDLER to the package's run(); its bin/ wants the handler as an argument."""
    for part in ("dist/index.mjs", "dist/rapid-client.node"):
        if not (package / part).is_file():
            raise WrapgenError(f"node: aws-lambda-ric {version} at {package} has no {part}: not built",
                               "npm rebuild aws-lambda-ric (its install builds native code: cmake, autoconf,"
                               " libtool, a C++ compiler)")  # fmt: skip
    seen = _placed(local, code, str(package), package)
    local.runtime_dir = local.layout.place(str(_ric3_runtime_dir(seen)), "/var/runtime")
    local.argv[-1] = os.path.join(local.runtime_dir, "index.mjs")
    local.emulated.append(f"entry: wrapgen's {local.vector[-1]} (runtime_clients/index.mjs: run(LAMBDA_TASK_ROOT,"
                          f" _HANDLER), as Lambda's) over aws-lambda-ric {version} (real, AWS's npm package) at"
                          f" {seen}")  # fmt: skip


def _ric3_runtime_dir(package: str) -> Path:
    """A runtime directory for aws-lambda-ric 3.x, made once per package path in the user's cache: wrapgen's
    index.mjs beside node_modules/aws-lambda-ric, a link to the package at the path the runtime sees it at."""
    import tempfile

    source = (CLIENTS / "index.mjs").read_bytes()
    cache = _cache("try-node")
    target = cache / hashlib.sha256(source + b"\0" + package.encode()).hexdigest()[:16]
    if (target / "index.mjs").is_file():
        return target
    try:
        cache.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=cache))
        (work / "index.mjs").write_bytes(source)
        (work / "node_modules").mkdir()
        (work / "node_modules" / "aws-lambda-ric").symlink_to(package)
    except OSError as error:
        raise WrapgenError(f"node: cannot write wrapgen's runtime directory in {cache}: {error.strerror or error}",
                           "set XDG_CACHE_HOME to a writable directory") from None  # fmt: skip
    try:
        work.rename(target)
    except OSError:  # another run made it meanwhile
        shutil.rmtree(work, ignore_errors=True)
    return target


def _cache(name: str) -> Path:
    """wrapgen's directory `name` in the user's cache, where try keeps what it makes once."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wrapgen" / name


def _java(local: Local, code: str, handler: str, client: str | None) -> None:
    classes = local.layout.expose(str(_compiled_entry(local.argv[0])))
    task = local.task_root
    argv, dropped = [local.argv[0]], []
    items = iter(local.argv[1:])
    for arg in items:
        if arg in ("-classpath", "-cp", "--class-path"):
            argv += [arg, os.pathsep.join([str(classes), task, os.path.join(task, "lib", "*")])]
            next(items, None)
        elif arg.startswith(("-javaagent:/var/", "-XX:SharedArchiveFile=/var/", "-XX:AOTCache=/var/")):
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
        auto = "; -Xshare:auto instead" if "-Xshare:on" in dropped else ""
        local.emulated.append(f"left out (Lambda's files, absent here): {' '.join(dropped)}{auto}")


def _compiled_entry(java: str) -> Path:
    """AWSLambda.java compiled for Java 11+, once per source, in the user's cache."""
    sources = [CLIENTS / "AWSLambda.java", CLIENTS / "lambdainternal" / "AWSLambda.java"]
    source = b"".join(path.read_bytes() for path in sources)
    cache = _cache("try-java")
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
