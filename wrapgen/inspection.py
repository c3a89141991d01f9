"""Reading any layer zip, ours or not: its files and modes, its wrappers, and what would fail at cold start."""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass

from wrapgen import shell
from wrapgen.errors import InvalidValue, WrapgenError
from wrapgen.header import read_command
from wrapgen.layer import EXTENSIONS_DIR, in_opt, path_clashes
from wrapgen.spec import WrapperSpec, spec_from_command


@dataclass(frozen=True)
class Entry:
    path: str
    size: int
    mode: int | None
    """The Unix mode, or None where the entry was not made on Unix (then it unpacks without an exec bit)."""
    shebang: str | None
    elf: bool
    """A compiled executable (ELF), which needs no #! line."""
    crlf: bool
    spec: WrapperSpec | None
    """What the wrapper does, when it is one of wrapgen's."""

    @property
    def executable(self) -> bool:
        return self.mode is not None and bool(self.mode & 0o111)


@dataclass(frozen=True)
class Report:
    entries: tuple[Entry, ...]
    defects: tuple[str, ...]


def _wrapgen_spec(text: str) -> WrapperSpec | None:
    """Read back the command in a wrapgen header; None if there is no header or it does not parse."""
    command = read_command(text)
    try:
        return None if command is None else spec_from_command(command)
    except WrapgenError:
        return None


def _entry(info: zipfile.ZipInfo, data: bytes) -> Entry:
    mode = stat.S_IMODE(info.external_attr >> 16) if info.create_system == 3 and info.external_attr >> 16 else None
    first_line = data.split(b"\n", 1)[0]
    shebang = first_line.rstrip(b"\r").decode("utf-8", "replace") if first_line.startswith(b"#!") else None
    text = data.decode("utf-8", "replace") if shebang is not None else ""
    spec = _wrapgen_spec(text) if text else None
    return Entry(info.filename, info.file_size, mode, shebang, data.startswith(b"\x7fELF"), b"\r\n" in data, spec)


def _defects(entry: Entry) -> list[str]:
    found = []
    if entry.executable and entry.shebang is None and not entry.elf:
        found.append(f"{entry.path}: executable, but neither a #! script nor a compiled program: exec fails")
    if entry.shebang is not None and not entry.executable:
        how = "was not made on Unix (no mode), so it" if entry.mode is None else "has no exec bit, so it"
        found.append(f"{entry.path}: {how} fails with exit 126 ('is not an executable') at cold start")
    if entry.shebang is not None and entry.crlf:
        found.append(f"{entry.path}: CRLF line endings; '{entry.shebang}\\r' is not an interpreter")
    if entry.path.startswith(EXTENSIONS_DIR + "/") and entry.path.count("/") == 1 and not entry.executable:
        found.append(f"{entry.path}: Lambda starts every file in /opt/extensions, and this one is not executable")
    return found


def inspect_layer(data: bytes) -> Report:
    """What is in a layer zip and what in it would fail at cold start."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise InvalidValue(f"not a zip file: {error}") from None
    entries = [_entry(info, archive.read(info)) for info in archive.infolist() if not info.is_dir()]
    defects = [defect for entry in entries for defect in _defects(entry)]
    defects += [f"{clash}: a file, and a directory of other files: the layer cannot be unzipped"
                for clash in path_clashes(entry.path for entry in entries)]  # fmt: skip
    return Report(tuple(entries), tuple(defects))


def describe_report(report: Report) -> str:
    """The report as text, one block per file."""
    out = []
    for entry in report.entries:
        mode = "no unix mode" if entry.mode is None else f"{entry.mode:04o}"
        out.append(f"{in_opt(entry.path)}  {mode}  {entry.size} bytes")
        if entry.shebang is not None:
            endings = "CRLF" if entry.crlf else "LF"
            out.append(
                f"    script: {entry.shebang}, {endings}, {'executable' if entry.executable else 'NOT executable'}"
            )
        if entry.spec is not None:
            spec = entry.spec
            out.append(f"    wrapgen {spec.family.name} wrapper: AWS_LAMBDA_EXEC_WRAPPER={in_opt(entry.path)}")
            if spec.inserted:
                out.append(f"    inserts: {shell.words(spec.inserted)}")
            if spec.dropped:
                out.append(f"    removes: {shell.words(spec.dropped)}")
            for name, value in spec.variables + spec.defaults:
                out.append(f"    sets: {name}={shell.word(value)}")
            if spec.then:
                out.append(f"    then: {spec.then}")
    out += [f"defect: {defect}" for defect in report.defects]
    out.append(f"{len(report.entries)} file(s), {len(report.defects)} defect(s)")
    return "\n".join(out) + "\n"


def report_data(report: Report) -> dict[str, object]:
    """The report as data (for --format json): each file, and the defects."""
    files = []
    for entry in report.entries:
        spec = entry.spec
        files.append({
            "path": in_opt(entry.path),
            "size": entry.size,
            "mode": None if entry.mode is None else f"{entry.mode:04o}",
            "executable": entry.executable,
            "shebang": entry.shebang,
            "elf": entry.elf,
            "crlf": entry.crlf,
            "wrapper": None if spec is None else {
                "family": spec.family.name,
                "inserts": list(spec.inserted),
                "removes": list(spec.dropped),
                "sets": [{"name": name, "value": value} for name, value in spec.variables + spec.defaults],
                "then": spec.then,
                "command": spec.command(),
            },
        })  # fmt: skip
    return {"files": files, "defects": list(report.defects)}
