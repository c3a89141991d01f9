"""`wrapgen status` against moto (issue 21): which functions carry a wrapgen layer, its version and the latest, the
chain they run, variables near 4 KB, what attach recorded that no longer matches, explain's verdict (--check); exit
0 healthy, 1 unhealthy, 2 where it could not look; a progress line on a terminal only."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CREDENTIALS, Moto
from test_aws import (  # noqa: F401 - aws: a fixture
    aws,
    configuration,
    function,
    layer_zip,
    plain_layer,
    pointed_at,
    publish,
    role,
    run,
    two_versions,
    unique,
)

pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[test]'")
pytestmark = [pytest.mark.usefixtures("no_real_aws"), pytest.mark.moto]


def status(*argv: str) -> tuple[int, dict[str, Any]]:
    result = run("status", *argv, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["function"]: item for item in data["functions"]}


def test_versions_chains_and_records_of_healthy_functions(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    v1, v2 = two_versions(tmp_path, "node", ["--flag", "--trace-warnings"], ["--flag", "--trace-deprecation"])
    vendor = plain_layer(aws)
    old = function(aws, layers=[vendor], env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper"})
    assert run("attach", "--function", old, "--layer", v1, "--no-explain").exit_code == 0
    new = function(aws)
    assert run("attach", "--function", new, "--layer", v2, "--no-explain", "--env", "MODE=x").exit_code == 0
    by_hand = function(aws, layers=[v2], env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapgen/wrapgen-node"})
    plain = function(aws, layers=[vendor])
    code, data = status(*(f"--function={name}" for name in (old, new, by_hand, plain)))
    assert code == 0, data
    found = by_name(data)
    assert [item["function"] for item in data["functions"]] == [old, new, by_hand, plain]  # in the order asked
    assert found[old]["layers"] == [{"arn": v1, "version": 1, "latest": 2, "current": False, "deleted": False}]
    assert found[old]["warnings"] == [f"{v1}: not the latest version (2)"]
    assert found[old]["wrapper"] == "/opt/wrapgen/wrapgen-node" and found[old]["then"] == "/opt/vendor/wrapper"
    assert found[old]["recorded"]["sets"]["WRAPGEN_THEN"] == {"before": None, "ours": "/opt/vendor/wrapper"}
    assert found[new]["layers"][0]["current"] is True and found[new]["warnings"] == []
    assert found[new]["recorded"]["sets"]["MODE"] == {"before": None, "ours": "x"} and found[new]["then"] is None
    assert found[by_hand]["layers"][0]["arn"] == v2 and found[by_hand]["recorded"] is None  # by its description
    assert found[plain]["result"] == "no wrapgen layer" and found[plain]["layers"] == []  # control: a vendor's
    assert {found[name]["result"] for name in (old, new, by_hand)} == {"ok"} and found[new]["check"] is None
    assert data["counts"] == {"ok": 3, "no wrapgen layer": 1}
    from test_reports import documented_example

    (documented,) = documented_example("functions", unlike="command")[
        "functions"
    ]  # the docs' example has every key, as here
    assert set(found[old]) == set(documented) and set(found[old]["layers"][0]) == set(documented["layers"][0])
    assert set(found[old]["recorded"]) == set(documented["recorded"])
    text = run("status", "--function", old, "--function", plain)
    assert text.exit_code == 0
    assert text.stdout.splitlines()[0].split() == ["FUNCTION", "RESULT", "LAYER", "CHAIN", "NOTES"]
    name = v1.split(":")[6]
    assert f"{name}:1" in text.stdout and "/opt/wrapgen/wrapgen-node -> /opt/vendor/wrapper" in text.stdout
    assert text.stdout.splitlines()[-1] == "1 ok, 1 no wrapgen layer"


def test_what_no_longer_matches_the_record_is_unhealthy_and_exits_1(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    ours = publish(tmp_path)
    name = function(aws, env={"NODE_OPTIONS": "--trace-warnings"})
    assert run("attach", "--function", name, "--layer", ours, "--env", "NODE_OPTIONS=--enable-source-maps",
               "--no-explain").exit_code == 0  # fmt: skip
    assert status("--function", name)[0] == 0  # control: as attach left it
    layers, env = configuration(aws, name)
    client = aws.client("lambda")
    edited = {**env, "AWS_LAMBDA_EXEC_WRAPPER": "/opt/other", "NODE_OPTIONS": "--trace-warnings"}
    client.update_function_configuration(FunctionName=name, Layers=[], Environment={"Variables": edited})
    code, data = status("--function", name)
    assert code == 1
    (item,) = data["functions"]
    assert item["result"] == "unhealthy" and item["layers"] == []  # recorded, but no longer on it
    assert item["problems"] == [
        f"{ours}: attach put it on, and it is no longer on the function",
        "AWS_LAMBDA_EXEC_WRAPPER: attach set '/opt/wrapgen/wrapgen-node', it is now '/opt/other'",
        "NODE_OPTIONS: attach appended ' --enable-source-maps', it is now '--trace-warnings'",
    ]
    text = run("status", "--function", name)
    assert text.exit_code == 1 and "unhealthy" in text.stdout and "it is now '/opt/other'" in text.stdout
    malformed = {**env, "WRAPGEN_ATTACHED": '{"l":"x","s":{"AA":1}}'}
    client.update_function_configuration(FunctionName=name, Environment={"Variables": malformed})
    code, data = status("--function", name)
    assert code == 1 and data["functions"][0]["problems"] == [
        "WRAPGEN_ATTACHED: 's' of 'AA' is not what wrapgen attach writes"
    ]


def test_variables_near_4_kb_are_said_with_how_near(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    ours = publish(tmp_path)
    near = function(aws, env={"BIG": "x" * 3600})
    far = function(aws, env={"SMALL": "x" * 100})
    for name in (near, far):
        assert run("attach", "--function", name, "--layer", ours, "--no-explain").exit_code == 0
    code, data = status("--function", near, "--function", far)
    assert code == 0  # a warning, not a problem
    found = by_name(data)
    size = found[near]["variables"]["bytes"]
    assert size == sum(len(k) + len(v) for k, v in configuration(aws, near)[1].items()) and size > 3686
    assert found[near]["variables"] == {"bytes": size, "limit": 4096, "near_limit": True}
    assert f"variables: {size} of 4096 bytes ({100 * size // 4096}%)" in found[near]["warnings"]
    assert found[far]["variables"]["near_limit"] is False and found[far]["warnings"] == []  # control


def test_a_deleted_version_is_said(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    v1, _ = two_versions(tmp_path, "python", ["--flag", "-X importtime"], ["--flag", "-X frozen_modules=off"])
    name = function(aws, "python3.12")
    assert run("attach", "--function", name, "--layer", v1, "--no-explain").exit_code == 0
    aws.client("lambda").delete_layer_version(LayerName=v1.rpartition(":")[0], VersionNumber=1)
    code, data = status("--function", name)
    (layer,) = data["functions"][0]["layers"]
    assert code == 0 and layer["deleted"] is True and layer["current"] is False and layer["latest"] == 2
    assert any("this version was deleted" in warning for warning in data["functions"][0]["warnings"])


def test_errors_exit_2_with_the_others_reported(aws: Moto, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    good = function(aws)
    missing = unique("missing")
    code, data = status("--function", good, "--function", missing)
    assert code == 2
    found = by_name(data)
    assert found[missing]["result"] == "failed" and "ResourceNotFoundException" in found[missing]["error"]
    assert found[good]["result"] == "no wrapgen layer" and found[good]["error"] is None
    result = run("status", "--tag", "no-equals-sign")
    assert result.exit_code == 2 and result.stderr.startswith("error: --tag 'no-equals-sign': want KEY=VALUE")
    result = run("status")
    assert result.exit_code == 2 and result.stderr == (
        "error: no function to look at (say --function, --tag, --all-with-layer or --all)\n")  # fmt: skip
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)
    result = run("status", "--all")
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and "region" in result.stderr


def test_all_lists_every_function_of_the_region(aws: Moto) -> None:  # noqa: F811
    """(moto gives ListFunctions in one page, whatever its MaxItems: the paginator's following of NextMarker is
    not exercised here.)"""
    import boto3

    region = "eu-north-1"
    client = boto3.client("lambda", endpoint_url=aws.url, region_name=region, **CREDENTIALS)
    arn_role = role(aws)
    names = {unique("fn") for _ in range(53)}
    for name in names:
        client.create_function(FunctionName=name, Runtime="python3.12", Role=arn_role, Handler="a.b",
                               Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18})  # fmt: skip
    code, data = status("--all", "--region", region)
    assert code == 0 and {item["function"] for item in data["functions"]} == names
    tagged = sorted(names)[0]
    arn = client.get_function_configuration(FunctionName=tagged)["FunctionArn"]
    client.tag_resource(Resource=arn, Tags={"team": "north"})
    code, data = status("--tag", "team=north", "--region", region)
    assert code == 0 and [item["function"] for item in data["functions"]] == [tagged]


def test_check_gives_explains_verdict(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    path = layer_zip(tmp_path, "node", "--flag", "--title='my app'")
    ours = run("publish", str(path), "--layer-name", unique("wrapgen-node")).stdout.strip()
    vendor_zip = tmp_path / "vendor.zip"  # a vendor's wrapper that splits what has a space
    vendor = plain_layer(aws, {"vendor/wrapper": "#!/bin/bash\nexec $@\n"}, save=vendor_zip)
    broken = function(aws, layers=[vendor], env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper"})
    fine = function(aws)
    for name in (broken, fine):
        assert run("attach", "--function", name, "--layer", ours, "--no-explain").exit_code == 0
    zips = ("--layer-zip", str(path), "--layer-zip", str(vendor_zip))
    code, data = status("--function", broken, "--function", fine, "--check", *zips)
    found = by_name(data)
    assert found[broken]["check"] == "breaks" and found[fine]["check"] == "ok", data
    assert found[broken]["problems"] == ["the wrapper chain breaks the function on nodejs20.x"] and code == 1
    code, data = status("--function", fine, "--check")  # moto's Location is no URL: not checked, and said so
    assert code == 0 and data["functions"][0]["check"].startswith("not checked: layer ")
    assert status("--function", broken)[0] == 0  # control: without --check, no verdict


def _status_cli(moto: Moto, name: str, stderr: int) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "AWS_ENDPOINT_URL": moto.url, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    command = [str(Path(sys.executable).parent / "wrapgen"), "status", "--function", name]
    return subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=stderr, timeout=120, check=False)


def test_a_progress_line_on_a_terminal_only(aws: Moto) -> None:  # noqa: F811
    name = function(aws)
    main, secondary = pty.openpty()
    try:
        result = _status_cli(aws, name, secondary)
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert result.returncode == 0 and b"\rstatus: 1 of 1" in shown and shown.endswith(b"\r\x1b[K")
    piped = _status_cli(aws, name, subprocess.PIPE)
    assert piped.returncode == 0 and piped.stderr == b""  # control: no terminal, no progress line
    assert name.encode() in piped.stdout


def test_a_wrapgen_layer_whose_wrapper_is_not_in_the_chain_is_said(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    ours = publish(tmp_path)
    idle = function(aws, layers=[ours])  # put on by hand, AWS_LAMBDA_EXEC_WRAPPER never set
    running = function(aws, layers=[ours], env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapgen/wrapgen-node"})
    code, data = status("--function", idle, "--function", running)
    found = by_name(data)
    assert code == 0 and found[idle]["result"] == "ok"
    assert found[idle]["warnings"] == [f"/opt/wrapgen/wrapgen-node (of {ours}) is not in the chain: it does not run"]
    assert found[running]["warnings"] == []  # control


def test_status_on_moto_as_it_ships(stock_moto: Moto, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No RevisionId in the configurations: status reads them all the same."""
    moto = pointed_at(stock_moto, monkeypatch)
    ours = publish(tmp_path)
    name = function(moto, env={"KEEP": "1"})
    assert run("attach", "--function", name, "--layer", ours, "--no-explain").exit_code == 0
    code, data = status("--function", name)
    (item,) = data["functions"]
    assert code == 0 and item["result"] == "ok" and item["layers"][0]["arn"] == ours, data
    edited = {**configuration(moto, name)[1], "AWS_LAMBDA_EXEC_WRAPPER": "/opt/other"}
    moto.client("lambda").update_function_configuration(FunctionName=name, Environment={"Variables": edited})
    assert status("--function", name)[0] == 1  # control: changed since attach: unhealthy
