"""The command line of chains (issue 24): --first and repeated --then through the header, a manifest, -o, --layer,
--dockerfile and stdout; what is refused at generation, in one line, writing nothing; and what inspect, check and
regenerate make of a chain's shims."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import WRAPGEN, wrapgen_cli

from wrapgen.header import read_command
from wrapgen.render import METADATA, render_shims
from wrapgen.spec import wrapper_spec

CHAIN = ["--first", "/opt/dynatrace", "--first", "/opt/lumigo", "--then", "/opt/otel-handler", "--then",
         "/opt/datadog_wrapper"]  # fmt: skip
PYTHON_SHIMS = sorted(["python", *(f"python3.{minor}" for minor in range(8, 16))])


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return wrapgen_cli(*args, cwd=cwd)


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root: path -> (bytes, mode)."""
    return {str(path.relative_to(root)): (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
            for path in sorted(root.rglob("*")) if path.is_file()}  # fmt: skip


def refused(result: subprocess.CompletedProcess[str], *says: str) -> None:
    """Exit 1, one line on stderr naming what is wrong, nothing on stdout."""
    assert (result.returncode, result.stdout) == (1, ""), result
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    for text in says:
        assert text in result.stderr, result.stderr


# The header


def test_first_and_repeated_then_go_through_the_header_in_order(tmp_path: Path) -> None:
    """The header's command names every link in its order; run again, it writes the same wrapper and shims."""
    made, again = tmp_path / "made", tmp_path / "again"
    made.mkdir()
    again.mkdir()
    assert run("python", "--flag", "-u", *CHAIN, "-o", "w", cwd=made).returncode == 0
    command = read_command((made / "w").read_text())
    assert command is not None
    links = [(word, command[i + 1]) for i, word in enumerate(command) if word in ("--first", "--then")]
    assert links == list(zip(CHAIN[::2], CHAIN[1::2], strict=True))
    assert run(*command[1:], "-o", "w", cwd=again).returncode == 0
    assert tree(again) == tree(made)
    assert sorted(path.name for path in (made / "w.chain").iterdir()) == sorted([*PYTHON_SHIMS, METADATA])
    # The header is what wrapgen check and regenerate read: current, nothing rewritten.
    assert run("check", "w", cwd=made).returncode == 0
    shipped = 1 + len(PYTHON_SHIMS) + 1  # the wrapper, its shims and chain.json
    assert run("regenerate", "w", cwd=made).stderr.endswith(f"0 of {shipped} file(s) rewritten\n")
    # The control: the same links in another order are another chain, with other bytes.
    swapped = CHAIN[:4] + CHAIN[6:] + CHAIN[4:6]
    assert run("python", "--flag", "-u", *swapped, "-o", "w", cwd=again).returncode == 0
    assert (again / "w").read_bytes() != (made / "w").read_bytes()
    assert run("check", "w", cwd=again).returncode == 0


# A manifest

MANIFEST = """\
[wrapper.one]
family = "node"
flag = ["--enable-source-maps"]
then = "/opt/otel-handler"
output = "build/one"

[wrapper.many]
family = "python"
flag = ["-u"]
first = ["/opt/dynatrace", "/opt/lumigo"]
then = ["/opt/otel-handler", "/opt/datadog_wrapper"]
output = "build/many"
layer = "build/many.zip"

[wrapper.before]
family = "java"
first = "/opt/dynatrace"
output = "build/before"
"""

COMMANDS = [
    ["node", "--flag", "--enable-source-maps", "--then", "/opt/otel-handler", "-o", "build/one"],
    ["python", "--flag", "-u", *CHAIN, "-o", "build/many", "--layer", "build/many.zip"],
    ["java", "--first", "/opt/dynatrace", "-o", "build/before"],
]


def test_a_manifest_builds_what_the_chains_command_lines_write_and_check_sees_a_shim_drift(tmp_path: Path) -> None:
    by_hand, by_manifest = tmp_path / "hand", tmp_path / "manifest"
    by_hand.mkdir()
    by_manifest.mkdir()
    for command in COMMANDS:
        assert run(*command, cwd=by_hand).returncode == 0
    (by_manifest / "wrapgen.toml").write_text(MANIFEST)
    built = run("build", cwd=by_manifest)
    assert built.returncode == 0, built.stderr
    files = tree(by_hand)
    assert tree(by_manifest) == {**files, "wrapgen.toml": tree(by_manifest)["wrapgen.toml"]}
    assert {path for path in files if ".chain/" in path} == {
        "build/one.chain/node", f"build/one.chain/{METADATA}", "build/before.chain/java",
        f"build/before.chain/{METADATA}", *(f"build/many.chain/{name}" for name in [*PYTHON_SHIMS, METADATA]),
    }  # fmt: skip
    clean = run("check", cwd=by_manifest)
    assert (clean.returncode, clean.stdout) == (0, ""), clean
    count = len(files)
    assert clean.stderr == f"wrapgen check: {count} file(s) up to date\n"

    shim = by_manifest / "build/many.chain/python3.12"
    shim.write_text(shim.read_text() + "# mine\n")
    edited = run("check", cwd=by_manifest)
    assert edited.returncode == 1 and edited.stdout.startswith("build/many.chain/python3.12: "), edited.stdout
    assert "\n-# mine\n" in edited.stdout
    assert f"1 of {count} file(s) differ" in edited.stderr
    (by_manifest / "build/one.chain/node").unlink()
    missing = run("check", cwd=by_manifest)
    assert missing.returncode == 1 and "build/one.chain/node: missing (entry one)\n" in missing.stdout
    assert run("build", cwd=by_manifest).returncode == 0
    assert run("check", cwd=by_manifest).returncode == 0


def test_a_manifest_refuses_a_link_that_is_not_a_string(tmp_path: Path) -> None:
    (tmp_path / "wrapgen.toml").write_text('[wrapper.x]\nfamily = "node"\nthen = ["/opt/a", 3]\noutput = "w"\n')
    result = run("build", cwd=tmp_path)
    refused(result, "then: want a list of strings")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["wrapgen.toml"]


# Where the shims are written


def test_o_writes_the_shims_beside_a_chained_wrapper_only(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        chained = run("python", "--flag", "-u", "--then", "/opt/otel-instrument", "-o", "chained", cwd=tmp_path)
        alone = run("python", "--flag", "-u", "-o", "alone", cwd=tmp_path)
    finally:
        os.umask(old)
    assert chained.returncode == alone.returncode == 0
    files = tree(tmp_path)
    assert sorted(files) == sorted(
        ["alone", "chained", *(f"chained.chain/{name}" for name in [*PYTHON_SHIMS, METADATA])]
    )
    spec = wrapper_spec("python", ["-u"], then=["/opt/otel-instrument"])
    for artifact in render_shims(spec):
        assert files[f"chained.chain/{artifact.path}"] == (artifact.text.encode(), artifact.mode)
        assert artifact.mode == (0o644 if artifact.path == METADATA else 0o755)
    metadata = json.loads(files[f"chained.chain/{METADATA}"][0])
    assert (metadata["wrapper"], metadata["then"], metadata["first"]) == ("/opt/wrapgen/wrapgen-python",
                                                                         ["/opt/otel-instrument"], [])  # fmt: skip


@pytest.mark.parametrize("links", [[], ["--then", "/opt/otel-handler"], CHAIN])
def test_a_layer_holds_the_shims_always(tmp_path: Path, links: list[str]) -> None:
    """attach may chain another wrapper after one that chains nothing: its shims are in every layer."""
    assert run("node", "--flag", "--enable-source-maps", *links, "--layer", "l.zip", cwd=tmp_path).returncode == 0
    with zipfile.ZipFile(tmp_path / "l.zip") as archive:
        modes = {info.filename: stat.S_IMODE(info.external_attr >> 16) for info in archive.infolist()}
        shim = archive.read("wrapgen/wrapgen-node.chain/node")
    assert modes == {"wrapgen/wrapgen-node": 0o755, "wrapgen/wrapgen-node.chain/node": 0o755,
                     f"wrapgen/wrapgen-node.chain/{METADATA}": 0o644}  # fmt: skip
    assert shim.startswith(b"#!/bin/bash -p\n") and b"a shim of the chain of the wrapper wrapgen-node" in shim
    assert sorted(path.name for path in tmp_path.iterdir()) == ["l.zip"]  # -o was not given: no PATH.chain/


def test_dockerfile_lines_copy_the_shims_of_a_chain(tmp_path: Path) -> None:
    result = run("python", "--flag", "-u", *CHAIN, "-o", "build/w", "--dockerfile", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    copies = [line for line in result.stdout.splitlines() if line.startswith("COPY ")]
    wanted = ['COPY --chmod=755 ["build/w", "/opt/wrapgen/wrapgen-python"]']
    wanted += [f'COPY --chmod={"644" if name == METADATA else "755"} ["build/w.chain/{name}",'
               f' "/opt/wrapgen/wrapgen-python.chain/{name}"]' for name in [*PYTHON_SHIMS, METADATA]]  # fmt: skip
    assert sorted(copies) == sorted(wanted)
    for line in copies:  # every file a COPY names is written
        source = json.loads(line.split(" ", 2)[2])[0]
        assert (tmp_path / source).is_file(), source
    # The control: a wrapper that chains nothing copies itself alone.
    alone = run("python", "--flag", "-u", "-o", "build/alone", "--dockerfile", cwd=tmp_path)
    assert [line for line in alone.stdout.splitlines() if line.startswith("COPY ")] == [
        'COPY --chmod=755 ["build/alone", "/opt/wrapgen/wrapgen-python"]'
    ]


# What is refused


@pytest.mark.parametrize(
    "links",
    [["--then", "/opt/a", "--then", "/opt/b"], ["--first", "/opt/a"], ["--first", "/opt/a", "--then", "/opt/b"]],
)
def test_stdout_refuses_a_chain_that_needs_its_shims(tmp_path: Path, links: list[str]) -> None:
    """On stdout the wrapper has no PATH.chain/ beside it: more than one --then, or any --first, would not run."""
    refused(run("node", "--flag", "--enable-source-maps", *links, cwd=tmp_path), "needs its shims", "-o PATH")
    assert list(tmp_path.iterdir()) == []


def test_stdout_takes_one_then_with_a_warning(tmp_path: Path) -> None:
    """The control of the refusal: one next wrapper runs without shims (it gets the interpreter's path)."""
    result = run("node", "--flag", "--enable-source-maps", "--then", "/opt/a", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("#!/bin/bash -p\n")
    assert result.stderr == (
        "warning: --then /opt/a: without its shims (-o PATH writes them in PATH.chain/, --layer adds them) the next"
        " wrapper gets the interpreter's path, and what it drops from a list variable is not put back\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "links",
    [["--then", "/opt/a", "--then", "/opt/a"], ["--first", "/opt/a", "--then", "/opt/a"],
     ["--first", "/opt/a", "--first", "/opt/b", "--first", "/opt/a"]],
)  # fmt: skip
def test_a_link_given_twice_is_refused(tmp_path: Path, links: list[str]) -> None:
    refused(run("node", *links, "-o", "w", "--layer", "l.zip", cwd=tmp_path), "'/opt/a' is given twice in the chain")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("links", "after"),
    [(["--first", "/opt/bootstrap"], "this wrapper"),
     (["--then", "/opt/bootstrap", "--then", "/opt/otel-handler"], "/opt/otel-handler"),
     (["--first", "/opt/bootstrap", "--first", "/opt/otel-handler"], "/opt/otel-handler"),
     (["--first", "/opt/otel-handler", "--first", "/opt/bootstrap", "--then", "/opt/a"], "this wrapper")],
)  # fmt: skip
def test_the_web_adapter_anywhere_but_last_is_refused_with_the_reason(tmp_path: Path, links: list[str],
                                                                       after: str) -> None:  # fmt: skip
    result = run("node", *links, "-o", "w", cwd=tmp_path)
    refused(result, "/opt/bootstrap (AWS Lambda Web Adapter) replaces the runtime", f"{after} after it would never run",
            "put it last, with --then")  # fmt: skip
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("links", [["--then", "/opt/bootstrap"], ["--first", "/opt/x", "--then", "/opt/bootstrap"],
                                   ["--then", "/opt/otel-handler", "--then", "/opt/bootstrap"]])  # fmt: skip
def test_the_web_adapter_last_is_accepted(tmp_path: Path, links: list[str]) -> None:
    result = run("node", *links, "-o", "w", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert read_command((tmp_path / "w").read_text())[-2:] == ["--then", "/opt/bootstrap"]  # type: ignore[index]


@pytest.mark.parametrize("option", ["--then", "--first"])
@pytest.mark.parametrize("char", [":", "\t", "\n", "\x1b", "\x7f"])
def test_a_link_holding_a_colon_or_a_control_character_is_refused(tmp_path: Path, option: str, char: str) -> None:
    """WRAPGEN_FIRST/THEN and the shims' list hold links separated by ':' and by newlines."""
    refused(run("node", option, f"/opt/a{char}b", "-o", "w", cwd=tmp_path), f"{option} '/opt/a",
            "which a chain's list of links cannot hold")  # fmt: skip
    assert list(tmp_path.iterdir()) == []
    # The control: the same path without it is a link.
    assert run("node", option, "/opt/a-b", "-o", "w", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("links", [["--first", "/opt/a"], ["--then", "/opt/a"]])
def test_via_env_refuses_a_chain(tmp_path: Path, links: list[str]) -> None:
    result = run("node", "--flag", "--enable-source-maps", *links, "--via", "env", cwd=tmp_path)
    refused(result, f"{links[0]} cannot be set with --via env: it chains wrappers, and --via env makes none")
    # The control: the same flag through the variables.
    assert run("node", "--flag", "--enable-source-maps", "--via", "env", cwd=tmp_path).returncode == 0


# inspect, check and regenerate of a layer's chain


def _layer(tmp_path: Path, *links: str) -> Path:
    path = tmp_path / "l.zip"
    assert run("python", "--flag", "-u", *links, "--layer", str(path), cwd=tmp_path).returncode == 0
    return path


def _rezip(source: Path, target: Path, change: dict[str, str | bytes | None]) -> Path:
    """The zip with members renamed (a str), rewritten (bytes) or left out (None)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            what = change.get(info.filename, info.filename)
            if what is None:
                continue
            if isinstance(what, bytes):
                data = what
            else:
                info.filename = what
            new.writestr(info, data)
    return target


def test_inspect_names_each_shim_and_the_wrapper_whose_chain_it_is(tmp_path: Path) -> None:
    layer = _layer(tmp_path, *CHAIN)
    text = run("inspect", str(layer), cwd=tmp_path)
    assert text.returncode == 0, text.stdout
    for name in PYTHON_SHIMS:  # each shim's block: its path, its #! line, whose chain it is
        assert f"\n/opt/wrapgen/wrapgen-python.chain/{name}  0755  " in text.stdout and text.stdout.split(
            f"/wrapgen-python.chain/{name}  ", 1
        )[1].split("\n")[1:3] == [
            "    script: #!/bin/bash -p, LF, executable",
            "    chain shim of /opt/wrapgen/wrapgen-python",
        ], name
    assert text.stdout.count("\n    chain shim of /opt/wrapgen/wrapgen-python\n") == len(PYTHON_SHIMS)
    assert f"wrapgen-python.chain/{METADATA}  0644" in text.stdout
    assert "    chain metadata of /opt/wrapgen/wrapgen-python\n" in text.stdout
    assert "    first: /opt/dynatrace, /opt/lumigo\n    then: /opt/otel-handler, /opt/datadog_wrapper\n" in text.stdout
    assert text.stdout.endswith(f"{len(PYTHON_SHIMS) + 2} file(s), 0 defect(s)\n")
    data = json.loads(run("inspect", str(layer), "--format", "json", cwd=tmp_path).stdout)
    by_path = {entry["path"]: entry for entry in data["files"]}
    wrapper = by_path["/opt/wrapgen/wrapgen-python"]
    assert wrapper["wrapper"]["first"] == ["/opt/dynatrace", "/opt/lumigo"]
    assert wrapper["wrapper"]["then"] == ["/opt/otel-handler", "/opt/datadog_wrapper"]
    for name in PYTHON_SHIMS:
        entry = by_path[f"/opt/wrapgen/wrapgen-python.chain/{name}"]
        assert (entry["chain_shim_of"], entry["chain_metadata_of"], entry["wrapper"]) == (
            "/opt/wrapgen/wrapgen-python", None, None)  # fmt: skip
    assert (
        by_path[f"/opt/wrapgen/wrapgen-python.chain/{METADATA}"]["chain_metadata_of"] == "/opt/wrapgen/wrapgen-python"
    )
    assert wrapper["chain_shim_of"] is None and data["defects"] == []


def test_a_shim_without_its_wrapper_is_a_defect(tmp_path: Path) -> None:
    layer = _layer(tmp_path, "--then", "/opt/otel-instrument")
    # The wrapper moved (its shims stay where no wrapper looks), or left out.
    for change in ({"wrapgen/wrapgen-python": "wrapgen/other"}, {"wrapgen/wrapgen-python": None}):
        bad = _rezip(layer, tmp_path / "bad.zip", change)  # type: ignore[arg-type]
        result = run("inspect", str(bad), cwd=tmp_path)
        assert result.returncode == 1
        defects = [line for line in result.stdout.splitlines() if line.startswith("defect: ")]
        assert len(defects) == len(PYTHON_SHIMS) + 1, defects
        assert ("defect: wrapgen/wrapgen-python.chain/python3.12: a shim of a wrapgen wrapper's chain, without its"
                " wrapper /opt/wrapgen/wrapgen-python in this layer: nothing starts it") in defects  # fmt: skip
        assert ("defect: wrapgen/wrapgen-python.chain/chain.json: a wrapgen chain's metadata, without its wrapper"
                " /opt/wrapgen/wrapgen-python in this layer: nothing starts it") in defects  # fmt: skip
    refused(run("iac", "terraform", "--layer", str(bad), cwd=tmp_path), "defect(s)")
    # The control: the layer as built.
    assert run("inspect", str(layer), cwd=tmp_path).returncode == 0


def test_a_shim_that_is_not_its_wrappers_or_outside_its_directory_is_a_defect(tmp_path: Path) -> None:
    layer = _layer(tmp_path, "--then", "/opt/otel-instrument")
    other = wrapper_spec("python", ["-X", "dev"], then=["/opt/otel-instrument"])  # another command: another state
    stale = next(shim for shim in render_shims(other) if shim.path == "python").text.encode()
    bad = _rezip(layer, tmp_path / "stale.zip", {"wrapgen/wrapgen-python.chain/python": stale})
    result = run("inspect", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert ("defect: wrapgen/wrapgen-python.chain/python: not the shim that its wrapper /opt/wrapgen/wrapgen-python's"
            " command builds") in result.stdout  # fmt: skip
    assert result.stdout.endswith(" 1 defect(s)\n")
    astray = _rezip(layer, tmp_path / "astray.zip", {"wrapgen/wrapgen-python.chain/python": "wrapgen/python"})
    result = run("inspect", str(astray), cwd=tmp_path)
    assert result.returncode == 1
    assert ("defect: wrapgen/python: a shim of a wrapgen wrapper's chain outside a NAME.chain/ directory: no wrapper"
            " starts it") in result.stdout  # fmt: skip


def test_check_and_regenerate_of_a_layer_rebuild_its_shims(tmp_path: Path) -> None:
    layer = _layer(tmp_path, *CHAIN)
    assert run("check", str(layer), cwd=tmp_path).returncode == 0
    with zipfile.ZipFile(layer) as archive:
        shim = archive.read("wrapgen/wrapgen-python.chain/python3.12")
    edited = _rezip(layer, tmp_path / "edited.zip", {"wrapgen/wrapgen-python.chain/python3.12": shim + b"# mine\n"})
    checked = run("check", str(edited), cwd=tmp_path)
    assert checked.returncode == 1 and "wrapgen-python.chain/python3.12" in checked.stdout
    assert "\n-# mine\n" in checked.stdout
    missing = _rezip(layer, tmp_path / "missing.zip", {"wrapgen/wrapgen-python.chain/python": None})
    assert run("check", str(missing), cwd=tmp_path).returncode == 1
    assert run("regenerate", str(edited), str(missing), cwd=tmp_path).returncode == 0
    assert edited.read_bytes() == missing.read_bytes() == layer.read_bytes()


def test_the_cli_in_another_directory_writes_the_same_chain(tmp_path: Path) -> None:
    """Nothing of the directory or the path given to -o is in the bytes (the shims find each other from $0)."""
    one, two = tmp_path / "one", tmp_path / "two" / "deeper"
    one.mkdir()
    two.mkdir(parents=True)
    assert subprocess.run([*WRAPGEN, "node", *CHAIN, "-o", "w"], cwd=one, check=False).returncode == 0
    assert subprocess.run([*WRAPGEN, "node", *CHAIN, "-o", str(two / "w")], cwd=tmp_path, check=False).returncode == 0
    assert tree(one) == tree(two)


def test_a_wrapper_regenerated_from_its_header_brings_its_chains_files(tmp_path: Path) -> None:
    """drift.regenerated: what wrapgen check FILE and regenerate FILE need of a chained -o wrapper
    (regenerated alone, the wrapper would run beside shims of another wrapgen or another command)."""
    from wrapgen import drift
    from wrapgen.output import Plan, commit

    assert run("node", *CHAIN, "-o", "w", cwd=tmp_path).returncode == 0
    assert run("node", "--flag", "--enable-source-maps", "-o", "alone", cwd=tmp_path).returncode == 0
    written = tree(tmp_path)
    found = drift.regenerated(str(tmp_path / "w"))
    assert sorted(file.path for file, _ in found) == sorted(
        [str(tmp_path / "w"), *(str(tmp_path / "w.chain" / name) for name in ["node", METADATA])]
    )
    assert [differs for _, differs in found] == [None] * 3
    assert [file.path for file, _ in drift.regenerated(str(tmp_path / "alone"))] == [str(tmp_path / "alone")]
    shim = tmp_path / "w.chain" / "node"
    shim.write_text(shim.read_text() + "# mine\n")
    (tmp_path / "w.chain" / METADATA).unlink()
    drifts = {file.path: differs for file, differs in drift.regenerated(str(tmp_path / "w"))}
    assert drifts[str(tmp_path / "w")] is None
    assert drifts[str(shim)] is not None and "\n-# mine\n" in drifts[str(shim)].diff  # type: ignore[union-attr]
    assert drifts[str(tmp_path / "w.chain" / METADATA)].what == "missing"  # type: ignore[union-attr]
    commit(Plan(files=[file for file, differs in drift.regenerated(str(tmp_path / "w")) if differs]))
    assert tree(tmp_path) == written


@pytest.mark.parametrize("form", ["sam", "cloudformation", "terraform", "serverless", "cdk-python", "cdk-typescript"])
def test_the_iac_snippet_names_the_chains_links(form: str, tmp_path: Path) -> None:
    """The links come from other layers, which the snippet cannot declare: it says which the function must have.
    The control: a wrapper without links says nothing of a chain."""
    for links, named in ((["--first", "/opt/vendor-first", "--then", "/opt/otel-handler"], True), ([], False)):
        made = run("node", *links, "--layer", str(tmp_path / "l.zip"), "--iac", form, cwd=tmp_path)
        assert made.returncode == 0, made.stderr
        said = "Its chain runs /opt/vendor-first, /opt/otel-handler: add the layers that hold them" in made.stdout
        assert said == named, made.stdout[:600]
        again = run("iac", form, "--layer", str(tmp_path / "l.zip"), cwd=tmp_path)  # read back from the layer
        assert again.returncode == 0 and ("Its chain runs" in again.stdout) == named, again.stderr
