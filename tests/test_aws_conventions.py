"""AWS conventions: the region in the AWS CLI v2's order, retries said on stderr, install hints true for the way
wrapgen was installed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import tomllib
from conftest import REGION, ROOT, Moto
from test_aws import (
    aws,  # noqa: F401 - the fixture: wrapgen's boto3 pointed at moto as a user would
    layer_zip,
    run,
    unique,
)

pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[test]'")


@pytest.mark.usefixtures("no_real_aws", "aws")
@pytest.mark.moto
def test_aws_region_alone_and_over_aws_default_region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 reads AWS_DEFAULT_REGION only; the AWS CLI v2, the other SDKs and Lambda itself set AWS_REGION, which
    the CLI puts before AWS_DEFAULT_REGION and the profile's region. wrapgen said there was no region."""
    path = layer_zip(tmp_path, "python")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    alone = run("publish", str(path), "--layer-name", unique("wrapgen"))
    assert alone.exit_code == 0 and alone.stdout.startswith("arn:aws:lambda:eu-central-1:"), alone.stderr
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    both = run("publish", str(path), "--layer-name", unique("wrapgen"))
    assert both.stdout.startswith("arn:aws:lambda:eu-central-1:"), both.stderr
    option = run("publish", str(path), "--layer-name", unique("wrapgen"), "--region", "eu-west-3")
    assert option.stdout.startswith("arn:aws:lambda:eu-west-3:"), option.stderr
    monkeypatch.delenv("AWS_REGION")  # the control: AWS_DEFAULT_REGION alone still counts
    default = run("publish", str(path), "--layer-name", unique("wrapgen"))
    assert default.stdout.startswith(f"arn:aws:lambda:{REGION}:"), default.stderr


@pytest.mark.usefixtures("no_real_aws", "aws")
@pytest.mark.moto
def test_retries_are_said_on_stderr(moto: Moto, monkeypatch: pytest.MonkeyPatch) -> None:
    """Against an endpoint that does not answer, wrapgen was silent for 26 s of botocore's retries: each failed
    attempt now says which call, attempt n of m, and what failed; the end is one error line."""
    import socket

    from wrapgen.aws import client

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setattr(client, "MAX_ATTEMPTS", 2)
    result = run("detach", "--function", "f")
    lines = result.stderr.splitlines()
    said = [line for line in lines if line.startswith("wrapgen: lambda GetFunctionConfiguration: attempt ")]
    assert [line.split(" failed")[0] for line in said] == [
        "wrapgen: lambda GetFunctionConfiguration: attempt 1 of 3",
        "wrapgen: lambda GetFunctionConfiguration: attempt 2 of 3",
    ], lines
    assert all("Could not connect to the endpoint URL" in line and line.endswith("; retrying") for line in said)
    assert result.exit_code == 1 and lines[-1].startswith("error: ")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto.url)  # the control: an endpoint that answers, nothing said
    quiet = run("detach", "--function", "f")
    assert "attempt" not in quiet.stderr, quiet.stderr


def test_install_hints_install_the_extra_the_way_wrapgen_was_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """`pip install 'wrapgen[aws]'` works for nobody who installed from a clone: the hint names the clone (editably
    where it was), with this installation's python; from an index, the package's name."""
    from importlib import metadata

    from wrapgen import installed

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {"aws", "try"} <= set(extras)
    found = metadata.distribution("wrapgen").read_text("direct_url.json") or ""
    if '"file://' in found:  # installed from this clone (scripts/test does: pip install -e)
        assert installed.extra_hint("aws").endswith("[aws]'") and str(ROOT) in installed.extra_hint("aws")

    class FromIndex:
        def read_text(self, name: str) -> None:
            return None

    monkeypatch.setattr(metadata, "distribution", lambda name: FromIndex())
    assert installed.extra_hint("aws") == f"{sys.executable} -m pip install 'wrapgen[aws]'"
