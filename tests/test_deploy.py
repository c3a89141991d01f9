"""The IaC examples deployed for real, against moto's AWS emulator on 127.0.0.1: CloudFormation through boto3,
Terraform through `terraform apply` with the AWS provider pointed at moto. Each test reads back from the emulator
what was deployed: the function's layer and AWS_LAMBDA_EXEC_WRAPPER, and the layer's code hash, which must be that
of the zip wrapgen built."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml
from conftest import CREDENTIALS, REGION, ROOT, Moto, Terraform

boto3 = pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[test]'")
pytestmark = [pytest.mark.usefixtures("no_real_aws"), pytest.mark.moto, pytest.mark.terraform, pytest.mark.tools]

IAC = ROOT / "examples" / "iac"


def _base64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _role(moto: Moto, name: str) -> str:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]}  # fmt: skip
    role = moto.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    return str(role["Role"]["Arn"])


def _layer_version(moto: Moto, arn: str) -> dict[str, Any]:
    layer, _, version = arn.rpartition(":")
    return dict(moto.client("lambda").get_layer_version(LayerName=layer, VersionNumber=int(version)))


def _unquote(text: str) -> str:
    return text[1:-1] if text.startswith('"') and text.endswith('"') else text


def _zip_of(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory).as_posix())
    return buffer.getvalue()


def _in_layer(layer_zip: bytes, wrapper: str) -> bool:
    """Whether the path AWS_LAMBDA_EXEC_WRAPPER names is an executable file of the layer (mounted on /opt)."""
    with zipfile.ZipFile(io.BytesIO(layer_zip)) as archive:
        names = {info.filename: info for info in archive.infolist()}
    info = names.get(wrapper.removeprefix("/opt/"))
    return wrapper.startswith("/opt/") and info is not None and bool((info.external_attr >> 16) & 0o111)


def _stack_report(cloudformation: Any, stack: str, moto: Moto) -> str:
    """The stack's status and events, and the end of moto's log, for an assertion's message."""
    log = moto.log.read_text(errors="replace")[-4000:]
    try:
        status = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
        events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
    except Exception as error:  # there may be no stack to describe
        return f"stack {stack}: cannot be described: {error}\nmoto's log ({moto.log}):\n{log}"
    lines = [f"stack {stack}: {status['StackStatus']} {status.get('StackStatusReason', '')}"]
    lines += [f"  {e['LogicalResourceId']} {e['ResourceStatus']} {e.get('ResourceStatusReason', '')}" for e in events]
    return "\n".join([*lines, f"moto's log ({moto.log}):", log])


def test_cloudformation_example_deploys_with_the_layer_and_the_wrapper(moto: Moto) -> None:
    example = IAC / "cloudformation"
    template_text = (example / "template.yaml").read_text()
    template = yaml.safe_load(template_text)
    zips = sorted((example / "build").glob("*.zip"))
    assert len(zips) == 1, f"one layer zip expected in {example / 'build'}: {zips}"
    layer_zip = zips[0].read_bytes()

    bucket = "wrapgen-deploy-cloudformation"
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=f"layers/{zips[0].name}", Body=layer_zip)
    s3.put_object(Bucket=bucket, Key="functions/app.zip", Body=_zip_of(example / "src"))
    parameters = {
        "LayerBucket": bucket,
        "LayerKey": f"layers/{zips[0].name}",
        "FunctionRoleArn": _role(moto, "wrapgen-cloudformation-example"),
        "FunctionCodeBucket": bucket,
        "FunctionCodeKey": "functions/app.zip",
    }
    assert set(parameters) == set(template["Parameters"]), "the template's parameters changed: update this test"

    cloudformation = moto.client("cloudformation")
    stack = "wrapgen-cloudformation-example"
    try:
        cloudformation.create_stack(
            StackName=stack,
            TemplateBody=template_text,
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        )
        cloudformation.get_waiter("stack_create_complete").wait(
            StackName=stack, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
        )
    except Exception as error:  # moto refuses the stack, or it fails: say what the stack and moto say
        pytest.fail(f"{type(error).__name__}: {error}\n{_stack_report(cloudformation, stack, moto)}")
    status = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE", _stack_report(cloudformation, stack, moto)

    resources = {
        r["LogicalResourceId"]: r.get("PhysicalResourceId")
        for r in cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
    }
    layer_arn = resources["WrapgenLayer"]
    assert layer_arn and ":layer:" in layer_arn, resources
    config = moto.client("lambda").get_function_configuration(FunctionName=resources["Function"])
    assert [layer["Arn"] for layer in config.get("Layers", [])] == [layer_arn]
    wrapper = template["Resources"]["Function"]["Properties"]["Environment"]["Variables"]["AWS_LAMBDA_EXEC_WRAPPER"]
    assert config.get("Environment", {}).get("Variables", {}).get("AWS_LAMBDA_EXEC_WRAPPER") == wrapper
    assert _in_layer(layer_zip, wrapper), f"{wrapper} is not an executable file of {zips[0].name}"

    layer = _layer_version(moto, layer_arn)
    properties = template["Resources"]["WrapgenLayer"]["Properties"]
    assert layer["LayerVersionArn"].split(":")[-2] == properties["LayerName"]
    assert layer["Content"]["CodeSha256"] == _base64_sha256(layer_zip)
    assert layer["Content"]["CodeSize"] == len(layer_zip)
    assert layer.get("CompatibleRuntimes") == properties["CompatibleRuntimes"]
    assert layer.get("CompatibleArchitectures") == properties["CompatibleArchitectures"]


def _provider_override(url: str) -> str:
    endpoints = "\n".join(f'    {service} = "{url}"' for service in ("lambda", "iam", "s3", "sts"))
    return f"""provider "aws" {{
  region                      = "{REGION}"
  access_key                  = "{CREDENTIALS["aws_access_key_id"]}"
  secret_key                  = "{CREDENTIALS["aws_secret_access_key"]}"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  s3_use_path_style           = true
  endpoints {{
{endpoints}
  }}
}}
"""


def test_terraform_example_applies_with_the_layer_and_the_wrapper(
    moto: Moto, tmp_path: Path, terraform: Terraform
) -> None:
    work = tmp_path / "terraform"
    shutil.copytree(IAC / "terraform", work, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    (work / "override.tf").write_text(_provider_override(moto.url))
    role = _role(moto, "wrapgen-terraform-example")
    terraform.init(work)
    applied = terraform.run(work, "apply", "-auto-approve", f"-var=role_arn={role}", timeout=600)
    assert applied.returncode == 0, f"terraform apply failed:\n{applied.stdout[-6000:]}\n{applied.stderr[-6000:]}"

    declared = hcl2.loads((work / "wrapgen.tf").read_text() + (work / "main.tf").read_text())
    layer_tf = declared["resource"][0]['"aws_lambda_layer_version"']['"wrapgen"']
    function_tf = declared["resource"][1]['"aws_lambda_function"']['"app"']
    environment = {_unquote(k): _unquote(v) for k, v in declared["locals"][0]["wrapgen_environment"].items()}
    layer_path = _unquote(layer_tf["filename"])
    layer_zip = (work / layer_path).read_bytes()
    assert layer_zip == (IAC / "terraform" / layer_path).read_bytes()

    config = moto.client("lambda").get_function_configuration(FunctionName=_unquote(function_tf["function_name"]))
    layers = [layer["Arn"] for layer in config.get("Layers", [])]
    assert len(layers) == 1, config
    assert (
        config.get("Environment", {}).get("Variables", {}).get("AWS_LAMBDA_EXEC_WRAPPER")
        == (environment["AWS_LAMBDA_EXEC_WRAPPER"])
    )
    assert _in_layer(layer_zip, environment["AWS_LAMBDA_EXEC_WRAPPER"])

    layer = _layer_version(moto, layers[0])
    assert layer["LayerVersionArn"].split(":")[-2] == _unquote(layer_tf["layer_name"])
    assert layer["Content"]["CodeSha256"] == _base64_sha256(layer_zip)
    assert layer["Content"]["CodeSize"] == len(layer_zip)
    assert sorted(layer.get("CompatibleRuntimes", [])) == sorted(_unquote(r) for r in layer_tf["compatible_runtimes"])
