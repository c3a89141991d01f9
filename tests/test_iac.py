"""IaC snippets, validated by the real tools that run offline: cfn-lint, PyYAML and python-hcl2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest
import yaml
from conftest import WRAPGEN, cfn_lint, wrapgen_cli

from wrapgen.iac import FORMATS, hcl_string
from wrapgen.runtimes import FAMILIES

TRICKY = "a \"quoted\" ${var} %{x} $HOME 'single' \\ back\nnewline é"


def _unquote(text: str) -> str:
    return text[1:-1] if text.startswith('"') and text.endswith('"') else text


def _make(tmp_path: Path, family: str, form: str, *extra: str) -> str:
    (tmp_path / "build").mkdir(exist_ok=True)
    result = wrapgen_cli(family, *extra, "--layer", "build/layer.zip", "--iac", form, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.tools
def test_sam_and_cloudformation_pass_cfn_lint_as_printed(tmp_path: Path) -> None:
    paths = []
    for family in FAMILIES:
        for form in ("sam", "cloudformation"):
            path = tmp_path / f"{family}-{form}.yaml"
            path.write_text(_make(tmp_path, family, form))
            paths.append(str(path))
    for form in ("sam", "cloudformation"):
        path = tmp_path / f"env-{form}.yaml"
        result = wrapgen_cli(
            "node", "--via", "env", "--preset", "source-maps", "--env", f"NOTE={TRICKY}", "--iac", form
        )
        path.write_text(result.stdout)
        paths.append(str(path))
    lint = cfn_lint(paths)
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize("family", FAMILIES)
def test_sam_gives_every_function_the_layer_and_the_wrapper(tmp_path: Path, family: str) -> None:
    template = yaml.safe_load(_make(tmp_path, family, "sam", "--name", "w"))
    assert template["Globals"]["Function"]["Layers"] == [{"Ref": "WrapgenLayer"}]
    assert template["Globals"]["Function"]["Environment"]["Variables"] == {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapgen/w"}
    layer = template["Resources"]["WrapgenLayer"]["Properties"]
    assert layer["ContentUri"] == "build/layer.zip"
    assert layer["CompatibleRuntimes"] == list(FAMILIES[family].runtimes)
    assert not any(r.startswith("provided") for r in layer["CompatibleRuntimes"])


def test_cloudformation_takes_the_zip_from_s3_and_says_how(tmp_path: Path) -> None:
    text = _make(tmp_path, "java", "cloudformation")
    assert "aws s3 cp build/layer.zip" in text and "aws cloudformation package" in text
    template = yaml.safe_load(text)
    content = template["Resources"]["WrapgenLayer"]["Properties"]["Content"]
    assert content == {"S3Bucket": {"Ref": "LayerBucket"}, "S3Key": {"Ref": "LayerKey"}}
    function = template["Resources"]["Function"]["Properties"]
    assert function["Layers"] == [{"Ref": "WrapgenLayer"}] and function["Runtime"] == "java25"


def test_terraform_references_the_zip_and_its_hash(tmp_path: Path) -> None:
    text = _make(tmp_path, "node", "terraform")
    parsed = hcl2.loads(text)
    layer = parsed["resource"][0]['"aws_lambda_layer_version"']['"wrapgen"']
    assert _unquote(layer["filename"]) == "build/layer.zip"
    assert layer["source_code_hash"] == '${filebase64sha256("build/layer.zip")}'
    listed = [_unquote(r) for r in layer["compatible_runtimes"]]
    assert listed == ["nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x"]
    assert '"nodejs24.x", "nodejs26.x"' in text.split("resource")[0]  # in the comment that says how to add them
    local = parsed["locals"][0]["wrapgen_environment"]
    assert {_unquote(k): _unquote(v) for k, v in local.items()} == {
        "AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapgen/wrapgen-node"
    }


def test_the_zip_is_relative_to_the_template_directory(tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    (tmp_path / "infra").mkdir()
    args = ["python", "--layer", "build/layer.zip", "--iac", "terraform", "--iac-dir", "infra"]
    result = wrapgen_cli(*args, cwd=tmp_path)
    assert 'filename                 = "../build/layer.zip"' in result.stdout


def test_serverless_uses_the_artifact_and_provider_environment(tmp_path: Path) -> None:
    config = yaml.safe_load(_make(tmp_path, "ruby", "serverless", "--preset", "yjit"))
    assert config["layers"]["wrapgen"]["package"] == {"artifact": "build/layer.zip"}
    assert config["provider"]["environment"] == {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapgen/wrapgen-ruby"}
    assert config["functions"]["app"]["layers"] == [{"Ref": "WrapgenLambdaLayer"}]


@pytest.mark.parametrize("form", ["sam", "cloudformation", "terraform", "serverless"])
def test_env_mode_snippets_carry_the_variables_exactly(form: str) -> None:
    tricky = TRICKY.replace("${", "$ {") if form == "serverless" else TRICKY  # refused there (test_escaping.py)
    result = wrapgen_cli("java", "--via", "env", "--runtime", "java21", "--preset", "tiered-c1",
                         "--env", f"NOTE={tricky}", "--iac", form)  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = {"NOTE": tricky, "JAVA_TOOL_OPTIONS": "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"}
    if form == "terraform":
        local = hcl2.loads(result.stdout)["locals"][0]["wrapgen_environment"]
        got = {_unquote(k): _unquote(v) for k, v in local.items()}
        assert got["JAVA_TOOL_OPTIONS"] == expected["JAVA_TOOL_OPTIONS"]
        assert got["NOTE"] == hcl_string(TRICKY)[1:-1]  # python-hcl2 keeps escapes as written
        assert "aws_lambda_layer_version" not in result.stdout
        return
    data = yaml.safe_load(result.stdout)
    variables = (
        data["provider"]["environment"]
        if form == "serverless"
        else (data["Globals"]["Function"] if form == "sam" else data["Resources"]["Function"]["Properties"])[
            "Environment"
        ]["Variables"]
    )
    assert variables == expected


def test_snippets_are_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Each format, made in processes with other hash seeds (set and dict orders) and other time zones."""
    outputs = set()
    for seed in ("0", "1", "4242"):
        made = []
        for form in FORMATS:
            result = subprocess.run([*WRAPGEN, "dotnet", "--via", "env", "--preset", "tiered-pgo-off", "--preset",
                                     "startup-hook=/opt/a/Hook.dll", "--env", "BB=2", "--env", "AA=1", "--iac", form],
                                    capture_output=True, check=False, cwd=tmp_path,
                                    env={**os.environ, "PYTHONHASHSEED": seed, "TZ": "Asia/Kolkata"})  # fmt: skip
            assert result.returncode == 0, result.stderr
            made.append(result.stdout)
        outputs.add(tuple(made))
    assert len(outputs) == 1


def test_iac_without_a_layer_is_refused() -> None:
    result = wrapgen_cli("python", "--iac", "sam")
    assert result.returncode == 1 and "add --layer" in result.stderr


@pytest.mark.parametrize("form", FORMATS)
def test_iac_for_a_layer_built_earlier_matches_the_one_made_with_it(tmp_path: Path, form: str) -> None:
    at_build = _make(tmp_path, "dotnet", form, "--preset", "tiered-pgo-off", "--name", "fast")
    later = wrapgen_cli("iac", form, "--layer", "build/layer.zip", cwd=tmp_path)
    assert later.returncode == 0 and later.stdout == at_build


def test_iac_for_a_layer_without_a_wrapgen_wrapper(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("python/x.py", "x = 1\n")
    result = wrapgen_cli("iac", "sam", "--layer", str(path))
    assert result.returncode == 1 and "want one wrapgen wrapper, found: none" in result.stderr


def _synthesized(outdir: Path) -> dict:
    """The synthesized template, after cfn-lint passes it."""
    import json

    (template,) = outdir.glob("*.template.json")
    # W3005: CDK itself writes a DependsOn that a GetAtt already implies; nothing of wrapgen's.
    lint = cfn_lint([template], ignore=["W3005"])
    assert lint.returncode == 0, lint.stdout + lint.stderr
    return json.loads(template.read_text())  # type: ignore[no-any-return]


def _check_synthesized(template: dict, layer_zip: Path, variables: dict[str, str], family: str) -> None:
    resources = template["Resources"]
    (function,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Function"]
    assert function["Environment"]["Variables"] == variables
    layers = {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::Lambda::LayerVersion"}
    if layer_zip.exists():
        ((name, layer),) = layers.items()
        assert function["Layers"] == [{"Ref": name}]
        assert layer["Content"]["S3Key"].endswith(".zip")  # the zip itself is the asset, never a directory
        assert layer["CompatibleRuntimes"] == list(FAMILIES[family].runtimes)
        assert layer["CompatibleArchitectures"] == ["x86_64", "arm64"]
    else:
        assert layers == {} and "Layers" not in function


CDK_PYTHON_APP = """
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from wrapgen_cdk import *

app = cdk.App(outdir="out")
stack = cdk.Stack(app, "Stack")
lambda_.Function(stack, "Fn", runtime=lambda_.Runtime("python3.12", lambda_.RuntimeFamily.PYTHON),
                 handler="app.handler", code=lambda_.Code.from_asset("src"))
cdk.Aspects.of(stack).add(WrapgenAspect({layer}))
app.synth()
"""


@pytest.mark.node
@pytest.mark.parametrize("mode", ["layer", "env"])
def test_cdk_python_synthesizes_with_the_layer_and_variables(tmp_path: Path, mode: str) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return None\n")
    if mode == "layer":
        snippet_text = _make(tmp_path, "python", "cdk-python", "--preset", "importtime")
        variables = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapgen/wrapgen-python"}
    else:
        result = wrapgen_cli("python", "--via", "env", "--preset", "importtime", "--env", f"NOTE={TRICKY}",
                             "--iac", "cdk-python")  # fmt: skip
        snippet_text = result.stdout
        variables = {"NOTE": TRICKY, "PYTHONPROFILEIMPORTTIME": "1"}
    (tmp_path / "wrapgen_cdk.py").write_text(snippet_text)
    app = CDK_PYTHON_APP.format(layer="wrapgen_layer(stack)" if mode == "layer" else "")
    (tmp_path / "app.py").write_text(app)
    result = subprocess.run([sys.executable, "app.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    _check_synthesized(_synthesized(tmp_path / "out"), tmp_path / "build" / "layer.zip", variables, "python")


CDK_TS_APP = """
import * as cdk from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { WrapgenAspect, wrapgenLayer } from "./wrapgen_cdk";

const app = new cdk.App({ outdir: "out" });
const stack = new cdk.Stack(app, "Stack");
new lambda.Function(stack, "Fn", {
  runtime: new lambda.Runtime("nodejs22.x", lambda.RuntimeFamily.NODEJS),
  handler: "index.handler",
  code: lambda.Code.fromAsset("src"),
});
cdk.Aspects.of(stack).add(new WrapgenAspect(wrapgenLayer(stack)));
app.synth();
"""


@pytest.mark.node
def test_cdk_typescript_type_checks_and_synthesizes(tmp_path: Path) -> None:
    import shutil
    import tempfile

    from conftest import ROOT

    project = ROOT / "tests" / "iac-tools"
    ts_node = project / "node_modules" / ".bin" / "ts-node"
    assert ts_node.exists(), "scripts/test installs tests/iac-tools (npm ci)"
    work = Path(tempfile.mkdtemp(prefix="work-", dir=project))  # inside, so node finds tests/iac-tools/node_modules
    try:
        (work / "src").mkdir()
        (work / "src" / "index.js").write_text("exports.handler = async () => null;\n")
        (work / "wrapgen_cdk.ts").write_text(_make(work, "node", "cdk-typescript", "--preset", "source-maps"))
        (work / "app.ts").write_text(CDK_TS_APP)
        result = subprocess.run(["node", "-r", "ts-node/register", "app.ts"], cwd=work, capture_output=True, text=True,
                                check=False)  # fmt: skip
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        variables = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapgen/wrapgen-node"}
        _check_synthesized(_synthesized(work / "out"), work / "build" / "layer.zip", variables, "node")
    finally:
        shutil.rmtree(work)


@pytest.mark.node
@pytest.mark.parametrize("mode", ["layer", "env"])
def test_serverless_v3_print_resolves_the_config(tmp_path: Path, mode: str) -> None:
    from conftest import ROOT

    sls = ROOT / "tests" / "iac-tools" / "node_modules" / ".bin" / "serverless"
    assert sls.exists(), "scripts/test installs tests/iac-tools (npm ci)"
    if mode == "layer":
        text = _make(tmp_path, "node", "serverless", "--preset", "source-maps")
        variables = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapgen/wrapgen-node"}
    else:
        text = wrapgen_cli("node", "--via", "env", "--preset", "source-maps", "--iac", "serverless").stdout
        variables = {"NODE_OPTIONS": "--enable-source-maps"}
    (tmp_path / "serverless.yml").write_text(text)
    quiet = {"SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off", "HOME": str(tmp_path)}
    result = subprocess.run([str(sls), "print"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            env={"PATH": __import__("os").environ["PATH"], **quiet}, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    printed = yaml.safe_load(result.stdout)
    assert printed["provider"]["environment"] == variables
    if mode == "layer":
        assert printed["layers"]["wrapgen"]["package"] == {"artifact": "build/layer.zip"}
        assert printed["functions"]["app"]["layers"] == [{"Ref": "WrapgenLambdaLayer"}]
    else:
        assert "layers" not in printed


def test_terraform_fmt_check_where_terraform_is_installed(tmp_path: Path) -> None:
    import shutil

    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not in the registries this project installs from (see README); hcl2 parses it above")
    for family in FAMILIES:
        path = tmp_path / f"{family}.tf"
        path.write_text(_make(tmp_path, family, "terraform"))
        result = subprocess.run([terraform, "fmt", "-check", str(path)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.tools
def test_cfn_lint_as_configured_still_reports_a_broken_template(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources:\n  L:\n    Type: AWS::Lambda::LayerVersion\n    Properties:\n      Contnet: x.zip\n")
    assert cfn_lint([broken]).returncode != 0


def _compatible(form: str, text: str) -> list[str]:
    """The compatible runtimes a snippet declares, as its own format reads them."""
    if form in ("sam", "cloudformation"):
        return yaml.safe_load(text)["Resources"]["WrapgenLayer"]["Properties"]["CompatibleRuntimes"]
    if form == "serverless":
        return yaml.safe_load(text)["layers"]["wrapgen"]["compatibleRuntimes"]
    if form == "terraform":
        layer = hcl2.loads(text)["resource"][0]['"aws_lambda_layer_version"']['"wrapgen"']
        return [_unquote(runtime) for runtime in layer["compatible_runtimes"]]
    import re

    return re.findall(r'Runtime\(["\'](\w[\w.]*)["\']', text)


@pytest.mark.parametrize("form", FORMATS)
def test_runtime_narrows_the_compatible_runtimes_in_every_format(tmp_path: Path, form: str) -> None:
    narrowed = _make(tmp_path, "java", form, "--runtime", "java21", "--runtime", "java25")
    assert _compatible(form, narrowed) == ["java21", "java25"]
    everything = _make(tmp_path, "java", form)
    expected = list(FAMILIES["java"].runtimes)
    if form == "terraform":  # what AWS provider 5.x knows (test_escaping.py asks it)
        expected = ["java8.al2", "java11", "java17", "java21"]
    assert _compatible(form, everything) == expected
    again = wrapgen_cli("iac", form, "--layer", "build/layer.zip", cwd=tmp_path)  # the zip made last: all runtimes
    assert _compatible(form, again.stdout) == expected


def test_runtime_is_recorded_in_the_wrapper_and_read_back_from_the_layer(tmp_path: Path) -> None:
    _make(tmp_path, "java", "sam", "--runtime", "java21", "--flag", "-XX:+UseZGC")
    summary = wrapgen_cli("iac", "terraform", "--layer", "build/layer.zip", cwd=tmp_path)
    assert _compatible("terraform", summary.stdout) == ["java21"]
    inspected = wrapgen_cli("inspect", "build/layer.zip", "--format", "json", cwd=tmp_path)
    (wrapper,) = [f["wrapper"] for f in json.loads(inspected.stdout)["files"] if f["wrapper"]]
    assert wrapper["command"][-2:] == ["--runtime", "java21"]


@pytest.mark.interpreters
def test_runtime_checks_flags_for_those_runtimes_only() -> None:
    everywhere = wrapgen_cli("java", "--flag", "-XX:+UseCompactObjectHeaders")  # Java 24+ only
    assert everywhere.returncode == 1 and "--runtime" in everywhere.stderr
    jvm17 = subprocess.run(["java", "-XX:+UseCompactObjectHeaders", "-version"], capture_output=True, text=True,
                           check=False)  # fmt: skip
    assert jvm17.returncode != 0 and "Unrecognized VM option" in jvm17.stderr  # why it is refused
    assert wrapgen_cli("java", "--flag", "-XX:+UseCompactObjectHeaders", "--runtime", "java25").returncode == 0
    unknown = wrapgen_cli("java", "--runtime", "java26")
    assert unknown.returncode == 1 and "is not a java runtime" in unknown.stderr
