"""The one writer (issue 9): a plan checked before anything is written, written all or nothing."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from conftest import wrapgen_cli
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st


def test_missing_directories_are_made(tmp_path: Path) -> None:
    target = tmp_path / "build" / "deep" / "w"
    result = wrapgen_cli("python", "--flag", "-u", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_dash_is_stdout() -> None:
    result = wrapgen_cli("python", "--flag", "-u", "-o", "-")
    assert result.returncode == 0 and result.stdout.startswith("#!/bin/bash -p\n")
    assert not Path("-").exists()


def test_a_device_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own, as root may make
    result = wrapgen_cli("python", "--flag", "-u", "-o", str(null))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(null.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]  # no temporary file left beside it


def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so that the writer does not wait
    try:
        result = wrapgen_cli("python", "--flag", "-u", "-o", str(fifo))
        assert result.returncode == 0, result.stderr
        assert os.read(reader, 1 << 16).startswith(b"#!/bin/bash -p\n")
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("old")
    (tmp_path / "link").symlink_to("real")
    result = wrapgen_cli("python", "--flag", "-u", "-o", str(tmp_path / "link"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real").read_text().startswith("#!/bin/bash -p")
    assert stat.S_IMODE((tmp_path / "real").stat().st_mode) == 0o755


@pytest.mark.parametrize(("args", "says"), [
    (["-o", "x/"], "error: cannot write x/: it names a directory (name the file)\n"),
    (["-o", "x/."], "error: cannot write x/.: it names a directory (name the file)\n"),
    (["-o", "x/w", "--layer", "x"], "error: cannot write both x and x/w, which would be in it\n"),
    (["-o", "x", "--layer", "./x/../x/l.zip"], "error: cannot write both x and ./x/../x/l.zip, which would be in it\n"),
])  # fmt: skip
def test_a_path_that_cannot_be_a_file_of_the_plan_is_refused_first(tmp_path: Path, args: list[str], says: str) -> None:
    """`-o x/` wrote a file x; `-o x/w --layer x` wrote x/w, then failed to put the layer over that directory."""
    result = wrapgen_cli("python", "--flag", "-u", *args, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, says)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("layer", ["/proc/sys/wrapgen.zip", "/etc/hostname/x.zip"])
def test_a_failure_leaves_nothing_behind(tmp_path: Path, layer: str) -> None:
    """The script's destination was written before the layer failed; now nothing is, and no directory made."""
    target = tmp_path / "new" / "w"
    result = wrapgen_cli("python", "--flag", "-u", "-o", str(target), "--layer", layer)
    assert result.returncode == 1 and result.stderr.startswith("error: cannot write")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_layer_directory_is_made_before_the_template_is_printed(tmp_path: Path) -> None:
    """The documented command (docs/layers-and-iac.md) in a fresh directory: build/ does not exist."""
    result = wrapgen_cli("python", "--preset", "importtime", "--layer", "build/wrapgen-python.zip", "--iac", "sam",
                         cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "build" / "wrapgen-python.zip").is_file() and "AWS::Serverless::LayerVersion" in result.stdout


@pytest.mark.parametrize("dry", [[], ["--dry-run"]])
def test_two_outputs_to_stdout_are_refused(tmp_path: Path, dry: list[str]) -> None:
    result = wrapgen_cli("python", "--flag", "-u", "-o", "-", "--layer", str(tmp_path / "l.zip"), "--iac", "sam", *dry)
    assert result.returncode == 1 and "two outputs go to stdout" in result.stderr
    assert not (tmp_path / "l.zip").exists()


def test_dry_run_writes_nothing_and_says_what_it_would(tmp_path: Path) -> None:
    args = ["node", "--flag", "--trace-warnings", "-o", str(tmp_path / "b" / "w"), "--layer",
            str(tmp_path / "b" / "l.zip"), "--iac", "terraform"]  # fmt: skip
    dry = wrapgen_cli(*args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert list(tmp_path.iterdir()) == []
    real = wrapgen_cli(*args)
    assert real.returncode == 0 and real.stdout == dry.stdout
    for name, mode in (("w", "0755"), ("l.zip", "0644")):
        data = (tmp_path / "b" / name).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        assert f"would write {tmp_path / 'b' / name} (mode {mode}, {len(data)} bytes, sha256 {digest})" in dry.stderr


@pytest.mark.parametrize("args", [["python", "--flag", "-u"], ["presets"], ["node", "--via", "env", "--flag",
                                  "--trace-warnings"]])  # fmt: skip
def test_a_full_stdout_is_one_line_and_exit_1(args: list[str]) -> None:
    import subprocess

    from conftest import WRAPGEN

    with open("/dev/full", "wb") as full:
        result = subprocess.run([*WRAPGEN, *args], stdout=full, stderr=subprocess.PIPE, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr == "error: cannot write to stdout: No space left on device\n"


@pytest.mark.parametrize("signum", [2, 15, 1])  # SIGINT, SIGTERM, SIGHUP
def test_a_signal_while_writing_leaves_nothing_behind(tmp_path: Path, signum: int) -> None:
    """The layer's temporary file is made, then opening a FIFO nobody reads blocks: the signal lands there, or while
    the layer is still written (each step is signalled in turn by the in-process test below)."""
    import subprocess
    import time

    from conftest import WRAPGEN

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    layer = tmp_path / "new" / "l.zip"
    process = subprocess.Popen([*WRAPGEN, "python", "--flag", "-u", "-o", str(fifo), "--layer", str(layer)],
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while not any((tmp_path / "new").glob(".l.zip.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any((tmp_path / "new").glob(".l.zip.*.tmp")), "the temporary file was written first"
    process.send_signal(signum)
    assert process.wait(timeout=30) == 128 + signum
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]  # no layer, no temporary file, no directory


# Where a signal can land while a plan is written: just after a call made a directory or a temporary file (before
# the writer has recorded it), while the data is written, or between two renames.
_SIGNAL_POINTS = [("pathlib", "Path.mkdir", "after"), ("tempfile", "mkstemp", "after"), ("os", "fsync", "before"),
                  ("os", "chmod", "after"), ("os", "replace", "after")]  # fmt: skip


@pytest.mark.parametrize(("module", "name", "when"), _SIGNAL_POINTS)
def test_a_signal_at_any_step_leaves_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str,
                                                    name: str, when: str) -> None:  # fmt: skip
    """In process, deterministic: the patched call signals this process's main thread (once), as a Ctrl-C would
    wrapgen's only thread then (a process-wide signal may land on another thread of pytest-xdist's worker)."""
    import importlib
    import signal
    import threading

    from wrapgen import output

    owner = importlib.import_module(module)
    holder = getattr(owner, name.split(".")[0]) if "." in name else owner
    attribute = name.split(".")[-1]
    real = getattr(holder, attribute)
    fired: list[bool] = []

    def signalling(*args: object, **kwargs: object) -> object:
        import sys

        if sys._getframe(1).f_globals.get("__name__") != "wrapgen.output":
            return real(*args, **kwargs)  # not the writer's call (pytest's own, or another thread's)
        if when == "before" and not fired:
            fired.append(True)
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)
        result = real(*args, **kwargs)
        if when == "after" and not fired:
            fired.append(True)
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)
        return result

    monkeypatch.setattr(holder, attribute, signalling)
    files = [output.File(str(tmp_path / "new" / "deep" / n), n.encode() * 1000, 0o755) for n in ("a", "b")]
    with pytest.raises(SystemExit) as exit_info:
        output.commit(output.Plan(files))
    assert fired and exit_info.value.code == 128 + signal.SIGTERM
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    if left:  # the renames had begun: they all end, and nothing else is left
        assert left == ["new", "new/deep", "new/deep/a", "new/deep/b"]
        assert all(Path(f.path).read_bytes() == f.data for f in files)
    else:
        assert name != "replace", "a signal between renames must not undo the first"


class TestEveryDeliveryModeShipsWhatItReferences:
    @pytest.mark.tools
    def test_via_env_with_a_layer_of_the_included_files(self, tmp_path: Path) -> None:
        import io
        import zipfile

        import yaml
        from conftest import cfn_lint

        (tmp_path / "preload.js").write_text("globalThis.X = 1\n")
        result = wrapgen_cli("node", "--via", "env", "--preset", "require=/opt/wrapgen/preload.js", "--layer",
                             "build/env.zip", "--include", "preload.js=wrapgen/preload.js", "--iac", "sam",
                             cwd=tmp_path)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "warning" not in result.stderr and "AWS_LAMBDA_EXEC_WRAPPER" not in result.stderr
        archive = zipfile.ZipFile(io.BytesIO((tmp_path / "build" / "env.zip").read_bytes()))
        assert archive.namelist() == ["wrapgen/preload.js"]  # the file, and no wrapper
        template = yaml.safe_load(result.stdout)
        assert template["Resources"]["WrapgenLayer"]["Properties"]["ContentUri"] == "build/env.zip"
        assert "AWS_LAMBDA_EXEC_WRAPPER" not in result.stdout and "--require /opt/wrapgen/preload.js" in result.stdout
        (tmp_path / "template.yaml").write_text(result.stdout)
        lint = cfn_lint([tmp_path / "template.yaml"])
        assert lint.returncode == 0, lint.stdout

    def test_dockerfile_copies_the_included_files_with_their_modes(self, tmp_path: Path) -> None:
        (tmp_path / "Hook.dll").write_bytes(b"MZ")
        result = wrapgen_cli("dotnet", "--preset", "startup-hook=/opt/wrapgen/Hook.dll", "-o", "w", "--dockerfile",
                             "--include", "Hook.dll=wrapgen/Hook.dll", cwd=tmp_path)  # fmt: skip
        said = [line for line in result.stderr.splitlines() if not line.startswith("warning: --preset startup-hook:")]
        assert result.returncode == 0 and said == [], result.stderr  # the hook's SnapStart caveat aside
        assert 'COPY --chmod=644 ["Hook.dll", "/opt/wrapgen/Hook.dll"]' in result.stdout
        assert 'COPY --chmod=755 ["w", "/opt/wrapgen/wrapgen-dotnet"]' in result.stdout

    @pytest.mark.parametrize(
        ("args", "says"),
        [
            (["--via", "env"], "/opt/wrapgen/x.js: nothing ships it"),
            ([], "/opt/wrapgen/x.js: nothing ships it"),
            (["-o", "w", "--dockerfile"], "/opt/wrapgen/x.js: it is not copied into the image"),
            (["--layer", "l.zip"], "/opt/wrapgen/x.js: it is not in this layer"),
        ],
    )
    def test_a_file_a_preset_names_that_nothing_ships_is_warned_about_in_every_mode(
        self, tmp_path: Path, args: list[str], says: str
    ) -> None:
        result = wrapgen_cli("node", "--preset", "require=/opt/wrapgen/x.js", *args, cwd=tmp_path)
        assert result.returncode == 0 and f"warning: {says}" in result.stderr, result.stderr

    @pytest.mark.parametrize(
        ("args", "says"),
        [
            (["--via", "env", "--include", "f=x/f"], "go with --layer"),
            (["--via", "env", "--layer", "l.zip"], "holds the files that --include names"),
            (["--via", "env", "--dockerfile"], "--dockerfile installs a wrapper"),
            (["--include", "f=x/f"], "go with --layer or --dockerfile"),
        ],
    )
    def test_what_a_mode_cannot_ship_is_refused(self, tmp_path: Path, args: list[str], says: str) -> None:
        (tmp_path / "f").write_text("x")
        result = wrapgen_cli("node", "--flag", "--trace-warnings", *args, cwd=tmp_path)
        assert result.returncode == 1 and says in result.stderr, result.stderr


# Options that write files, or make a run fail, in random combinations: a run that fails writes nothing.
_PIECES = st.sampled_from([
    ["-o", "out/w"], ["-o", "w"], ["-o", "/proc/sys/w"], ["--layer", "out/l.zip"], ["--layer", "/etc/hostname/l.zip"],
    ["--iac", "sam"], ["--iac", "terraform"], ["--dockerfile"], ["--via", "env"], ["--format", "json"],
    ["--include", "f=wrapgen/f"], ["--include", "/dev/zero=x/z"], ["--include", "missing=x/m"],
    ["--flag", "-u"], ["--flag", "--bogus"], ["--preset", "importtime"], ["--iac-dir", "out"], ["--then", "rel"],
    ["--env", "RANDOM=1"], ["--runtime", "python3.12"],
])  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # fmt: skip
@given(pieces=st.lists(_PIECES, min_size=1, max_size=5))
def test_a_run_that_fails_writes_nothing(pieces: list[list[str]], tmp_path_factory: pytest.TempPathFactory) -> None:
    work = tmp_path_factory.mktemp("run")
    (work / "f").write_text("x")
    result = wrapgen_cli("python", *[word for piece in pieces for word in piece], cwd=work)
    written = sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.name != "f")
    if result.returncode != 0:
        assert written == [], (result.stderr, written)
        assert result.stderr.startswith(("error: ", "Usage: ")) and "Traceback" not in result.stderr
