"""Every IaC output read by its own consumer exactly as meant: hostile values through each language's escaping
(wrapgen.iac), read back by that language's real readers: PyYAML (YAML 1.1) and js-yaml (YAML 1.2, as Serverless
reads it), cfn-lint and `sam validate --lint`, `serverless print`, terraform itself (validate, apply, output),
Python's parser, and TypeScript's compiler and runtime. What a reader cannot be given is refused, with the reason.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml
from conftest import ROOT, Terraform, cfn_lint, wrapgen_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wrapgen.errors import InvalidValue
from wrapgen.iac import FORMATS, TERRAFORM_AWS_5_LACKS, Deployment, comment_text, hcl_string, snippet
from wrapgen.runtimes import FAMILIES

IAC_TOOLS = ROOT / "tests" / "iac-tools"

HOSTILE = [
    "a \"double\" 'single' \\ back\\\\slash \\n not-a-newline",
    "$HOME $(id) `id` $1 %s %{ if true }x%{ endif } $${x} $$",
    "line\nbreak\r\nCRLF\rCR",
    "\ttab \b backspace \f form feed \v vertical tab \x00 NUL \x1b[2J escape \x7f DEL",
    "\x85 NEL \u2028 LS \u2029 PS \ufeff BOM \u200e LRM \u202e RLO",
    "1e3",
    "0o17",
    "0x1F",
    "1_000",
    ".inf",
    "-.inf",
    ".NaN",
    "0b101",
    "+12",
    "017",
    "1:20",
    "2010-09-09",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "~",
    "null",
    "True",
    "=",
    "<<",
    "",
    " ",
    " leading",
    "trailing ",
    "# comment",
    "key: value",
    "- item",
    "!Ref x",
    "&anchor",
    "*alias",
    "? q",
    "| block",
    "> folded",
    "@at",
    "%percent",
    "[a, b]",
    "{a: b}",
    "---",
    "...",
    '"',
    "'",
    "é ü 中文 😀 \U0001f600 e\u0301 \u00a0 no-break",
    "{{notresolve}} {{ x }} <% erb %> #{ruby} @{x}",
    "x" * 300,
]
"""Values that some reader would take for something else: numbers, booleans, nulls, dates in YAML 1.1 or 1.2;
interpolation in HCL, Serverless, CloudFormation; line breaks that end comments; what terminals run."""

NAMES = ["on", "Yes", "null", "NO_PROXY", "x1"]
"""Variable names that YAML 1.1 readers would take for booleans or null."""


def _deployment(values: list[str], zip_path: str | None = "build/layer.zip", family: str = "python") -> Deployment:
    variables = tuple((f"V{i}", value) for i, value in enumerate(values))
    variables += tuple((name, name) for name in NAMES)
    return Deployment(FAMILIES[family], f"wrapgen-{family}", zip_path, variables)


def _variables(form: str, data: dict[str, Any]) -> dict[str, str]:
    if form == "serverless":
        return data["provider"]["environment"]
    holder = data["Globals"]["Function"] if form == "sam" else data["Resources"]["Function"]["Properties"]
    return holder["Environment"]["Variables"]


def _js_yaml(documents: list[str]) -> list[Any]:
    """Each document as js-yaml (YAML 1.2, Serverless's reader) loads it."""
    script = (
        "const yaml = require('js-yaml');"
        "const documents = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(documents.map((d) => yaml.load(d))));"
    )
    result = subprocess.run(["node", "-e", script], input=json.dumps(documents), capture_output=True, text=True,
                            cwd=IAC_TOOLS, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def _expected(deployment: Deployment) -> dict[str, str]:
    return dict(deployment.variables)


YAML_FORMS = ("sam", "cloudformation", "serverless")


def _yaml_values(form: str) -> list[str]:
    return [value for value in HOSTILE if form != "serverless" or "${" not in value]


@pytest.mark.node
@pytest.mark.parametrize("form", YAML_FORMS)
def test_yaml_1_1_and_1_2_readers_read_every_value_as_given(form: str) -> None:
    deployment = _deployment(_yaml_values(form), zip_path="build/a \"b\" 'c' #d\n1e3.zip")
    text = snippet(form, deployment)
    by_pyyaml = yaml.safe_load(text)
    (by_js_yaml,) = _js_yaml([text])
    assert _variables(form, by_pyyaml) == _expected(deployment)
    assert _variables(form, by_js_yaml) == _expected(deployment)
    assert by_pyyaml == by_js_yaml


@pytest.mark.node
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=12), min_size=1, max_size=30))
def test_yaml_readers_agree_on_any_text(values: list[str]) -> None:
    deployment = _deployment(values)
    texts = [snippet(form, deployment, dynamic_references=True) for form in ("sam", "cloudformation")]
    for text, by_js_yaml in zip(texts, _js_yaml(texts), strict=True):
        assert yaml.safe_load(text) == by_js_yaml
    assert _variables("sam", yaml.safe_load(texts[0])) == _expected(deployment)


@pytest.mark.node
def test_a_value_cannot_end_a_comment_it_is_written_in() -> None:
    zip_path = "x\nOutputs:\n  Leak:\n    Value: injected\r\u2028\x85.zip"
    text = snippet("cloudformation", _deployment([], zip_path=zip_path))
    assert "Outputs" not in yaml.safe_load(text)
    assert "Outputs" not in _js_yaml([text])[0]
    assert all(line.startswith("#") for line in text.split("AWSTemplateFormatVersion")[0].splitlines())
    assert comment_text("plain path.zip", "X") == "plain path.zip"
    assert comment_text("a\u2028b", "X") == "X"


def _sam_validate(path: Path) -> subprocess.CompletedProcess[str]:
    sam = Path(sys.executable).parent / "sam"
    assert sam.exists(), "scripts/test installs aws-sam-cli (the test extra)"
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}
    return subprocess.run([str(sam), "validate", "--lint", "-t", str(path)], capture_output=True, text=True,
                          env=env, cwd=path.parent, timeout=300, check=False)  # fmt: skip


@pytest.mark.tools
def test_cfn_lint_and_sam_validate_pass_templates_of_hostile_values(tmp_path: Path) -> None:
    paths = []
    for family in FAMILIES:
        for form in ("sam", "cloudformation"):
            path = tmp_path / f"{family}-{form}.yaml"
            path.write_text(snippet(form, _deployment(HOSTILE, family=family)))
            paths.append(path)
    result = cfn_lint(paths)
    assert result.returncode == 0, result.stdout + result.stderr
    for path in paths:
        if path.name.endswith("-sam.yaml"):
            result = _sam_validate(path)
            assert result.returncode == 0, (path.name, result.stdout + result.stderr)


@pytest.mark.tools
def test_sam_validate_still_reports_a_broken_template(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(snippet("sam", _deployment(["x"])).replace("AWS::Serverless::Function", "AWS::Serverless::Funtion"))
    assert _sam_validate(path).returncode != 0


def test_dynamic_references_are_refused_unless_asked_for() -> None:
    args = ["python", "--via", "env", "--env", "SECRET={{resolve:secretsmanager:db:SecretString:password}}"]
    for form in ("sam", "cloudformation"):
        refused = wrapgen_cli(*args, "--iac", form)
        assert refused.returncode == 1 and "--allow-dynamic-references" in refused.stderr
        asked = wrapgen_cli(*args, "--iac", form, "--allow-dynamic-references")
        assert asked.returncode == 0, asked.stderr
        assert "{{resolve:secretsmanager:db:SecretString:password}}" in asked.stdout
    other = wrapgen_cli(*args, "--iac", "terraform")
    assert other.returncode == 0 and "{{resolve:" in other.stdout  # terraform has no such thing: a plain value
    misplaced = wrapgen_cli(*args, "--iac", "terraform", "--allow-dynamic-references")
    assert misplaced.returncode == 1 and "goes with --iac sam or cloudformation" in misplaced.stderr


@pytest.mark.parametrize("value", ["${env:AWS_SECRET_ACCESS_KEY}", "${file(../secret.json)}", "a${self:x}b"])
def test_serverless_refuses_its_variable_syntax(value: str) -> None:
    result = wrapgen_cli("python", "--via", "env", "--env", f"TOKEN={value}", "--iac", "serverless")
    assert result.returncode == 1
    assert result.stderr.startswith("error: TOKEN's value") and "has no escape" in result.stderr
    assert result.stdout == ""
    layer = wrapgen_cli("python", "--layer", "build/${env:HOME}.zip", "--iac", "serverless", "--dry-run")
    assert layer.returncode == 1 and "the layer path" in layer.stderr


def _serverless_print(tmp_path: Path, text: str) -> dict[str, Any]:
    sls = IAC_TOOLS / "node_modules" / ".bin" / "serverless"
    assert sls.exists(), "scripts/test installs tests/iac-tools (npm ci)"
    (tmp_path / "serverless.yml").write_text(text)
    quiet = {"SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off", "HOME": str(tmp_path)}
    result = subprocess.run([str(sls), "print", "--format", "json"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300, env={"PATH": os.environ["PATH"], **quiet}, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.mark.node
def test_serverless_print_shows_every_value_unresolved(tmp_path: Path) -> None:
    deployment = _deployment(_yaml_values("serverless"), zip_path="build/odd $name 'q'.zip")
    printed = _serverless_print(tmp_path, snippet("serverless", deployment))
    assert printed["provider"]["environment"] == _expected(deployment)
    assert printed["layers"]["wrapgen"]["package"] == {"artifact": "build/odd $name 'q'.zip"}


@pytest.mark.parametrize("name", ["9_x.y", "my_layer", "my.layer"])
def test_names_other_tools_reject_are_refused_with_the_rule(name: str) -> None:
    result = wrapgen_cli("python", "--name", name, "--layer", "l.zip", "--iac", "serverless", "--dry-run")
    assert result.returncode == 1 and "[a-zA-Z][0-9a-zA-Z-]+" in result.stderr
    if "." in name:
        layer = wrapgen_cli("python", "--name", name, "--layer", "l.zip", "--iac", "cloudformation", "--dry-run")
        assert layer.returncode == 1 and "cannot name a Lambda layer" in layer.stderr


@pytest.mark.parametrize(
    ("item", "why"),
    [
        ("E=1", "[a-zA-Z][a-zA-Z0-9_]+"),
        ("_X=1", "[a-zA-Z][a-zA-Z0-9_]+"),
        ("AWS_REGION=eu-west-1", "reserved by Lambda"),
        ("AWS_ACCESS_KEY_ID=x", "reserved by Lambda"),
        ("BIG=" + "x" * 4100, "Lambda allows 4096"),
        ("UNI=" + "é" * 2100, "Lambda allows 4096"),
    ],
)
def test_configuration_variables_follow_lambdas_rules(item: str, why: str) -> None:
    for extra in ([], ["--iac", "sam"], ["--format", "json"]):
        result = wrapgen_cli("python", "--via", "env", "--env", item, *extra)
        assert result.returncode == 1, (item, extra, result.stdout)
        assert why in result.stderr and result.stderr.count("\n") == 1
    wrapper = wrapgen_cli("python", "--env", item) if not item.startswith(("AWS_", "_X")) else None
    if wrapper is not None:  # in a wrapper, bash's rules apply: E=1 is a fine shell variable
        assert wrapper.returncode == 0, wrapper.stderr


def test_non_utf8_values_are_refused_in_templates() -> None:
    argv = [*map(os.fsencode, [sys.executable, "-m", "wrapgen", "python", "--via", "env", "--iac", "sam"])]
    result = subprocess.run([*argv, b"--env", b"A1=\xff\xfe"], capture_output=True, check=False)
    assert result.returncode == 1 and b"not UTF-8" in result.stderr and b"Traceback" not in result.stderr


# Terraform ---------------------------------------------------------------------------------------------------


def _composed(values: list[str]) -> list[str]:
    """Terraform reads strings in Unicode's composed form (NFC): wrapgen refuses others (tested below)."""
    return [value for value in values if unicodedata.is_normalized("NFC", value)]


def test_terraform_reads_every_value_as_given(tmp_path: Path, terraform: Terraform) -> None:
    """Applied for real (a configuration of locals needs no provider), and read back with terraform output."""
    deployment = _deployment(_composed(HOSTILE), zip_path=None)
    (tmp_path / "wrapgen.tf").write_text(snippet("terraform", deployment))
    (tmp_path / "outputs.tf").write_text('output "environment" {\n  value = local.wrapgen_environment\n}\n')
    terraform.init(tmp_path)
    fmt = terraform.run(tmp_path, "fmt", "-check", "-diff")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    applied = terraform.run(tmp_path, "apply", "-auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    output = terraform.run(tmp_path, "output", "-json", "environment")
    assert output.returncode == 0, output.stderr
    got = json.loads(output.stdout)
    expected = _expected(deployment)
    assert got == expected, {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}


def test_terraform_validate_passes_every_familys_default_output(tmp_path: Path, terraform: Terraform) -> None:
    """With the AWS provider this machine holds (5.x), and a hostile zip path."""
    for family in FAMILIES:
        directory = tmp_path / family
        directory.mkdir()
        zip_path = f'build/{family} "odd" ${{x}} %{{y}} \\ \b\f\u2028.zip'
        (directory / "build").mkdir()
        (directory / zip_path).write_bytes(b"validate reads it (filebase64sha256): so the path must be exact")
        (directory / "wrapgen.tf").write_text(snippet("terraform", _deployment(_composed(HOSTILE), zip_path, family)))
        terraform.init(directory)
        result = terraform.run(directory, "validate")
        assert result.returncode == 0, (family, result.stdout + result.stderr)
        fmt = terraform.run(directory, "fmt", "-check")
        assert fmt.returncode == 0, fmt.stdout + fmt.stderr
        layer = hcl2.loads((directory / "wrapgen.tf").read_text())["resource"][0]
        runtimes = layer['"aws_lambda_layer_version"']['"wrapgen"']["compatible_runtimes"]
        assert [json.loads(r) for r in runtimes] == [
            r for r in FAMILIES[family].runtimes if r not in TERRAFORM_AWS_5_LACKS
        ]


def test_the_runtimes_left_out_are_exactly_those_the_provider_refuses(tmp_path: Path, terraform: Terraform) -> None:
    """Ask provider 5.x itself: every runtime of every family, one --runtime each, so that all are listed."""
    refused: set[str] = set()
    for family in FAMILIES:
        directory = tmp_path / family
        directory.mkdir()
        args = [arg for runtime in FAMILIES[family].runtimes for arg in ("--runtime", runtime)]
        (directory / "l.zip").write_bytes(b"")
        text = wrapgen_cli(family, *args, "--layer", "l.zip", "--iac", "terraform", cwd=directory).stdout
        assert "AWS provider 5.x refuses these" in text or not set(FAMILIES[family].runtimes) & TERRAFORM_AWS_5_LACKS
        (directory / "wrapgen.tf").write_text(text)
        terraform.init(directory)
        result = terraform.run(directory, "validate", "-json")
        summaries = [d["summary"] for d in json.loads(result.stdout)["diagnostics"]]
        found = [re.search(r"compatible_runtimes to be one of .*, got (\S+)$", s) for s in summaries]
        assert all(found), summaries
        refused |= {match.group(1) for match in found if match}
    assert refused == TERRAFORM_AWS_5_LACKS


def test_terraform_refuses_what_it_would_normalize() -> None:
    result = wrapgen_cli("python", "--via", "env", "--env", "ACCENT=e\u0301", "--iac", "terraform")
    assert result.returncode == 1 and "(NFC)" in result.stderr
    assert wrapgen_cli("python", "--via", "env", "--env", "ACCENT=\u00e9", "--iac", "terraform").returncode == 0


def test_hcl_escapes_control_characters_and_interpolation() -> None:
    assert hcl_string('${a} %{b} "c"') == '"$${a} %%{b} \\"c\\""'
    assert hcl_string("\b\f\x00\x1b\u2028") == '"\\u0008\\u000C\\u0000\\u001B\\u2028"'
    assert hcl_string("\n\r\t\\") == '"\\n\\r\\t\\\\"'


# CDK -----------------------------------------------------------------------------------------------------------


def _cdk_values() -> list[str]:
    return [*HOSTILE, "__proto__", "constructor", "\\u0041"]


def test_cdk_python_literals_read_back_exactly(tmp_path: Path) -> None:
    deployment = _deployment(_cdk_values(), zip_path="build/a'b\"c\\d\n😀.zip")
    deployment = Deployment(deployment.family, deployment.name, deployment.zip_path,
                            (*deployment.variables, ("__proto__", "x")))  # fmt: skip
    source = snippet("cdk-python", deployment)
    module = ast.parse(source)
    compile(module, "wrapgen_cdk.py", "exec")
    (assignment,) = [n for n in module.body if isinstance(n, ast.Assign) and n.targets[0].id == "WRAPGEN_ENVIRONMENT"]  # type: ignore[attr-defined]
    assert ast.literal_eval(assignment.value) == dict(deployment.variables)
    assert all(ord(char) < 128 for char in source.split("import jsii", 1)[1])


@pytest.mark.node
def test_cdk_typescript_compiles_and_reads_back_exactly(tmp_path: Path) -> None:
    tsc = IAC_TOOLS / "node_modules" / ".bin" / "tsc"
    assert tsc.exists(), "scripts/test installs tests/iac-tools (npm ci)"
    deployment = _deployment(_cdk_values(), zip_path="build/a'b\"c\\d`${x}`😀.zip")
    deployment = Deployment(deployment.family, deployment.name, deployment.zip_path,
                            (*deployment.variables, ("__proto__", "x"), ("constructor", "y")))  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="work-", dir=IAC_TOOLS))  # inside, so that node finds the packages
    try:
        (work / "wrapgen_cdk.ts").write_text(snippet("cdk-typescript", deployment))
        (work / "read.ts").write_text(
            'import { WRAPGEN_ENVIRONMENT } from "./wrapgen_cdk";\n'
            "process.stdout.write(JSON.stringify([...WRAPGEN_ENVIRONMENT]));\n"
        )
        options = ["--noEmit", "--strict", "--esModuleInterop", "--skipLibCheck", "--target", "es2020",
                   "--module", "commonjs", "--types", "node"]  # fmt: skip
        checked = subprocess.run([str(tsc), *options, "read.ts"], cwd=work, capture_output=True, text=True,
                                 timeout=300, check=False)  # fmt: skip
        assert checked.returncode == 0, checked.stdout[-3000:]
        run = subprocess.run(["node", "-r", "ts-node/register/transpile-only", "read.ts"], cwd=work,
                             capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
        assert json.loads(run.stdout) == [list(pair) for pair in deployment.variables]
    finally:
        shutil.rmtree(work)


@pytest.mark.parametrize("form", FORMATS)
def test_every_format_refuses_what_its_reader_would_change(form: str) -> None:
    bad = Deployment(FAMILIES["python"], "wrapgen-python", "build/\udcff.zip", (("A1", "x"),))
    with pytest.raises(InvalidValue, match="not UTF-8"):
        snippet(form, bad)
