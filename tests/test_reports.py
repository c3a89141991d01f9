"""--format json of publish, attach, detach and build (issue 21): one object on stdout whose keys the docs
(docs/aws.md, docs/manifest.md) document, the same facts as the text; messages and errors stay on stderr,
exit statuses as with text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import Moto, docs_text
from test_aws import aws, configuration, function, layer_zip, publish, run, unique  # noqa: F401 - aws: a fixture

pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[test]'")
pytestmark = [pytest.mark.usefixtures("no_real_aws")]


def documented_example(key: str, unlike: str = "") -> dict[str, Any]:
    """The docs' JSON example that has this top-level key, and not `unlike` (each is valid JSON)."""
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", docs_text(), re.S)]
    (found,) = [block for block in blocks if key in block and unlike not in block]
    return dict(found)


@pytest.mark.moto
def test_publish_as_json(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    path = layer_zip(tmp_path, "node", "--preset", "source-maps")
    name = unique("wrapgen-node")
    first = run("publish", str(path), "--layer-name", name, "--format", "json")
    assert first.exit_code == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["arn"].endswith(f":layer:{name}:1") and data["version"] == 1 and data["published"] is True
    assert "nodejs20.x" in data["runtimes"] and data["architectures"] == ["x86_64", "arm64"]
    assert data["description"].startswith("wrapgen ") and "AWS_LAMBDA_EXEC_WRAPPER=" in data["description"]
    assert set(data) == set(documented_example("published"))  # the keys the docs document
    again = json.loads(run("publish", str(path), "--layer-name", name, "--format", "json").stdout)
    assert again["published"] is False and again["arn"] == data["arn"]  # control: the same zip is not published
    assert not run("publish", str(path), "--layer-name", name).stdout.startswith("{")  # control: text by default


@pytest.mark.moto
def test_attach_and_detach_as_json_carry_the_configuration_before_and_after(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    ours = publish(tmp_path)
    name = function(aws, env={"NODE_OPTIONS": "--trace-warnings"})
    before = configuration(aws, name)
    dry = run("attach", "--function", name, "--layer", ours, "--env", "NODE_OPTIONS=--enable-source-maps",
              "--no-explain", "--dry-run", "--format", "json")  # fmt: skip
    assert dry.exit_code == 0, dry.stderr
    data = json.loads(dry.stdout)
    (item,) = data["functions"]
    assert item["function"] == name and item["result"] == "would change" and item["error"] is None
    assert item["notes"] == ["not checked (--no-explain)"]
    assert item["before"] == {"layers": [], "variables": {"NODE_OPTIONS": "--trace-warnings"}}
    assert item["after"]["layers"] == [ours]
    assert item["after"]["variables"]["NODE_OPTIONS"] == "--trace-warnings --enable-source-maps"
    assert data["counts"] == {"would change": 1} and data["undo"] is None and data["command"] == "attach"
    assert configuration(aws, name) == before  # --dry-run wrote nothing

    done = json.loads(run("attach", "--function", name, "--layer", ours, "--no-explain", "--format", "json").stdout)
    assert done["counts"] == {"changed": 1} and done["undo"] == f"wrapgen detach --function {name}"
    again = json.loads(run("attach", "--function", name, "--layer", ours, "--format", "json").stdout)
    (item,) = again["functions"]
    assert item["result"] == "unchanged" and "before" not in item and again["undo"] is None

    off = run("detach", "--function", name, "--format", "json")
    assert off.exit_code == 0, off.stderr
    data = json.loads(off.stdout)
    (item,) = data["functions"]
    assert item["result"] == "changed" and item["after"] == {"layers": [], "variables": before[1]}
    assert data["undo"] is None and data["command"] == "detach"
    assert configuration(aws, name) == before


@pytest.mark.moto
def test_a_partial_failure_as_json_names_the_error_and_the_undo_and_exits_1(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    ours = publish(tmp_path)
    good, bad = function(aws), function(aws, "provided.al2023")
    result = run("attach", "--function", good, "--function", bad, "--layer", ours, "--no-explain", "--format", "json")
    assert result.exit_code == 1 and "error: attach: 1 of 2 function(s) failed" in result.stderr
    data = json.loads(result.stdout)
    by = {item["function"]: item for item in data["functions"]}
    assert by[bad]["result"] == "failed" and "OS-only runtimes ignore" in by[bad]["error"]
    assert by[good]["result"] == "changed" and by[good]["error"] is None
    assert data["counts"] == {"changed": 1, "failed": 1}
    assert data["undo"] == f"wrapgen detach --function {good}"
    documented = documented_example("undo")
    assert set(data) == set(documented) and [set(item) for item in documented["functions"]] == [
        set(by[good]), set(by[bad])]  # fmt: skip


def test_build_as_json_lists_the_files_as_dry_run_says_them(tmp_path: Path) -> None:
    (tmp_path / "wrapgen.toml").write_text('[wrapper.api]\nfamily = "node"\nflag = ["--enable-source-maps"]\n'
                                           'output = "build/wrapgen-node"\n')  # fmt: skip
    manifest = ("--manifest", str(tmp_path / "wrapgen.toml"))
    dry = run("build", *manifest, "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.stderr
    data = json.loads(dry.stdout)
    assert data["written"] is False and not (tmp_path / "build").exists()
    documented = documented_example("written")
    assert set(data) == set(documented) and set(data["files"][0]) == set(documented["files"][0])
    (entry,) = data["entries"]
    assert entry["name"] == "api" and entry["command"].startswith("wrapgen node ")
    (file,) = data["files"]
    assert file["path"] == "build/wrapgen-node" and file["mode"] == "0755"
    text = run("build", *manifest, "--dry-run")  # the text says the same sha256 and size, on stderr
    assert text.stdout == "" and dry.stderr == ""
    assert f"{file['bytes']} bytes, sha256 {file['sha256']}" in text.stderr
    done = json.loads(run("build", *manifest, "--format", "json").stdout)
    written = tmp_path / "build/wrapgen-node"
    assert done["written"] is True and done["files"] == data["files"] and written.stat().st_size == file["bytes"]
