"""Layer zips: read structurally, extracted with the real unzip, checked as Lambda's bootstrap does, and run."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, WRAPGEN, Sandbox, encode, wrapgen_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wrapgen.errors import InvalidValue
from wrapgen.inspection import inspect_layer
from wrapgen.layer import UNZIPPED_LIMIT, ZIPPED_LIMIT, LayerFile, build_layer, path_clashes
from wrapgen.render import render_shims
from wrapgen.spec import wrapper_spec


def make_layer(tmp_path: Path, *args: str, cwd: Path | None = None) -> Path:
    target = tmp_path / "layer.zip"
    result = wrapgen_cli(*args, "--layer", str(target), cwd=cwd)
    assert result.returncode == 0, result.stderr
    return target


def test_the_zip_is_what_lambda_needs(tmp_path: Path) -> None:
    (tmp_path / "preload.js").write_bytes(b"\xef\xbb\xbfglobalThis.X = 1\r\n")
    (tmp_path / "tool").write_bytes(b"#!/bin/sh\r\necho hi\r\n")
    path = make_layer(tmp_path, "node", "--preset", "require=/opt/wrapgen/preload.js",
                      "--include", f"{tmp_path / 'preload.js'}=wrapgen/preload.js",
                      "--include-exec", f"{tmp_path / 'tool'}=/opt/bin/tool")  # fmt: skip
    archive = zipfile.ZipFile(path)
    infos = archive.infolist()
    # The chain's shim and metadata are in every layer (attach may chain another wrapper after it).
    chain = ["wrapgen/wrapgen-node.chain/chain.json", "wrapgen/wrapgen-node.chain/node"]
    assert [i.filename for i in infos] == ["bin/tool", "wrapgen/preload.js", "wrapgen/wrapgen-node", *chain]
    for info in infos:
        assert info.create_system == 3 and info.date_time == (1980, 1, 1, 0, 0, 0) and info.extra == b""
        assert stat.S_ISREG(info.external_attr >> 16)
    modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in infos}
    assert modes == {"bin/tool": 0o755, "wrapgen/preload.js": 0o644, "wrapgen/wrapgen-node": 0o755,
                     chain[0]: 0o644, chain[1]: 0o755}  # fmt: skip
    assert archive.read("wrapgen/preload.js") == b"globalThis.X = 1\n"  # no BOM, LF
    assert archive.read("bin/tool") == b"#!/bin/sh\necho hi\n"
    assert (
        archive.read("wrapgen/wrapgen-node")
        == wrapgen_cli("node", "--preset", "require=/opt/wrapgen/preload.js").stdout.encode()
    )
    built = {
        a.path: a.text.encode() for a in render_shims(wrapper_spec("node", presets=["require=/opt/wrapgen/preload.js"]))
    }
    assert {name: archive.read(name) for name in chain} == {name: built[name.rsplit("/", 1)[1]] for name in chain}


def test_the_summary_names_the_wrapper_and_the_hashes(tmp_path: Path) -> None:
    target = tmp_path / "layer.zip"
    result = wrapgen_cli("java", "--preset", "tiered-c1", "--name", "fast", "--layer", str(target))
    data = target.read_bytes()
    assert result.stdout == ""
    summary = [line for line in result.stderr.splitlines() if not line.startswith("warning: --preset tiered-c1: ")]
    assert summary == [
        "AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapgen/fast",
        f"sha256: {hashlib.sha256(data).hexdigest()}",
        f"sha256 base64 (Terraform source_code_hash): {base64.b64encode(hashlib.sha256(data).digest()).decode()}",
        f"size: {len(data)} bytes, 3 file(s)",  # the wrapper, its chain's java shim and metadata
        "compatible runtimes: java8.al2 java8.al2023 java11 java11.al2023 java17 java17.al2023 java21 java25",
    ]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_unzip_keeps_the_exec_bit_and_the_wrapper_passes_lambdas_checks_and_runs(tmp_path: Path, bash: str) -> None:
    unzip = shutil.which("unzip")
    assert unzip, "unzip is installed by scripts/test"
    path = make_layer(tmp_path, "python", "--preset", "importtime")
    opt = tmp_path / "opt"
    subprocess.run([unzip, "-q", str(path), "-d", str(opt)], check=True)
    wrapper = opt / "wrapgen" / "wrapgen-python"
    assert stat.S_IMODE(wrapper.stat().st_mode) == 0o755
    # Lambda's bootstrap: a missing file or a directory is exit 127, a file that is not executable 126.
    check = '[ -f "$1" ] && [ ! -d "$1" ] || exit 127; [ -x "$1" ] || exit 126'
    assert subprocess.run(["bash", "-c", check, "-", str(wrapper)], check=False).returncode == 0
    assert subprocess.run(["bash", "-c", check, "-", str(opt / "wrapgen")], check=False).returncode == 127
    sandbox = Sandbox(tmp_path, bash)
    argv = [sandbox.stub("/var/lang/bin/python3.12"), "/var/runtime/bootstrap.py"]
    run = sandbox.run(str(wrapper), argv, prefix=[bash, "-p"])  # the unzipped file, under each bash
    assert run.argv == encode([argv[0], "-X", "importtime", argv[1]])


def test_the_same_bytes_whatever_the_umask_tz_mtimes_or_directory(tmp_path: Path) -> None:
    source = tmp_path / "agent.jar"
    source.write_bytes(bytes(range(256)) * 10)
    args = ["java", "--preset", "javaagent=/opt/java/lib/agent.jar", "--include", f"{source}=java/lib/agent.jar"]
    first = make_layer(tmp_path, *args, cwd=tmp_path).read_bytes()
    os.utime(source, (0, 1_000_000_000))
    elsewhere = tmp_path / "b"
    elsewhere.mkdir()
    target = elsewhere / "layer.zip"
    result = subprocess.run(
        ["bash", "-c", 'umask 077; exec "$@"', "-", *WRAPGEN, *args, "--layer", str(target)],
        cwd=elsewhere, env={**os.environ, "TZ": "Asia/Kolkata"}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == first


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_.-]{0,8}(/[a-z0-9_.-]{1,8}){0,2}", fullmatch=True),
        st.tuples(st.binary(max_size=300), st.sampled_from([0o644, 0o755])),
        max_size=6,
    ).filter(lambda files: not path_clashes(files))  # a file and a directory at once is refused (tested below)
)
def test_a_layer_is_deterministic_and_reads_back(files: dict[str, tuple[bytes, int]]) -> None:
    layer_files = [LayerFile(path, data, mode) for path, (data, mode) in files.items()]
    first = build_layer(layer_files).data
    assert build_layer(list(reversed(layer_files))).data == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {i.filename: (archive.read(i), stat.S_IMODE(i.external_attr >> 16)) for i in archive.infolist()} == files


def test_limits_are_checked_before_writing(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match=f"allows {UNZIPPED_LIMIT} in all"):
        build_layer([LayerFile("big", b"\0" * (UNZIPPED_LIMIT + 1), 0o644)])
    with pytest.raises(InvalidValue, match=f"allows {ZIPPED_LIMIT} for a direct upload"):
        build_layer([LayerFile("random", os.urandom(ZIPPED_LIMIT + 1024), 0o644)])
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(ZIPPED_LIMIT + 1024))
    target = tmp_path / "layer.zip"
    result = wrapgen_cli("python", "--layer", str(target), "--include", f"{big}=python/big.bin")
    assert result.returncode == 1 and "direct upload" in result.stderr and not target.exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--include", "nope.js=wrapgen/x.js"], "No such file"),
        (["--include", "{f}=../x.js"], "not a plain path under /opt"),
        (["--include", "{f}=extensions/x"], "Lambda starts as an extension"),
        (["--include", "{f}=wrapgen/wrapgen-python"], "given twice"),
        (["--include", "{f}"], "is not SRC=DEST"),
        # A zip cannot name a member of 64 KiB (once a traceback), nor Linux unpack a name of 256 bytes.
        (["--include", "{f}=" + "a" * 70_000], "cannot be unpacked on Linux"),
        (["--include", "{f}=wrapgen/" + "é" * 128], "a name has at most 255 bytes"),
        (["--include", "{f}=" + "a/" * 2046 + "b"], "a path fewer than 4096"),
    ],
)
def test_bad_includes(tmp_path: Path, args: list[str], says: str) -> None:
    source = tmp_path / "x.js"
    source.write_text("x\n")
    target = tmp_path / "layer.zip"
    result = wrapgen_cli("python", "--layer", str(target), *[a.replace("{f}", str(source)) for a in args])
    assert result.returncode == 1 and says in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not target.exists()


def test_a_wrapper_name_too_long_for_a_layer_is_one_error_line(tmp_path: Path) -> None:
    """--name of 300 characters is a script's name in its messages, not a file Linux can unpack in a layer."""
    assert wrapgen_cli("python", "--name", "n" * 300).returncode == 0
    result = wrapgen_cli("python", "--name", "n" * 300, "--layer", str(tmp_path / "l.zip"))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "cannot be unpacked on Linux" in result.stderr and not (tmp_path / "l.zip").exists()


def test_an_include_at_linux_s_limits_is_taken(tmp_path: Path) -> None:
    source = tmp_path / "x.js"
    source.write_text("x\n")
    for dest in ("wrapgen/" + "n" * 255, "a/" * 2044 + "b"):  # 255 bytes; /opt/ and 4089 bytes: 4094
        result = wrapgen_cli("python", "--layer", str(tmp_path / "l.zip"), "--include", f"{source}={dest}")
        assert result.returncode == 0, result.stderr


def test_include_without_layer_and_layer_with_env_mode_but_no_file_are_refused(tmp_path: Path) -> None:
    assert "go with --layer" in wrapgen_cli("python", "--flag", "-u", "--include", "a=b").stderr
    env_layer = wrapgen_cli("python", "--flag", "-u", "--via", "env", "--layer", str(tmp_path / "l.zip")).stderr
    assert "holds the files that --include names" in env_layer


def test_a_referenced_file_missing_from_the_layer_is_warned_about(tmp_path: Path) -> None:
    result = wrapgen_cli("java", "--preset", "javaagent=/opt/java/lib/agent.jar=x", "--layer", str(tmp_path / "l.zip"))
    assert result.returncode == 0
    assert "warning: /opt/java/lib/agent.jar: it is not in this layer" in result.stderr


def _zip(tmp_path: Path, entries: list[tuple[str, bytes, int | None]]) -> Path:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            if mode is None:
                info.create_system = 0  # made on Windows: no Unix mode
            else:
                info.external_attr = (stat.S_IFREG | mode) << 16
            archive.writestr(info, data)
    return path


@pytest.mark.parametrize(
    ("entries", "says"),
    [
        ([("bin/wrapper", b'#!/bin/bash\nexec "$@"\n', 0o644)], "has no exec bit"),
        ([("bin/wrapper", b'#!/bin/bash\nexec "$@"\n', None)], "was not made on Unix"),
        ([("bin/wrapper", b'#!/bin/bash\r\nexec "$@"\r\n', 0o755)], "CRLF"),
        ([("bin/wrapper", b'exec "$@"\n', 0o755)], "neither a #! script nor a compiled program"),
        ([("extensions/agent", b"\x7fELF...", 0o644)], "not executable"),
        ([("wrapgen", b"x", 0o644), ("wrapgen/x", b"y", 0o644)], "a file, and a directory of other files"),
    ],
)
def test_inspect_finds_what_fails_at_cold_start(tmp_path: Path, entries: list, says: str) -> None:
    result = wrapgen_cli("inspect", str(_zip(tmp_path, entries)))
    assert result.returncode == 1 and f"defect: {entries[0][0]}" in result.stdout and says in result.stdout


def test_inspect_reads_our_layer_back(tmp_path: Path) -> None:
    path = make_layer(tmp_path, "java", "--preset", "tiered-c1", "--flag", "'-Dnote=a b'", "--env", "A=$x")
    result = wrapgen_cli("inspect", str(path))
    assert result.returncode == 0, result.stdout
    assert "wrapgen java wrapper: AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapgen/wrapgen-java" in result.stdout
    assert "inserts: -XX:+TieredCompilation -XX:TieredStopAtLevel=1 '-Dnote=a b'" in result.stdout
    assert "removes: -XX:-TieredCompilation" in result.stdout and "sets: A=$'\\x24x'" in result.stdout
    assert "/opt/wrapgen/wrapgen-java.chain/java  0755" in result.stdout
    assert "    chain shim of /opt/wrapgen/wrapgen-java\n" in result.stdout
    assert result.stdout.endswith("3 file(s), 0 defect(s)\n")


def test_inspect_a_clean_foreign_layer_and_a_non_zip(tmp_path: Path) -> None:
    ok = _zip(tmp_path, [("python/lib.py", b"x = 1\n", 0o644), ("bin/tool", b"\x7fELF", 0o755)])
    assert wrapgen_cli("inspect", str(ok)).returncode == 0
    bad = tmp_path / "not.zip"
    bad.write_text("hello")
    result = wrapgen_cli("inspect", str(bad))
    assert result.returncode == 1 and "not a zip file" in result.stderr and result.stderr.count("\n") == 1
    assert wrapgen_cli("inspect", str(tmp_path / "missing.zip")).stderr.startswith("error: ")


def test_inspect_reads_every_golden_wrapper_back_to_its_spec() -> None:
    from test_golden import CASES

    from wrapgen.spec import spec_from_command

    for name, args in CASES.items():
        data = (ROOT / "tests" / "golden" / f"{name}.sh").read_bytes()
        layer = build_layer([LayerFile(f"wrapgen/{name}", data, 0o755)])
        (entry,) = inspect_layer(layer.data).entries
        assert entry.spec == spec_from_command(["wrapgen", *args]), name


def test_dockerfile_lines(tmp_path: Path) -> None:
    (tmp_path / "preload.js").write_text("x\n")
    args = ["node", "--preset", "source-maps", "-o", "wrapgen-node", "--dockerfile", "--layer", "layer.zip"]
    result = wrapgen_cli(*args, "--include", "preload.js=wrapgen/preload.js", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert lines == [
        'COPY --chmod=755 ["wrapgen-node", "/opt/wrapgen/wrapgen-node"]',
        'COPY --chmod=644 ["preload.js", "/opt/wrapgen/preload.js"]',
        'ENV AWS_LAMBDA_EXEC_WRAPPER="/opt/wrapgen/wrapgen-node"',
    ]
    assert stat.S_IMODE((tmp_path / "wrapgen-node").stat().st_mode) == 0o755
    result = wrapgen_cli("python", "--dockerfile", "-o", str(tmp_path / "w"))
    assert result.returncode == 1 and "relative to the Docker build context" in result.stderr


def _special(tmp_path: Path, kind: str) -> str:
    if kind == "fifo":
        os.mkfifo(tmp_path / "fifo")
        return str(tmp_path / "fifo")
    if kind == "huge":  # sparse: its size says too big before a byte is read
        with open(tmp_path / "huge", "wb") as stream:
            stream.truncate(UNZIPPED_LIMIT + 1)
        return str(tmp_path / "huge")
    return {"device": "/dev/zero", "directory": str(tmp_path)}[kind]


@pytest.mark.parametrize(("kind", "says"), [("fifo", "not a regular file"), ("device", "not a regular file"),
                                            ("directory", "not a regular file"),
                                            ("huge", f"Lambda allows {UNZIPPED_LIMIT} unzipped")])  # fmt: skip
def test_an_include_that_is_no_regular_file_or_too_big_is_refused_before_it_is_read(
    tmp_path: Path, kind: str, says: str
) -> None:
    """A FIFO hung, /dev/zero was read for 4.3 GB: now each is refused at once (the call is bounded in time)."""
    source = _special(tmp_path, kind)
    target = tmp_path / "layer.zip"
    argv = [*WRAPGEN, "python", "--flag", "-u", "--layer", str(target), "--include", f"{source}=wrapgen/x"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1 and says in result.stderr and result.stderr.count("\n") == 1
    assert not target.exists()


def test_a_path_that_is_a_file_and_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    result = wrapgen_cli("python", "--flag", "-u", "--layer", str(tmp_path / "l.zip"), "--include",
                         f"{tmp_path / 'f'}=wrapgen")  # fmt: skip
    assert result.returncode == 1 and "is a file and a directory" in result.stderr


def test_a_thousand_includes_take_one_descriptor_at_a_time(tmp_path: Path) -> None:
    """Every include was held open until all were read: under `ulimit -n 256`, 300 ran out of descriptors."""
    import resource

    args = []
    for index in range(300):
        (tmp_path / f"f{index}").write_text(f"{index}\n")
        args += ["--include", f"{tmp_path / f'f{index}'}=data/f{index}"]
    argv = [*WRAPGEN, "python", "--flag", "-u", "--layer", str(tmp_path / "l.zip"), *args]

    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False, preexec_fn=low_limit)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "l.zip") as archive:
        assert archive.read("data/f299") == b"299\n"


def test_a_proc_file_is_said_to_be_one(tmp_path: Path) -> None:
    """/proc/self/status says 0 bytes and holds more: it was said to have changed while it was read."""
    result = wrapgen_cli("python", "--flag", "-u", "--layer", str(tmp_path / "l.zip"), "--include",
                         "/proc/self/status=x")  # fmt: skip
    assert (result.returncode, result.stderr) == (
        1,
        "error: --include /proc/self/status: its size says 0 bytes, and"
        " it holds more (a /proc file?) (copy it to a file first)\n",
    )


def test_an_include_replaced_while_it_is_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the check of every include and the reading of each, another file put in its place."""
    from wrapgen import layer
    from wrapgen.errors import InvalidValue

    (tmp_path / "a").write_text("aaaa\n")
    real = layer._identity
    calls: list[int] = []

    def replaced(fd: int) -> tuple[int, int]:
        calls.append(fd)
        if len(calls) == 1:  # after the check: a new file of the same size at the same path
            (tmp_path / "b").write_text("bbbb\n")
            os.replace(tmp_path / "b", tmp_path / "a")
        return real(fd)

    monkeypatch.setattr(layer, "_identity", replaced)
    with pytest.raises(InvalidValue, match="it changed while it was read"):
        layer.include_files([f"{tmp_path / 'a'}=x"], [])
