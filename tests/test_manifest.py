"""wrapgen.toml: `build` writes the bytes the equivalent command lines write; `check` is a gate that fails on a
hand edit, a manifest change or an old wrapgen and passes after `build` or `regenerate`; `init` starts a manifest
that builds; a bad manifest is one line naming the file, the entry and the key, and writes nothing."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import tomli_w
from conftest import WRAPGEN, docs_text, wrapgen_cli
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from test_hostile_zips import make_zip
from test_no_traceback import command as fuzzed_command
from typer.testing import CliRunner  # noqa: TID251 - it runs wrapgen's own app, in this process

from wrapgen import __version__, manifest, starter
from wrapgen.cli import app
from wrapgen.errors import WrapgenError
from wrapgen.plan import plan
from wrapgen.request import Request
from wrapgen.runtimes import FAMILIES

MANIFEST = """\
[wrapper.python]
family = "python"
flag = ["-X importtime"]
env = ["GREETING=it's $HOME ${X} \\"quoted\\" \\u00e9"]
output = "build/wrapgen-python"
layer = "build/wrapgen-python.zip"
include = ["src/preload.py=wrapgen/preload.py"]
include-exec = ["src/hook.sh=wrapgen/hook.sh"]

[wrapper.python-terraform]
extends = "python"
iac = "terraform"
iac-dir = "infra"
stdout = "infra/wrapgen.tf"

[wrapper.java]
family = "java"
flag = ["-javaagent:/opt/wrapgen/agent.jar '-Dapp.banner=hello world'"]
preset = ["tiered-c1"]
then = "/opt/otel-handler"
runtime = ["java17", "java21"]
name = "wrapgen-java-agent"
output = "build/java/wrapgen-java-agent"
dockerfile = true
stdout = "build/java/Dockerfile.wrapgen"

[wrapper.node-env]
family = "node"
flag = ["--require /opt/wrapgen/preload.js"]
env-default = ["NODE_ENV=production"]
via = "env"
format = "json"
output = "build/node.json"

[wrapper.ruby-sam]
family = "ruby"
flag = ["--yjit"]
layer = "build/ruby.zip"
iac = "sam"
stdout = "template-wrapgen.yaml"
"""

COMMANDS = [
    # The same entries as command lines: the `> FILE` of each is its stdout key.
    "wrapgen python --flag '-X importtime' --env 'GREETING=it'\\''s $HOME ${X} \"quoted\" \u00e9'"
    " -o build/wrapgen-python --layer build/wrapgen-python.zip --include src/preload.py=wrapgen/preload.py"
    " --include-exec src/hook.sh=wrapgen/hook.sh",
    "wrapgen python --flag '-X importtime' --env 'GREETING=it'\\''s $HOME ${X} \"quoted\" \u00e9'"
    " -o build/wrapgen-python --layer build/wrapgen-python.zip --include src/preload.py=wrapgen/preload.py"
    " --include-exec src/hook.sh=wrapgen/hook.sh --iac terraform --iac-dir infra > infra/wrapgen.tf",
    "wrapgen java --flag \"-javaagent:/opt/wrapgen/agent.jar '-Dapp.banner=hello world'\" --preset tiered-c1"
    " --then /opt/otel-handler --runtime java17 --runtime java21 --name wrapgen-java-agent"
    " -o build/java/wrapgen-java-agent --dockerfile > build/java/Dockerfile.wrapgen",
    "wrapgen node --flag '--require /opt/wrapgen/preload.js' --env-default NODE_ENV=production --via env"
    " --format json -o build/node.json",
    "wrapgen ruby --flag --yjit --layer build/ruby.zip --iac sam > template-wrapgen.yaml",
]


def project(root: Path, text: str = MANIFEST) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "preload.py").write_text("print('preloaded')\n")
    (root / "src" / "hook.sh").write_text("#!/bin/sh\r\necho hook\r\n")
    (root / "infra").mkdir()
    (root / "wrapgen.toml").write_text(text)
    return root


def run_commands(root: Path) -> None:
    """Each command line as a shell runs it, the real CLI (python -m wrapgen) in wrapgen's place."""
    for line in COMMANDS:
        command, _, target = line.partition(" > ")
        args = shlex.split(command)
        assert args[0] == "wrapgen"
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        with open(root / target if target else os.devnull, "wb") as stdout:
            result = subprocess.run([*WRAPGEN, *args[1:]], cwd=root, stdout=stdout, stderr=subprocess.PIPE,
                                    check=False)  # fmt: skip
        assert result.returncode == 0, (line, result.stderr)


def written(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root but the manifest and the inputs: path -> (bytes, mode)."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        if path.is_file() and relative != "wrapgen.toml" and not relative.startswith("src/"):
            found[relative] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return found


def wrapgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return wrapgen_cli(*args, cwd=cwd)


def test_a_manifest_builds_the_bytes_its_command_lines_write(tmp_path: Path) -> None:
    by_hand, by_manifest = project(tmp_path / "hand"), project(tmp_path / "manifest")
    run_commands(by_hand)
    result = wrapgen("build", cwd=by_manifest)
    assert result.returncode == 0, result.stderr
    assert "wrapgen build: 5 entries, 10 file(s) written" in result.stderr
    expected = written(by_hand)
    assert len(expected) == 10
    # The java entry chains (--then): -o writes its shim and metadata in PATH.chain/ beside the wrapper.
    chain = "build/java/wrapgen-java-agent.chain/"
    assert sorted(path for path in expected if path.startswith(chain)) == [chain + "chain.json", chain + "java"]
    assert written(by_manifest) == expected
    # Each entry stands for its command line: the same options and values (its own order), and the same `>`.
    entries = manifest.load(str(by_manifest / "wrapgen.toml")).entries
    for entry, line in zip(entries, COMMANDS, strict=True):
        command, _, target = line.partition(" > ")
        assert options(entry.argv()) == options(shlex.split(command) + ([">", target] if target else []))


def options(argv: list[str]) -> list[tuple[str, ...]]:
    """A command line's options, each with its value (a switch alone), sorted; -o spelt --output."""
    found, words = [], iter(argv[2:])
    for word in words:
        word = "--output" if word == "-o" else word
        found.append((word,) if word in ("--dockerfile", "--explain") else (word, next(words)))
    return sorted(found)


def test_build_names_entries_and_runs_from_any_directory(tmp_path: Path) -> None:
    root = project(tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = wrapgen("build", "ruby-sam", "node-env", "--manifest", str(root / "wrapgen.toml"), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert sorted(written(root)) == ["build/node.json", "build/ruby.zip", "template-wrapgen.yaml"]
    assert list(elsewhere.iterdir()) == []
    wrong = wrapgen("build", "rubysam", cwd=root)
    assert wrong.returncode == 1
    assert wrong.stderr == "error: wrapgen.toml: no entry [wrapper.rubysam] (did you mean 'ruby-sam'?)\n"


def test_check_fails_on_hand_edits_and_manifest_changes_and_passes_after_build(tmp_path: Path) -> None:
    root = project(tmp_path)
    missing = wrapgen("check", cwd=root)
    assert missing.returncode == 1
    assert "build/wrapgen-python: missing (entries python, python-terraform)\n" in missing.stdout
    assert wrapgen("build", cwd=root).returncode == 0
    clean = wrapgen("check", cwd=root)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "wrapgen check: 10 file(s) up to date\n")

    script = root / "build/wrapgen-python"
    script.write_text(script.read_text().replace("wrapgen_flags=(-X importtime)", "wrapgen_flags=(-X dev)"))
    edited = wrapgen("check", cwd=root)
    assert edited.returncode == 1
    assert (
        "build/wrapgen-python: hand-edited: not what its own header's command builds (entries python," in edited.stdout
    )
    assert "-wrapgen_flags=(-X dev)\n+wrapgen_flags=(-X importtime)\n" in edited.stdout
    assert "1 of 10 file(s) differ" in edited.stderr
    as_json = wrapgen("check", "--format", "json", cwd=root)
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and len(report["checked"]) == 10
    assert [(d["path"], d["what"]) for d in report["differ"]] == [
        ("build/wrapgen-python", "hand-edited: not what its own header's command builds")
    ]
    assert "+wrapgen_flags=(-X importtime)\n" in report["differ"][0]["diff"]
    assert wrapgen("build", cwd=root).returncode == 0
    assert wrapgen("check", cwd=root).returncode == 0

    script.chmod(0o644)
    mode = wrapgen("check", cwd=root)
    assert mode.returncode == 1 and "build/wrapgen-python: mode 0644, wrapgen writes 0755 (entries" in mode.stdout
    assert wrapgen("build", cwd=root).returncode == 0

    (root / "wrapgen.toml").write_text(MANIFEST.replace('flag = ["--yjit"]', 'flag = ["--yjit", "-W:no-deprecated"]'))
    changed = wrapgen("check", cwd=root)
    assert changed.returncode == 1
    assert "build/ruby.zip: stale: built from other options (its wrappers are what their own headers'" in changed.stdout
    assert "-wrapgen_flags=(--yjit)\n+wrapgen_flags=(--yjit -W:no-deprecated)\n" in changed.stdout
    assert "1 of 10 file(s) differ" in changed.stderr  # the SAM snippet does not hold the flags
    assert wrapgen("build", cwd=root).returncode == 0
    assert wrapgen("check", cwd=root).returncode == 0

    (root / "infra/wrapgen.tf").write_text((root / "infra/wrapgen.tf").read_text() + "# mine\n")
    snippet = wrapgen("check", cwd=root)
    assert snippet.returncode == 1 and "infra/wrapgen.tf: differs" in snippet.stdout
    assert "\n-# mine\n" in snippet.stdout


def test_check_and_regenerate_files_by_their_headers(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert wrapgen("build", cwd=root).returncode == 0
    files = ["build/wrapgen-python", "build/wrapgen-python.zip", "build/java/wrapgen-java-agent", "build/ruby.zip"]
    assert wrapgen("check", *files, cwd=root).returncode == 0
    before = written(root)

    # A hand edit inside the zip's wrapper, and an old wrapgen's header in a script.
    zipped = root / "build/ruby.zip"
    with zipfile.ZipFile(zipped) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(zipped, "w") as archive:
        for info, data in members:
            archive.writestr(info, data.replace(b"wrapgen_flags=(--yjit)", b"wrapgen_flags=(--jit)"))
    java = root / "build/java/wrapgen-java-agent"
    java.write_text(java.read_text().replace(f"wrapgen {__version__}:", "wrapgen 0.0.9:"))
    java.chmod(0o755)
    stale = wrapgen("check", *files, cwd=root)
    assert stale.returncode == 1, stale.stderr
    assert f"build/java/wrapgen-java-agent: stale: generated by wrapgen 0.0.9, this is {__version__}\n" in stale.stdout
    assert "build/ruby.zip: hand-edited, or built by another wrapgen" in stale.stdout
    assert "-wrapgen/wrapgen-ruby 0755 sha256:" in stale.stdout and "-wrapgen_flags=(--jit)" in stale.stdout
    # 6: the java wrapper chains (then), and its PATH.chain/ shim and chain.json are checked with it
    assert "2 of 6 file(s) differ" in stale.stderr and "wrapgen regenerate FILE" in stale.stderr

    regenerated = wrapgen("regenerate", *files, cwd=root)
    assert regenerated.returncode == 0, regenerated.stderr
    assert regenerated.stderr.endswith("wrapgen regenerate: 2 of 6 file(s) rewritten\n")
    assert written(root) == before
    assert wrapgen("check", *files, cwd=root).returncode == 0
    assert wrapgen("check", cwd=root).returncode == 0


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("infra/wrapgen.tf", "infra/wrapgen.tf: no wrapgen command in its header"),
        ("build/node.json", "build/node.json: no wrapgen command in its header"),
        ("nothing-here", "nothing-here: no such file"),
        ("src", "src: not a regular file"),
    ],
)
def test_check_of_a_file_without_a_command_is_one_line(tmp_path: Path, path: str, says: str) -> None:
    root = project(tmp_path)
    assert wrapgen("build", cwd=root).returncode == 0
    for command in ("check", "regenerate"):
        result = wrapgen(command, path, cwd=root)
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr.startswith(f"error: {says}") and result.stderr.count("\n") == 1


def test_regenerate_takes_another_tool_s_zip_and_refuses_a_symlink_and_a_fifo(tmp_path: Path) -> None:
    assert wrapgen("python", "--flag", "-X dev", "-o", "w", cwd=tmp_path).returncode == 0
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.write(tmp_path / "w", "wrapgen/w")
        archive.writestr("wrapgen/", b"")
        archive.writestr("data/x.txt", b"kept\r\n")
    checked = wrapgen("check", "other.zip", cwd=tmp_path)
    assert checked.returncode == 1
    assert "other.zip: zipped by another tool: its files are current, its bytes are not" in checked.stdout
    assert "other.zip: the same members, zipped differently" in checked.stdout
    assert wrapgen("regenerate", "other.zip", cwd=tmp_path).returncode == 0
    with zipfile.ZipFile(tmp_path / "other.zip") as archive:
        assert archive.namelist() == ["data/x.txt", "wrapgen/w"]
        assert archive.read("data/x.txt") == b"kept\r\n"
        assert archive.read("wrapgen/w") == (tmp_path / "w").read_bytes()
    assert wrapgen("check", "other.zip", cwd=tmp_path).returncode == 0

    link = zipfile.ZipInfo("wrapgen/link")
    link.create_system, link.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "other.zip", "a") as archive:
        archive.writestr(link, "w")
    result = wrapgen("regenerate", "other.zip", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: other.zip:wrapgen/link: not a regular file")
    os.mkfifo(tmp_path / "fifo")
    fifo = wrapgen("regenerate", "w", "fifo", cwd=tmp_path)
    assert (fifo.returncode, fifo.stderr) == (1, "error: fifo: not a regular file\n")


BAD = [
    ('[wrapper.a]\nfamily = "python"\nflags = ["-X dev"]\n',
     "wrapgen.toml: [wrapper.a] flags: unknown key (did you mean 'flag'?)"),
    ('[wrapper.a]\nfamily = "python"\nflag = "-X dev"\n',
     "wrapgen.toml: [wrapper.a] flag: want a list of strings, got a string"),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X dev", 3]\n',
     "wrapgen.toml: [wrapper.a] flag: want a list of strings, got an array"),
    ('[wrapper.a]\nfamily = "python"\nexplain = "yes"\n',
     "wrapgen.toml: [wrapper.a] explain: want true or false, got a string"),
    ('[wrapper.a]\nfamily = "python"\noutput = true\n',
     "wrapgen.toml: [wrapper.a] output: want a string, got a boolean"),
    ('[wrapper.a]\nfamily = "pyhton"\n', "wrapgen.toml: [wrapper.a] family: unknown family 'pyhton' (did you mean"),
    ('[wrapper.a]\nflag = ["-X dev"]\n', "wrapgen.toml: [wrapper.a] family: missing"),
    ("[wrapper]\na = 1\n", "wrapgen.toml: [wrapper.a]: want a table of options"),
    ('[wrappers.a]\nfamily = "python"\n', "wrapgen.toml: wrappers: unknown key"),
    ("", "wrapgen.toml: declares no wrapper"),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X dev"\n', "wrapgen.toml: not valid TOML: "),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X nosuch=1x"]\n', "wrapgen.toml: [wrapper.a]: "),
    ('[wrapper.a]\nfamily = "python"\nvia = "envs"\n', "wrapgen.toml: [wrapper.a]: --via 'envs': want one of"),
    ('[wrapper.a]\nfamily = "python"\niac = "pulumi"\nlayer = "a.zip"\n',
     "wrapgen.toml: [wrapper.a]: --iac 'pulumi': want one of"),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X dev"]\n', "wrapgen.toml: [wrapper.a]: the command prints its output"),
    ('[wrapper.a]\nfamily = "python"\noutput = "-"\n', "wrapgen.toml: [wrapper.a] output: '-' is stdout"),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X dev"]\noutput = "w"\nstdout = "x"\n',
     "wrapgen.toml: [wrapper.a] stdout: the command prints nothing"),
    ('[wrapper.a]\nfamily = "python"\nextends = "c"\n', "wrapgen.toml: [wrapper.a] extends: no entry [wrapper.c]"),
    ('[wrapper.a]\nfamily = "python"\nextends = 1\n', "wrapgen.toml: [wrapper.a] extends: want a string, got an"),
    ('[wrapper.a]\nextends = "b"\n[wrapper.b]\nextends = "a"\n',
     "wrapgen.toml: [wrapper.a] extends: a loop: a -> b -> a"),
    ('[wrapper.a]\nfamily = "python"\nextends = "a"\n', "wrapgen.toml: [wrapper.a] extends: a loop: a -> a"),
    ('[wrapper.a]\nfamily = "python"\noutput = "w"\n[wrapper.b]\nfamily = "python"\nflag = ["-X dev"]\noutput = "w"\n',
     "wrapgen.toml: [wrapper.b]: writes w, which [wrapper.a] writes differently"),
    # Found by a hostile-input audit: each was a traceback, a hang, a partial write or a file check never passes.
    ('[[wrapper]]\nfamily = "python"\n', "wrapgen.toml: wrapper: want tables [wrapper.NAME], got an array"),
    ('[wrapper.a]\nfamily = "python"\noutput = "w\\u0000"\n', "wrapgen.toml: [wrapper.a] output: holds a NUL"),
    ('[wrapper.a]\nfamily = "python"\nlayer = "l.zip"\ninclude = ["p\\u0000y=p.py"]\n',
     "wrapgen.toml: [wrapper.a] include: holds a NUL"),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X dev"]\nlayer = "-"\n',
     "wrapgen.toml: [wrapper.a] layer: '-' is stdout"),
    ('[wrapper.a]\nfamily = "python"\nflag = ' + "[" * 1000 + "]" * 1000 + "\n",
     "wrapgen.toml: not valid TOML: TOML inline arrays/tables are nested more than the allowed"),
    ('[wrapper.a]\nfamily = "python"\n' + ".".join(["k"] * 20000) + " = 1\n",
     "wrapgen.toml: not valid TOML: TOML key has more than the allowed"),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X dev"]\noutput = "x/"\n',
     "wrapgen.toml: [wrapper.a]: cannot write x/: it names a directory"),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X dev"]\noutput = ""\n',
     "wrapgen.toml: [wrapper.a]: cannot write to an empty path"),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X dev"]\noutput = "x/w"\n'
     '[wrapper.b]\nfamily = "python"\nflag = ["-X importtime"]\noutput = "x"\n',
     "cannot write both x and x/w, which would be in it"),
    ('[wrapper.a]\nfamily = "python"\nflag = ["-X dev"]\noutput = "wrapgen.toml"\n',
     "wrapgen.toml: an entry writes wrapgen.toml, which is this manifest"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "says"), BAD, ids=[says.split(": ", 1)[-1][:40] for _, says in BAD])
def test_a_bad_manifest_is_one_line_and_writes_nothing(tmp_path: Path, text: str, says: str) -> None:
    # A good entry first: all or nothing, it is not written either.
    (tmp_path / "wrapgen.toml").write_text('[wrapper.good]\nfamily = "node"\noutput = "good"\n\n' * ("[wrapper]" not in
                                           text and bool(text)) + text)  # fmt: skip
    for command in ("build", "check"):
        result = wrapgen(command, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("error: " + says), result.stderr
        assert result.stderr.count("\n") == 1 and result.stdout == ""
        assert sorted(p.name for p in tmp_path.iterdir()) == ["wrapgen.toml"]


def test_a_manifest_that_is_not_utf8_or_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "wrapgen.toml").write_bytes(b'[wrapper.a]\nfamily = "python\xff"\n')
    result = wrapgen("build", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "error: wrapgen.toml: not UTF-8 (byte 28): TOML is UTF-8 text\n")
    (tmp_path / "wrapgen.toml").write_bytes(b'\xef\xbb\xbf[wrapper.a]\nfamily = "python"\n')
    result = wrapgen("build", cwd=tmp_path)
    assert result.stderr == ("error: wrapgen.toml: starts with a byte order mark, which TOML does not take"
                             " (save it without one)\n")  # fmt: skip
    os.mkfifo(tmp_path / "fifo.toml")
    fifo = wrapgen("build", "-m", "fifo.toml", cwd=tmp_path)
    assert (fifo.returncode, fifo.stderr) == (1, "error: fifo.toml: not a regular file\n")
    none = wrapgen("build", cwd=tmp_path / "..")
    assert none.returncode == 1 and none.stderr.startswith("error: no wrapgen.toml here")


@pytest.mark.parametrize(
    ("text", "says"),
    [("tool = 1\n", "pyproject.toml: tool: want a table"),
     ("[tool]\nwrapgen = 1\n", "pyproject.toml: tool.wrapgen: want"),
     ("[tool.wrapgen.wrapper]\n", "pyproject.toml: declares no wrapper"),
     ("[tool.wrapgen]\nwrapper = []\n", "pyproject.toml: tool.wrapgen.wrapper: want tables")],
)  # fmt: skip
def test_a_bad_pyproject_table_is_one_line(tmp_path: Path, text: str, says: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    result = wrapgen("build", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.startswith("error: " + says), result.stderr
    assert result.stderr.count("\n") == 1


def test_pyproject_tool_wrapgen(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.wrapgen.wrapper.api]\nfamily = "python"\n'
                                             'flag = ["-X importtime"]\noutput = "w"\nflags = []\n')  # fmt: skip
    bad = wrapgen("build", cwd=tmp_path)
    assert bad.stderr == "error: pyproject.toml: [tool.wrapgen.wrapper.api] flags: unknown key (did you mean 'flag'?)\n"
    (tmp_path / "pyproject.toml").write_text((tmp_path / "pyproject.toml").read_text().replace("flags = []\n", ""))
    assert wrapgen("build", cwd=tmp_path).returncode == 0
    assert wrapgen("check", cwd=tmp_path).returncode == 0
    by_hand = wrapgen("python", "--flag", "-X importtime", cwd=tmp_path).stdout
    assert (tmp_path / "w").read_text() == by_hand


def test_init_writes_a_starter_that_builds_and_checks(tmp_path: Path) -> None:
    result = wrapgen("init", "java", "node", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "wrapgen.toml").read_text()
    assert '# iac-dir = "DIR"\n#     With --iac and --layer:' in text and "[wrapper.node]" in text
    assert wrapgen("build", cwd=tmp_path).returncode == 0
    assert sorted(written(tmp_path)) == ["build/wrapgen-java", "build/wrapgen-java.zip", "build/wrapgen-node",
                                         "build/wrapgen-node.zip"]  # fmt: skip
    assert wrapgen("check", cwd=tmp_path).returncode == 0
    # Every commented key is a key a manifest takes.
    commented = re.findall(r"^# ([a-z-]+) = ", text, re.MULTILINE)
    assert len(commented) > 30
    assert set(commented) <= set(manifest.KEYS), set(commented) - set(manifest.KEYS)
    again = wrapgen("init", cwd=tmp_path)
    assert again.returncode == 1 and again.stderr.startswith("error: wrapgen.toml exists")
    assert (tmp_path / "wrapgen.toml").read_text() == text


def test_init_from_generated_files_builds_them_again(tmp_path: Path) -> None:
    made = tmp_path / "made"
    made.mkdir()
    args = ["--flag", "-javaagent:/opt/a.jar", "--env", "X=a 'b' \"c\" $d ${e} \\f\tg", "--then", "/opt/next",
            "--runtime", "java21", "--preset", "tiered-c1", "--name", "agent"]  # fmt: skip
    assert wrapgen("java", *args, "-o", "agent", "--layer", "agent.zip", cwd=made).returncode == 0
    assert wrapgen("ruby", "--flag", "--yjit", "-o", "ruby", cwd=made).returncode == 0
    before = written(made)
    config = tmp_path / "config"
    config.mkdir()
    sources = ["--from", "../made/agent", "--from", "../made/agent.zip", "--from", "../made/ruby"]
    confined = wrapgen("init", *sources, cwd=config)
    assert (confined.returncode, list(config.iterdir())) == (1, [])
    assert confined.stderr.startswith(f"error: --from ../made/agent: outside the manifest's directory ({config})")
    result = wrapgen("init", *sources, "--allow-paths-outside", cwd=config)
    assert result.returncode == 0, result.stderr
    text = (config / "wrapgen.toml").read_text()
    assert text.count("\n[wrapper.") == 2 and 'output = "../made/agent"\nlayer = "../made/agent.zip"' in text
    assert "\nallow-paths-outside = true\n" in text
    assert sorted(path.name for path in (made / "agent.chain").iterdir()) == ["chain.json", "java"]
    shutil.rmtree(made)  # agent.chain/ too: build writes it again
    made.mkdir()
    assert wrapgen("build", cwd=config).returncode == 0
    assert written(made) == before
    refused = wrapgen("init", "--from", "../made/ruby", "--from", "wrapgen.toml", "-o", "-", "--allow-paths-outside",
                      cwd=config)  # fmt: skip
    assert refused.returncode == 1 and refused.stderr.startswith("error: wrapgen.toml: no wrapgen command")


TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\0"), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=TEXT, then=st.sampled_from(["", "/opt/next wrapper"]))
def test_any_value_goes_from_a_header_to_a_manifest_and_back(tmp_path: Path, value: str, then: str) -> None:
    """init --from writes what a header holds (values with quotes, $, newlines, control characters, any script, in
    a flag, an unchecked flag, a variable, a next wrapper) as TOML that builds the same bytes: through the real TOML
    writer and reader."""
    quoted = shlex.quote(value)
    request = Request("node", flag=(f"--title={quoted}",), unchecked_flag=(f"--new-thing={quoted}",),
                      drop_flag=("--max-old-space-size",), env=(f"WRAPGEN_X={value}",), then=(then,) if then else (),
                      runtime=("nodejs22.x",), name="w", output="w")  # fmt: skip
    try:
        wanted = plan(request).files
    except WrapgenError:
        event("refused by the command")
        return  # a value the command refuses: the manifest never sees it
    event("built")
    target = Path(tempfile.mkdtemp(dir=tmp_path))
    (wrapper,) = [file for file in wanted if file.path == "w"]  # beside w.chain/'s shims, when it chains
    (target / "w").write_bytes(wrapper.data)
    draft = starter.from_file(str(target / "w"), str(target))
    (target / "wrapgen.toml").write_text(starter.render([draft], {"node": []}))
    entries = manifest.load(str(target / "wrapgen.toml")).entries
    assert entries[0].request.env == request.env and entries[0].request.then == request.then
    assert manifest.plan_entries(entries).files == wanted  # the flags as the header spells them: the same bytes


def _entry_of(argv: list[str]) -> dict[str, object] | None:
    """A fuzzed family command line as a manifest entry; None where no entry can say the same (bytes that are not
    UTF-8, an option a table cannot hold twice, stdout as -o, --dry-run)."""
    if argv[0] not in FAMILIES or "--dry-run" in argv or any("\udc80" <= c <= "\udcff" for a in argv for c in a):
        return None
    entry: dict[str, object] = {"family": argv[0]}
    words = iter(argv[1:])
    for word in words:
        if word == "--dockerfile":
            entry["dockerfile"] = True
            continue
        key = "output" if word == "-o" else word[2:]
        value = next(words)
        if manifest.takes_list(key):
            entry.setdefault(key, []).append(value)  # type: ignore[union-attr]
        elif key in entry:
            return None
        else:
            entry[key] = value
    return None if entry.get("output") == "-" else entry


def _run_in(root: Path, argv: list[str]) -> tuple[int, bytes, str]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(app, argv)
    finally:
        os.chdir(cwd)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for {argv!r}") from result.exception
    return result.exit_code, result.stdout_bytes, result.stderr


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(argv=fuzzed_command())
def test_an_entry_does_what_its_command_line_does_for_any_values(argv: list[str]) -> None:
    """The fuzzer's command lines (hostile values, every option), each also as a manifest entry: where the command
    succeeds, build writes the same files and the printed bytes to its stdout file; where it fails, build fails,
    writing nothing."""
    entry = _entry_of(argv)
    assume(entry is not None)
    with tempfile.TemporaryDirectory() as name:
        by_hand, by_manifest = Path(name) / "hand", Path(name) / "manifest"
        for root in (by_hand, by_manifest):
            root.mkdir()
            (root / "f.txt").write_text("x\n")
            (root / "tool.sh").write_text("#!/bin/sh\ntrue\n")
        code, stdout, _ = _run_in(by_hand, argv)
        if stdout:
            entry["stdout"] = "stdout.out"
        (by_manifest / "wrapgen.toml").write_text(tomli_w.dumps({"wrapper": {"fuzzed": entry}}))
        built, _, stderr = _run_in(by_manifest, ["build"])
        event(f"command {code}, build {built}")
        if code == 0:
            assert built == 0, (argv, stderr)
            if stdout:
                assert (by_manifest / "stdout.out").read_bytes() == stdout
                (by_manifest / "stdout.out").unlink()
            (by_manifest / "wrapgen.toml").unlink()
            assert written(by_manifest) == written(by_hand)
        else:
            assert built == 1 and stderr.startswith("error: wrapgen.toml: [wrapper.fuzzed]"), (argv, stderr)
            assert stderr.count("\n") == 1, stderr
            assert sorted(p.name for p in by_manifest.iterdir()) == ["f.txt", "tool.sh", "wrapgen.toml"]


def test_a_value_with_a_line_separator_keeps_the_header_readable(tmp_path: Path) -> None:
    """The header's command is read line by line at \\n only: str.splitlines() also splits at \\x85 and \\u2028,
    which a value may hold (once, inspect and lint did not know such a wrapper for wrapgen's)."""
    assert (
        wrapgen("python", "--env", "A=x\x85y\u2028z\x1c", "-o", "w", "--layer", "l.zip", cwd=tmp_path).returncode == 0
    )
    inspected = wrapgen("inspect", "l.zip", "--format", "json", cwd=tmp_path)
    assert inspected.returncode == 0 and '"family": "python"' in inspected.stdout, inspected.stdout
    assert wrapgen("check", "w", "l.zip", cwd=tmp_path).returncode == 0


def test_the_documented_manifest_builds_what_its_comments_say(tmp_path: Path) -> None:
    text = docs_text()
    block = text[text.index("```toml\n[wrapper.orders]") + len("```toml\n") :]
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "preload.py").write_text("print('preloaded')\n")
    (tmp_path / "infra").mkdir()
    (tmp_path / "wrapgen.toml").write_text(block[: block.index("```")])
    assert wrapgen("build", cwd=tmp_path).returncode == 0
    assert wrapgen("check", cwd=tmp_path).returncode == 0
    command = ["python", "--flag", "-X importtime", "--env", "OTEL_SERVICE_NAME=orders", "--layer",
               "build/wrapgen-python.zip", "--include", "src/preload.py=wrapgen/preload.py", "--iac", "terraform",
               "--iac-dir", "infra"]  # fmt: skip
    assert (tmp_path / "infra/wrapgen.tf").read_text() == wrapgen(*command, cwd=tmp_path).stdout
    assert wrapgen("check", cwd=tmp_path).returncode == 0


_SCALAR = st.one_of(st.text(max_size=12), st.booleans(), st.integers(), st.floats(allow_nan=False))
_VALUE = st.recursive(_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)  # fmt: skip
_KEY = st.one_of(st.sampled_from([*manifest.KEYS, "family", "stdout", "extends"]), st.text(max_size=8))
_ENTRY = st.dictionaries(_KEY, st.one_of(_VALUE, st.sampled_from(["python", "node", "w", "out/w", "-"])), max_size=6)
_PLAUSIBLE = st.sampled_from(sorted(FAMILIES)).flatmap(lambda family: st.fixed_dictionaries(
    {"family": st.just(family), "output": st.sampled_from(["w", "out/w"]),
     "flag": st.just([FAMILIES[family].flag_example])},
    optional={"env": st.lists(st.text(max_size=8).map(lambda v: "X=" + v), max_size=2), "name": st.text(max_size=8),
              "then": st.text(max_size=8), "via": st.sampled_from(["env", "wrapper"]), "dockerfile": st.booleans(),
              "layer": st.sampled_from(["l.zip", "w"]), "stdout": st.sampled_from(["s", "w"])},
))  # fmt: skip
_DOCUMENT = st.one_of(
    st.fixed_dictionaries({"wrapper": st.dictionaries(st.text(min_size=1, max_size=4), _PLAUSIBLE, min_size=1,
                                                      max_size=2)}),
    st.dictionaries(st.sampled_from(["wrapper", "tool", "x"]), st.dictionaries(st.text(max_size=6), _ENTRY,
                                                                               max_size=3), max_size=2),
    _VALUE.filter(lambda v: isinstance(v, dict)),
)  # fmt: skip


_RAW = st.integers(0, 4).flatmap(lambda i: st.binary(max_size=60) if i == 0 else st.none())
"""Now and then, bytes instead of a TOML document."""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_DOCUMENT, raw=_RAW, command=st.sampled_from(["build", "check"]))
def test_any_manifest_is_built_or_one_error_line(document: dict[str, object], raw: bytes | None, command: str) -> None:
    """Random TOML documents (any keys, any value types, nesting) and random bytes as wrapgen.toml: exit 0 or 1 with
    one `error:` line, never a traceback, nothing written by a run that fails."""
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        (root / "wrapgen.toml").write_bytes(raw if raw is not None else tomli_w.dumps(document).encode())
        code, _, stderr = _run_in(root, [command])
        event(f"{command} exit {code}")
        assert code in (0, 1), stderr
        if code == 1:
            assert stderr.startswith("error: ") or command == "check", stderr
            if stderr.startswith("error: "):
                assert stderr.count("\n") == 1, stderr
        if code == 1 or command == "check":
            assert [p.name for p in root.iterdir()] == ["wrapgen.toml"]
        else:
            assert wrapgen("check", cwd=root).returncode == 0  # what build wrote is what check expects


def test_what_check_and_build_print_of_a_name_or_path_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "wrapgen.toml").write_text('[wrapper."a\\u001b[2Jb"]\nfamily = "node"\nflag = ["--require /opt/p.js"]\n'
                                           'output = "out\\u001b[31m/w\\nx"\n')  # fmt: skip
    built = wrapgen("build", cwd=tmp_path)
    assert built.returncode == 0 and "\x1b" not in built.stderr
    (tmp_path / "out\x1b[31m" / "w\nx").write_text("#!/bin/bash\n")
    checked = wrapgen("check", cwd=tmp_path)
    assert checked.returncode == 1
    assert checked.stdout.startswith("out\\x1b[31m/w\\nx: differs: hand-edited, or built from other options (entry"
                                     " a\\x1b[2Jb)\n")  # fmt: skip
    assert "--- out\\x1b[31m/w\\nx (on disk)\n" in checked.stdout and "\x1b" not in checked.stdout


def test_the_command_lines_build_dry_run_shows_write_the_same_bytes(tmp_path: Path) -> None:
    """build --dry-run says each entry's command line; a shell running those lines writes what build writes."""
    by_manifest, by_shell = project(tmp_path / "manifest"), project(tmp_path / "shell")
    shown = wrapgen("build", "--dry-run", cwd=by_manifest)
    assert shown.returncode == 0 and written(by_manifest) == {}
    lines = [line.split(": ", 1)[1] for line in shown.stderr.splitlines() if ": wrapgen " in line]
    assert len(lines) == 5
    script = f'wrapgen() {{ {shlex.quote(sys.executable)} -m wrapgen "$@"; }}\nmkdir -p build/java\nset -e\n'
    result = subprocess.run(["bash", "-c", script + "\n".join(lines)], cwd=by_shell, capture_output=True, text=True,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert wrapgen("build", cwd=by_manifest).returncode == 0
    assert written(by_shell) == written(by_manifest)


def test_a_file_spelled_two_ways_is_one_file(tmp_path: Path) -> None:
    """The same bytes for one file, by a relative path, an absolute one and a symlinked directory: written once
    (the dedupe and the writer once told the same file apart differently: build refused it)."""
    (tmp_path / "out").mkdir()
    (tmp_path / "link").symlink_to("out")
    entry = '[wrapper.{name}]\nfamily = "python"\nflag = ["-X dev"]\noutput = "{path}"\n'
    paths = {"a": "out/w", "b": f"{tmp_path}/out/w", "c": "link/w", "d": "./out/../out/w"}
    (tmp_path / "wrapgen.toml").write_text("".join(entry.format(name=n, path=p) for n, p in paths.items()))
    built = wrapgen("build", cwd=tmp_path)
    assert built.returncode == 0 and built.stderr == "wrapgen build: 4 entries, 1 file(s) written\n", built.stderr
    assert (tmp_path / "out" / "w").read_bytes() == (GOLDEN_DEV := _python_dev(tmp_path / "cli"))
    assert GOLDEN_DEV.startswith(b"#!/bin/bash")
    checked = wrapgen("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert checked.stderr == "wrapgen check: 1 file(s) up to date\n"


def _python_dev(root: Path) -> bytes:
    root.mkdir()
    assert wrapgen("python", "--flag", "-X dev", "-o", "w", cwd=root).returncode == 0
    return (root / "w").read_bytes()


def test_a_long_chain_of_extends_loads_at_once(tmp_path: Path) -> None:
    """20,000 entries, each extending the one before (700 kB): each entry is merged once. It took minutes for
    4,000 when each walked its whole chain; the timeout is a hundred times what it takes now."""
    lines = ['[wrapper.e0]\nfamily = "python"\nflag = ["-X dev"]\noutput = "w"\n']
    lines += [f'[wrapper.e{i}]\nextends = "e{i - 1}"\n' for i in range(1, 20000)]
    (tmp_path / "wrapgen.toml").write_text("".join(lines))
    result = subprocess.run([*WRAPGEN, "build", "e19999", "--dry-run"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "e19999: wrapgen python --flag '-X dev' --output w\n" in result.stderr


def test_a_loop_of_extends_is_named_where_it_starts(tmp_path: Path) -> None:
    (tmp_path / "wrapgen.toml").write_text('[wrapper.a]\nextends = "b"\n[wrapper.b]\nextends = "c"\n'
                                           '[wrapper.c]\nfamily = "python"\nextends = "b"\n')  # fmt: skip
    result = wrapgen("check", cwd=tmp_path)
    assert result.stderr == "error: wrapgen.toml: [wrapper.b] extends: a loop: b -> c -> b\n"


def test_pyproject_errors_name_the_whole_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.wrapgen.wrapper.a]\nfamily = "python"\nextends = "zz"\n')
    assert wrapgen("check", cwd=tmp_path).stderr == (
        "error: pyproject.toml: [tool.wrapgen.wrapper.a] extends: no entry [tool.wrapgen.wrapper.zz]\n"
    )
    (tmp_path / "pyproject.toml").write_text('[tool.wrapgen.wrapper.a]\nfamily = "python"\nflag = ["-X dev"]\n'
                                             'output = "w"\n')  # fmt: skip
    assert wrapgen("build", "zz", cwd=tmp_path).stderr == (
        "error: pyproject.toml: no entry [tool.wrapgen.wrapper.zz] (it has: a)\n"
    )


def test_an_unknown_name_lists_ten_entries_at_most(tmp_path: Path) -> None:
    entry = '[wrapper.entry{}]\nfamily = "python"\nflag = ["-X dev"]\noutput = "w"\n'
    (tmp_path / "wrapgen.toml").write_text("".join(entry.format(i) for i in range(30)))
    result = wrapgen("build", "zz", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.endswith(", entry17 and 20 more)\n"), result.stderr


HOSTILE_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=12)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(HOSTILE_TEXT, min_size=1, max_size=4))
def test_a_printable_command_line_gives_bash_the_same_words(texts: list[str]) -> None:
    """What --dry-run prints of a command: nothing on it moves a terminal, and bash reads back every word."""
    from wrapgen.shell import printable_words

    line = printable_words(texts)
    assert line.isprintable(), line
    result = subprocess.run(["bash", "-c", f"printf '%s\\0' {line}"], capture_output=True, check=False,
                            env={"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(b"\0")[:-1] == [text.encode() for text in texts]


def test_dry_run_lines_of_control_characters_run_as_the_entry(tmp_path: Path) -> None:
    """A tab, a line separator, C1 controls and an escape in values: --dry-run's line, run by bash, writes the bytes
    build writes (printable() inside shlex's quotes once made a tab a backslash and a t)."""
    value = "a\tb\u2028c\x85d\x1b[31m$HOME `x` 'q' \"dq\""
    text = tomli_w.dumps({"wrapper": {"a": {"family": "python", "env": [f"MSG={value}"], "output": "w\tx"}}})
    for root in (tmp_path / "m", tmp_path / "s"):
        root.mkdir()
        (root / "wrapgen.toml").write_text(text)
    shown = wrapgen("build", "--dry-run", cwd=tmp_path / "m")
    assert shown.returncode == 0
    assert all(line.isprintable() for line in shown.stderr.split("\n")), shown.stderr
    line = next(line.split(": ", 1)[1] for line in shown.stderr.splitlines() if ": wrapgen " in line)
    script = f'wrapgen() {{ {shlex.quote(sys.executable)} -m wrapgen "$@"; }}\n{line}\n'
    ran = subprocess.run(["bash", "-c", script], cwd=tmp_path / "s", capture_output=True, text=True, check=False,
                         env={**os.environ, "LC_ALL": "C.UTF-8"})  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert wrapgen("build", cwd=tmp_path / "m").returncode == 0
    assert (tmp_path / "s" / "w\tx").read_bytes() == (tmp_path / "m" / "w\tx").read_bytes()
    assert "would write w\\tx (mode 0755," in shown.stderr


# A hostile-input audit of check, regenerate and init --from: each of these was a traceback, a wrong answer or a
# misleading one.
def test_init_from_a_value_toml_cannot_hold_is_one_line(tmp_path: Path) -> None:
    assert wrapgen_cli("python", "--env", "A=\udcff", "-o", "w", cwd=tmp_path).returncode == 0  # the byte 0xff
    for output in ("m.toml", "-"):
        result = wrapgen("init", "--from", "w", "-o", output, cwd=tmp_path)
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == ("error: the manifest holds bytes that are not UTF-8 (b'\\xff'), and must be UTF-8 text"
                                 " (a header's value or a path that is not UTF-8 cannot go in TOML)\n")  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w"]


@pytest.mark.parametrize("command", [["check"], ["regenerate"], ["init", "-o", "-", "--allow-paths-outside", "--from"]])
def test_a_file_that_fails_to_read_is_named(command: list[str], tmp_path: Path) -> None:
    """/proc/self/mem is a regular file that fails to read: once said as "cannot write to stdout"."""
    result = wrapgen(*command, "/proc/self/mem", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "error: /proc/self/mem: cannot read: Input/output error\n")
    long_name = wrapgen(*command, "x" * 300, cwd=tmp_path)
    assert long_name.stderr == f"error: {'x' * 300}: File name too long\n"  # not "no such file"


def test_a_crlf_checkout_of_a_long_header_is_regenerated(tmp_path: Path) -> None:
    args = ["--flag", "-X importtime", "--flag", "-X dev", "--env", "OTEL_SERVICE_NAME=orders-service-with-a-long-name"]
    assert wrapgen_cli("python", *args, "-o", "w", cwd=tmp_path).returncode == 0
    (tmp_path / "crlf").write_bytes((tmp_path / "w").read_bytes().replace(b"\n", b"\r\n"))
    assert (tmp_path / "w").read_text().count("\n#   ") >= 2  # the header's command spans lines
    result = wrapgen("regenerate", "crlf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "crlf").read_bytes() == (tmp_path / "w").read_bytes()


def test_zips_whose_members_would_move_or_hide_are_refused(tmp_path: Path) -> None:
    assert wrapgen_cli("python", "--flag", "-u", "-o", "w", cwd=tmp_path).returncode == 0
    script = (tmp_path / "w").read_bytes()
    make_zip(tmp_path / "traversal.zip", [("wrapgen/wrapgen-python", script), ("../../evil", b"x")])
    with pytest.warns(UserWarning, match="Duplicate name"):
        make_zip(tmp_path / "twice.zip", [("wrapgen/wrapgen-python", script + b"#evil\n"),
                                          ("wrapgen/wrapgen-python", script)])  # fmt: skip
    legacy = make_zip(tmp_path / "legacy.zip", [("wrapgen/wrapgen-python", script), ("cafQ", b"x")])
    legacy.write_bytes(legacy.read_bytes().replace(b"cafQ", b"caf\xe9"))  # cp437's bytes, no UTF-8 flag
    (tmp_path / "cut.zip").write_bytes((tmp_path / "traversal.zip").read_bytes()[:200])
    says = {"traversal.zip": "traversal.zip: layer path '../../evil' is not a plain path under /opt",
            "twice.zip": "twice.zip: holds two members named 'wrapgen/wrapgen-python'",
            "legacy.zip": "legacy.zip: member 'caf\u0398' is named in a legacy encoding, not UTF-8",
            "cut.zip": "cut.zip: not a zip file"}  # fmt: skip
    for name, message in says.items():
        for command in ("check", "regenerate"):
            result = wrapgen(command, "w", name, cwd=tmp_path)
            assert result.returncode == 1 and result.stderr.startswith(f"error: {message}"), result.stderr
            assert result.stderr.count("\n") == 1


def test_a_wrapper_with_a_byte_order_mark_in_a_zip_is_regenerated(tmp_path: Path) -> None:
    assert wrapgen_cli("python", "--flag", "-u", "-o", "w", cwd=tmp_path).returncode == 0
    script = (tmp_path / "w").read_bytes()
    make_zip(tmp_path / "l.zip", [("wrapgen/a", script), ("wrapgen/b", b"\xef\xbb\xbf" + script + b"#evil\n")])
    assert wrapgen("check", "l.zip", cwd=tmp_path).returncode == 1
    assert wrapgen("regenerate", "l.zip", cwd=tmp_path).returncode == 0
    with zipfile.ZipFile(tmp_path / "l.zip") as archive:
        assert archive.read("wrapgen/b") == script  # it was kept as it was, edit and all
    assert wrapgen("check", "l.zip", cwd=tmp_path).returncode == 0


def test_a_file_given_twice_is_one_file(tmp_path: Path) -> None:
    assert wrapgen_cli("python", "--flag", "-u", "-o", "w", cwd=tmp_path).returncode == 0
    (tmp_path / "link").symlink_to("w")
    for twice in (["w", "w"], ["w", "link"]):
        with (tmp_path / "w").open("a") as stream:
            stream.write("#edit\n")
        checked = wrapgen("check", *twice, cwd=tmp_path)
        assert checked.returncode == 1 and "1 of 1 file(s) differ" in checked.stderr
        result = wrapgen("regenerate", *twice, cwd=tmp_path)  # was: "w and w are the same file"
        assert (result.returncode, result.stderr) == (
            0,
            "regenerated w\nwrapgen regenerate: 1 of 1 file(s) rewritten\n",
        )
    assert wrapgen("init", "--from", "w", "--from", "link", "-o", "m.toml", cwd=tmp_path).returncode == 0
    assert (tmp_path / "m.toml").read_text().count("\n[wrapper.") == 1
    assert wrapgen("build", "-m", "m.toml", cwd=tmp_path).returncode == 0


def test_init_from_a_zip_whose_wrapper_is_elsewhere_is_refused(tmp_path: Path) -> None:
    """An entry would put the wrapper at wrapgen/NAME: AWS_LAMBDA_EXEC_WRAPPER=/opt/bin/mywrapper would break."""
    assert wrapgen_cli("python", "--flag", "-u", "-o", "w", cwd=tmp_path).returncode == 0
    make_zip(tmp_path / "other.zip", [("bin/mywrapper", (tmp_path / "w").read_bytes())])
    assert wrapgen("regenerate", "other.zip", cwd=tmp_path).returncode == 0  # it keeps the wrapper where it is
    assert wrapgen("check", "other.zip", cwd=tmp_path).returncode == 0
    assert zipfile.ZipFile(tmp_path / "other.zip").namelist() == ["bin/mywrapper"]
    result = wrapgen("init", "--from", "other.zip", "-o", "m.toml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "error: other.zip: its wrapper is at bin/mywrapper, where"
        " --layer puts it at wrapgen/wrapgen-python: an entry would build"
        " another layer (keep rebuilding it with wrapgen regenerate)\n",
    )


def test_a_huge_hand_edit_is_not_diffed(tmp_path: Path) -> None:
    """40 MB appended to a wrapper: its diff took 1.2 GB (difflib, and every line of the file split to find the
    header); now a line says so."""
    assert wrapgen_cli("python", "--flag", "-u", "-o", "w", cwd=tmp_path).returncode == 0
    size = (tmp_path / "w").stat().st_size
    with (tmp_path / "w").open("a") as stream:
        stream.write("#x\n" * 1_500_000)
    result = wrapgen("check", "w", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (f"w: hand-edited: not what its own header's command builds\nw: {size + 4_500_000} bytes"
                             f" on disk, {size} bytes from wrapgen {__version__}: too big to diff\n")  # fmt: skip


def test_check_json_of_bytes_that_are_not_utf8_is_json(tmp_path: Path) -> None:
    """A path and a header holding the byte 0xff: the report is UTF-8 JSON (it held the raw byte), and json.loads
    gives back what os.fsencode turns into the path's bytes."""
    assert wrapgen_cli("python", "--flag", "-u", "-o", "w", cwd=tmp_path).returncode == 0
    data = (tmp_path / "w").read_bytes()
    (tmp_path / "w").write_bytes(data.replace(f"wrapgen {__version__}:".encode(), b"wrapgen 0.0\xff:", 1))
    os.rename(tmp_path / "w", os.fsencode(tmp_path) + b"/bad\xff")
    result = subprocess.run([*WRAPGEN, "check", "--format", "json", b"bad\xff"], cwd=tmp_path, capture_output=True,
                            check=False)  # fmt: skip
    assert result.returncode == 1
    report = json.loads(result.stdout.decode("utf-8"))  # strict UTF-8
    assert [os.fsencode(path) for path in report["checked"]] == [b"bad\xff"]
    assert report["differ"][0]["what"] == f"stale: generated by wrapgen 0.0\udcff, this is {__version__}"


def test_an_output_name_linux_cannot_hold_is_said_of_its_entry(tmp_path: Path) -> None:
    """Found by the fuzzer: an output whose name is longer than NAME_MAX failed at the write, naming the file alone;
    now the entry says so, before anything is written. The control: 255 bytes build."""
    for size, code in ((256, 1), (255, 0)):
        root = tmp_path / str(size)
        root.mkdir()
        (root / "wrapgen.toml").write_text(f'[wrapper.long]\nfamily = "dotnet"\noutput = "{"a" * size}"\n')
        built, _, stderr = _run_in(root, ["build"])
        assert built == code, stderr
        if code:
            assert stderr.startswith("error: wrapgen.toml: [wrapper.long] output: aaaa") and "255 bytes" in stderr
            assert sorted(path.name for path in root.iterdir()) == ["wrapgen.toml"]  # nothing written
