"""`wrapgen iam-policy COMMAND` (issue 21): every AWS call each command makes in representative runs against moto
is recorded (botocore's before-call event on every client made), and each policy's actions are exactly those calls'
(none missing, none extra), apart from the actions a command needs without calling them (iam.IMPLIED)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Moto
from test_aws import aws, function, layer_zip, plain_layer, run, unique  # noqa: F401 - aws: a fixture

from wrapgen.aws.iam import IMPLIED, RESOURCE

pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[test]'")
pytestmark = [pytest.mark.usefixtures("no_real_aws")]


class Calls:
    """The actions (SERVICE:Operation) of the calls made while `during` runs a wrapgen command."""

    def __init__(self) -> None:
        self.active = False
        self.seen: set[str] = set()

    def record(self, model: Any, **_: object) -> None:
        if self.active:
            self.seen.add(f"{model.service_model.signing_name}:{model.name}")

    def during(self, *argv: str, status: int | None = 0) -> None:
        """Run the command, its calls recorded (`status`: its exit status; None: any)."""
        self.active = True
        try:
            result = run(*argv)
        finally:
            self.active = False
        assert status is None or result.exit_code == status, result.stdout + result.stderr

    def take(self) -> set[str]:
        """The actions recorded since the last take."""
        seen, self.seen = self.seen, set()
        return seen


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    import boto3.session

    recorder = Calls()
    made = boto3.session.Session.client

    def client(self: Any, *args: Any, **kwargs: Any) -> Any:
        found = made(self, *args, **kwargs)
        found.meta.events.register("before-call", recorder.record)
        return found

    monkeypatch.setattr(boto3.session.Session, "client", client)
    yield recorder


def policy_actions(command: str) -> set[str]:
    result = run("iam-policy", command)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["Version"] == "2012-10-17"
    actions = set()
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow" and all(RESOURCE[a] == statement["Resource"] for a in statement["Action"])
        actions |= set(statement["Action"])
    return actions


def gaps(command: str, called: set[str], actions: set[str]) -> tuple[set[str], set[str]]:
    """What the policy lacks of the calls made, and what it has beyond them (and beyond IMPLIED)."""
    implied = set(IMPLIED.get(command, {}))
    return called - actions, actions - called - implied


@pytest.mark.moto
def test_each_policy_is_exactly_the_calls_each_command_makes(aws: Moto, tmp_path: Path, calls: Calls) -> None:  # noqa: F811
    path = layer_zip(tmp_path, "node", "--flag", "--title='my app'")
    name = unique("wrapgen-node")
    made: dict[str, set[str]] = {}
    calls.during("publish", str(path), "--layer-name", name)  # a new layer: no version to compare with
    calls.during("publish", str(path), "--layer-name", name)  # the latest version's code compared with
    made["publish"] = calls.take()
    ours = run("publish", str(path), "--layer-name", name).stdout.strip()
    vendor_zip = tmp_path / "vendor.zip"
    vendor = plain_layer(aws, {"vendor/wrapper": '#!/bin/bash\nexec "$@"\n'}, save=vendor_zip)
    team = unique("team")
    chained = function(aws, layers=[vendor], env={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper"})
    function(aws, tags={"team": team})
    zips = ("--layer-zip", str(path), "--layer-zip", str(vendor_zip))
    # attach: named and tagged, the chain checked from the zips; then again by layer (a function moved to it)
    calls.during("attach", "--function", chained, "--tag", f"team={team}", "--layer", ours, *zips)
    calls.during("attach", "--all-with-layer", ours.rpartition(":")[0], "--layer", ours)
    made["attach"] = calls.take()
    calls.during("status", "--function", chained, "--tag", f"team={team}", "--check", *zips)
    calls.during("status", "--all-with-layer", ours.rpartition(":")[0])
    calls.during("status", "--all", status=None)  # other tests' functions are in the region too
    made["status"] = calls.take()
    calls.during("detach", "--function", chained, "--dry-run")
    calls.during("detach", "--tag", f"team={team}", "--all-with-layer", ours)
    made["detach"] = calls.take()
    (tmp_path / "wrapgen.toml").write_text('[wrapper.api]\nfamily = "node"\noutput = "build/wrapgen-node"\n')
    calls.during("build", "--manifest", str(tmp_path / "wrapgen.toml"))
    made["build"] = calls.take()

    assert "lambda:PublishLayerVersion" in made["publish"] and "lambda:UpdateFunctionConfiguration" in made["detach"]
    for command, called in made.items():
        assert gaps(command, called, policy_actions(command)) == (set(), set()), command
    # control: a policy without one of the calls made, or with one more, is caught
    assert gaps("attach", made["attach"], policy_actions("attach") - {"lambda:ListTags"})[0] == {"lambda:ListTags"}
    extra = gaps("status", made["status"], policy_actions("status") | {"lambda:GetFunction"})[1]
    assert extra == {"lambda:GetFunction"}


def test_iam_policy_names_what_it_knows_and_says_what_is_implied() -> None:
    wrong = run("iam-policy", "atach")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: COMMAND 'atach': one of publish, attach")
    assert "(did you mean 'attach'?)" in wrong.stderr and wrong.stdout == ""
    detach = run("iam-policy", "detach")
    assert "lambda:GetLayerVersion: not called by wrapgen detach, but UpdateFunctionConfiguration" in detach.stderr
    build = run("iam-policy", "build")
    assert json.loads(build.stdout)["Statement"] == [] and "needs no permission" in build.stderr
