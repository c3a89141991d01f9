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
from conftest import REGION, Moto, aws_sample
from typer.testing import CliRunner  # noqa: TID251 - it runs wrapgen's own app, in this process

from wrapgen.aws import attach
from wrapgen.aws.client import AwsError, clients
from wrapgen.cli import app
from wrapgen.runtimes import FAMILIES

pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[test]'")
pytestmark = [pytest.mark.usefixtures("no_real_aws"), pytest.mark.moto]

_RUNNER = CliRunner()


def pointed_at(moto: Moto, monkeypatch: pytest.MonkeyPatch) -> Moto:
    """wrapgen's boto3 pointed at moto as a user would: AWS_ENDPOINT_URL, credentials and region in the env."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    return moto


@pytest.fixture
def aws(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Moto:
    """The RevisionId-enforcing moto server, or the one named by an indirect parameter (BOTH)."""
    return pointed_at(request.getfixturevalue(getattr(request, "param", "moto")), monkeypatch)


BOTH = pytest.mark.parametrize("aws", ["moto", "stock_moto"], indirect=True)
"""Against AWS's behaviour (a RevisionId) and moto's as it ships (none), which many users test against."""


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


def executables_zip(files: dict[str, str]) -> bytes:
    """A zip of these files, each mode 0755 (as a vendor's layer holds its wrapper)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            info.create_system = 3
            archive.writestr(info, text)
    return buffer.getvalue()


def plain_layer(aws: Moto, files: dict[str, str] | None = None, save: Path | None = None) -> str:
    """Another layer (not wrapgen's), e.g. a vendor's with its own wrapper; its zip also written to `save`."""
    data = executables_zip(files or {"lib/x.txt": "x"})
    if save is not None:
        save.write_bytes(data)
    answer = aws.client("lambda").publish_layer_version(LayerName=unique("other"), Content={"ZipFile": data})
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


def two_versions(tmp_path: Path, family: str, first: list[str], second: list[str]) -> tuple[str, str]:
    """Versions 1 and 2 of one layer: a wrapper of the family built with the first options, then the second."""
    path = layer_zip(tmp_path, family, *first)
    name = unique(f"wrapgen-{family}")
    v1 = run("publish", str(path), "--layer-name", name).stdout.strip()
    path.write_bytes(layer_zip(tmp_path, family, *second).read_bytes())
    v2 = run("publish", str(path), "--layer-name", name).stdout.strip()
    assert v1.endswith(":1") and v2.endswith(":2")
    return v1, v2


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
    assert set(version["CompatibleRuntimes"]) == set(FAMILIES["node"].runtimes)  # the preset takes them all
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


@BOTH
def test_attach_then_detach_leaves_the_configuration_exactly_as_it_was(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path, "node", "--preset", "source-maps")
    vendor = plain_layer(aws, {"vendor/wrapper": aws_sample("--trace-warnings")})
    other = plain_layer(aws)
    env = {"NODE_OPTIONS": "--max-old-space-size=256  --trace-deprecation", "AWS_LAMBDA_EXEC_WRAPPER":
           "/opt/vendor/wrapper", "KEEP": " spaces and ünïcode ", "EMPTY": ""}  # fmt: skip
    name = function(aws, layers=[vendor, other], env=env)
    before = configuration(aws, name)

    result = run("attach", "--function", name, "--layer", ours, "--env", "NODE_OPTIONS=--enable-source-maps",
                 "--env", "NEW_ONE=1")  # fmt: skip
    assert result.exit_code == 0, result.stderr + result.stdout
    layers, variables = configuration(aws, name)
    assert layers == [vendor, other, ours]
    assert variables["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/wrapgen/wrapgen-node"
    assert variables["WRAPGEN_THEN"] == "/opt/vendor/wrapper"
    assert variables["NODE_OPTIONS"] == env["NODE_OPTIONS"] + " --enable-source-maps"
    assert variables["NEW_ONE"] == "1" and variables["KEEP"] == env["KEEP"] and variables["EMPTY"] == ""
    assert "1 changed" in result.stdout

    again = run("attach", "--function", name, "--layer", ours, "--env", "NODE_OPTIONS=--enable-source-maps",
                "--env", "NEW_ONE=1")  # fmt: skip
    assert again.exit_code == 0 and "already attached: nothing to do" in again.stdout

    result = run("detach", "--function", name)
    assert result.exit_code == 0, result.stderr + result.stdout
    assert configuration(aws, name) == before


@BOTH
def test_a_newer_version_replaces_the_older_in_place_and_detach_puts_it_back(aws: Moto, tmp_path: Path) -> None:
    old, new = two_versions(tmp_path, "python", ["--flag", "-X importtime"], ["--flag", "-X frozen_modules=off"])
    first, last = plain_layer(aws), plain_layer(aws)
    fn = function(
        aws, "python3.12", layers=[first, old, last], env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapgen/wrapgen-python"}
    )
    before = configuration(aws, fn)
    assert run("attach", "--function", fn, "--layer", new).exit_code == 0
    layers, variables = configuration(aws, fn)
    assert layers == [first, new, last] and "WRAPGEN_THEN" not in variables
    assert run("detach", "--function", fn, "--layer", new.rpartition(":")[0]).exit_code == 0
    assert configuration(aws, fn) == before


@BOTH
def test_dry_run_prints_the_diff_and_changes_nothing(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    name = function(aws, env={"NODE_OPTIONS": "--trace-warnings"})
    before = configuration(aws, name)
    result = run("attach", "--function", name, "--layer", ours, "--env", "NODE_OPTIONS=--enable-source-maps",
                 "--dry-run")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert f"--- {name} (now)" in result.stdout and f"+++ {name} (after)" in result.stdout
    assert '-      "NODE_OPTIONS": "--trace-warnings"' in result.stdout
    assert '+      "NODE_OPTIONS": "--trace-warnings --enable-source-maps",' in result.stdout
    assert f'+    "{ours}"' in result.stdout and "would change" in result.stdout
    assert configuration(aws, name) == before


@BOTH
def test_a_fleet_of_50_attached_and_detached_with_a_summary(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    team = unique("team")
    arn_role = role(aws)
    names = [function(aws, tags={"team": team}, arn_role=arn_role, env={"NUMBER": str(i)}) for i in range(50)]
    function(aws, tags={"team": "other"}, arn_role=arn_role)
    before = {name: configuration(aws, name) for name in names}
    result = run("attach", "--tag", f"team={team}", "--layer", ours)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "50 changed"
    assert all(configuration(aws, name)[0] == [ours] for name in names)
    result = run("detach", "--all-with-layer", ours.rpartition(":")[0])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "50 changed"
    assert {name: configuration(aws, name) for name in names} == before


@BOTH
def test_a_partial_failure_exits_1_and_says_how_to_undo(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    good = function(aws)
    bad = function(aws, "provided.al2023")
    result = run("attach", "--function", good, "--function", bad, "--layer", ours)
    assert result.exit_code == 1
    assert "OS-only runtimes ignore AWS_LAMBDA_EXEC_WRAPPER" in result.stdout
    assert f"to undo: wrapgen detach --function {good}" in result.stdout
    assert "error: attach: 1 of 2 function(s) failed" in result.stderr
    assert configuration(aws, bad) == ([], {})


def test_limits_are_refused(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    five = function(aws, layers=[plain_layer(aws) for _ in range(5)])
    result = run("attach", "--function", five, "--layer", ours)
    assert result.exit_code == 1 and "a sixth cannot be added" in result.stdout
    big = function(aws, env={"BIG": "x" * 4000})
    result = run("attach", "--function", big, "--layer", ours)
    assert result.exit_code == 1 and "Lambda allows 4096" in result.stdout
    assert configuration(aws, big)[0] == [] and len(configuration(aws, five)[0]) == 5


@BOTH
def test_a_variable_already_set_is_not_overwritten_without_force(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    name = function(aws, env={"MODE": "theirs"})
    result = run("attach", "--function", name, "--layer", ours, "--env", "MODE=ours")
    assert result.exit_code == 1 and "MODE is set already" in result.stdout
    assert run("attach", "--function", name, "--layer", ours, "--env", "MODE=ours", "--force").exit_code == 0
    assert configuration(aws, name)[1]["MODE"] == "ours"
    assert run("detach", "--function", name).exit_code == 0
    assert configuration(aws, name)[1] == {"MODE": "theirs"}


def test_image_and_provided_functions_are_refused(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    image = unique("image")
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:latest"
    aws.client("lambda").create_function(
        FunctionName=image, Role=role(aws), PackageType="Image", Code={"ImageUri": uri}
    )
    result = run("attach", "--function", image, "--layer", ours)
    assert result.exit_code == 1 and "container image function" in result.stdout
    provided = function(aws, "provided.al2")
    result = run("attach", "--function", provided, "--layer", ours)
    assert result.exit_code == 1 and "OS-only runtimes ignore" in result.stdout


def test_a_change_between_read_and_write_is_detected_not_overwritten(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    name = function(aws, env={"AA": "1"})
    (client,) = clients(None, None, "lambda")
    read = attach.read_function(client, name)
    change = attach.plan_attach(read, attach.read_layer(client, ours))
    aws.client("lambda").update_function_configuration(FunctionName=name, Environment={"Variables": {"AA": "2"}})
    with pytest.raises(AwsError, match="changed by someone else since it was read"):
        attach.apply(client, change)
    assert configuration(aws, name) == ([], {"AA": "2"})
    attach.apply(client, attach.plan_attach(attach.read_function(client, name), attach.read_layer(client, ours)))
    assert configuration(aws, name)[0] == [ours]


def test_the_chain_is_explained_before_attaching(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    name = function(aws)
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/bash\nexit 3\n")
    broken.chmod(0o755)
    result = run("attach", "--function", name, "--layer", ours, "--explain-with", str(broken))
    assert result.exit_code == 1 and "would break the function on nodejs20.x" in result.stdout
    assert configuration(aws, name) == ([], {})
    script = next(tmp_path.glob("wrapper-node-*"))
    result = run("attach", "--function", name, "--layer", ours, "--explain-with", str(script))
    assert result.exit_code == 0 and "wrapper chain checked: ok" in result.stdout, result.stdout
    unchecked = function(aws)
    result = run("attach", "--function", unchecked, "--layer", ours)
    # moto's GetLayerVersion gives Location "s3://", which is no URL: not checked, and said so, but attached
    assert result.exit_code == 0 and "not checked: layer " in result.stdout and "(Location 's3://')" in result.stdout
    assert configuration(aws, unchecked)[0] == [ours]


def test_a_chain_that_would_break_the_function_is_refused_by_default(aws: Moto, tmp_path: Path) -> None:
    path = layer_zip(tmp_path, "node", "--flag", "--title='my app'")
    ours = run("publish", str(path), "--layer-name", unique("wrapgen-node")).stdout.strip()
    vendor_zip = tmp_path / "vendor.zip"  # a vendor's wrapper that splits what has a space
    vendor = plain_layer(aws, {"vendor/wrapper": "#!/bin/bash\nexec $@\n"}, save=vendor_zip)
    name = function(aws, layers=[vendor], env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper"})
    before = configuration(aws, name)
    zips = ("--layer-zip", str(path), "--layer-zip", str(vendor_zip))
    result = run("attach", "--function", name, "--layer", ours, *zips)
    assert result.exit_code == 1 and "would break the function on nodejs20.x" in result.stdout, result.stdout
    assert configuration(aws, name) == before
    result = run("attach", "--function", name, "--layer", ours, "--no-explain", "--dry-run")
    assert result.exit_code == 0 and "not checked (--no-explain)" in result.stdout
    result = run("attach", "--function", name, "--layer", ours, *zips, "--force")
    assert result.exit_code == 0 and "BREAKS the function (attached: --force)" in result.stdout, result.stdout
    assert configuration(aws, name)[1]["WRAPGEN_THEN"] == "/opt/vendor/wrapper"
    assert run("detach", "--function", name).exit_code == 0 and configuration(aws, name) == before
    # the same vendor layer with a wrapper that quotes: checked, ok
    good = function(aws, layers=[vendor], env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper"})
    vendor_zip.write_bytes(executables_zip({"vendor/wrapper": '#!/bin/bash\nexec "$@"\n'}))
    result = run("attach", "--function", good, "--layer", ours, *zips)  # the zip is not the layer's: not checked
    assert result.exit_code == 0 and "not checked: layer " + vendor in result.stdout, result.stdout
    # a wrapper in no layer of the function
    bare = function(aws, env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper"})
    result = run("attach", "--function", bare, "--layer", ours, *zips)
    assert result.exit_code == 0 and "none of the function's layers holds /opt/vendor/wrapper" in result.stdout


def test_a_layer_zip_is_downloaded_bounded_and_checked(tmp_path: Path) -> None:
    import http.server
    import threading

    from wrapgen.aws import chain

    data = tmp_path / "x.zip"
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("vendor/wrapper", '#!/bin/bash\nexec "$@"\n')
    body = data.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/layer.zip"
        got = chain.download(url, len(body), chain.sha256_base64(body), "layer x")
        assert chain.script_in(got, "vendor/wrapper", "layer x") == b'#!/bin/bash\nexec "$@"\n'
        assert chain.script_in(got, "vendor/other", "layer x") is None
        with pytest.raises(chain.NotChecked, match="not its CodeSha256"):
            chain.download(url, len(body), "AAAA", "layer x")
        with pytest.raises(chain.NotChecked, match="over"):
            chain.download(url, chain.MAX_ZIPPED + 1, None, "layer x")
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(chain.NotChecked, match="cannot be downloaded"):
        chain.download("s3://", None, None, "layer x")


def test_no_region_is_one_error_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    result = run("detach", "--function", "x")
    assert result.exit_code == 1 and result.stderr.startswith("error: ") and "region" in result.stderr


@BOTH
def test_attaching_a_newer_version_moves_it_in_one_step_and_detach_restores_the_original(
    aws: Moto, tmp_path: Path
) -> None:
    v1, v2 = two_versions(tmp_path, "node", ["--flag", "--trace-warnings"], ["--flag", "--trace-deprecation"])
    vendor, other = plain_layer(aws, {"vendor/wrapper": aws_sample("--trace-warnings")}), plain_layer(aws)
    env = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper", "NODE_OPTIONS": "--max-old-space-size=256",
           "KEEP": " ü "}  # fmt: skip
    fn = function(aws, layers=[vendor, other], env=env)
    before = configuration(aws, fn)
    first = run("attach", "--function", fn, "--layer", v1, "--env", "NODE_OPTIONS=--enable-source-maps",
                "--no-explain")  # fmt: skip
    assert first.exit_code == 0, first.stdout
    result = run("attach", "--function", fn, "--layer", v2, "--env", "NODE_OPTIONS=--enable-source-maps",
                 "--no-explain")  # fmt: skip
    assert result.exit_code == 0 and f"moved from {v1}" in result.stdout, result.stdout
    layers, variables = configuration(aws, fn)
    assert layers == [vendor, other, v2]
    assert variables["WRAPGEN_THEN"] == "/opt/vendor/wrapper"
    assert variables["NODE_OPTIONS"] == "--max-old-space-size=256 --enable-source-maps"
    assert json.loads(variables["WRAPGEN_ATTACHED"])["l"] == v2
    result = run("detach", "--function", fn)
    assert result.exit_code == 0, result.stdout
    assert configuration(aws, fn) == before
    # a version wrapgen did not attach over, and another layer altogether, still refused
    unrelated = publish(tmp_path)
    assert run("attach", "--function", fn, "--layer", v1, "--no-explain").exit_code == 0
    result = run("attach", "--function", fn, "--layer", unrelated, "--no-explain")
    assert result.exit_code == 1 and "detach it first" in result.stdout


def test_only_a_shell_script_of_the_function_is_run_here(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    ours_zip = next(tmp_path.glob("node-*.zip"))
    vendor_zip = tmp_path / "vendor.zip"
    script = "#!/usr/bin/env python3\nimport os, sys\nos.execv(sys.argv[1], sys.argv[1:])\n"
    vendor = plain_layer(aws, {"vendor/wrapper": script}, save=vendor_zip)
    name = function(aws, layers=[vendor], env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper"})
    result = run("attach", "--function", name, "--layer", ours, "--layer-zip", str(ours_zip), "--layer-zip",
                 str(vendor_zip), "--dry-run")  # fmt: skip
    assert result.exit_code == 0 and "is no bash or sh script: not run here" in result.stdout, result.stdout
    result = run("attach", "--function", name, "--layer", ours, "--explain-with", str(tmp_path / "x"))
    assert result.exit_code == 1 and "give 2 local script(s)" in result.stdout
    plain = function(aws)
    result = run("attach", "--function", plain, "--layer", ours, "--layer-zip", str(ours_zip))
    assert result.exit_code == 0 and "wrapper chain checked: ok" in result.stdout, result.stdout


def test_region_and_profile_are_resolved_as_the_aws_cli_does(
    aws: Moto, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--region over the environment's; --profile reads the shared config and credentials files."""
    path = layer_zip(tmp_path, "python")
    by_option = run("publish", str(path), "--layer-name", unique("wrapgen"), "--region", "eu-west-2")
    assert by_option.exit_code == 0, by_option.stderr
    assert by_option.stdout.startswith("arn:aws:lambda:eu-west-2:")
    (tmp_path / "config").write_text("[profile team]\nregion = ap-south-1\n")
    (tmp_path / "credentials").write_text("[team]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    by_profile = run("publish", str(path), "--layer-name", unique("wrapgen"), "--profile", "team")
    assert by_profile.exit_code == 0, by_profile.stderr
    assert by_profile.stdout.startswith("arn:aws:lambda:ap-south-1:")
    missing = run("publish", str(path), "--layer-name", unique("wrapgen"), "--profile", "nobody")
    assert missing.exit_code == 1 and missing.stderr.startswith("error: ") and "nobody" in missing.stderr
