"""Shared helpers: render wrappers, make stub interpreters that record their argv, run wrappers for real."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from wrapgen.presets import Preset
from wrapgen.render import render_wrapper
from wrapgen.runtimes import argument_vectors
from wrapgen.spec import wrapper_spec

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
"""The user's documentation: the README (quick start, set-up, contents) and the reference in docs/."""


def docs_text() -> str:
    """README.md and every docs/*.md, one after the other: what a test reads of what the documentation says."""
    return "\n".join(path.read_text() for path in DOCS)


# A stub interpreter: bash builtins only (so tracing the wrapper sees no other process), records its
# argv NUL-separated and the variables named in STUB_SHOW, then exits with STUB_EXIT.
STUB = r"""#!/bin/bash -p
printf '%s\0' "$0" "$@" > "$STUB_RECORD"
for name in ${STUB_SHOW:-}; do
    if [ -n "${!name+set}" ]; then
        printf '%s=%s\0' "$name" "${!name}" >> "$STUB_RECORD.env"
    fi
done
exit "${STUB_EXIT:-0}"
"""


# The file name of each family's interpreter as a Lambda runtime passes it (the wrapper's $1).
INTERPRETER = {"python": "python3.12", "node": "node", "java": "java", "dotnet": "dotnet", "ruby": "ruby"}

_SAMPLE_VALUES = {"ACTION": "error::DeprecationWarning", "MB": "512", "PATH": "/opt/wrapgen/x.js", "N": "50",
                  "PATH[=OPTS]": "/opt/wrapgen/agent.jar=mode=fast", "HOST:PORT": "127.0.0.1:9009"}  # fmt: skip


def preset_item(preset: Preset) -> str:
    """A --preset argument for this preset, with a valid sample value where it takes one."""
    if preset.value is None:
        return preset.name
    value = (
        "/opt/wrapgen/Hook.dll"
        if preset.value == "PATH" and preset.family == "dotnet"
        else _SAMPLE_VALUES[preset.value]
    )
    return f"{preset.name}={value}"


def aws_sample(*extra: str) -> str:
    """The wrapper from AWS's documentation: it inserts the extra arguments before the last argument."""
    words = " ".join(f'"{arg}"' for arg in extra)
    return (
        f'#!/bin/bash\nargs=("$@")\nextra_args=({words})\n'
        'args=("${args[@]:0:$#-1}" "${extra_args[@]}" "${args[@]: -1}")\nexec "${args[@]}"\n'
    )


FIXTURE_MARKS = {
    "moto": "moto",
    "stock_moto": "moto",
    "terraform": "terraform",
    "bash42": "bash42",
    "engine": "docker",
    "pre_commit": "tools",
}
"""A test that uses one of these fixtures needs that external tool: its mark is added here."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        for fixture, mark in FIXTURE_MARKS.items():
            if fixture in names:
                item.add_marker(mark)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("bash") == "4.2":
            item.add_marker("bash42")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def fixtures() -> list[dict[str, object]]:
    """The runtime argv fixtures: the package's table (wrapgen/tables/lambda-runtime-argv.json, from the team's
    shared data), which `wrapgen try` reads too."""
    return argument_vectors()


def family_of(runtime: str) -> str | None:
    for family in ("python", "node", "java", "dotnet", "ruby"):
        if runtime.startswith(family):
            return family
    return None


def render(family: str, flags: Sequence[str] = (), env: Sequence[str] = (), then: str | None = None,
           name: str | None = None) -> str:  # fmt: skip
    return render_wrapper(wrapper_spec(family, flags, env, (then,) if then else (), name)).text


@dataclass
class Run:
    returncode: int
    argv: list[bytes]
    env: dict[str, bytes]
    stderr: str


class Sandbox:
    """A directory with stub interpreters and wrappers, and a way to run a wrapper as Lambda would.

    Scripts written here run under `bash`: their `#!/bin/bash` line is pointed at it (keeping its options,
    such as the wrappers' `-p`), so that the kernel starts them with that bash, as Lambda's exec does.
    """

    def __init__(self, root: Path, bash: str = "/bin/bash") -> None:
        self.root = root
        self.record = root / "record"
        self.bash = bash

    def _write(self, target: Path, text: str, mode: int) -> str:
        if text.startswith("#!/bin/bash"):
            text = "#!" + self.bash + text.removeprefix("#!/bin/bash")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        target.chmod(mode)
        return str(target)

    def stub(self, path: str) -> str:
        """A stub interpreter at `path` (a Lambda path such as /var/lang/bin/node) under the sandbox."""
        return self._write(self.root / path.lstrip("/"), STUB, 0o755)

    def script(self, name: str, text: str, mode: int = 0o755) -> str:
        return self._write(self.root / name, text, mode)

    def run(
        self,
        wrapper: str,
        argv: Sequence[str | bytes],
        env: dict[str, str] | None = None,
        show: Sequence[str] = (),
        prefix: Sequence[str] = (),
    ) -> Run:
        """Exec the wrapper with argv (as Lambda's bootstrap does) and read what the stub recorded."""
        for stale in (self.record, Path(f"{self.record}.env")):
            stale.unlink(missing_ok=True)
        base = {"PATH": os.environ["PATH"], "STUB_RECORD": str(self.record), "STUB_SHOW": " ".join(show)}
        result = subprocess.run(
            [*prefix, wrapper, *argv],
            env={**base, **(env or {})},
            capture_output=True,
            timeout=60,
            check=False,
        )
        recorded = self.record.read_bytes().split(b"\0")[:-1] if self.record.exists() else []
        env_file = Path(f"{self.record}.env")
        variables = {}
        if env_file.exists():
            for item in env_file.read_bytes().split(b"\0")[:-1]:
                key, _, value = item.partition(b"=")
                variables[key.decode()] = value
        return Run(result.returncode, recorded, variables, result.stderr.decode(errors="replace"))


SHARED_TOOLS = ROOT.parent / "shared" / "tools"
BASH42_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wrapgen" / "bash42"


def bash42_available() -> bool:
    """Whether the bash 4.2 tests run: WRAPGEN_BASH42 names a bash 4.2 (as for wrapgen explain), or the team's
    tools can build one."""
    return bool(os.environ.get("WRAPGEN_BASH42")) or (SHARED_TOOLS / "build-bash42.sh").is_file()


@pytest.fixture(scope="session")
def bash42() -> str:
    """GNU bash 4.2, the bash of Amazon Linux 2: the one WRAPGEN_BASH42 names, else built once from the team's
    source tarball (cached)."""
    given = os.environ.get("WRAPGEN_BASH42")
    if given:
        version = subprocess.run([given, "-c", "echo $BASH_VERSION"], capture_output=True, text=True, check=False)
        assert version.stdout.startswith("4.2."), f"WRAPGEN_BASH42={given} is not a bash 4.2: {version.stdout!r}"
        return given
    builder = SHARED_TOOLS / "build-bash42.sh"
    if not builder.is_file():
        pytest.skip(f"bash 4.2 (Amazon Linux 2) not tested: {builder} is absent (only the team's machines have it);"
                    " set WRAPGEN_BASH42 to a bash 4.2 to run these")  # fmt: skip
    built = subprocess.run(["bash", str(builder), str(BASH42_CACHE)], capture_output=True, text=True, timeout=900,
                           check=False)  # fmt: skip
    assert built.returncode == 0, f"building bash 4.2 failed: {built.stderr[-2000:]}"
    return built.stdout.strip()


@pytest.fixture(params=["5.2", "4.2"], ids=["bash5", "bash42"])
def bash(request: pytest.FixtureRequest) -> str:
    """Each bash a Lambda runtime has: the machine's bash 5 (Amazon Linux 2023) and 4.2 (Amazon Linux 2)."""
    if request.param == "4.2":
        return str(request.getfixturevalue("bash42"))
    return "/bin/bash"


@pytest.fixture
def sandbox(tmp_path: Path, bash: str) -> Sandbox:
    return Sandbox(tmp_path, bash)


WRAPGEN = [sys.executable, "-m", "wrapgen"]

# cfn-lint's runtime-deprecation rules read today's date: pinned as ignored, so that a test does not start
# failing on the day a runtime in a layer's CompatibleRuntimes (all of a family's) reaches its end of life.
DEPRECATION_RULES = ("E2531", "W2531", "E2533")


def cfn_lint(paths: Sequence[str | Path], ignore: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
    """cfn-lint, installed beside the tests' Python, on these templates."""
    command = [str(Path(sys.executable).parent / "cfn-lint"), "--ignore-checks", *DEPRECATION_RULES, *ignore]
    return subprocess.run([*command, "--", *map(str, paths)], capture_output=True, text=True, check=False)


def wrapgen_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process."""
    return subprocess.run(
        [*WRAPGEN, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def token() -> str:
    """A number of seconds no other process's command line holds: `sleep TOKEN` is then findable by `running`."""
    return f"{7000 + os.getpid() % 1000}.{time.time_ns() % 10**9:09d}"


def running(text: str) -> list[int]:
    """Processes of this machine (in any namespace) whose command line holds the text."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def encode(argv: Sequence[str | bytes]) -> list[bytes]:
    return [arg if isinstance(arg, bytes) else os.fsencode(arg) for arg in argv]


# Where a machine image keeps Terraform providers for offline use (a plugin directory, registry layout).
_PLUGIN_DIRS = ("/opt/tf-plugins", "/opt/terraform/plugins", "/usr/local/share/terraform/plugins",
                "/usr/share/terraform/plugins", "~/.terraform.d/plugins")  # fmt: skip


class Terraform:
    """The terraform on PATH with the AWS provider from a local plugin directory: no network, no user config."""

    def __init__(self, binary: str, plugin_dir: Path, home: Path) -> None:
        self.binary = binary
        self.plugin_dir = plugin_dir
        config = home / "terraformrc"
        config.write_text("")
        self.env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1", "TF_INPUT": "0",
                    "CHECKPOINT_DISABLE": "1"}  # fmt: skip

    def run(self, directory: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.binary, f"-chdir={directory}", *args, "-no-color"], capture_output=True,
                              text=True, env=self.env, timeout=timeout, check=False)  # fmt: skip

    def init(self, directory: Path) -> None:
        result = self.run(directory, "init", f"-plugin-dir={self.plugin_dir}")
        assert result.returncode == 0, result.stdout + result.stderr


def terraform_plugin_dir() -> Path | None:
    """A plugin directory that holds hashicorp/aws, if the machine has one."""
    for root in _PLUGIN_DIRS:
        path = Path(root).expanduser()
        if any(path.glob("registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws_*")):
            return path
    return None


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    import shutil

    binary = shutil.which("terraform")
    if binary is None:
        pytest.skip("terraform is not installed (no registry this project installs from has it)")
    plugin_dir = terraform_plugin_dir()
    if plugin_dir is None:
        pytest.skip(f"no local mirror of the Terraform AWS provider (looked in {', '.join(_PLUGIN_DIRS)})")
    return Terraform(binary, plugin_dir, tmp_path_factory.mktemp("terraform"))


# The moto server (AWS's API emulated on 127.0.0.1) that tests/test_deploy.py and tests/test_aws.py share.
REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
READY_TIMEOUT = 60.0

# moto (5.2) deploys AWS::Lambda::LayerVersion and AWS::Lambda::Function from a template, but drops some of their
# properties: a LayerVersion has no physical id (so `Ref` of it gives no ARN), its LayerName and
# CompatibleArchitectures are ignored, and a Function's Layers are dropped. The server these tests start does what
# CloudFormation documents for those properties (Ref of a layer version is its ARN; the others are passed on as
# given), each only where moto does not do it itself. Everything else is moto's own: the layer's code hash is
# computed by moto from the zip in its S3, and every value checked is read back from it.
_TEMPLATES = """
import sys

from moto.awslambda import models

LayerVersion, LambdaFunction = models.LayerVersion, models.LambdaFunction
if not hasattr(LayerVersion, "physical_resource_id"):
    LayerVersion.physical_resource_id = property(lambda self: self.arn)
if LayerVersion.cloudformation_name_type() != "LayerName":
    LayerVersion.cloudformation_name_type = staticmethod(lambda: "LayerName")
create_layer_version = LayerVersion.create_from_cloudformation_json.__func__
create_function = LambdaFunction.create_from_cloudformation_json.__func__


def layer_version_from_template(cls, name, template, account_id, region, **kwargs):
    layer_version = create_layer_version(cls, name, template, account_id, region, **kwargs)
    architectures = template["Properties"].get("CompatibleArchitectures")
    if architectures and not layer_version.compatible_architectures:
        layer_version.compatible_architectures = architectures
    return layer_version


def function_from_template(cls, name, template, account_id, region, **kwargs):
    function = create_function(cls, name, template, account_id, region, **kwargs)
    layers = template["Properties"].get("Layers")
    if layers and not function.layers:
        function.layers = function._get_layers_data(layers)
    return function


LayerVersion.create_from_cloudformation_json = classmethod(layer_version_from_template)
LambdaFunction.create_from_cloudformation_json = classmethod(function_from_template)
"""

_REVISIONS = """
# A function's RevisionId: AWS gives one in every configuration, a new one on every update, and refuses an
# UpdateFunctionConfiguration whose RevisionId is not the current one (PreconditionFailedException); moto (5.2)
# gives functions none and ignores the parameter. Only a call that passes one is checked.
from moto.awslambda import exceptions
from moto.moto_api._internal import mock_random

get_configuration = LambdaFunction.get_configuration
update_function_configuration = models.LambdaBackend.update_function_configuration


def revision_of(function):
    if not hasattr(function, "wrapgen_revision_id"):
        function.wrapgen_revision_id = str(mock_random.uuid4())
    return function.wrapgen_revision_id


def configuration_with_revision(self, *args, **kwargs):
    config = get_configuration(self, *args, **kwargs)
    config.setdefault("RevisionId", revision_of(self))
    return config


def update_with_revision(self, function_name, qualifier, body):
    function = self.get_function(function_name, qualifier)
    revision = body.pop("RevisionId", None)
    if revision is not None and revision != revision_of(function):
        raise exceptions.PreconditionFailedException(
            "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to"
            " retrieve the latest Revision Id"
        )
    update_function_configuration(self, function_name, qualifier, body)
    function.wrapgen_revision_id = str(mock_random.uuid4())
    return function.get_configuration()


LambdaFunction.get_configuration = configuration_with_revision
models.LambdaBackend.update_function_configuration = update_with_revision
"""

_MAIN = """
from moto.server import main

main(["--host", "127.0.0.1", "--port", sys.argv[1]])
"""
MOTO_SERVER = _TEMPLATES + _REVISIONS + _MAIN
STOCK_MOTO_SERVER = _TEMPLATES + _MAIN
"""moto (5.2) as users test against it: configurations without a RevisionId, which an update ignores."""


@dataclass(frozen=True)
class Moto:
    url: str
    log: Path

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, endpoint_url=self.url, region_name=REGION, **CREDENTIALS)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    try:
        with opener.open(url + "/moto-api/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moto]:
    """A moto server on a free port of 127.0.0.1 for the whole session, stopped at its end whatever happened."""
    yield from _server(MOTO_SERVER, tmp_path_factory)


@pytest.fixture(scope="session")
def stock_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moto]:
    """The same server without the RevisionId of AWS's (STOCK_MOTO_SERVER)."""
    yield from _server(STOCK_MOTO_SERVER, tmp_path_factory)


def _server(script: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moto]:
    if find_spec("moto") is None or find_spec("flask") is None:
        pytest.skip("moto's server is not installed: pip install 'moto[server]' (in the test extra)")
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    for _ in range(3):  # another process may take the port between choosing it and moto binding it
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-c", script, str(port)], stdin=subprocess.DEVNULL, stdout=out, stderr=out
            )
        try:
            deadline = time.monotonic() + READY_TIMEOUT
            while process.poll() is None and time.monotonic() < deadline and not _answers(url):
                time.sleep(0.1)
            if process.poll() is not None:
                continue  # it exited: try another port
            assert _answers(url), f"moto did not answer on {url} in {READY_TIMEOUT:.0f} s:\n{log.read_text()}"
            yield Moto(url, log)
            return
        finally:
            _stop(process)
    pytest.fail(f"moto's server did not start:\n{log.read_text()}")


@pytest.fixture
def no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from the user's AWS set-up (profiles, a proxy) reaches boto3 or Terraform."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, ",".join(filter(None, [os.environ.get(name), "127.0.0.1", "localhost"])))
