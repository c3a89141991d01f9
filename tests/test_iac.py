"""IaC snippets, validated by the real tools that run offline: cfn-lint, PyYAML and python-hcl2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hcl2
import pytest
import yaml
from conftest import wrapgen_cli

from wrapgen.iac import FORMATS, Deployment, hcl_string, snippet
from wrapgen.runtimes import FAMILIES

TRICKY = "a \"quoted\" ${var} %{x} $HOME 'single' \\ back\nnewline é"


def _unquote(text: str) -> str:
    return text[1:-1] if text.startswith('"') and text.endswith('"') else text


def _make(tmp_path: Path, family: str, form: str, *extra: str) -> str:
    (tmp_path / "build").mkdir(exist_ok=True)
    result = wrapgen_cli(family, *extra, "--layer", "build/layer.zip", "--iac", form, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout


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
    cfn_lint = str(Path(sys.executable).parent / "cfn-lint")
    lint = subprocess.run([cfn_lint, *paths], capture_output=True, text=True, check=False)
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
    assert [_unquote(r) for r in layer["compatible_runtimes"]] == list(FAMILIES["node"].runtimes)
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


@pytest.mark.parametrize("form", FORMATS)
def test_env_mode_snippets_carry_the_variables_exactly(form: str) -> None:
    result = wrapgen_cli("java", "--via", "env", "--runtime", "java21", "--preset", "tiered-c1",
                         "--env", f"NOTE={TRICKY}", "--iac", form)  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = {"NOTE": TRICKY, "JAVA_TOOL_OPTIONS": "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"}
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


def test_hcl_strings_keep_interpolation_literal() -> None:
    assert hcl_string('${a} %{b} "c"') == '"$${a} %%{b} \\"c\\""'


def test_snippets_are_deterministic() -> None:
    deployment = Deployment(FAMILIES["dotnet"], "w", "layer.zip", (("A", "1"),))
    assert all(snippet(form, deployment) == snippet(form, deployment) for form in FORMATS)


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
