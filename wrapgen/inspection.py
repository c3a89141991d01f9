"""Reading any layer zip, ours or not: its files and modes, its wrappers, and what would fail at cold start."""

from __future__ import annotations

import json
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from wrapgen import shell
from wrapgen.errors import InvalidValue, WrapgenError
from wrapgen.header import read_command
from wrapgen.layer import EXTENSIONS_DIR, TOO_LONG, WRAPPER_DIR, in_opt, path_clashes, too_long
from wrapgen.printable import printable, surrogates_escaped
from wrapgen.shebang import problem
from wrapgen.spec import WrapperSpec, spec_from_command
from wrapgen.zipread import HEAD, Member, read_zip, zip_name

SHEBANG = 256
"""Bytes of a #! line kept: Linux reads no more of it (BINPRM_BUF_SIZE)."""
COMMANDS = 64 * 1024
"""Characters of wrapgen commands read back from one zip, all headers together. A real command takes a few
hundred; each costs the checks of its every flag (a 60 KB one takes 0.2 s) and its spec's memory."""
PIECE = 64 * 1024
"""Characters of the report printed at a time."""


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
    exec_problem: str | None = None
    """Why Linux would not start it by its #! line (wrapgen.shebang), where it would not."""
    edited: bool = False
    """A wrapgen wrapper of this version that is not what its header's command builds: hand-edited or damaged."""

    @property
    def executable(self) -> bool:
        return self.mode is not None and bool(self.mode & 0o111)


@dataclass(frozen=True)
class Report:
    entries: tuple[Entry, ...]
    defects: tuple[str, ...]


def _header_command(member: Member) -> list[str] | None:
    """The command in a script's wrapgen header; None if it is no #! script or has no such header."""
    head = member.head
    if not head.startswith(b"#!"):
        return None
    if member.size > HEAD:
        head = head[: head.rfind(b"\n") + 1]  # whole lines only: a command cut short would read as another
    return read_command(head.decode("utf-8", "replace"))


def _wrapgen_spec(command: list[str] | None) -> WrapperSpec | None:
    """What the command in a wrapgen header asks for; None if there is none or it does not parse."""
    try:
        return None if command is None else spec_from_command(command)
    except WrapgenError:
        return None


def _entry(member: Member, command: list[str] | None) -> Entry:
    info, head = member.info, member.head
    mode = stat.S_IMODE(info.external_attr >> 16) if info.create_system == 3 and info.external_attr >> 16 else None
    first_line = head.split(b"\n", 1)[0][:SHEBANG]
    shebang = first_line.rstrip(b"\r").decode("utf-8", "replace") if first_line.startswith(b"#!") else None
    spec = _wrapgen_spec(command)
    return Entry(
        info.filename,
        member.size,
        mode,
        shebang,
        head.startswith(b"\x7fELF"),
        member.crlf,
        spec,
        problem(head),
        spec is not None and _edited(member, spec),
    )


def _edited(member: Member, spec: WrapperSpec) -> bool:
    """Whether a wrapper this wrapgen made is no longer what its header's command builds (a wrapper of another
    version may differ and be sound: it is not judged)."""
    from wrapgen import __version__
    from wrapgen.header import GENERATED
    from wrapgen.render import render_wrapper

    if f"\n# {GENERATED} {__version__}:".encode() not in member.head[:4096]:
        return False
    built = render_wrapper(spec).text.encode()
    return member.size != len(built) or not built.startswith(member.head)


def _defects(entry: Entry) -> list[str]:
    found = []
    if entry.executable and entry.shebang is None and not entry.elf:
        found.append(f"{entry.path}: executable, but neither a #! script nor a compiled program: exec fails")
    if entry.shebang is not None and not entry.executable and _run_as_a_program(entry.path):
        how = "was not made on Unix (no mode), so it" if entry.mode is None else "has no exec bit, so it"
        found.append(f"{entry.path}: {how} fails with exit 126 ('is not an executable') at cold start")
    if entry.shebang is not None and entry.crlf:
        found.append(f"{entry.path}: CRLF line endings; '{entry.shebang}\\r' is not an interpreter")
    elif entry.exec_problem is not None and entry.executable:
        found.append(f"{entry.path}: exec fails: {entry.exec_problem}")
    if entry.edited:
        found.append(f"{entry.path}: not what its header's command builds (hand-edited or damaged): what is said of"
                     " it here is its header's word only (wrapgen check, wrapgen explain)")  # fmt: skip
    if entry.path.startswith(EXTENSIONS_DIR + "/") and entry.path.count("/") == 1 and not entry.executable:
        found.append(f"{entry.path}: Lambda starts every file in /opt/extensions, and this one is not executable")
    return found


def _run_as_a_program(path: str) -> bool:
    """Whether a file is where Lambda or a wrapper runs programs from: /opt itself, /opt/bin, wrapgen's directory,
    /opt/extensions. A module deeper in a language's directory (python/lib/x.py) may start with #! and is imported,
    never run: its missing exec bit is no defect."""
    return path.count("/") == 0 or path.split("/", 1)[0] in ("bin", WRAPPER_DIR, EXTENSIONS_DIR)


def _name_defects(names: list[str]) -> list[str]:
    """Names that unzip outside /opt, twice, or as a file where others need a directory (`x` and `x/y`)."""
    found = []
    for name in dict.fromkeys(names):
        if name.startswith("/"):
            found.append(f"{name}: an absolute path: it does not unzip into /opt")
        if ".." in name.split("/"):
            found.append(f"{name}: a '..' in the path: it would unzip outside /opt")
    found += [f"{name}: in the zip {count} times: which one unzips depends on the tool"
              for name, count in Counter(names).items() if count > 1 and not name.endswith("/")]  # fmt: skip
    found += [f"{name[:60]}...: {TOO_LONG}" for name in dict.fromkeys(names) if too_long(name.rstrip("/"))]
    found += [f"{clash}: a file, and a directory of other files: the layer cannot be unzipped"
              for clash in path_clashes(names)]  # fmt: skip
    return found


def inspect_layer(zip_file: str | bytes) -> Report:
    """What is in a layer zip (a path, or its bytes) and what in it would fail at cold start."""
    entries, names, commands = [], [], 0
    for member in read_zip(zip_file):
        names.append(member.info.filename)
        if member.info.is_dir():
            continue
        command = _header_command(member)
        commands += sum(len(word) for word in command or ())
        if commands > COMMANDS:
            raise InvalidValue(printable(f"{zip_name(zip_file)}: its wrapgen headers hold more than {COMMANDS} "
                                         "characters of commands; wrapgen reads no more"))  # fmt: skip
        entries.append(_entry(member, command))
    defects = [defect for entry in entries for defect in _defects(entry)] + _name_defects(names)
    return Report(tuple(entries), tuple(defects))


def the_wrapper(report: Report, shown: str, name: str | None = None, hint: str | None = None) -> Entry:
    """The one wrapgen wrapper of a layer (of that name, if given); InvalidValue where it holds none or several."""
    ours = [e for e in report.entries if e.spec is not None and (name is None or e.spec.name == name)]
    if len(ours) != 1:
        found = ", ".join(printable(e.path) for e in report.entries if e.spec is not None) or "none"
        raise InvalidValue(f"{printable(shown)}: want one wrapgen wrapper, found: {found}", hint)
    return ours[0]


def describe_report(report: Report) -> Iterator[str]:
    """The report as text, one block per file, in pieces (a big report is never held whole as text); every name
    and value from the zip goes through printable()."""
    return _pieces(line + "\n" for line in _text_lines(report))


def report_json(report: Report) -> Iterator[str]:
    """The report as a JSON object (report_data), in pieces; printed as the other commands print JSON."""
    encoded = json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(report_data(report))
    return _pieces(chain(map(surrogates_escaped, encoded), "\n"))


def _pieces(strings: Iterable[str]) -> Iterator[str]:
    """The strings joined into pieces of about PIECE characters: few writes, and never the whole text at once."""
    batch: list[str] = []
    size = 0
    for string in strings:
        batch.append(string)
        size += len(string)
        if size >= PIECE:
            yield "".join(batch)
            batch, size = [], 0
    yield "".join(batch)


def _text_lines(report: Report) -> Iterator[str]:
    for entry in report.entries:
        path = printable(in_opt(entry.path))
        mode = "no unix mode" if entry.mode is None else f"{entry.mode:04o}"
        yield f"{path}  {mode}  {entry.size} bytes"
        if entry.shebang is not None:
            endings = "CRLF" if entry.crlf else "LF"
            executable = "executable" if entry.executable else "NOT executable"
            yield f"    script: {printable(entry.shebang)}, {endings}, {executable}"
        if entry.spec is not None:
            spec = entry.spec
            yield f"    wrapgen {spec.family.name} wrapper: AWS_LAMBDA_EXEC_WRAPPER={path}"
            if spec.inserted:
                yield f"    inserts: {printable(shell.words(spec.inserted))}"
            if spec.dropped:
                yield f"    removes: {printable(shell.words(spec.dropped))}"
            for name, value in spec.variables + spec.defaults:
                yield f"    sets: {printable(name)}={printable(shell.word(value))}"
            if spec.first:
                yield f"    first: {printable(', '.join(spec.first))}"
            if spec.then:
                yield f"    then: {printable(', '.join(spec.then))}"
    yield from (f"defect: {printable(defect)}" for defect in report.defects)
    yield f"{len(report.entries)} file(s), {len(report.defects)} defect(s)"


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
                "first": list(spec.first),
                "then": list(spec.then),
                "command": spec.command(),
            },
        })  # fmt: skip
    return {"files": files, "defects": list(report.defects)}
