"""publish, attach and detach against moto's AWS emulator on 127.0.0.1, through boto3 as wrapgen calls it: the
endpoint comes from AWS_ENDPOINT_URL (boto3's own resolution), credentials and region from the environment.
Every value checked is read back from the emulator."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import REGION, Moto
from typer.testing import CliRunner  # noqa: TID251 - it runs wrapgen's own app, in this process

from wrapgen.cli import app

pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[test]'")
pytestmark = pytest.mark.usefixtures("no_real_aws")

_RUNNER = CliRunner()


@pytest.fixture
def aws(moto: Moto, monkeypatch: pytest.MonkeyPatch) -> Moto:
    """wrapgen's boto3 pointed at moto as a user would: AWS_ENDPOINT_URL, credentials and region in the env."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    return moto


def run(*argv: str) -> Any:
    result = _RUNNER.invoke(app, list(argv))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for {argv!r}") from result.exception
    return result


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def layer_zip(tmp_path: Path, family: str = "node", *args: str) -> Path:
    path = tmp_path / f"{unique(family)}.zip"
    result = run(family, *args, "--layer", str(path), "-o", str(tmp_path / f"wrapper-{path.stem}"))
    assert result.exit_code == 0, result.stderr
    return path


def plain_layer(aws: Moto, files: dict[str, str] | None = None) -> str:
    """Another layer (not wrapgen's), e.g. a vendor's with its own wrapper."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (files or {"lib/x.txt": "x"}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            info.create_system = 3
            archive.writestr(info, text)
    answer = aws.client("lambda").publish_layer_version(
        LayerName=unique("other"), Content={"ZipFile": buffer.getvalue()}
    )
    return str(answer["LayerVersionArn"])


def role(aws: Moto) -> str:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]}  # fmt: skip
    name = unique("role")
    return str(aws.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])


def code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.js", "exports.handler = async () => 1;\n")
    return buffer.getvalue()


def function(aws: Moto, runtime: str = "nodejs20.x", layers: list[str] | None = None,
             env: dict[str, str] | None = None, tags: dict[str, str] | None = None, arn_role: str | None = None,
             name: str | None = None) -> str:  # fmt: skip
    name = name or unique("fn")
    extra: dict[str, Any] = {"Environment": {"Variables": env}} if env is not None else {}
    aws.client("lambda").create_function(
        FunctionName=name, Runtime=runtime, Role=arn_role or role(aws), Handler="index.handler",
        Code={"ZipFile": code()}, Layers=layers or [], Tags=tags or {}, **extra,
    )  # fmt: skip
    return name


def configuration(aws: Moto, name: str) -> tuple[list[str], dict[str, str]]:
    config = aws.client("lambda").get_function_configuration(FunctionName=name)
    return [layer["Arn"] for layer in config.get("Layers") or ()], dict(
        (config.get("Environment") or {}).get("Variables") or {}
    )


def publish(tmp_path: Path, family: str = "node", *args: str) -> str:
    result = run("publish", str(layer_zip(tmp_path, family, *args)), "--layer-name", unique("wrapgen"))
    assert result.exit_code == 0, result.stderr
    return str(result.stdout.strip())


def test_publish_twice_makes_one_version(aws: Moto, tmp_path: Path) -> None:
    path = layer_zip(tmp_path, "node", "--preset", "source-maps")
    name = unique("wrapgen-node")
    first = run("publish", str(path), "--layer-name", name)
    assert first.exit_code == 0, first.stderr
    second = run("publish", str(path), "--layer-name", name)
    assert second.exit_code == 0, second.stderr
    assert first.stdout == second.stdout and first.stdout.strip().endswith(f":layer:{name}:1")
    assert "not published: the latest version holds the same code" in second.stderr
    client = aws.client("lambda")
    (version,) = client.list_layer_versions(LayerName=name)["LayerVersions"]
    assert set(version["CompatibleRuntimes"]) == {"nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"}
    assert set(version["CompatibleArchitectures"]) == {"x86_64", "arm64"}
    description = version["Description"]
    assert len(description) <= 256 and description.startswith("wrapgen ")
    assert "AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapgen/wrapgen-node" in description and "--enable-source-maps" in description


def test_publish_refuses_a_zip_without_a_wrapper_unless_runtimes_are_given(aws: Moto, tmp_path: Path) -> None:
    path = tmp_path / "files.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("lib/x.txt", "x")
    result = run("publish", str(path), "--layer-name", unique("files"))
    assert result.exit_code == 1 and "error: " in result.stderr and "--runtime" in result.stderr
    result = run("publish", str(path), "--layer-name", unique("files"), "--runtime", "python3.12")
    assert result.exit_code == 0, result.stderr
