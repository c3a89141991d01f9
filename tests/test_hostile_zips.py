"""`wrapgen inspect` and `wrapgen iac --layer` read any zip safely: bombs, damaged, encrypted and unsupported zips,
paths that are no regular file, and names made to forge the report. Each run goes through the real command line
in a child process, whose peak memory is measured: one `error:` line and exit 1, or a report with `defect:` lines,
never a traceback, never a control character on the terminal, never 100 MB."""

from __future__ import annotations

import json
import os
import stat
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import WRAPGEN

MAX_RSS = 100 * 1024 * 1024
GIB = 1 << 30
FORGED = "0 file(s), 0 defect(s)"


LAUNCHER = """
import resource, subprocess, sys
try:
    code = subprocess.call(sys.argv[3:], timeout=float(sys.argv[2]))
except subprocess.TimeoutExpired:
    code = 124
with open(sys.argv[1], "w") as rss:
    rss.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""
"""Runs a command and writes its peak memory (KiB) into a file. Linux counts in a child's peak the memory of the
process that forked it (pytest's, here): the launcher is small, so that the peak is wrapgen's own."""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    rss: int
    """Peak resident memory of the child, in bytes."""


def wrapgen(*args: str, timeout: float = 60) -> Run:
    """wrapgen in a grandchild process, through LAUNCHER (the test fails if it runs for `timeout` seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        rss = Path(tmp) / "rss"
        result = subprocess.run([sys.executable, "-c", LAUNCHER, str(rss), str(timeout), *WRAPGEN, *args],
                                capture_output=True, text=True, timeout=timeout + 30, check=False)  # fmt: skip
        assert result.returncode != 124, f"wrapgen {' '.join(args)} still ran after {timeout} s"
        return Run(result.returncode, result.stdout, result.stderr, int(rss.read_text()) * 1024)


def refused(run: Run, *says: str) -> None:
    """One `error:` line that says all of `says`, exit 1, nothing on stdout, no traceback, within the memory."""
    assert run.code == 1, run
    assert run.err.startswith("error: ") and run.err.count("\n") == 1 and run.err.endswith("\n"), run.err
    assert "Traceback" not in run.err and run.out == "", run
    for said in says:
        assert said in run.err
    assert run.rss < MAX_RSS, run.rss


def controls(text: str) -> list[str]:
    """The characters of text, newlines aside, that a terminal would act on or reorder."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"}]


def make_zip(path: Path, members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED,
             mode: int = 0o755) -> Path:  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = method
            archive.writestr(info, data)
    return path


FIELDS = {"flags": (6, "<H"), "method": (8, "<H"), "crc": (14, "<L"), "size": (22, "<L")}
"""Offsets in a local file header; in a central directory entry, each is 2 bytes further."""


def patch(path: Path, **values: int) -> Path:
    """Change fields of a one-member zip, in its local header and its central directory entry alike."""
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    for field, value in values.items():
        offset, form = FIELDS[field]
        for start in (0, central + 2):
            struct.pack_into(form, data, start + offset, value)
    path.write_bytes(data)
    return path


def bomb(path: Path) -> Path:
    """One member that inflates to 1 GiB of zeros from 1 MB: real deflate data, with its true CRC and sizes.

    Made fast: after a full flush, deflate compresses each MiB of zeros to the same bytes."""
    block = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(GIB // len(block)):
        crc = zlib.crc32(block, crc)
    make_zip(path, [("bin/bomb", deflated * (GIB // len(block)) + compressor.flush())], zipfile.ZIP_STORED)
    return patch(path, method=zipfile.ZIP_DEFLATED, crc=crc, size=GIB)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = bomb(tmp_path / "bomb.zip")
    assert path.stat().st_size < 2_000_000
    refused(wrapgen("inspect", str(path)), f"error: {path}: member 'bin/bomb'", "a zip bomb?")
    refused(wrapgen("iac", "terraform", "--layer", str(path)), "a zip bomb?")


@pytest.mark.parametrize("declared", [1000, 50 * 1024 * 1024])
def test_a_bomb_that_declares_a_small_size_is_read_no_further(tmp_path: Path, declared: int) -> None:
    """The header says `declared` bytes (a ratio that passes), the data inflates to 1 GiB: reading stops at the
    declared size, where the CRC (of the whole GiB) does not match."""
    path = patch(bomb(tmp_path / "liar.zip"), size=declared)
    refused(wrapgen("inspect", str(path)), f"error: {path}: member 'bin/bomb': damaged: Bad CRC-32")


def test_many_members_and_a_big_central_directory_are_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "many.zip", [(f"f{i}", b"") for i in range(20_001)], zipfile.ZIP_STORED)
    refused(wrapgen("inspect", str(path)), "more than 20000 members")


def test_damaged_zips(tmp_path: Path) -> None:
    script = b"#!/bin/sh\nexec true\n" * 50
    crc = patch(make_zip(tmp_path / "crc.zip", [("bin/tool", script)]), crc=1234)
    refused(wrapgen("inspect", str(crc)), f"error: {crc}: member 'bin/tool': damaged: Bad CRC-32")
    deflate = make_zip(tmp_path / "deflate.zip", [("bin/tool", script)])
    data = bytearray(deflate.read_bytes())
    data[30 + len("bin/tool")] = 0xFF  # the first deflate block: final, of the reserved type 3
    deflate.write_bytes(data)
    refused(wrapgen("inspect", str(deflate)), f"error: {deflate}: member 'bin/tool': damaged: ", "invalid block type")
    refused(wrapgen("iac", "terraform", "--layer", str(deflate)), "invalid block type")


def test_an_encrypted_member_is_refused(tmp_path: Path) -> None:
    path = patch(make_zip(tmp_path / "secret.zip", [("bin/tool", b"#!/bin/sh\n")]), flags=0x1)
    refused(wrapgen("inspect", str(path)), f"error: {path}: member 'bin/tool': encrypted")


@pytest.mark.parametrize("method", [99, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_compression_that_is_not_stored_or_deflated_is_refused(tmp_path: Path, method: int) -> None:
    """99 is AES; bzip2 and LZMA zipfile would inflate with no bound on the output."""
    path = tmp_path / "method.zip"
    if method == 99:
        patch(make_zip(path, [("bin/tool", b"#!/bin/sh\n")], zipfile.ZIP_STORED), method=99)
    else:
        make_zip(path, [("bin/tool", b"#!/bin/sh\n")], method)
    refused(wrapgen("inspect", str(path)), f"member 'bin/tool': compression method {method} is not supported")


def test_what_is_no_zip(tmp_path: Path) -> None:
    whole = make_zip(tmp_path / "whole.zip", [("bin/tool", b"#!/bin/sh\nexec true\n" * 100)]).read_bytes()
    for name, data in [("truncated.zip", whole[: len(whole) // 2]), ("cut.zip", whole[:-1]),
                       ("text.zip", b"hello\n"), ("empty.zip", b"")]:  # fmt: skip
        path = tmp_path / name
        path.write_bytes(data)
        refused(wrapgen("inspect", str(path)), f"error: {path}: not a zip file")
    bad_utf8 = make_zip(tmp_path / "utf8.zip", [("caf\u00e9", b"")]).read_bytes().replace(b"\xc3\xa9", b"\xff\xfe")
    (tmp_path / "utf8.zip").write_bytes(bad_utf8)
    refused(wrapgen("inspect", str(tmp_path / "utf8.zip")), f"error: {tmp_path / 'utf8.zip'}: ", "utf-8")


def test_a_fifo_or_a_directory_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "layer.zip"
    os.mkfifo(fifo)
    refused(wrapgen("inspect", str(fifo), timeout=20), f"error: {fifo}: not a regular file")
    refused(wrapgen("iac", "terraform", "--layer", str(fifo), timeout=20), f"error: {fifo}: not a regular file")
    refused(wrapgen("inspect", str(tmp_path)), f"error: {tmp_path}: not a regular file")
    refused(wrapgen("inspect", str(tmp_path / "missing.zip")), f"error: {tmp_path / 'missing.zip'}: No such file")


def test_names_and_values_cannot_forge_the_report_or_reach_the_terminal(tmp_path: Path) -> None:
    names = [f"x\n{FORGED}", "clear\x1b[2J", "bell\x07\x7f\x85", "line\u2028para\u2029", "rtl\u202egpj.exe", "\u2066i"]
    members = [(name, b"#!/bin/sh\x1b]0;title\x07\r\nexec true\r\n") for name in names]
    path = make_zip(tmp_path / "names.zip", members)
    run = wrapgen("inspect", str(path))
    assert run.code == 1 and "Traceback" not in run.err and run.rss < MAX_RSS
    assert controls(run.out) == [] and FORGED not in run.out.splitlines()
    assert run.out.endswith(f"\n{len(names)} file(s), {len(names)} defect(s)\n")
    assert f"/opt/x\\n{FORGED}  0755" in run.out and "defect: clear\\x1b[2J: CRLF line endings" in run.out
    assert "script: #!/bin/sh\\x1b]0;title\\x07, CRLF, executable" in run.out
    data = json.loads(wrapgen("inspect", str(path), "--format", "json").out)
    assert [file["path"] for file in data["files"]] == [f"/opt/{name}" for name in names]


def test_names_that_are_not_utf8_are_read_as_cp437(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "cp437.zip", [("cafX", b"x")])
    path.write_bytes(path.read_bytes().replace(b"cafX", b"caf\x82"))  # no UTF-8 flag: cp437, where 0x82 is é
    run = wrapgen("inspect", str(path), "--format", "json")
    assert run.code == 1 and json.loads(run.out)["files"][0]["path"] == "/opt/caf\u00e9"


def test_names_outside_opt_twice_or_a_file_and_a_directory_are_defects(tmp_path: Path) -> None:
    members = [("/etc/profile", b"x"), ("python/../../etc/x", b"x"), ("dup", b"1"), ("dup", b"2"),
               ("lib", b"x"), ("lib/", b""), ("ok/", b""), ("ok/ok", b"x")]  # fmt: skip
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = make_zip(tmp_path / "names.zip", members, mode=0o644)
    run = wrapgen("inspect", str(path))
    assert run.code == 1 and run.err == ""
    defects = [line for line in run.out.splitlines() if line.startswith("defect:")]
    assert defects == [
        "defect: /etc/profile: an absolute path: it does not unzip into /opt",
        "defect: python/../../etc/x: a '..' in the path: it would unzip outside /opt",
        "defect: dup: in the zip 2 times: which one unzips depends on the tool",
        "defect: lib: a file, and a directory of other files: the layer cannot be unzipped",
    ]


def test_iac_refuses_a_layer_with_defects(tmp_path: Path) -> None:
    """A wrapper at a path that cannot unpack under /opt never becomes AWS_LAMBDA_EXEC_WRAPPER."""
    good = tmp_path / "good.zip"
    assert wrapgen("python", "--layer", str(good), "-o", str(tmp_path / "w")).code == 0
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("wrapgen/wrapgen-python")  # beside its chain's shims and metadata
        data = archive.read(info)
    alone = tmp_path / "alone.zip"
    with zipfile.ZipFile(alone, "w") as archive:
        archive.writestr(info, data)
    assert wrapgen("iac", "terraform", "--layer", str(alone)).code == 0  # the control: the wrapper alone is fine
    for name in ("../escape/wrapgen-python", "/abs/wrapgen-python"):
        bad = tmp_path / "bad.zip"
        with zipfile.ZipFile(bad, "w") as archive:
            info.filename = name
            archive.writestr(info, data)
        refused(wrapgen("iac", "terraform", "--layer", str(bad)), "defect(s)", "wrapgen inspect")


def test_deep_paths_are_a_defect_in_bounded_memory(tmp_path: Path) -> None:
    """Three members 65 kB deep (a 400 kB zip): inspect took 3.4 GB and 23 s listing every parent of every path,
    then said 0 defects of paths Linux cannot unpack."""
    deep = [(letter + "/" + "a/" * 32765 + "b", b"x") for letter in "abc"]
    run = wrapgen("inspect", str(make_zip(tmp_path / "deep.zip", deep, mode=0o644)))
    assert run.code == 1 and run.rss < MAX_RSS, run.rss
    assert run.out.count("cannot be unpacked on Linux: a name has at most 255 bytes, a path fewer than 4096") == 3
    assert run.out.endswith("3 file(s), 3 defect(s)\n")


def test_a_module_with_a_shebang_and_no_exec_bit_is_no_defect(tmp_path: Path) -> None:
    """Imported, never run (pygments' modules start with #!): iac refused wrapgen's own layer for it. The same file
    where Lambda or a wrapper runs programs is still one."""
    script = b"#!/usr/bin/env python3\nVALUE = 1\n"
    layer = make_zip(tmp_path / "l.zip", [("python/helper.py", script), ("bin/tool", script), ("tool", script)],
                     mode=0o644)  # fmt: skip
    run = wrapgen("inspect", str(layer))
    assert run.code == 1
    assert [line.split(": ")[1] for line in run.out.splitlines() if "has no exec bit" in line] == ["bin/tool", "tool"]


def test_inspect_json_of_bytes_that_are_not_utf8_is_json(tmp_path: Path) -> None:
    made = subprocess.run([*WRAPGEN, "python", "--env", b"X=\xff", "--layer", str(tmp_path / "l.zip")],
                          capture_output=True, check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr
    result = subprocess.run([*WRAPGEN, "inspect", str(tmp_path / "l.zip"), "--format", "json"], capture_output=True,
                            check=False)  # fmt: skip
    report = json.loads(result.stdout.decode("utf-8"))  # strict: it held the raw byte
    assert "X=\udcff" in json.dumps(report, ensure_ascii=False)


SHEBANGS = [b"#!/bin/bash\n", b"#!/bin/bash -p\n", b"#! /bin/sh\n", b"#!/bin/sh \t\n", b"#!/usr/bin/env bash\n",
            b"#!/usr/bin/env -S bash -e\n", b"#!/usr/bin/env bash -e\n", b"#!/bin/bash -e -u\n",
            b"#!/bin/sh\rtrue\r", b"#!/bin/bash\r\n", b"#!bash\n", b"#!\n", b"#!/bin/bash -" + b"e" * 300 + b"\n",
            b"#!/" + b"x" * 300 + b"\n", b"#!/nonexistent\n"]  # fmt: skip


@pytest.mark.parametrize("line", SHEBANGS, ids=[repr(line)[2:30] for line in SHEBANGS])
def test_what_inspect_says_of_a_shebang_is_what_linux_does(tmp_path: Path, line: bytes) -> None:
    """Each #! line run by the kernel for real (cwd: an empty directory, as /var/task has no bash): inspect calls
    it a defect exactly where exec fails (it passed 'env bash -e', 'bash -e -u', CR endings and '#!bash'), but for
    an interpreter that does not exist, which it cannot know."""
    from wrapgen.shebang import problem

    script = tmp_path / "script"
    script.write_bytes(line + b"\nexit 0\n")
    script.chmod(0o755)
    (tmp_path / "empty").mkdir()
    try:
        started = subprocess.run([str(script)], cwd=tmp_path / "empty", capture_output=True, timeout=30,
                                 check=False).returncode == 0  # fmt: skip
    except OSError:
        started = False
    if line == b"#!/nonexistent\n":
        assert not started and problem(line) is None
        return
    assert (problem(line + b"\nexit 0\n") is None) == started, (line, problem(line))
    run = wrapgen("inspect", str(make_zip(tmp_path / "l.zip", [("wrapgen/w", script.read_bytes())])))
    assert ("exec fails" in run.out or "CRLF" in run.out) == (not started), run.out


@pytest.mark.parametrize("edit", ["cut", "appended", "none"])
def test_a_wrapgen_wrapper_that_is_not_what_its_header_says_is_a_defect(tmp_path: Path, edit: str) -> None:
    """inspect and iac read a wrapgen wrapper's header only: one cut short (a syntax error at start-up) or with an
    `exit 1` added was reported as inserting its flags, with 0 defects."""
    made = subprocess.run([*WRAPGEN, "python", "--flag", "-X importtime", "-o", str(tmp_path / "w")],
                          capture_output=True, check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr
    script = (tmp_path / "w").read_bytes()
    script = {"cut": script[:900], "appended": script + b"exit 1\n", "none": script}[edit]
    layer = make_zip(tmp_path / "l.zip", [("wrapgen/wrapgen-python", script)])
    run = wrapgen("inspect", str(layer))
    assert "inserts: -X importtime" in run.out
    assert ("not what its header's command builds" in run.out) == (edit != "none"), run.out
    assert run.code == (0 if edit == "none" else 1)
    assert wrapgen("iac", "sam", "--layer", str(layer)).code == run.code
