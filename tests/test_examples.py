"""The example wrappers are what their commands make today, lint clean, and work."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from conftest import INTERPRETER, ROOT, Sandbox, Terraform, cfn_lint, docs_text, encode, wrapgen_cli

from wrapgen import manifest
from wrapgen.header import read_file_command
from wrapgen.lint import lint
from wrapgen.spec import spec_from_command

pytestmark = [pytest.mark.tools, pytest.mark.node, pytest.mark.terraform]

EXAMPLES = ROOT / "examples" / "wrappers"


def commands() -> list[list[str]]:
    """Each entry of the examples' manifest as its command line (without `wrapgen`)."""
    return [entry.request.argv()[1:] for entry in manifest.load(str(EXAMPLES / "wrapgen.toml")).entries]


def test_there_is_one_example_per_command_and_family() -> None:
    made = sorted(args[args.index("--output") + 1] for args in commands())
    assert made == sorted(p.name for p in EXAMPLES.iterdir() if p.suffix not in {".toml", ".md", ".chain"})
    assert {args[0] for args in commands()} == {"python", "node", "java", "dotnet", "ruby"}


def test_the_examples_manifest_is_current() -> None:
    result = wrapgen_cli("check", "--manifest", str(EXAMPLES / "wrapgen.toml"))
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr
    chains = list(EXAMPLES.glob("*.chain/*"))  # the shims and chain.json of the chained ones
    assert chains and result.stderr == f"wrapgen check: {len(commands()) + len(chains)} file(s) up to date\n"


@pytest.mark.parametrize("args", commands(), ids=lambda a: a[a.index("--output") + 1])
def test_example_is_current_and_lint_clean(args: list[str], tmp_path: Path) -> None:
    """The command line of each entry, run in another directory, writes the example's bytes."""
    out = args.index("--output") + 1
    target = tmp_path / args[out]
    result = wrapgen_cli(*args[:out], str(target), *args[out + 1 :])
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == (EXAMPLES / args[out]).read_bytes()
    assert lint([str(EXAMPLES / args[out])]).findings == []


@pytest.mark.parametrize("args", commands(), ids=lambda a: a[a.index("--output") + 1])
def test_example_runs(args: list[str], sandbox: Sandbox) -> None:
    wrapper = EXAMPLES / args[args.index("--output") + 1]
    interpreter = sandbox.stub("/var/lang/bin/" + INTERPRETER[args[0]])
    program = ["exec", "/var/runtime/app.dll"] if args[0] == "dotnet" else ["/var/runtime/entry"]
    run = sandbox.run(str(wrapper), [interpreter, *program])
    flags = spec_from_command(read_file_command(str(wrapper)) or []).inserted
    at = 2 if args[0] == "dotnet" else 1
    assert run.argv == encode([interpreter, *program[: at - 1], *flags, *program[at - 1 :]])


# IaC examples: one complete, minimal project per format, rebuilt and checked by the real tools.
IAC = ROOT / "examples" / "iac"


def _build(example: str, work: Path) -> list[str]:
    """Run the wrapgen lines of the example's build.sh in `work`; the files they write, relative."""
    written = []
    for line in (IAC / example / "build.sh").read_text().splitlines():
        if not line.startswith("wrapgen "):
            continue
        command, _, target = line.partition(" > ")
        args = shlex.split(command)[1:]
        result = wrapgen_cli(*args, cwd=work)
        assert result.returncode == 0, result.stderr
        (work / target).write_text(result.stdout)
        written += [target, args[args.index("--layer") + 1]]
    return written


@pytest.mark.parametrize("example", ["sam", "cloudformation", "terraform", "serverless", "cdk-python",
                                     "cdk-typescript"])  # fmt: skip
def test_iac_example_is_current_and_valid(example: str, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys
    import tempfile

    import hcl2
    import yaml
    from test_iac import _check_synthesized, _synthesized

    family = "python" if example in {"sam", "terraform", "cdk-python"} else "node"
    wrapper = {"AWS_LAMBDA_EXEC_WRAPPER": f"/opt/wrapgen/wrapgen-{family}"}
    parent = ROOT / "tests" / "iac-tools" if example == "cdk-typescript" else tmp_path
    work = Path(tempfile.mkdtemp(prefix="work-", dir=parent)) / example
    try:
        shutil.copytree(IAC / example, work)
        for name in _build(example, work):
            assert (work / name).read_bytes() == (IAC / example / name).read_bytes(), f"{example}/{name} is stale"
        if example in {"sam", "cloudformation"}:
            lint = cfn_lint([work / "template.yaml"])
            assert lint.returncode == 0, lint.stdout
        elif example == "terraform":
            parsed = hcl2.loads((work / "wrapgen.tf").read_text() + (work / "main.tf").read_text())
            function = parsed["resource"][1]['"aws_lambda_function"']['"app"']
            assert function["layers"] == ["${aws_lambda_layer_version.wrapgen.arn}"]
            assert "local.wrapgen_environment" in str(function["environment"])
            if shutil.which("terraform"):
                subprocess.run(["terraform", "fmt", "-check", str(work)], check=True, capture_output=True)
        elif example == "serverless":
            sls = ROOT / "tests" / "iac-tools" / "node_modules" / ".bin" / "serverless"
            env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SLS_TELEMETRY_DISABLED": "1"}
            printed = subprocess.run([str(sls), "print"], cwd=work, capture_output=True, text=True, env=env,
                                     timeout=300, check=True).stdout  # fmt: skip
            assert yaml.safe_load(printed)["provider"]["environment"] == wrapper
        elif example == "cdk-python":
            cdk_env = {**os.environ, "CDK_OUTDIR": "cdk.out"}  # where `cdk synth` would have the app write
            subprocess.run([sys.executable, "app.py"], cwd=work, capture_output=True, env=cdk_env, check=True)
            _check_synthesized(_synthesized(work / "cdk.out"), work / "build" / "wrapgen-python.zip", wrapper, family)
        else:
            cdk_env = {**os.environ, "CDK_OUTDIR": "cdk.out"}
            subprocess.run(["node", "-r", "ts-node/register", "app.ts"], cwd=work, capture_output=True, env=cdk_env,
                           check=True)  # fmt: skip
            _check_synthesized(_synthesized(work / "cdk.out"), work / "build" / "wrapgen-node.zip", wrapper, family)
    finally:
        shutil.rmtree(work.parent)


@pytest.mark.parametrize("example", sorted(p.name for p in IAC.iterdir() if p.is_dir()))
def test_each_iac_example_says_what_it_shows(example: str) -> None:
    """Its README says what it shows and names each of its files (and build.sh, which makes them)."""
    readme = (IAC / example / "README.md").read_text()
    assert readme.startswith("# ") and "\nShows: " in readme
    files = [p.name for p in (IAC / example).iterdir() if p.is_file() and p.name != "README.md"]
    files += [f"{d.name}/{p.name}" for d in (IAC / example).iterdir() if d.is_dir() for p in d.iterdir()]
    assert "build.sh" in files
    assert [name for name in files if f"`{name}`" not in readme] == []
    assert f"`{example}`" in (IAC / "README.md").read_text()


def test_the_terraform_examples_function_zip_is_its_source() -> None:
    """build.sh zips src/ (Terraform's archive provider is not needed): the committed zip holds src's files."""
    import zipfile

    work = IAC / "terraform"
    assert "python3 -m zipfile -c ../build/function.zip app.py" in (work / "build.sh").read_text()
    with zipfile.ZipFile(work / "build" / "function.zip") as archive:
        held = {name: archive.read(name) for name in archive.namelist()}
    assert held == {p.name: p.read_bytes() for p in (work / "src").iterdir()}


def test_terraform_example_inits_from_a_mirror_of_the_aws_provider_alone(tmp_path: Path, terraform: Terraform) -> None:
    """`terraform init -plugin-dir=MIRROR` (no registry) and validate, as the example's README says; the control:
    the archive provider the example used to need, where the mirror has none, fails the same init."""
    import shutil

    work = tmp_path / "terraform"
    shutil.copytree(IAC / "terraform", work)
    (work / "region.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n')
    terraform.init(work)
    validated = terraform.run(work, "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    if not next(terraform.plugin_dir.glob("*/hashicorp/archive/*/*/terraform-provider-archive_*"), None):
        control = tmp_path / "control"
        shutil.copytree(IAC / "terraform", control)
        (control / "zip.tf").write_text('data "archive_file" "f" {\n  type        = "zip"\n  source_dir  = "src"\n'
                                        '  output_path = "build/f.zip"\n}\n')  # fmt: skip
        failed = terraform.run(control, "init", f"-plugin-dir={terraform.plugin_dir}")
        assert failed.returncode != 0 and "hashicorp/archive" in failed.stdout + failed.stderr


def _readme_dockerfile_commands() -> list[str]:
    """The documented commands that append to a Dockerfile (continuation lines joined)."""
    text = docs_text().split("## Layers and container images", 1)[1]
    block = text.split("```sh\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    return [line for line in block.splitlines() if line.endswith(">> Dockerfile")]


def _append_to_dockerfiles(commands: list[str], start: Path) -> dict[Path, str]:
    """Run each `[cd DIR && ]wrapgen ... >> Dockerfile` as a shell would, from `start`: each Dockerfile written."""
    here, written = start, {}
    for line in commands:
        if line.startswith("cd "):
            directory, _, line = line[3:].partition(" && ")
            here = (here / directory).resolve()
        args = shlex.split(line.removesuffix(">> Dockerfile"))
        assert args[0] == "wrapgen"
        result = wrapgen_cli(*args[1:], cwd=here)
        assert result.returncode == 0, result.stderr
        written[here / "Dockerfile"] = written.get(here / "Dockerfile", "") + result.stdout
    return written


def _wrapper_variables(dockerfile: str) -> list[str]:
    return [line for line in dockerfile.splitlines() if line.startswith("ENV AWS_LAMBDA_EXEC_WRAPPER=")]


def test_the_readmes_dockerfile_examples_give_each_image_one_wrapper(tmp_path: Path) -> None:
    """Run as written, the documented Dockerfile commands leave one AWS_LAMBDA_EXEC_WRAPPER per Dockerfile, and the
    vendor's wrapper is chained, not replaced. The control: its two commands of before, into one Dockerfile."""
    (tmp_path / "orders-python").mkdir()
    (tmp_path / "billing-dotnet").mkdir()
    (tmp_path / "billing-dotnet" / "Hook.dll").write_bytes(b"MZ")
    commands = _readme_dockerfile_commands()
    written = _append_to_dockerfiles(commands, tmp_path / "orders-python")
    assert len(commands) == len(written) == 2
    assert all(len(_wrapper_variables(text)) == 1 for text in written.values()), written
    wrapper = (tmp_path / "orders-python" / "wrapgen-python").read_text()
    assert "--then /opt/otel-instrument" in wrapper and "OTEL_SERVICE_NAME" in wrapper
    old = [
        "wrapgen python --preset importtime -o wrapgen-python --dockerfile >> Dockerfile",
        "wrapgen dotnet --preset startup-hook=/opt/wrapgen/Hook.dll -o wrapgen-dotnet --dockerfile"
        " --include Hook.dll=wrapgen/Hook.dll >> Dockerfile",
    ]
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "Hook.dll").write_bytes(b"MZ")
    (overridden,) = _append_to_dockerfiles(old, tmp_path / "old").values()
    assert len(_wrapper_variables(overridden)) == 2
