"""The documentation (issue 23): every relative link and anchor of README.md and docs/*.md resolves, and the
README's quick start runs as written, command by command, in a fresh directory (its AWS steps against moto)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DOCS, ROOT, Moto
from test_aws import aws, configuration, function  # noqa: F401 - aws: a fixture

_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: link text kept, lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading's anchor in a Markdown file; a repeated one gets -1, -2, ... as on GitHub."""
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", _FENCE.sub("", path.read_text()), re.M):
        base = anchor = slug(heading)
        count = 0
        while anchor in found:
            count += 1
            anchor = f"{base}-{count}"
        found.add(anchor)
    return found


def broken_links(paths: list[Path]) -> list[str]:
    """Each relative link (outside code) whose file does not exist, or whose #anchor is no heading of its file."""
    broken = []
    for path in paths:
        prose = re.sub(r"`[^`\n]*`", "", _FENCE.sub("", path.read_text()))
        for target in _LINK.findall(prose):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            name, _, anchor = target.partition("#")
            linked = (path.parent / name).resolve() if name else path
            if not linked.exists():
                broken.append(f"{path.name}: {target}: no such file")
            elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
                broken.append(f"{path.name}: {target}: no such heading")
    return broken


def test_every_relative_link_and_anchor_resolves() -> None:
    assert {"README.md", "reference.md", "aws.md", "sandbox.md", "runtimes.md"} <= {path.name for path in DOCS}
    assert broken_links(DOCS) == []


def test_a_doctored_link_or_anchor_is_caught(tmp_path: Path) -> None:
    """The control: a missing file and a missing heading are reported; a good link, an anchor of this file, a URL,
    a link in code and a repeated heading's -1 anchor are not."""
    (tmp_path / "other.md").write_text("# Other\n\n## What wrapgen's wrappers do\n\n## Notes\n\n## Notes\n")
    page = tmp_path / "page.md"
    good = "[a](other.md#what-wrapgens-wrappers-do) [b](other.md#notes-1) [c](#page-wrapgen-explain)"
    ignored = "[d](https://example.com/x#y) `[e](nowhere.md)`\n\n```sh\n[f](nowhere.md)\n```"
    bad = "[g](missing.md) [h](other.md#notes-2) [i](#nowhere)"
    page.write_text(f"# Page: `wrapgen explain`\n\n{good} {ignored}\n{bad}\n")
    assert broken_links([page]) == [
        "page.md: missing.md: no such file",
        "page.md: other.md#notes-2: no such heading",
        "page.md: #nowhere: no such heading",
    ]


def quick_start() -> list[str]:
    """The fenced sh blocks of the README's quick start, in order."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


@pytest.mark.moto
@pytest.mark.sandbox
@pytest.mark.usefixtures("no_real_aws")
def test_the_quick_start_runs_as_written(aws: Moto, tmp_path: Path) -> None:  # noqa: F811
    """Every command after the install (the set-up's first command, which tests/test_packaging.py holds to what it
    says) runs in an empty directory with the project's wrapgen on PATH: the layer and its snippets are written,
    explain passes the wrapper in the sandbox, and the function in moto runs it."""
    install, *steps = quick_start()
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install . && ")
    script = "".join(steps)
    steps_named = ("--layer", "--iac sam", "iac terraform", "explain", "iam-policy attach", "publish", "attach")
    assert [step for step in steps_named if step not in script] == []
    (name,) = set(re.findall(r"--function (\S+)", script))
    function(aws, "python3.12", name=name)
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "wrapgen").is_file()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-euo", "pipefail", "-xc", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AWS::Serverless::LayerVersion" in (tmp_path / "template.yaml").read_text()
    assert 'resource "aws_lambda_layer_version"' in (tmp_path / "wrapgen.tf").read_text()
    policy = json.loads((tmp_path / "wrapgen-attach.json").read_text())
    assert "lambda:UpdateFunctionConfiguration" in json.dumps(policy)
    layers, variables = configuration(aws, name)
    assert [layer.split(":")[6] for layer in layers] == ["wrapgen-python"]
    assert variables["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/wrapgen/wrapgen-python"
