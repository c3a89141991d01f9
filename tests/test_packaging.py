"""The wheel and sdist a release uploads: built, checked by twine, each installed in a fresh venv and run as a
user runs it; pipx and uv install the clone; the README's commands and .ci/run agree."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import DOCS, GOLDEN, ROOT

pytestmark = pytest.mark.tools

BIN = Path(sys.executable).parent
# What the package reads at run time, beside its modules: each must be in both artifacts.
DATA = ("templates/wrapper.sh.j2", "templates/dockerfile.j2", "templates/terraform.tf.j2", "templates/cdk.py.j2",
        "templates/cdk.ts.j2", "tables/python.json", "tables/node.json", "tables/java.json", "tables/ruby.json",
        "tables/dotnet.json", "tables/lambda-runtime-argv.json", "local/runtime_clients/bootstrap.py",
        "local/runtime_clients/index.mjs", "local/runtime_clients/index.rb",
        "local/runtime_clients/AWSLambda.java", "local/runtime_clients/lambdainternal/AWSLambda.java")  # fmt: skip


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`python -m build`, as a release does: the sdist, then the wheel built from the sdist."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], check=True, timeout=900,
                   capture_output=True)  # fmt: skip
    (wheel,) = out.glob("wrapgen-*.whl")
    (sdist,) = out.glob("wrapgen-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _install(artifact: Path, env: Path, python: str = sys.executable) -> Path:
    """A fresh venv of `python` with the artifact (and its dependencies, from the index) installed: its bin/."""
    subprocess.run([python, "-m", "venv", str(env)], check=True, timeout=600)
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--quiet", str(artifact)], check=True, timeout=900)
    return env / "bin"


def _run(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, cwd=cwd, timeout=300, check=False)


def test_both_artifacts_carry_the_data_and_pass_twine_check(dist: dict[str, Path]) -> None:
    wheel = set(zipfile.ZipFile(dist["wheel"]).namelist())
    assert {f"wrapgen/{path}" for path in DATA} <= wheel
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in wheel)
    top = dist["sdist"].name.removesuffix(".tar.gz")
    with tarfile.open(dist["sdist"]) as sdist:
        names = set(sdist.getnames())
    # In the sdist, the templates are at the top (the wheel's force-include moves them into the package).
    sources = {f"{top}/{path}" if path.startswith("templates/") else f"{top}/wrapgen/{path}" for path in DATA}
    docs = {f"{top}/{path.relative_to(ROOT)}" for path in DOCS}  # the README links them; tests/test_docs.py reads them
    assert sources | docs | {f"{top}/LICENSE", f"{top}/CHANGELOG.md"} <= names
    twine = subprocess.run([BIN / "twine", "check", "--strict", *dist.values()], capture_output=True, text=True,
                           check=False)  # fmt: skip
    assert twine.returncode == 0, twine.stdout + twine.stderr
    assert twine.stdout.count("PASSED") == 2


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_each_artifact_installs_and_runs(kind: str, dist: dict[str, Path], tmp_path: Path) -> None:
    """Installed from the artifact alone: render from its own templates, inspect a layer it builds, explain the
    script it writes (a broken force-include or a missing table fails here and nowhere else)."""
    wrapgen = _install(dist[kind], tmp_path / "venv") / "wrapgen"
    work = tmp_path / "work"
    work.mkdir()
    printed = _run(wrapgen, "python", "--flag", "-X importtime", cwd=work)
    assert (printed.returncode, printed.stdout) == (0, (GOLDEN / "python.sh").read_text()), printed.stderr
    built = _run(wrapgen, "python", "--flag", "-X importtime", "-o", "wrapgen-python", "--layer", "layer.zip",
                 cwd=work)  # fmt: skip
    assert built.returncode == 0, built.stderr
    inspected = _run(wrapgen, "inspect", "layer.zip", cwd=work)
    assert inspected.returncode == 0, inspected.stdout + inspected.stderr
    assert "/opt/wrapgen/wrapgen-python" in inspected.stdout and "-X importtime" in inspected.stdout
    assert _run(wrapgen, "lint", "wrapgen-python", cwd=work).returncode == 0
    explained = _run(wrapgen, "explain", "wrapgen-python", cwd=work)
    if explained.returncode == 2 and "no sandbox" in explained.stderr:
        # Only where the development install cannot make one either: the artifact is not what is missing.
        here = _run(sys.executable, "-m", "wrapgen", "explain", "wrapgen-python", cwd=work)
        assert (here.returncode, "no sandbox" in here.stderr) == (2, True), here.stdout + here.stderr
        pytest.skip(f"explain not run from the {kind}: {explained.stderr.strip()}")
    assert explained.returncode == 0, explained.stdout + explained.stderr
    assert "python3.12" in explained.stdout and "-X importtime" in explained.stdout


def _installed_tool(tool: list[str], env: dict[str, str], bin_dir: Path, tmp_path: Path) -> None:
    result = subprocess.run([*tool, str(ROOT)], env={**os.environ, **env}, capture_output=True, text=True,
                            timeout=900, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    printed = _run(bin_dir / "wrapgen", "python", "--flag", "-X importtime", cwd=tmp_path)
    assert (printed.returncode, printed.stdout) == (0, (GOLDEN / "python.sh").read_text()), printed.stderr


def test_pipx_installs_the_clone(tmp_path: Path) -> None:
    """`pipx install .`, as the README says, into a pipx home of the test's own."""
    home = tmp_path / "pipx"
    env = {"PIPX_HOME": str(home), "PIPX_BIN_DIR": str(home / "bin"), "PIPX_MAN_DIR": str(home / "man")}
    _installed_tool([str(BIN / "pipx"), "install"], env, home / "bin", tmp_path)


def test_uv_installs_the_clone(tmp_path: Path) -> None:
    """`uv tool install .`, as the README says, into a tool directory of the test's own."""
    home = tmp_path / "uv"
    env = {"UV_TOOL_DIR": str(home / "tools"), "UV_TOOL_BIN_DIR": str(home / "bin"), "UV_PYTHON_DOWNLOADS": "never"}
    _installed_tool([str(BIN / "uv"), "tool", "install", "--python", sys.executable], env, home / "bin", tmp_path)


def test_the_oldest_python_builds_and_checks_a_manifest(tmp_path: Path, dist: dict[str, Path]) -> None:
    """Python 3.10, the oldest wrapgen supports (no tomllib): the wheel with its dependencies reads wrapgen.toml."""
    pyenv = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3.10")))
    candidates = [shutil.which("python3.10"), *pyenv]
    python = next((c for c in candidates if c and subprocess.run([c, "-c", "import venv"], capture_output=True,
                                                                 check=False).returncode == 0), None)  # fmt: skip
    if python is None:
        pytest.skip("no Python 3.10 on this machine (PATH, pyenv): the tomli path of wrapgen.toml is not run")
    bin_dir = _install(dist["wheel"], tmp_path / "venv", python)
    (tmp_path / "wrapgen.toml").write_text('[wrapper.py]\nfamily = "python"\nflag = ["-X importtime"]\noutput = "w"\n')
    for command in ("build", "check"):
        result = subprocess.run([bin_dir / "wrapgen", command], capture_output=True, text=True, cwd=tmp_path,
                                check=False)  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "w").read_text() == (GOLDEN / "python.sh").read_text()
    version = subprocess.run([bin_dir / "python", "-c", "import sys, tomli; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True)  # fmt: skip
    assert version.stdout == "(3, 10)\n"


def _readme_commands() -> list[str]:
    """The set-up on a fresh machine: the README's first command (its quick start's) and its Set-up's commands."""
    text = (ROOT / "README.md").read_text()
    setup = text.split("\n## Set-up\n", 1)[1].split("\n## ", 1)[0]
    return [re.findall(r"```sh\n(.*?)\n```", text, re.S)[0], *re.findall(r"```sh\n(.*?)\n```", setup, re.S)]


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = _readme_commands()
    assert len(commands) == 2, commands
    install, tests = commands
    assert 'wrapgen python --flag "-X importtime"' in install
    assert tests == "scripts/test"
    assert "\nscripts/test\n" in (ROOT / ".ci" / "run").read_text()
    assert "pytest" in (ROOT / "scripts" / "test").read_text()
