#!/usr/bin/env python3
"""Rebuild wrapgen/tables/java.json: the java command-line options, per Lambda runtime version.

Usage:
    python scripts/tables/java.py 11=/path/bin/java 17=/path/bin/java 21=... 25=... [-o/--out FILE]

Every version given as KEY=JAVA is measured on that real JVM:
  * the "xx" sub-table (what follows -XX:) from
    `java -XX:+UnlockDiagnosticVMOptions -XX:+UnlockExperimentalVMOptions -XX:+PrintFlagsFinal -version`,
    plus the obsolete flags and deprecated flag aliases the VM still accepts: every identifier found in
    libjvm.so that is not a flag is passed once as -XX:-NAME under -XX:+IgnoreUnrecognizedVMOptions
    and the VM's "Ignoring option ..." / "... Use option X instead" warnings are read back,
    plus -XX:Flags= and -XX:VMOptionsFile= (read by the argument parser, not flags) when accepted;
  * the launcher options from `java --help` and `java --help-extra` (which ones are listed), each
    option (listed or a known unlisted one, SPEC below) is run once with a sample value to see whether
    this JVM accepts it and in which spellings (`--name value`, `--name=value`).
Java 8 has no binary here: its entries come from the embedded source data at the end of this file
(Corretto 8 hotspot/src/share/vm/runtime/globals.hpp; OpenJDK 8u c1_globals.hpp, c2_globals.hpp,
g1_globals.hpp, cpu/x86 globals_x86.hpp, os/linux globals_linux.hpp, runtime/arguments.cpp;
jdk/src/share/bin/java.c and sun/launcher/resources/launcher.properties). Give 8=JAVA to measure
a real JDK 8 instead.

extract(java) returns one JVM's view; view(table, key) returns the same shape from a table,
so a test can compare a real JVM with the committed table.

Table format: see the schema in the wrapgen docs.  Two additions: an "xx" or "options" entry whose
attributes differ between versions has "by_version": {KEY: full entry for that version} (the
entry's own attributes are the newest version's); an "xx" entry with category "obsolete" has no
"type" (the VM ignores the flag in any spelling, with a warning).
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from common import parser, write

KEYS = ("8", "11", "17", "21", "25")
REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "wrapgen" / "tables" / "java.json"

HOTSPOT_TYPES = {
    "bool": "bool",
    "intx": "int",
    "int": "int",
    "uintx": "uint",
    "uint": "uint",
    "uint64_t": "uint",
    "size_t": "size",
    "double": "double",
    "ccstr": "string",
    "ccstrlist": "string",
}
ENV_DROP = ("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH")
# Output that means the launcher or the VM refused the option itself (not its value).
REJECTED = (
    "Unrecognized option",
    "Unrecognized VM option",
    "no longer a supported option",
    "is no longer supported",
    "no longer valid",
)

XX_NOTE = (
    "HotSpot flag: -XX:+NAME / -XX:-NAME for bool flags, -XX:NAME=VALUE for the others; a diagnostic "
    "flag needs -XX:+UnlockDiagnosticVMOptions and an experimental one -XX:+UnlockExperimentalVMOptions "
    "earlier on the command line (JVMCI* flags, experimental, mostly also need -XX:+EnableJVMCI); integer values "
    "(int, uint, size) also take k/m/g/t suffixes and 0x hex"
)
NOT_LISTED = "not listed by java -help or -X"
OBSOLETE_NOTE = "accepted and ignored with a warning (support was removed in {})"
J8_SPECIAL_NOTE = "old spelling handled by the argument parser (arguments.cpp), not a flag"
EXITS = "exits: prints {} and exits without running the program"
PROGRAM = "program: {}; the words after it are the program's arguments"

# Launcher and -X options. Keys: value/type/choices/note (the entry), alias (a spelling of another
# option), probe (argv that must be accepted, {tmp} = a scratch directory), sample (for value "auto":
# probe both `NAME SAMPLE` and `NAME=SAMPLE`), final (the probe exits by itself: no -version after
# it), known (a probe exit status != 0 is fine as long as the option itself was not refused),
# in8 (exists in Java 8, from java.c / arguments.cpp), note8, extra_choices ({choice: probe}),
# listed (do not note "not listed" when --help/-X omit it).
SPEC: dict[str, dict] = {
    "-cp": dict(value="separate", type="string", probe=["-cp", "{tmp}"], in8=True),
    "-classpath": dict(alias="-cp", probe=["-classpath", "{tmp}"], in8=True),
    "--class-path": dict(value="auto", type="string", sample="{tmp}"),
    "-p": dict(value="separate", type="string", probe=["-p", "{tmp}"]),
    "--module-path": dict(value="auto", type="string", sample="{tmp}"),
    "--upgrade-module-path": dict(value="auto", type="string", sample="{tmp}"),
    "--add-modules": dict(value="auto", type="string", sample="java.base"),
    "--limit-modules": dict(value="auto", type="string", sample="java.base"),
    "--add-opens": dict(value="auto", type="string", sample="java.base/java.lang=ALL-UNNAMED"),
    "--add-exports": dict(value="auto", type="string", sample="java.base/java.lang=ALL-UNNAMED"),
    "--add-reads": dict(value="auto", type="string", sample="java.base=ALL-UNNAMED"),
    "--patch-module": dict(value="auto", type="string", sample="java.base={tmp}"),
    "--enable-native-access": dict(value="auto", type="string", sample="ALL-UNNAMED"),
    "--source": dict(value="auto", type="string", sample="11"),
    "--illegal-access": dict(value="auto", type="choice", sample="warn", choices=["debug", "deny", "permit", "warn"]),
    "--finalization": dict(value="auto", type="choice", sample="enabled", choices=["disabled", "enabled"]),
    "--sun-misc-unsafe-memory-access": dict(
        value="auto", type="choice", sample="warn", choices=["allow", "debug", "deny", "warn"]
    ),
    "--illegal-native-access": dict(value="auto", type="choice", sample="warn", choices=["allow", "deny", "warn"]),
    "--enable-preview": dict(probe=["--enable-preview"]),
    "--show-module-resolution": dict(probe=["--show-module-resolution"]),
    "--dry-run": dict(probe=["--dry-run"], note="creates the VM and loads the main class but does not run it"),
    "--list-modules": dict(probe=["--list-modules"], final=True, note=EXITS.format("the observable modules")),
    "--validate-modules": dict(probe=["--validate-modules"], final=True, note=EXITS.format("module conflicts")),
    "--describe-module": dict(
        value="auto", type="string", sample="java.base", final=True, note=EXITS.format("a module's descriptor")
    ),
    "-d": dict(
        value="separate",
        type="string",
        probe=["-d", "java.base"],
        final=True,
        note=EXITS.format("a module's descriptor"),
    ),
    "-jar": dict(
        value="separate",
        type="string",
        probe=["-jar", "{tmp}/none.jar"],
        final=True,
        known=True,
        note=PROGRAM.format("the next word is the JAR file to run"),
        in8=True,
    ),
    "-m": dict(
        value="separate",
        type="string",
        probe=["-m", "wrapgen.none"],
        final=True,
        known=True,
        note=PROGRAM.format("the next word is <module>[/<mainclass>] to run"),
    ),
    "--module": dict(
        value="auto",
        type="string",
        sample="wrapgen.none",
        final=True,
        known=True,
        note=PROGRAM.format("the value is <module>[/<mainclass>] to run"),
    ),
    "@": dict(
        value="attached",
        type="string",
        probe=["@{tmp}/argfile"],
        note="argument file: the launcher replaces @FILE by the words in FILE",
    ),
    "--disable-@files": dict(probe=["--disable-@files"]),
    "-disable-@files": dict(probe=["-disable-@files"]),
    "-D": dict(value="attached", type="string", probe=["-Dwrapgen.probe=1"], in8=True, note="-DNAME=VALUE"),
    "-verbose": dict(
        value="optional-attached",
        type="choice",
        choices=[":class", ":gc", ":jni"],
        probe=["-verbose:gc"],
        in8=True,
        note="the value includes its leading ':' (-verbose:gc); the VM ignores other values silently",
    ),
    "-version": dict(probe=["-version"], final=True, in8=True, note=EXITS.format("the version (stderr)")),
    "--version": dict(probe=["--version"], final=True, note=EXITS.format("the version (stdout)")),
    "-showversion": dict(probe=["-showversion"], in8=True),
    "--show-version": dict(probe=["--show-version"]),
    "-fullversion": dict(probe=["-fullversion"], final=True, in8=True, note=EXITS.format("the full version")),
    "-help": dict(probe=["-help"], final=True, in8=True, note=EXITS.format("the usage")),
    "-h": dict(alias="-help", probe=["-h"], final=True, in8=True),
    "-?": dict(alias="-help", probe=["-?"], final=True, in8=True),
    "--help": dict(probe=["--help"], final=True, note=EXITS.format("the usage (stdout)")),
    "-X": dict(probe=["-X"], final=True, in8=True, note=EXITS.format("the -X options")),
    "--help-extra": dict(probe=["--help-extra"], final=True, note=EXITS.format("the -X options (stdout)")),
    "-ea": dict(
        value="optional-attached",
        type="string",
        probe=["-ea:wrapgen..."],
        in8=True,
        note="the value includes its leading ':' (-ea:com.example... or -ea:com.example.Main)",
    ),
    "-enableassertions": dict(alias="-ea", probe=["-enableassertions:wrapgen..."], in8=True),
    "-da": dict(
        value="optional-attached",
        type="string",
        probe=["-da:wrapgen..."],
        in8=True,
        note="the value includes its leading ':' (-da:com.example... or -da:com.example.Main)",
    ),
    "-disableassertions": dict(alias="-da", probe=["-disableassertions:wrapgen..."], in8=True),
    "-esa": dict(probe=["-esa"], in8=True),
    "-enablesystemassertions": dict(alias="-esa", probe=["-enablesystemassertions"], in8=True),
    "-dsa": dict(probe=["-dsa"], in8=True),
    "-disablesystemassertions": dict(alias="-dsa", probe=["-disablesystemassertions"], in8=True),
    "-agentlib:": dict(
        value="attached",
        type="string",
        probe=["-agentlib:wrapgen_none"],
        known=True,
        in8=True,
        note="-agentlib:LIBNAME[=OPTIONS]",
    ),
    "-agentpath:": dict(
        value="attached",
        type="string",
        probe=["-agentpath:{tmp}/none.so"],
        known=True,
        in8=True,
        note="-agentpath:PATH[=OPTIONS]",
    ),
    "-javaagent:": dict(
        value="attached",
        type="string",
        probe=["-javaagent:{tmp}/none.jar"],
        known=True,
        in8=True,
        note="-javaagent:JAR[=OPTIONS]",
    ),
    "-splash:": dict(value="attached", type="string", probe=["-splash:{tmp}/none.png"], in8=True),
    "-XX:": dict(
        value="attached",
        type="table:xx",
        probe=["-XX:+UnlockDiagnosticVMOptions"],
        in8=True,
        listed=True,
        note=XX_NOTE,
    ),
    "-server": dict(probe=["-server"], in8=True, note="VM selection (jvm.cfg): the default server VM"),
    "-client": dict(probe=["-client"], in8=True, note="VM selection (jvm.cfg): ignored, the server VM runs"),
    "-d64": dict(probe=["-d64"], in8=True, note="64-bit data model: the only one these builds have"),
    "-d32": dict(probe=["-d32"], in8=False),
    "-version:": dict(
        value="attached",
        type="string",
        probe=["-version:1.8+"],
        in8=True,
        note="multiple-JRE version selection (deprecated); fails when no JRE satisfies the version",
    ),
    "-jre-restrict-search": dict(probe=["-jre-restrict-search"], in8=True),
    "-no-jre-restrict-search": dict(probe=["-no-jre-restrict-search"], in8=True),
    # old spellings kept by java.c
    "-verbosegc": dict(probe=["-verbosegc"], in8=True, note="old spelling of -verbose:gc"),
    "-noclassgc": dict(probe=["-noclassgc"], in8=True, note="old spelling of -Xnoclassgc"),
    "-verify": dict(probe=["-verify"], in8=True, note="old spelling of -Xverify:all"),
    "-verifyremote": dict(probe=["-verifyremote"], in8=True, note="old spelling of -Xverify:remote"),
    "-noverify": dict(probe=["-noverify"], in8=True, note="old spelling of -Xverify:none"),
    "-debug": dict(probe=["-debug"], in8=True, note="old spelling of -Xdebug"),
    "-ms": dict(value="attached", type="size", probe=["-ms32m"], in8=True, note="old spelling of -Xms"),
    "-mx": dict(value="attached", type="size", probe=["-mx64m"], in8=True, note="old spelling of -Xmx"),
    "-ss": dict(value="attached", type="size", probe=["-ss1m"], in8=True, note="old spelling of -Xss"),
    "-oss": dict(value="attached", type="size", probe=["-oss1m"], in8=True, note="old spelling of -Xoss (ignored)"),
    "-checksource": dict(probe=["-checksource"], in8=True, note8="accepted but ignored with a warning"),
    "-cs": dict(probe=["-cs"], in8=True, note8="accepted but ignored with a warning"),
    "-noasyncgc": dict(probe=["-noasyncgc"], in8=True, note8="accepted but ignored with a warning"),
    "-prof": dict(
        value="optional-attached",
        type="string",
        probe=["-prof"],
        in8=True,
        note="old spelling of -Xrunhprof:cpu=old,file=...",
    ),
    "-t": dict(probe=["-t"], in8=False),
    "-tm": dict(probe=["-tm"], in8=False),
    # -X options (the VM's, some via the launcher)
    "-Xmixed": dict(probe=["-Xmixed"], in8=True),
    "-Xint": dict(probe=["-Xint"], in8=True),
    "-Xcomp": dict(probe=["-Xcomp"], in8=True),
    "-Xbatch": dict(probe=["-Xbatch"], in8=True),
    "-Xnoclassgc": dict(probe=["-Xnoclassgc"], in8=True),
    "-Xrs": dict(probe=["-Xrs"], in8=True),
    "-Xdiag": dict(probe=["-Xdiag"], in8=True),
    "-Xdebug": dict(probe=["-Xdebug"], in8=True),
    "-Xnoagent": dict(probe=["-Xnoagent"], in8=True),
    "-Xfuture": dict(probe=["-Xfuture"], in8=True),
    "-Xprof": dict(probe=["-Xprof"], in8=True),
    "-Xincgc": dict(probe=["-Xincgc"], in8=True),
    "-Xnoincgc": dict(probe=["-Xnoincgc"], in8=True),
    "-Xconcgc": dict(probe=["-Xconcgc"], in8=True),
    "-Xnoconcgc": dict(probe=["-Xnoconcgc"], in8=True),
    "-Xconcurrentio": dict(probe=["-Xconcurrentio"], in8=True),
    "-Xusealtsigs": dict(probe=["-Xusealtsigs"], in8=True),
    "-Xoptimize": dict(probe=["-Xoptimize"], in8=True),
    "-Xsqnopause": dict(probe=["-Xsqnopause"], in8=True),
    "-Xboundthreads": dict(probe=["-Xboundthreads"], in8=True),
    "-native": dict(probe=["-native"], in8=True, note="ignored"),
    "-green": dict(probe=["-green"], in8=False),
    "-Xinternalversion": dict(
        probe=["-Xinternalversion"], final=True, in8=True, note=EXITS.format("the VM's internal version")
    ),
    "-Xcheck:jni": dict(probe=["-Xcheck:jni"], in8=True),
    "-Xverify": dict(
        value="optional-attached",
        type="choice",
        choices=[":all", ":none", ":remote"],
        probe=["-Xverify:remote"],
        in8=True,
        note="the value includes its leading ':' (-Xverify:none)",
    ),
    "-Xshare:": dict(
        value="attached",
        type="choice",
        choices=["auto", "off", "on"],
        probe=["-Xshare:auto"],
        in8=True,
        extra_choices={"dump": ["-Xshare:dump", "-XX:SharedArchiveFile={tmp}/probe.jsa"]},
        note="-Xshare:dump writes a CDS archive and exits",
    ),
    "-XshowSettings": dict(
        value="optional-attached",
        type="choice",
        choices=[":all", ":locale", ":properties", ":vm"],
        probe=["-XshowSettings:vm"],
        in8=True,
        note="the value includes its leading ':' (-XshowSettings:vm)",
    ),
    "-Xlog": dict(
        value="optional-attached",
        type="string",
        probe=["-Xlog:disable"],
        note="the value includes its leading ':' (-Xlog:gc*:file=gc.log); -Xlog:help prints the syntax and exits",
    ),
    "-Xloggc:": dict(value="attached", type="string", probe=["-Xloggc:{tmp}/gc.log"], in8=True),
    "-Xbootclasspath/a:": dict(value="attached", type="string", probe=["-Xbootclasspath/a:{tmp}"], in8=True),
    "-Xbootclasspath:": dict(value="attached", type="string", probe=["-Xbootclasspath:{tmp}"], in8=True),
    "-Xbootclasspath/p:": dict(value="attached", type="string", probe=["-Xbootclasspath/p:{tmp}"], in8=True),
    "-Xmn": dict(value="attached", type="size", probe=["-Xmn16m"], in8=True),
    "-Xms": dict(value="attached", type="size", probe=["-Xms32m"], in8=True),
    "-Xmx": dict(value="attached", type="size", probe=["-Xmx64m"], in8=True),
    "-Xss": dict(value="attached", type="size", probe=["-Xss1m"], in8=True),
    "-Xmaxf": dict(value="attached", type="double", probe=["-Xmaxf0.7"], in8=True, note="0..1, MaxHeapFreeRatio/100"),
    "-Xminf": dict(value="attached", type="double", probe=["-Xminf0.3"], in8=True, note="0..1, MinHeapFreeRatio/100"),
    "-Xmaxjitcodesize": dict(value="attached", type="size", probe=["-Xmaxjitcodesize64m"], in8=True),
    "-Xoss": dict(value="attached", type="size", probe=["-Xoss1m"], in8=True, note="ignored"),
    "-Xrun": dict(
        value="attached",
        type="string",
        probe=["-Xrunwrapgen_none"],
        known=True,
        in8=True,
        note="-XrunLIBNAME[:OPTIONS], old form of -agentlib",
    ),
}
# Listed spellings that stand for an option with a value ("-Xshare:auto" is -Xshare: with "auto").
CHOICE_PREFIXES = ("-Xshare:", "-XshowSettings", "-Xlog", "-verbose", "-Xverify")


def _run(java: str, args: list[str], cwd: str | None = None, timeout: int = 300) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_DROP}
    proc = subprocess.run(
        [java, *args],
        capture_output=True,
        text=True,
        errors="replace",
        env=env,
        cwd=cwd,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return proc.returncode, proc.stdout, proc.stderr


def java_version(java: str) -> tuple[str, str]:
    """(version as in `java -version`, a longer description for made_by)."""
    _, out, err = _run(java, ["-version"])
    text = err + out
    m = re.search(r'version "([^"]+)"', text)
    if not m:
        raise RuntimeError(f"{java}: no version in: {text!r}")
    version = m.group(1)
    _, fout, ferr = _run(java, ["-fullversion"])
    fm = re.search(r'full version "([^"]+)"', ferr + fout)
    full = fm.group(1) if fm else version
    vm = re.search(r"Runtime Environment (\S+)", text)
    vendor = vm.group(1) if vm and not vm.group(1).startswith("(") else ""
    return version, (f"{full} ({vendor})" if vendor and vendor.split("-")[0] not in full else full)


def major(version: str) -> str:
    return version.split(".")[1] if version.startswith("1.") else re.match(r"\d+", version).group(0)


# ---------------------------------------------------------------------------------------------- -XX


def _category(kinds: str) -> str:
    words = kinds.split()
    for category in ("manageable", "diagnostic", "experimental"):
        if category in words:
            return category
    return "product"


_PFF = re.compile(r"^\s*(\w+)\s+(\w+)\s+:?=\s?(.*?)\s*\{([^}]*)\}(?:\s*\{[^}]*\})?\s*$")


def flags_final(java: str) -> dict[str, dict]:
    rc, out, err = _run(
        java, ["-XX:+UnlockDiagnosticVMOptions", "-XX:+UnlockExperimentalVMOptions", "-XX:+PrintFlagsFinal", "-version"]
    )
    flags: dict[str, dict] = {}
    for line in out.splitlines():
        m = _PFF.match(line)
        if not m:
            continue
        htype, name, _value, kinds = m.groups()
        if htype not in HOTSPOT_TYPES:
            raise RuntimeError(f"{java}: unknown flag type {htype!r} in {line!r}")
        flags[name] = {"type": HOTSPOT_TYPES[htype], "category": _category(kinds)}
    if rc != 0 or len(flags) < 300:
        raise RuntimeError(f"{java}: -XX:+PrintFlagsFinal gave {len(flags)} flags, exit {rc}: {err[-500:]}")
    return flags


def _libjvm(java: str) -> Path | None:
    home = Path(java).resolve().parent.parent
    found = sorted(home.rglob("libjvm.so"), key=lambda p: ("/server/" not in str(p), str(p)))
    return found[0] if found else None


_IDENT = re.compile(rb"(?<![\x21-\x7e])([A-Z][A-Za-z0-9_]{2,80})\x00")


def hidden_flags(java: str, known: set[str]) -> dict[str, dict]:
    """Obsolete flags (ignored with a warning) and deprecated aliases the VM still accepts."""
    lib = _libjvm(java)
    if lib is None:
        print(f"warning: {java}: no libjvm.so found, obsolete flags not probed", file=sys.stderr)
        return {}
    names: set[str] = set()
    for m in _IDENT.finditer(lib.read_bytes()):
        word = m.group(1).decode()
        # the linker may merge a string into the tail of a longer one: try every capitalised tail
        names.update(word[i:] for i, ch in enumerate(word) if ch.isupper() and len(word) - i >= 3)
    args = ["-XX:+IgnoreUnrecognizedVMOptions"] + ["-XX:-" + n for n in sorted(names - known)]
    for _ in range(100):
        rc, out, err = _run(java, [*args, "-version"])
        if rc == 0:
            break
        m = re.search(r"VM option '([^'=]+)", err)
        if not m or "-XX:-" + m.group(1) not in args:
            raise RuntimeError(f"{java}: obsolete-flag probe failed: {err[-800:]}")
        args.remove("-XX:-" + m.group(1))
    else:
        raise RuntimeError(f"{java}: obsolete-flag probe did not settle")
    found: dict[str, dict] = {}
    for line in (err + out).splitlines():
        if m := re.search(r"Ignoring option (\w+); support was removed in (\S+?)\.?$", line):
            found[m.group(1)] = {
                "category": "obsolete",
                "note": OBSOLETE_NOTE.format(m.group(2)),
            }
        elif m := re.search(r"Ignoring obsolete option (\w+); (.+?)\.?$", line):
            found[m.group(1)] = {"category": "obsolete", "note": f"accepted and ignored with a warning ({m.group(2)})"}
        elif m := re.search(r"Option (\w+) was deprecated in version (\S+?) .*Use option (\w+) instead", line):
            alias, target = m.group(1), m.group(3)
            found[alias] = {"alias_of": target, "note": f"deprecated alias of {target} (warns)"}
    return found


def special_xx(java: str, tmp: str) -> dict[str, dict]:
    """-XX: words the argument parser reads itself (not flags)."""
    empty = os.path.join(tmp, "empty")
    found = {}
    for name, note in (
        ("Flags", "read by the argument parser, not a flag: -XX:Flags=FILE reads flag settings from FILE"),
        ("VMOptionsFile", "read by the argument parser, not a flag: -XX:VMOptionsFile=FILE reads VM options from FILE"),
    ):
        rc, _, _ = _run(java, [f"-XX:{name}={empty}", "-version"], cwd=tmp)
        if rc == 0:
            found[name] = {"type": "string", "category": "product", "note": note}
    return found


def xx_view(java: str, tmp: str) -> dict[str, dict]:
    flags = flags_final(java)
    xx = dict(flags)
    for name, entry in hidden_flags(java, set(flags)).items():
        target = entry.pop("alias_of", None)
        if target is not None:
            if target not in flags:
                continue
            entry = {**flags[target], "note": entry["note"]}
        xx[name] = entry
    for name, entry in special_xx(java, tmp).items():
        xx.setdefault(name, entry)
    return xx


# ----------------------------------------------------------------------------------------- launcher


def _help_texts(java: str) -> str:
    texts = []
    for first, fallback in ((["--help"], ["-help"]), (["--help-extra"], ["-X"])):
        rc, out, err = _run(java, first)
        if rc != 0:
            rc, out, err = _run(java, fallback)
        texts.append(out + err)
    return "\n".join(texts)


def _spec_name(base: str, token: str) -> tuple[str | None, list[str]]:
    """Map a listed spelling to a SPEC name and the choices the spelling shows."""
    if base in SPEC:
        return base, []
    if base.rstrip(":=") in SPEC:
        name = base.rstrip(":=")
        bracket = re.search(r"\[([^\]<]*)\]", token)
        return name, [":" + c for c in bracket.group(1).split("|")] if bracket else []
    for prefix in CHOICE_PREFIXES:
        if base.startswith(prefix) and base != prefix:
            rest = base[len(prefix) :]
            if prefix == "-Xlog":
                return prefix, []
            return prefix, [rest]
    return None, []


def parse_help(text: str) -> dict[str, dict]:
    """{name: {"choices": [...], "desc": str, "syntax": str}} for the options a help text lists."""
    listed: dict[str, dict] = {}

    def add(name: str, choices: list[str], desc: str, syntax: str) -> None:
        entry = listed.setdefault(name, {"choices": [], "desc": "", "syntax": syntax})
        entry["choices"] += [c for c in choices if c not in entry["choices"]]
        entry["desc"] = (entry["desc"] + " " + desc).strip()

    lines = text.splitlines()
    for line in lines:
        for m in re.finditer(r"java \[-?options\] (--?[\w-]+)", line):
            add(m.group(1), [], "", m.group(1))
    i = 0
    while i < len(lines):
        m = re.match(r"^ {4}([-@]\S.*)$", lines[i])
        i += 1
        if not m:
            continue
        parts = re.split(r"\t|\s{2,}", m.group(1), maxsplit=1)
        head, desc = parts[0], (parts[1] if len(parts) > 1 else "")
        while i < len(lines) and re.match(r"^ {5,}\S", lines[i]):
            desc += " " + lines[i].strip()
            i += 1
        for token in re.sub(r"<[^>]*>", "<>", head).split():
            if token[0] not in "-@" or token == "-":
                continue
            base = "@" if token.startswith("@") else re.match(r"[^<\[=]*", token).group(0)
            name, choices = _spec_name(base, token)
            if name is None:
                name = base
            quoted = re.search(r"is one of (.*)", desc)
            if quoted and not choices:
                choices = re.findall(r'"([^"]+)"', quoted.group(1))
            add(name, choices, desc.strip(), token)
    return listed


def _heuristic(name: str, syntax: str) -> dict:
    rest = syntax[len(name) :]
    if rest.startswith("<"):
        return {"value": "attached", "type": "string"}
    if rest.startswith("="):
        return {"value": "equals", "type": "string"}
    if rest.startswith("["):
        return {"value": "optional-attached", "type": "string"}
    return {}


def _probe_ok(java: str, args: list[str], tmp: str, final: bool, known: bool) -> tuple[bool, str]:
    argv = [a.replace("{tmp}", tmp) for a in args] + ([] if final else ["-version"])
    rc, out, err = _run(java, argv, cwd=tmp)
    text = out + err
    if rc == 0:
        return True, text
    return known and not any(marker in text for marker in REJECTED), text


def _warning_notes(text: str) -> list[str]:
    notes = []
    text = "\n".join(line for line in text.splitlines() if "warning" in line.lower())
    if re.search(r"Ignoring option|support was removed|no longer supported", text):
        notes.append("accepted but ignored with a warning")
    elif re.search(r"deprecated", text, re.I):
        notes.append("deprecated: prints a warning")
    return notes


def _entry(spec: dict, value: str, choices: list[str], notes: list[str]) -> dict:
    entry: dict = {}
    if value != "none":
        entry["value"] = value
        entry["type"] = spec.get("type", "string")
        if entry["type"] == "choice":
            entry["choices"] = sorted(set(choices))
    notes = [n for n in notes if n]
    if notes:
        entry["note"] = "; ".join(notes)
    return entry


def launcher_view(java: str, tmp: str) -> tuple[dict[str, dict], dict[str, str]]:
    listed = parse_help(_help_texts(java))
    names = sorted(set(SPEC) | set(listed))
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for name in names:
            spec = SPEC.get(name)
            if spec is None:
                guess = _heuristic(name, listed[name]["syntax"])
                if guess:
                    print(f"warning: {java}: {name} is listed but not in SPEC: kept as {guess}", file=sys.stderr)
                    continue
                spec = {"probe": [name]}
            final, known = spec.get("final", False), spec.get("known", False)
            if spec.get("value") == "auto":
                sample = spec["sample"]
                jobs[(name, "separate")] = pool.submit(_probe_ok, java, [name, sample], tmp, final, known)
                jobs[(name, "equals")] = pool.submit(_probe_ok, java, [f"{name}={sample}"], tmp, final, known)
            elif "probe" in spec:
                jobs[(name, "probe")] = pool.submit(_probe_ok, java, spec["probe"], tmp, final, known)
            for choice, args in spec.get("extra_choices", {}).items():
                jobs[(name, "choice:" + choice)] = pool.submit(_probe_ok, java, args, tmp, True, False)
        results = {key: job.result() for key, job in jobs.items()}

    options: dict[str, dict] = {}
    aliases: dict[str, str] = {}
    for name in names:
        spec = SPEC.get(name)
        info = listed.get(name, {"choices": [], "desc": "", "syntax": name})
        if spec is None:
            guess = _heuristic(name, info["syntax"])
            if guess:
                options[name] = {**guess, "note": "listed by java --help/-X; not classified by scripts/tables/java.py"}
                continue
            spec = {}
        value = spec.get("value", "none")
        texts = []
        if value == "auto":
            sep, eq = results[(name, "separate")], results[(name, "equals")]
            value = {(True, True): "separate-or-equals", (True, False): "separate", (False, True): "equals"}.get(
                (sep[0], eq[0]), ""
            )
            texts = [sep[1] if sep[0] else "", eq[1] if eq[0] else ""]
            if not value:
                continue
        elif (name, "probe") in results:
            ok, text = results[(name, "probe")]
            if not ok:
                continue
            texts = [text]
        if "alias" in spec:
            aliases[name] = spec["alias"]
            continue
        choices = list(info["choices"]) or list(spec.get("choices", []))
        choices += [c for c, _ in spec.get("extra_choices", {}).items() if results[(name, "choice:" + c)][0]]
        notes = [spec.get("note", "")]
        if name not in listed and not spec.get("listed"):
            notes.append(NOT_LISTED)
        if not spec.get("final"):
            for text in texts:
                notes += [n for n in _warning_notes(text) if n not in notes]
        options[name] = _entry(spec, value, choices, notes)
    aliases = {a: c for a, c in aliases.items() if c in options}
    return options, aliases


# --------------------------------------------------------------------------------------------- views


def extract(java: str) -> dict:
    """One JVM's view: {"version", "description", "options", "aliases", "xx"} (entries without "versions")."""
    version, description = java_version(java)
    with tempfile.TemporaryDirectory(prefix="wrapgen-java-") as tmp:
        Path(tmp, "empty").write_text("")
        Path(tmp, "argfile").write_text("-Dwrapgen.probe=1\n")
        options, aliases = launcher_view(java, tmp)
        xx = xx_view(java, tmp)
    return {"version": version, "description": description, "options": options, "aliases": aliases, "xx": xx}


def extract8() -> dict:
    """Java 8 from the embedded source data (no JDK 8 binary available)."""
    xx: dict[str, dict] = {}
    for line in J8_FLAGS.strip().splitlines():
        name, htype, kind, _file = line.split()
        xx[name] = {"type": HOTSPOT_TYPES[htype], "category": _category(kind.replace("_", " "))}
    for line in J8_OBSOLETE.strip().splitlines():
        name, since = line.split()
        xx[name] = {"category": "obsolete", "note": OBSOLETE_NOTE.format(since)}
    for line in J8_SPECIAL.strip().splitlines():
        name, stype = line.split()
        note = J8_SPECIAL_NOTE
        if name == "Flags":
            note = "read by the argument parser, not a flag: -XX:Flags=FILE reads flag settings from FILE"
        xx[name] = {"type": stype, "category": "product", "note": note}
    listed = parse_help(J8_HELP + "\n" + J8_XHELP)
    options: dict[str, dict] = {}
    aliases: dict[str, str] = {}
    for name, spec in sorted(SPEC.items()):
        if not spec.get("in8"):
            continue
        if "alias" in spec:
            aliases[name] = spec["alias"]
            continue
        info = listed.get(name, {"choices": []})
        value = spec.get("value", "none")
        if value == "auto":
            value = "separate-or-equals"
        choices = list(info["choices"]) or list(spec.get("choices", []))
        choices += list(spec.get("extra_choices", {}))
        notes = [spec.get("note", "")]
        if name not in listed and not spec.get("listed"):
            notes.append(NOT_LISTED)
        notes.append(spec.get("note8", ""))
        options[name] = _entry(spec, value, choices, notes)
    unknown = sorted(set(listed) - set(SPEC))
    if unknown:
        raise RuntimeError(f"Java 8 help lists options missing from SPEC: {unknown}")
    return {"version": "source", "description": "source", "options": options, "aliases": aliases, "xx": xx}


def _order(keys) -> list[str]:
    return sorted(keys, key=lambda k: [int(p) for p in k.split(".")])


def merge(views: dict[str, dict], section: str) -> dict[str, dict]:
    keys = _order(views)
    merged: dict[str, dict] = {}
    for name in sorted(set().union(*(views[k][section] for k in keys))):
        present = [k for k in keys if name in views[k][section]]
        base = views[present[-1]][section][name]
        entry = dict(base)
        if present != keys:
            entry["versions"] = present
        by_version = {k: views[k][section][name] for k in present if views[k][section][name] != base}
        if by_version:
            entry["by_version"] = by_version
        merged[name] = entry
    return merged


def merge_aliases(views: dict[str, dict], options: dict[str, dict]) -> dict[str, str]:
    keys = _order(views)
    merged: dict[str, str] = {}
    for alias in sorted(set().union(*(views[k]["aliases"] for k in keys))):
        targets = {views[k]["aliases"].get(alias) for k in keys if alias in views[k]["aliases"]}
        present = [k for k in keys if alias in views[k]["aliases"]]
        (target,) = targets
        if present != options[target].get("versions", keys):
            where = options[target].get("versions", keys)
            raise RuntimeError(f"alias {alias} exists in {present}, {target} in {where}")
        merged[alias] = target
    return merged


def view(table: dict, key: str) -> dict:
    """The committed table's view of one version, shaped like extract() (without version/description)."""

    def section(name: str) -> dict:
        out = {}
        for option, entry in table[name].items():
            if key not in entry.get("versions", table["versions"]):
                continue
            view = entry.get("by_version", {}).get(key)
            if view is None:
                view = {k: v for k, v in entry.items() if k not in ("versions", "by_version")}
            out[option] = view
        return out

    options = section("options")
    aliases = {a: c for a, c in table["aliases"].items() if c in options}
    return {"options": options, "aliases": aliases, "xx": section("xx")}


def build(javas: dict[str, str]) -> dict:
    views: dict[str, dict] = {}
    for key in KEYS:
        if key in javas:
            view = extract(javas[key])
            if major(view["version"]) != key:
                raise SystemExit(f"{key}={javas[key]} is Java {view['version']}")
            views[key] = view
        elif key == "8":
            views[key] = extract8()
        else:
            raise SystemExit(f"missing {key}=/path/to/bin/java")
    measured = ", ".join(f"{k} = {views[k]['description']}" for k in KEYS if k in javas)
    source8 = (
        ""
        if "8" in javas
        else (
            "; 8 from source, no JDK 8 binary available: Corretto 8 hotspot runtime/globals.hpp, OpenJDK 8u "
            "c1_globals.hpp, c2_globals.hpp, g1_globals.hpp, globals_x86.hpp, globals_linux.hpp, arguments.cpp, "
            "java.c, launcher.properties"
        )
    )
    options = merge(views, "options")
    return {
        "family": "java",
        "made_by": (
            "scripts/tables/java.py: -XX flags from -XX:+PrintFlagsFinal with diagnostic and experimental "
            "unlocked (x86_64), obsolete flags and aliases probed with the names in libjvm.so, launcher options "
            f"from java --help/--help-extra and one run per option, on real JVMs: {measured}{source8}"
        ),
        "versions": {k: views[k]["version"] for k in KEYS},
        "options": options,
        "aliases": merge_aliases(views, options),
        "xx": merge(views, "xx"),
    }


def main(argv: list[str]) -> int:
    args = parser(__doc__, DEFAULT_OUT, KEYS, metavar="KEY=JAVA").parse_intermixed_args(argv)
    out = args.out
    table = build(args.interpreters)
    write(out, table)
    print(
        f"wrote {out}: "
        + ", ".join(
            f"{k}: {sum(1 for e in table['xx'].values() if k in e.get('versions', KEYS))} xx, "
            f"{sum(1 for e in table['options'].values() if k in e.get('versions', KEYS))} options"
            for k in KEYS
        )
    )
    return 0


# ------------------------------------------------------------------------------------- Java 8 data
# Flags declared for a product build (product, product_pd, lp64_product, product_rw, manageable,
# diagnostic, experimental; develop/notproduct flags are constants in product builds), x86_64/Linux,
# C1+C2 (tiered) and G1: "NAME HOTSPOT_TYPE KIND FILE". globals.hpp is Corretto 8's (corretto/corretto-8),
# the others OpenJDK 8u's (openjdk/jdk8u, kaizhiyu/myOpenJDK8 for g1 and x86, openjdk/jdk8u-dev for linux).
J8_FLAGS = """
AbortVMOnCompilationFailure bool diagnostic globals.hpp
AbortVMOnSafepointTimeout bool diagnostic globals.hpp
ActiveProcessorCount intx product globals.hpp
AdaptiveSizeDecrementScaleFactor uintx product globals.hpp
AdaptiveSizeMajorGCDecayTimeScale uintx product globals.hpp
AdaptiveSizePausePolicy uintx product globals.hpp
AdaptiveSizePolicyCollectionCostMargin uintx product globals.hpp
AdaptiveSizePolicyInitializingSteps uintx product globals.hpp
AdaptiveSizePolicyOutputInterval uintx product globals.hpp
AdaptiveSizePolicyWeight uintx product globals.hpp
AdaptiveSizeThroughPutPolicy uintx product globals.hpp
AdaptiveTimeWeight uintx product globals.hpp
AdjustConcurrency bool product globals.hpp
AggressiveHeap bool product globals.hpp
AggressiveOpts bool product globals.hpp
AggressiveUnboxing bool experimental c2_globals.hpp
AliasLevel intx product c2_globals.hpp
AlignVector bool product c2_globals.hpp
AllocateInstancePrefetchLines intx product globals.hpp
AllocatePrefetchDistance intx product globals.hpp
AllocatePrefetchInstr intx product globals.hpp
AllocatePrefetchLines intx product globals.hpp
AllocatePrefetchStepSize intx product globals.hpp
AllocatePrefetchStyle intx product globals.hpp
AllowJNIEnvProxy bool product globals.hpp
AllowNonVirtualCalls bool product globals.hpp
AllowParallelDefineClass bool product globals.hpp
AllowUserSignalHandlers bool product globals.hpp
AlwaysActAsServerClassMachine bool product globals.hpp
AlwaysCompileLoopMethods bool product globals.hpp
AlwaysLockClassLoader bool product globals.hpp
AlwaysPreTouch bool product globals.hpp
AlwaysRestoreFPU bool product globals.hpp
AlwaysTenure bool product globals.hpp
ArrayAllocatorMallocLimit uintx experimental globals.hpp
AssertOnSuspendWaitFailure bool product globals.hpp
AssumeMP bool product globals.hpp
AutoBoxCacheMax intx product c2_globals.hpp
AutoGCSelectPauseMillis uintx product globals.hpp
BCEATraceLevel intx product globals.hpp
BackEdgeThreshold intx product_pd globals.hpp
BackgroundCompilation bool product_pd globals.hpp
BaseFootPrintEstimate uintx product globals.hpp
BiasedLockingBulkRebiasThreshold intx product globals.hpp
BiasedLockingBulkRevokeThreshold intx product globals.hpp
BiasedLockingDecayTime intx product globals.hpp
BiasedLockingStartupDelay intx product globals.hpp
BindCMSThreadToCPU bool diagnostic globals.hpp
BindGCTaskThreadsToCPUs bool product globals.hpp
BlockLayoutByFrequency bool product c2_globals.hpp
BlockLayoutMinDiamondPercentage intx product c2_globals.hpp
BlockLayoutRotateLoops bool product c2_globals.hpp
BlockOffsetArrayUseUnallocatedBlock bool diagnostic globals.hpp
BranchOnRegister bool product c2_globals.hpp
BytecodeVerificationLocal bool product globals.hpp
BytecodeVerificationRemote bool product globals.hpp
C1OptimizeVirtualCallProfiling bool product c1_globals.hpp
C1PatchInvokeDynamic bool diagnostic c1_globals.hpp
C1ProfileBranches bool product c1_globals.hpp
C1ProfileCalls bool product c1_globals.hpp
C1ProfileCheckcasts bool product c1_globals.hpp
C1ProfileInlinedCalls bool product c1_globals.hpp
C1ProfileVirtualCalls bool product c1_globals.hpp
C1UpdateMethodData bool product c1_globals.hpp
CICompilerCount intx product globals.hpp
CICompilerCountPerCPU bool product globals.hpp
CITime bool product globals.hpp
CMSAbortSemantics bool product globals.hpp
CMSAbortablePrecleanMinWorkPerIteration uintx product globals.hpp
CMSAbortablePrecleanWaitMillis intx manageable globals.hpp
CMSBitMapYieldQuantum uintx product globals.hpp
CMSBootstrapOccupancy uintx product globals.hpp
CMSClassUnloadingEnabled bool product globals.hpp
CMSClassUnloadingMaxInterval uintx product globals.hpp
CMSCleanOnEnter bool product globals.hpp
CMSCompactWhenClearAllSoftRefs bool product globals.hpp
CMSConcMarkMultiple uintx product globals.hpp
CMSConcurrentMTEnabled bool product globals.hpp
CMSCoordinatorYieldSleepCount uintx product globals.hpp
CMSDumpAtPromotionFailure bool product globals.hpp
CMSEdenChunksRecordAlways bool product globals.hpp
CMSExpAvgFactor uintx product globals.hpp
CMSExtrapolateSweep bool product globals.hpp
CMSFullGCsBeforeCompaction uintx product globals.hpp
CMSIncrementalDutyCycle uintx product globals.hpp
CMSIncrementalDutyCycleMin uintx product globals.hpp
CMSIncrementalMode bool product globals.hpp
CMSIncrementalOffset uintx product globals.hpp
CMSIncrementalPacing bool product globals.hpp
CMSIncrementalSafetyFactor uintx product globals.hpp
CMSIndexedFreeListReplenish uintx product globals.hpp
CMSInitiatingOccupancyFraction intx product globals.hpp
CMSIsTooFullPercentage uintx product globals.hpp
CMSLargeCoalSurplusPercent double product globals.hpp
CMSLargeSplitSurplusPercent double product globals.hpp
CMSLoopWarn bool product globals.hpp
CMSMaxAbortablePrecleanLoops uintx product globals.hpp
CMSMaxAbortablePrecleanTime intx product globals.hpp
CMSOldPLABMax uintx product globals.hpp
CMSOldPLABMin uintx product globals.hpp
CMSOldPLABNumRefills uintx product globals.hpp
CMSOldPLABReactivityFactor uintx product globals.hpp
CMSOldPLABResizeQuicker bool product globals.hpp
CMSOldPLABToleranceFactor uintx product globals.hpp
CMSPLABRecordAlways bool product globals.hpp
CMSParPromoteBlocksToClaim uintx product globals.hpp
CMSParallelInitialMarkEnabled bool product globals.hpp
CMSParallelRemarkEnabled bool product globals.hpp
CMSParallelSurvivorRemarkEnabled bool product globals.hpp
CMSPrecleanDenominator uintx product globals.hpp
CMSPrecleanIter uintx product globals.hpp
CMSPrecleanNumerator uintx product globals.hpp
CMSPrecleanRefLists1 bool product globals.hpp
CMSPrecleanRefLists2 bool product globals.hpp
CMSPrecleanSurvivors1 bool product globals.hpp
CMSPrecleanSurvivors2 bool product globals.hpp
CMSPrecleanThreshold uintx product globals.hpp
CMSPrecleaningEnabled bool product globals.hpp
CMSPrintChunksInDump bool product globals.hpp
CMSPrintEdenSurvivorChunks bool product globals.hpp
CMSPrintObjectsInDump bool product globals.hpp
CMSRemarkVerifyVariant uintx product globals.hpp
CMSReplenishIntermediate bool product globals.hpp
CMSRescanMultiple uintx product globals.hpp
CMSSamplingGrain uintx product globals.hpp
CMSScavengeBeforeRemark bool product globals.hpp
CMSScheduleRemarkEdenPenetration uintx product globals.hpp
CMSScheduleRemarkEdenSizeThreshold uintx product globals.hpp
CMSScheduleRemarkSamplingRatio uintx product globals.hpp
CMSSmallCoalSurplusPercent double product globals.hpp
CMSSmallSplitSurplusPercent double product globals.hpp
CMSSplitIndexedFreeListBlocks bool product globals.hpp
CMSTriggerInterval intx manageable globals.hpp
CMSTriggerRatio uintx product globals.hpp
CMSWaitDuration intx manageable globals.hpp
CMSWorkQueueDrainThreshold uintx product globals.hpp
CMSYield bool product globals.hpp
CMSYieldSleepCount uintx product globals.hpp
CMSYoungGenPerWorker uintx product_pd globals.hpp
CMS_FLSPadding uintx product globals.hpp
CMS_FLSWeight uintx product globals.hpp
CMS_SweepPadding uintx product globals.hpp
CMS_SweepTimerThresholdMillis uintx product globals.hpp
CMS_SweepWeight uintx product globals.hpp
CPUForCMSThread uintx diagnostic globals.hpp
CheckEndorsedAndExtDirs bool product globals.hpp
CheckJNICalls bool product globals.hpp
ClassUnloading bool product globals.hpp
ClassUnloadingWithConcurrentMark bool product globals.hpp
ClearFPUAtPark intx product globals.hpp
ClipInlining bool product globals.hpp
CodeCacheExpansionSize uintx product_pd globals.hpp
CodeCacheMinimumFreeSpace uintx product globals.hpp
CollectGen0First bool product globals.hpp
CompactFields bool product globals.hpp
CompilationPolicyChoice intx product globals.hpp
CompileCommand ccstrlist product globals.hpp
CompileCommandFile ccstr product globals.hpp
CompileOnly ccstrlist product globals.hpp
CompileThreshold intx product_pd globals.hpp
CompilerThreadHintNoPreempt bool product globals.hpp
CompilerThreadPriority intx product globals.hpp
CompilerThreadStackSize intx product_pd globals.hpp
CompressedClassSpaceSize uintx product globals.hpp
ConcGCThreads uintx product globals.hpp
ConditionalMoveLimit intx product_pd c2_globals.hpp
ContendedPaddingWidth intx product globals.hpp
ConvertSleepToYield bool product_pd globals.hpp
ConvertYieldToSleep bool product globals.hpp
CrashOnOutOfMemoryError bool product globals.hpp
CreateMinidumpOnCrash bool product globals.hpp
CriticalJNINatives bool product globals.hpp
DTraceAllocProbes bool product globals.hpp
DTraceMethodProbes bool product globals.hpp
DTraceMonitorProbes bool product globals.hpp
DebugInlinedCalls bool diagnostic c2_globals.hpp
DebugNonSafepoints bool diagnostic globals.hpp
Debugging bool product globals.hpp
DefaultMaxRAMFraction uintx product globals.hpp
DefaultThreadPriority intx product globals.hpp
DeferInitialCardMark bool diagnostic globals.hpp
DeferPollingPageLoopCount intx product globals.hpp
DeferThrSuspendLoopCount intx product globals.hpp
DeoptimizeRandom bool product globals.hpp
DisableAttachMechanism bool product globals.hpp
DisableExplicitGC bool product globals.hpp
DisableIntrinsic ccstrlist diagnostic c2_globals.hpp
DisablePrimordialThreadGuardPages bool experimental globals.hpp
DisplayVMOutput bool diagnostic globals.hpp
DisplayVMOutputToStderr bool product globals.hpp
DisplayVMOutputToStdout bool product globals.hpp
DoEscapeAnalysis bool product c2_globals.hpp
DominatorSearchLimit intx diagnostic c2_globals.hpp
DontCompileHugeMethods bool product globals.hpp
DontYieldALot bool product_pd globals.hpp
DumpLoadedClassList ccstr product globals.hpp
DumpReplayDataOnError bool product globals.hpp
DumpSharedSpaces bool product globals.hpp
EagerXrunInit bool product globals.hpp
EliminateAllocationArraySizeLimit intx product c2_globals.hpp
EliminateAllocations bool product c2_globals.hpp
EliminateAutoBox bool product c2_globals.hpp
EliminateLocks bool product c2_globals.hpp
EliminateNestedLocks bool product c2_globals.hpp
EmitSync intx product globals.hpp
EnableContended bool product globals.hpp
EnableInvokeDynamic bool diagnostic globals.hpp
EnableTracing bool product globals.hpp
ErgoHeapSizeLimit uintx product globals.hpp
ErrorFile ccstr product globals.hpp
ErrorFileToStderr bool product globals.hpp
ErrorFileToStdout bool product globals.hpp
ErrorReportServer ccstr product globals.hpp
EscapeAnalysisTimeout double product c2_globals.hpp
EstimateArgEscape bool product globals.hpp
ExitOnOutOfMemoryError bool product globals.hpp
ExplicitGCInvokesConcurrent bool product globals.hpp
ExplicitGCInvokesConcurrentAndUnloadsClasses bool product globals.hpp
ExtendedDTraceProbes bool product globals.hpp
ExtraSharedClassListFile ccstr product globals.hpp
FLSAlwaysCoalesceLarge bool product globals.hpp
FLSCoalescePolicy uintx product globals.hpp
FLSLargestBlockCoalesceProximity double product globals.hpp
FLSVerifyAllHeapReferences bool diagnostic globals.hpp
FLSVerifyIndexTable bool diagnostic globals.hpp
FLSVerifyLists bool diagnostic globals.hpp
FailOverToOldVerifier bool product globals.hpp
FastTLABRefill bool product globals.hpp
FenceInstruction intx arch_product globals_x86.hpp
FieldsAllocationStyle intx product globals.hpp
FilterSpuriousWakeups bool product globals.hpp
FlightRecorder bool product globals.hpp
FlightRecorderOptions ccstr product globals.hpp
FoldStableValues bool diagnostic globals.hpp
ForceDynamicNumberOfGCThreads bool diagnostic globals.hpp
ForceNUMA bool product globals.hpp
ForceTimeHighResolution bool product globals.hpp
ForceUnreachable bool diagnostic globals.hpp
FreqInlineSize intx product_pd globals.hpp
G1ConcMarkStepDurationMillis double product g1_globals.hpp
G1ConcRSHotCardLimit uintx product g1_globals.hpp
G1ConcRSLogCacheSize uintx product g1_globals.hpp
G1ConcRefinementGreenZone intx product g1_globals.hpp
G1ConcRefinementRedZone intx product g1_globals.hpp
G1ConcRefinementServiceIntervalMillis intx product g1_globals.hpp
G1ConcRefinementThreads uintx product g1_globals.hpp
G1ConcRefinementThresholdStep intx product g1_globals.hpp
G1ConcRefinementYellowZone intx product g1_globals.hpp
G1ConfidencePercent uintx product g1_globals.hpp
G1ExpandByPercentOfAvailable intx experimental g1_globals.hpp
G1HeapRegionSize uintx product g1_globals.hpp
G1HeapWastePercent uintx product g1_globals.hpp
G1LogLevel ccstr experimental g1_globals.hpp
G1MaxNewSizePercent uintx experimental g1_globals.hpp
G1MixedGCCountTarget uintx product g1_globals.hpp
G1MixedGCLiveThresholdPercent uintx experimental g1_globals.hpp
G1NewSizePercent uintx experimental g1_globals.hpp
G1OldCSetRegionThresholdPercent uintx experimental g1_globals.hpp
G1PrintHeapRegions bool diagnostic g1_globals.hpp
G1PrintRegionLivenessInfo bool diagnostic g1_globals.hpp
G1RSetRegionEntries intx product g1_globals.hpp
G1RSetScanBlockSize uintx product g1_globals.hpp
G1RSetSparseRegionEntries intx product g1_globals.hpp
G1RSetUpdatingPauseTimePercent intx product g1_globals.hpp
G1ReclaimDeadHumongousObjectsAtYoungGC bool experimental g1_globals.hpp
G1RefProcDrainInterval intx product g1_globals.hpp
G1ReservePercent uintx product g1_globals.hpp
G1SATBBufferEnqueueingThresholdPercent uintx product g1_globals.hpp
G1SATBBufferSize intx product g1_globals.hpp
G1SummarizeConcMark bool diagnostic g1_globals.hpp
G1SummarizeRSetStats bool diagnostic g1_globals.hpp
G1SummarizeRSetStatsPeriod intx diagnostic g1_globals.hpp
G1TraceConcRefinement bool diagnostic g1_globals.hpp
G1TraceReclaimDeadHumongousObjectsAtYoungGC bool experimental g1_globals.hpp
G1TraceStringSymbolTableScrubbing bool experimental g1_globals.hpp
G1UpdateBufferSize intx product g1_globals.hpp
G1UseAdaptiveConcRefinement bool product g1_globals.hpp
G1UseConcMarkReferenceProcessing bool experimental g1_globals.hpp
G1UseParallelRSetScanning bool experimental g1_globals.hpp
G1UseParallelRSetUpdating bool experimental g1_globals.hpp
G1VerifyHeapRegionCodeRoots bool diagnostic g1_globals.hpp
G1VerifyRSetsDuringFullGC bool diagnostic g1_globals.hpp
GCDrainStackTargetSize uintx product globals.hpp
GCHeapFreeLimit uintx product globals.hpp
GCLockerEdenExpansionPercent uintx product globals.hpp
GCLockerInvokesConcurrent bool product globals.hpp
GCLockerRetryAllocationCount uintx diagnostic globals.hpp
GCLogFileSize uintx product globals.hpp
GCParallelVerificationEnabled bool diagnostic globals.hpp
GCPauseIntervalMillis uintx product globals.hpp
GCTaskTimeStampEntries uintx product globals.hpp
GCTimeLimit uintx product globals.hpp
GCTimeRatio uintx product globals.hpp
GuaranteedSafepointInterval intx diagnostic globals.hpp
HeapBaseMinAddress uintx product_pd globals.hpp
HeapDumpAfterFullGC bool manageable globals.hpp
HeapDumpBeforeFullGC bool manageable globals.hpp
HeapDumpOnOutOfMemoryError bool manageable globals.hpp
HeapDumpPath ccstr manageable globals.hpp
HeapFirstMaximumCompactionCount uintx product globals.hpp
HeapMaximumCompactionInterval uintx product globals.hpp
HeapSizePerGCThread uintx product globals.hpp
IgnoreEmptyClassPaths bool product globals.hpp
IgnoreUnrecognizedVMOptions bool product globals.hpp
IgnoreUnverifiableClassesDuringDump bool diagnostic globals.hpp
IncreaseFirstTierCompileThresholdAt uintx product globals.hpp
IncrementalInline bool product c2_globals.hpp
InitialBootClassLoaderMetaspaceSize uintx product globals.hpp
InitialCodeCacheSize uintx product_pd globals.hpp
InitialHeapSize uintx product globals.hpp
InitialRAMFraction uintx product globals.hpp
InitialRAMPercentage double product globals.hpp
InitialSurvivorRatio uintx product globals.hpp
InitialTenuringThreshold uintx product globals.hpp
InitiatingHeapOccupancyPercent uintx product globals.hpp
Inline bool product globals.hpp
InlineDataFile ccstr product globals.hpp
InlineSmallCode intx product_pd globals.hpp
InlineSynchronizedMethods bool product c1_globals.hpp
InsertMemBarAfterArraycopy bool product c2_globals.hpp
InteriorEntryAlignment intx product_pd c2_globals.hpp
InterpreterProfilePercentage intx product globals.hpp
JNIDetachReleasesMonitors bool product globals.hpp
JavaMonitorsInStackTrace bool product globals.hpp
JavaPriority10_To_OSPriority intx product globals.hpp
JavaPriority1_To_OSPriority intx product globals.hpp
JavaPriority2_To_OSPriority intx product globals.hpp
JavaPriority3_To_OSPriority intx product globals.hpp
JavaPriority4_To_OSPriority intx product globals.hpp
JavaPriority5_To_OSPriority intx product globals.hpp
JavaPriority6_To_OSPriority intx product globals.hpp
JavaPriority7_To_OSPriority intx product globals.hpp
JavaPriority8_To_OSPriority intx product globals.hpp
JavaPriority9_To_OSPriority intx product globals.hpp
LIRFillDelaySlots bool product_pd c1_globals.hpp
LargePageHeapSizeThreshold uintx product globals.hpp
LargePageSizeInBytes uintx product globals.hpp
LazyBootClassLoader bool product globals.hpp
LiveNodeCountInliningCutoff intx product c2_globals.hpp
LoadExecStackDllInVMThread bool product globals_linux.hpp
LogCompilation bool diagnostic globals.hpp
LogEvents bool diagnostic globals.hpp
LogEventsBufferEntries uintx diagnostic globals.hpp
LogFile ccstr diagnostic globals.hpp
LogJFR bool product globals.hpp
LogVMOutput bool diagnostic globals.hpp
LoopLimitCheck bool diagnostic c2_globals.hpp
LoopMaxUnroll intx product c2_globals.hpp
LoopOptsCount intx product c2_globals.hpp
LoopUnrollLimit intx product_pd c2_globals.hpp
LoopUnrollMin intx product c2_globals.hpp
LoopUnswitching bool product c2_globals.hpp
MallocMaxTestWords uintx diagnostic globals.hpp
MallocVerifyInterval intx diagnostic globals.hpp
MallocVerifyStart intx diagnostic globals.hpp
ManagementServer bool product globals.hpp
MarkStackSize uintx product globals.hpp
MarkStackSizeMax uintx product globals.hpp
MarkSweepAlwaysCompactCount uintx product globals.hpp
MarkSweepDeadRatio uintx product globals.hpp
MaxBCEAEstimateLevel intx product globals.hpp
MaxBCEAEstimateSize intx product globals.hpp
MaxDirectMemorySize uintx product globals.hpp
MaxFDLimit bool product globals.hpp
MaxGCMinorPauseMillis uintx product globals.hpp
MaxGCPauseMillis uintx product globals.hpp
MaxHeapFreeRatio uintx manageable globals.hpp
MaxHeapSize uintx product globals.hpp
MaxInlineLevel intx product globals.hpp
MaxInlineSize intx product globals.hpp
MaxJNILocalCapacity intx product globals.hpp
MaxJavaStackTraceDepth intx product globals.hpp
MaxJumpTableSize intx product c2_globals.hpp
MaxJumpTableSparseness intx product c2_globals.hpp
MaxLabelRootDepth intx product c2_globals.hpp
MaxLoopPad intx product c2_globals.hpp
MaxMetaspaceExpansion uintx product globals.hpp
MaxMetaspaceFreeRatio uintx product globals.hpp
MaxMetaspaceSize uintx product globals.hpp
MaxNewSize uintx product globals.hpp
MaxNodeLimit intx product c2_globals.hpp
MaxRAM uint64_t product_pd globals.hpp
MaxRAMFraction uintx product globals.hpp
MaxRAMPercentage double product globals.hpp
MaxRecursiveInlineLevel intx product globals.hpp
MaxTenuringThreshold uintx product globals.hpp
MaxTrivialSize intx product globals.hpp
MaxVectorSize intx product c2_globals.hpp
MetaspaceSize uintx product_pd globals.hpp
MethodFlushing bool product globals.hpp
MinHeapDeltaBytes uintx product globals.hpp
MinHeapFreeRatio uintx manageable globals.hpp
MinInliningThreshold intx product globals.hpp
MinJumpTableSize intx product_pd c2_globals.hpp
MinMetaspaceExpansion uintx product globals.hpp
MinMetaspaceFreeRatio uintx product globals.hpp
MinRAMFraction uintx product globals.hpp
MinRAMPercentage double product globals.hpp
MinSurvivorRatio uintx product globals.hpp
MinTLABSize uintx product globals.hpp
MonitorBound intx product globals.hpp
MonitorInUseLists bool product globals.hpp
MultiArrayExpandLimit intx product c2_globals.hpp
MustCallLoadClassInternal bool product globals.hpp
NUMAChunkResizeWeight uintx product globals.hpp
NUMAInterleaveGranularity uintx product globals.hpp
NUMAPageScanRate uintx product globals.hpp
NUMASpaceResizeRate uintx product globals.hpp
NUMAStats bool product globals.hpp
NativeMemoryTracking ccstr product globals.hpp
NativeMonitorFlags intx experimental globals.hpp
NativeMonitorSpinLimit intx experimental globals.hpp
NativeMonitorTimeout intx experimental globals.hpp
NeedsDeoptSuspend bool product_pd globals.hpp
NeverActAsServerClassMachine bool product_pd globals.hpp
NeverTenure bool product globals.hpp
NewRatio uintx product globals.hpp
NewSize uintx product globals.hpp
NewSizeThreadIncrease uintx product_pd globals.hpp
NmethodSweepActivity intx product globals.hpp
NmethodSweepCheckInterval intx product globals.hpp
NmethodSweepFraction intx product globals.hpp
NodeLimitFudgeFactor intx product c2_globals.hpp
NumberOfGCLogFiles uintx product globals.hpp
NumberOfLoopInstrToAlign intx product c2_globals.hpp
ObjectAlignmentInBytes intx lp64_product globals.hpp
ObjectCountCutOffPercent double experimental globals.hpp
OldPLABSize uintx product globals.hpp
OldPLABWeight uintx product globals.hpp
OldSize uintx product globals.hpp
OmitStackTraceInFastThrow bool product globals.hpp
OnError ccstrlist product globals.hpp
OnOutOfMemoryError ccstrlist product globals.hpp
OnStackReplacePercentage intx product_pd globals.hpp
OptimizeExpensiveOps bool diagnostic c2_globals.hpp
OptimizeFill bool product c2_globals.hpp
OptimizePtrCompare bool product c2_globals.hpp
OptimizeStringConcat bool product c2_globals.hpp
OptoBundling bool product_pd c2_globals.hpp
OptoLoopAlignment intx product_pd globals.hpp
OptoScheduling bool product_pd c2_globals.hpp
PLABWeight uintx product globals.hpp
PSChunkLargeArrays bool product globals.hpp
ParGCArrayScanChunk intx product globals.hpp
ParGCCardsPerStrideChunk intx diagnostic globals.hpp
ParGCDesiredObjsFromOverflowList uintx product globals.hpp
ParGCStridesPerThread uintx diagnostic globals.hpp
ParGCTrimOverflow bool product globals.hpp
ParGCUseLocalOverflow bool product globals.hpp
ParallelGCBufferWastePct uintx product globals.hpp
ParallelGCRetainPLAB bool diagnostic globals.hpp
ParallelGCThreads uintx product globals.hpp
ParallelGCVerbose bool product globals.hpp
ParallelOldDeadWoodLimiterMean uintx product globals.hpp
ParallelOldDeadWoodLimiterStdDev uintx product globals.hpp
ParallelRefProcBalancingEnabled bool product globals.hpp
ParallelRefProcEnabled bool product globals.hpp
PartialPeelAtUnsignedTests bool product c2_globals.hpp
PartialPeelLoop bool product c2_globals.hpp
PartialPeelNewPhiDelta intx product c2_globals.hpp
PauseAtExit bool diagnostic globals.hpp
PauseAtStartup bool diagnostic globals.hpp
PauseAtStartupFile ccstr diagnostic globals.hpp
PausePadding uintx product globals.hpp
PerBytecodeRecompilationCutoff intx product globals.hpp
PerBytecodeTrapLimit intx product globals.hpp
PerMethodRecompilationCutoff intx product globals.hpp
PerMethodSpecTrapLimit intx experimental globals.hpp
PerMethodTrapLimit intx product globals.hpp
PerfAllowAtExitRegistration bool product globals.hpp
PerfBypassFileSystemCheck bool product globals.hpp
PerfDataMemorySize intx product globals.hpp
PerfDataSamplingInterval intx product globals.hpp
PerfDataSaveFile ccstr product globals.hpp
PerfDataSaveToFile bool product globals.hpp
PerfDisableSharedMem bool product globals.hpp
PerfMaxStringConstLength intx product globals.hpp
PreInflateSpin intx product_pd globals.hpp
PredictedLoadedClassCount intx experimental globals.hpp
PreferContainerQuotaForCPUCount bool product globals_linux.hpp
PreferInterpreterNativeStubs bool product_pd globals.hpp
PrefetchCopyIntervalInBytes intx product globals.hpp
PrefetchFieldsAhead intx product globals.hpp
PrefetchScanIntervalInBytes intx product globals.hpp
PreserveAllAnnotations bool product globals.hpp
PreserveFramePointer bool product_pd globals.hpp
PretenureSizeThreshold uintx product globals.hpp
PrintActiveCpus bool diagnostic globals.hpp
PrintAdapterHandlers bool diagnostic globals.hpp
PrintAdaptiveSizePolicy bool product globals.hpp
PrintAssembly bool diagnostic globals.hpp
PrintAssemblyOptions ccstr diagnostic globals.hpp
PrintBiasedLockingStatistics bool diagnostic globals.hpp
PrintCMSInitiationStatistics bool product globals.hpp
PrintCMSStatistics intx product globals.hpp
PrintClassHistogram bool manageable globals.hpp
PrintClassHistogramAfterFullGC bool manageable globals.hpp
PrintClassHistogramBeforeFullGC bool manageable globals.hpp
PrintCodeCache bool product globals.hpp
PrintCodeCacheOnCompilation bool product globals.hpp
PrintCommandLineFlags bool product globals.hpp
PrintCompilation bool product globals.hpp
PrintCompilation2 bool diagnostic globals.hpp
PrintCompressedOopsMode bool diagnostic globals.hpp
PrintConcurrentLocks bool manageable globals.hpp
PrintContainerInfo bool diagnostic globals.hpp
PrintDTraceDOF bool diagnostic globals.hpp
PrintFLSCensus intx product globals.hpp
PrintFLSStatistics intx product globals.hpp
PrintFlagsFinal bool product globals.hpp
PrintFlagsInitial bool product globals.hpp
PrintGC bool manageable globals.hpp
PrintGCApplicationConcurrentTime bool product globals.hpp
PrintGCApplicationStoppedTime bool product globals.hpp
PrintGCCause bool product globals.hpp
PrintGCDateStamps bool manageable globals.hpp
PrintGCDetails bool manageable globals.hpp
PrintGCID bool manageable globals.hpp
PrintGCTaskTimeStamps bool product globals.hpp
PrintGCTimeStamps bool manageable globals.hpp
PrintHeapAtGC bool product_rw globals.hpp
PrintHeapAtGCExtended bool product_rw globals.hpp
PrintHeapAtSIGBREAK bool product globals.hpp
PrintInlining bool diagnostic globals.hpp
PrintInterpreter bool diagnostic globals.hpp
PrintIntrinsics bool diagnostic c2_globals.hpp
PrintJNIGCStalls bool product globals.hpp
PrintJNIResolving bool product globals.hpp
PrintMethodFlushingStatistics bool diagnostic globals.hpp
PrintMethodHandleStubs bool diagnostic globals.hpp
PrintNMTStatistics bool diagnostic globals.hpp
PrintNMethods bool diagnostic globals.hpp
PrintNativeNMethods bool diagnostic globals.hpp
PrintOldPLAB bool product globals.hpp
PrintOopAddress bool product globals.hpp
PrintPLAB bool product globals.hpp
PrintParallelOldGCPhaseTimes bool product globals.hpp
PrintPreciseBiasedLockingStatistics bool diagnostic c2_globals.hpp
PrintPreciseRTMLockingStatistics bool diagnostic c2_globals.hpp
PrintPromotionFailure bool product globals.hpp
PrintReferenceGC bool product globals.hpp
PrintSafepointStatistics bool product globals.hpp
PrintSafepointStatisticsCount intx product globals.hpp
PrintSafepointStatisticsTimeout intx product globals.hpp
PrintSharedArchiveAndExit bool product globals.hpp
PrintSharedDictionary bool product globals.hpp
PrintSharedSpaces bool product globals.hpp
PrintSignatureHandlers bool diagnostic globals.hpp
PrintStringDeduplicationStatistics bool product globals.hpp
PrintStringTableStatistics bool product globals.hpp
PrintStubCode bool diagnostic globals.hpp
PrintTLAB bool product globals.hpp
PrintTenuringDistribution bool product globals.hpp
PrintTieredEvents bool product globals.hpp
PrintVMOptions bool product globals.hpp
PrintVMQWaitTime bool product globals.hpp
PrintWarnings bool product globals.hpp
ProcessDistributionStride uintx product globals.hpp
ProfileDynamicTypes bool diagnostic c2_globals.hpp
ProfileInterpreter bool product_pd globals.hpp
ProfileIntervals bool product globals.hpp
ProfileIntervalsTicks intx product globals.hpp
ProfileMaturityPercentage intx product globals.hpp
ProfileVM bool product globals.hpp
ProfilerPrintByteCodeStatistics bool product globals.hpp
ProfilerRecordPC bool product globals.hpp
PromotedPadding uintx product globals.hpp
QueuedAllocationWarningCount uintx product globals.hpp
RTMAbortRatio intx arch_experimental globals_x86.hpp
RTMAbortThreshold intx arch_experimental globals_x86.hpp
RTMLockingCalculationDelay intx arch_experimental globals_x86.hpp
RTMLockingThreshold intx arch_experimental globals_x86.hpp
RTMRetryCount uintx arch_product globals_x86.hpp
RTMSpinLoopCount intx arch_experimental globals_x86.hpp
RTMTotalCountIncrRate intx arch_experimental globals_x86.hpp
RangeCheckElimination bool product globals.hpp
RangeLimitCheck bool diagnostic c2_globals.hpp
ReadPrefetchInstr intx arch_product globals_x86.hpp
ReassociateInvariants bool product c2_globals.hpp
ReduceBulkZeroing bool product c2_globals.hpp
ReduceFieldZeroing bool product c2_globals.hpp
ReduceInitialCardMarks bool product c2_globals.hpp
ReduceSignalUsage bool product globals.hpp
RefDiscoveryPolicy intx product globals.hpp
ReflectionWrapResolutionErrors bool product globals.hpp
RegisterFinalizersAtInit bool product globals.hpp
RelaxAccessControlCheck bool product globals.hpp
ReplayDataFile ccstr product globals.hpp
RequireSharedSpaces bool product globals.hpp
ReservedCodeCacheSize uintx product_pd globals.hpp
ResizeOldPLAB bool product globals.hpp
ResizePLAB bool product globals.hpp
ResizeTLAB bool product_pd globals.hpp
RestoreMXCSROnJNICalls bool product globals.hpp
RestrictContended bool product globals.hpp
RewriteBytecodes bool product_pd globals.hpp
RewriteFrequentPairs bool product_pd globals.hpp
SafepointPollOffset intx product_pd c1_globals.hpp
SafepointSpinBeforeYield intx product globals.hpp
SafepointTimeout bool product globals.hpp
SafepointTimeoutDelay intx product globals.hpp
ScavengeBeforeFullGC bool product globals.hpp
ScavengeRootsInCode intx diagnostic globals.hpp
SelfDestructTimer intx product globals.hpp
SerializeVMOutput bool diagnostic globals.hpp
SharedArchiveFile ccstr diagnostic globals.hpp
SharedBaseAddress uintx product globals.hpp
SharedClassListFile ccstr product globals.hpp
SharedMiscCodeSize uintx product globals.hpp
SharedMiscDataSize uintx product globals.hpp
SharedReadOnlySize uintx product globals.hpp
SharedReadWriteSize uintx product globals.hpp
ShowHiddenFrames bool diagnostic globals.hpp
ShowMessageBoxOnError bool product globals.hpp
SoftRefLRUPolicyMSPerMB intx product globals.hpp
SpecTrapLimitExtraEntries intx experimental globals.hpp
SpecialEncodeISOArray bool product c2_globals.hpp
SplitIfBlocks bool product c2_globals.hpp
StackRedPages intx product_pd globals.hpp
StackShadowPages intx product_pd globals.hpp
StackTraceInThrowable bool product globals.hpp
StackYellowPages intx product_pd globals.hpp
StartAttachListener bool product globals.hpp
StartFlightRecording ccstr product globals.hpp
StarvationMonitorInterval intx product globals.hpp
StressGCM bool diagnostic c2_globals.hpp
StressLCM bool diagnostic c2_globals.hpp
StressLdcRewrite bool product globals.hpp
StringDeduplicationAgeThreshold uintx product globals.hpp
StringDeduplicationRehashALot bool diagnostic globals.hpp
StringDeduplicationResizeALot bool diagnostic globals.hpp
StringTableSize uintx product globals.hpp
SuppressFatalErrorMessage bool product globals.hpp
SurvivorAlignmentInBytes intx experimental globals.hpp
SurvivorPadding uintx product globals.hpp
SurvivorRatio uintx product globals.hpp
SuspendRetryCount intx product globals.hpp
SuspendRetryDelay intx product globals.hpp
SymbolTableSize uintx experimental globals.hpp
SyncFlags intx product globals.hpp
SyncKnobs ccstr product globals.hpp
SyncVerbose intx product globals.hpp
THPStackMitigation bool diagnostic globals_linux.hpp
TLABAllocationWeight uintx product globals.hpp
TLABRefillWasteFraction uintx product globals.hpp
TLABSize uintx product globals.hpp
TLABStats bool product globals.hpp
TLABWasteIncrement uintx product globals.hpp
TLABWasteTargetPercent uintx product globals.hpp
TargetPLABWastePct uintx product globals.hpp
TargetSurvivorRatio uintx product globals.hpp
TenuredGenerationSizeIncrement uintx product globals.hpp
TenuredGenerationSizeSupplement uintx product globals.hpp
TenuredGenerationSizeSupplementDecay uintx product globals.hpp
ThreadPriorityPolicy intx product globals.hpp
ThreadPriorityVerbose bool product globals.hpp
ThreadSafetyMargin uintx product globals.hpp
ThreadStackSize intx product_pd globals.hpp
ThresholdTolerance uintx product globals.hpp
Tier0BackedgeNotifyFreqLog intx product globals.hpp
Tier0InvokeNotifyFreqLog intx product globals.hpp
Tier0ProfilingStartPercentage intx product globals.hpp
Tier23InlineeNotifyFreqLog intx product globals.hpp
Tier2BackEdgeThreshold intx product globals.hpp
Tier2BackedgeNotifyFreqLog intx product globals.hpp
Tier2CompileThreshold intx product globals.hpp
Tier2InvokeNotifyFreqLog intx product globals.hpp
Tier3BackEdgeThreshold intx product globals.hpp
Tier3BackedgeNotifyFreqLog intx product globals.hpp
Tier3CompileThreshold intx product globals.hpp
Tier3DelayOff intx product globals.hpp
Tier3DelayOn intx product globals.hpp
Tier3InvocationThreshold intx product globals.hpp
Tier3InvokeNotifyFreqLog intx product globals.hpp
Tier3LoadFeedback intx product globals.hpp
Tier3MinInvocationThreshold intx product globals.hpp
Tier4BackEdgeThreshold intx product globals.hpp
Tier4CompileThreshold intx product globals.hpp
Tier4InvocationThreshold intx product globals.hpp
Tier4LoadFeedback intx product globals.hpp
Tier4MinInvocationThreshold intx product globals.hpp
TieredCompilation bool product_pd globals.hpp
TieredCompileTaskTimeout intx product globals.hpp
TieredRateUpdateMaxTime intx product globals.hpp
TieredRateUpdateMinTime intx product globals.hpp
TieredStopAtLevel intx product globals.hpp
TimeLinearScan bool product c1_globals.hpp
TraceBiasedLocking bool product globals.hpp
TraceClassLoading bool product_rw globals.hpp
TraceClassLoadingPreorder bool product globals.hpp
TraceClassPaths bool product globals.hpp
TraceClassResolution bool product globals.hpp
TraceClassUnloading bool product_rw globals.hpp
TraceDynamicGCThreads bool product globals.hpp
TraceExceptions bool product globals.hpp
TraceGCTaskThread bool diagnostic globals.hpp
TraceGen0Time bool product globals.hpp
TraceGen1Time bool product globals.hpp
TraceJVMTI ccstr product globals.hpp
TraceJVMTIObjectTagging bool diagnostic globals.hpp
TraceLoaderConstraints bool product_rw globals.hpp
TraceMetadataHumongousAllocation bool product globals.hpp
TraceMonitorInflation bool product globals.hpp
TraceNMethodInstalls bool diagnostic globals.hpp
TraceParallelOldGCTasks bool product globals.hpp
TraceRedefineClasses intx product globals.hpp
TraceSafepointCleanupTime bool product globals.hpp
TraceSuspendWaitFailures bool product globals.hpp
TraceTypeProfile bool diagnostic c2_globals.hpp
TrackedInitializationLimit intx product c2_globals.hpp
TransmitErrorReport bool product globals.hpp
TrapBasedNullChecks bool product_pd globals.hpp
TrapBasedRangeChecks bool product_pd c2_globals.hpp
TrustFinalNonStaticFields bool experimental globals.hpp
TypeProfileArgsLimit intx product globals.hpp
TypeProfileLevel uintx product_pd globals.hpp
TypeProfileMajorReceiverPercent intx product c2_globals.hpp
TypeProfileParmsLimit intx product globals.hpp
TypeProfileWidth intx product globals.hpp
UnguardOnExecutionViolation intx product globals.hpp
UnlinkSymbolsALot bool product globals.hpp
UnlockCommercialFeatures bool product globals.hpp
UnlockDiagnosticVMOptions bool diagnostic globals.hpp
UnlockExperimentalVMOptions bool experimental globals.hpp
UnrollLimitCheck bool diagnostic c2_globals.hpp
UnsyncloadClass bool diagnostic globals.hpp
Use486InstrsOnly bool arch_product globals_x86.hpp
UseAES bool product globals.hpp
UseAESIntrinsics bool product globals.hpp
UseAVX intx arch_product globals_x86.hpp
UseAdaptiveGCBoundary bool product globals.hpp
UseAdaptiveGenerationSizePolicyAtMajorCollection bool product globals.hpp
UseAdaptiveGenerationSizePolicyAtMinorCollection bool product globals.hpp
UseAdaptiveNUMAChunkSizing bool product globals.hpp
UseAdaptiveSizeDecayMajorGCCost bool product globals.hpp
UseAdaptiveSizePolicy bool product globals.hpp
UseAdaptiveSizePolicyFootprintGoal bool product globals.hpp
UseAdaptiveSizePolicyWithSystemGC bool product globals.hpp
UseAddressNop bool arch_product globals_x86.hpp
UseAltSigs bool product globals.hpp
UseAutoGCSelectPolicy bool product globals.hpp
UseBMI1Instructions bool arch_product globals_x86.hpp
UseBMI2Instructions bool arch_product globals_x86.hpp
UseBiasedLocking bool product globals.hpp
UseBimorphicInlining bool product c2_globals.hpp
UseBoundThreads bool product globals.hpp
UseCGroupMemoryLimitForHeap bool experimental globals.hpp
UseCLMUL bool arch_product globals_x86.hpp
UseCMSBestFit bool product globals.hpp
UseCMSCollectionPassing bool product globals.hpp
UseCMSCompactAtFullCollection bool product globals.hpp
UseCMSInitiatingOccupancyOnly bool product globals.hpp
UseCRC32Intrinsics bool product globals.hpp
UseCodeCacheFlushing bool product globals.hpp
UseCompiler bool product globals.hpp
UseCompilerSafepoints bool product globals.hpp
UseCompressedClassPointers bool lp64_product globals.hpp
UseCompressedOops bool lp64_product globals.hpp
UseConcMarkSweepGC bool product globals.hpp
UseCondCardMark bool product c2_globals.hpp
UseContainerSupport bool product globals_linux.hpp
UseCountLeadingZerosInstruction bool arch_product globals_x86.hpp
UseCountTrailingZerosInstruction bool arch_product globals_x86.hpp
UseCountedLoopSafepoints bool product c2_globals.hpp
UseCounterDecay bool product globals.hpp
UseCriticalCMSThreadPriority bool experimental globals.hpp
UseCriticalCompilerThreadPriority bool experimental globals.hpp
UseCriticalJavaThreadPriority bool experimental globals.hpp
UseDivMod bool product c2_globals.hpp
UseDynamicNumberOfGCThreads bool product globals.hpp
UseFPUForSpilling bool product c2_globals.hpp
UseFastAccessorMethods bool product globals.hpp
UseFastEmptyMethods bool product globals.hpp
UseFastJNIAccessors bool product globals.hpp
UseFastStosb bool arch_product globals_x86.hpp
UseFastUnorderedTimeStamps bool experimental globals.hpp
UseG1GC bool product globals.hpp
UseGCLogFileRotation bool product globals.hpp
UseGCOverheadLimit bool product globals.hpp
UseGCTaskAffinity bool product globals.hpp
UseGHASHIntrinsics bool product globals.hpp
UseHeavyMonitors bool product globals.hpp
UseHugeTLBFS bool product globals_linux.hpp
UseImplicitStableValues bool diagnostic c2_globals.hpp
UseIncDec bool arch_diagnostic globals_x86.hpp
UseInlineCaches bool product globals.hpp
UseInlineDepthForSpeculativeTypes bool diagnostic c2_globals.hpp
UseInterpreter bool product globals.hpp
UseJumpTables bool product c2_globals.hpp
UseLWPSynchronization bool product globals.hpp
UseLargePages bool product_pd globals.hpp
UseLargePagesInMetaspace bool product globals.hpp
UseLargePagesIndividualAllocation bool product_pd globals.hpp
UseLegacyJNINameEscaping bool product globals.hpp
UseLinuxPosixThreadCPUClocks bool product globals_linux.hpp
UseLockedTracing bool product globals.hpp
UseLoopCounter bool product globals.hpp
UseLoopInvariantCodeMotion bool product c1_globals.hpp
UseLoopPredicate bool product c2_globals.hpp
UseMathExactIntrinsics bool product c2_globals.hpp
UseMaximumCompactionOnSystemGC bool product globals.hpp
UseMemSetInBOT bool experimental globals.hpp
UseMembar bool product_pd globals.hpp
UseMontgomeryMultiplyIntrinsic bool product c2_globals.hpp
UseMontgomerySquareIntrinsic bool product c2_globals.hpp
UseMulAddIntrinsic bool product c2_globals.hpp
UseMultiplyToLenIntrinsic bool product c2_globals.hpp
UseNUMA bool product globals.hpp
UseNUMAInterleaving bool product globals.hpp
UseNewCode bool diagnostic globals.hpp
UseNewCode2 bool diagnostic globals.hpp
UseNewCode3 bool diagnostic globals.hpp
UseNewLongLShift bool arch_product globals_x86.hpp
UseOSErrorReporting bool product_pd globals.hpp
UseOnStackReplacement bool product_pd globals.hpp
UseOnlyInlinedBimorphic bool product c2_globals.hpp
UseOprofile bool product globals_linux.hpp
UseOptoBiasInlining bool product c2_globals.hpp
UsePSAdaptiveSurvivorSizePolicy bool product globals.hpp
UseParNewGC bool product globals.hpp
UseParallelGC bool product globals.hpp
UseParallelOldGC bool product globals.hpp
UsePerfData bool product globals.hpp
UsePopCountInstruction bool product globals.hpp
UseRDPCForConstantTableBase bool product c2_globals.hpp
UseRTMDeopt bool arch_product globals_x86.hpp
UseRTMForStackLocks bool arch_experimental globals_x86.hpp
UseRTMLocking bool arch_product globals_x86.hpp
UseRTMXendForLockBusy bool arch_experimental globals_x86.hpp
UseSHA bool product globals.hpp
UseSHA1Intrinsics bool product globals.hpp
UseSHA256Intrinsics bool product globals.hpp
UseSHA512Intrinsics bool product globals.hpp
UseSHM bool product globals_linux.hpp
UseSSE intx product globals.hpp
UseSSE42Intrinsics bool product globals.hpp
UseSerialGC bool product globals.hpp
UseSharedSpaces bool product globals.hpp
UseSignalChaining bool product globals.hpp
UseSquareToLenIntrinsic bool product c2_globals.hpp
UseStoreImmI16 bool arch_product globals_x86.hpp
UseStringDeduplication bool product globals.hpp
UseSuperWord bool product c2_globals.hpp
UseTLAB bool product_pd globals.hpp
UseThreadPriorities bool product_pd globals.hpp
UseTransparentHugePages bool product globals_linux.hpp
UseTypeProfile bool product globals.hpp
UseTypeSpeculation bool product c2_globals.hpp
UseUnalignedLoadStores bool arch_product globals_x86.hpp
UseVMInterruptibleIO bool product globals.hpp
UseXMMForArrayCopy bool product globals.hpp
UseXmmI2D bool arch_product globals_x86.hpp
UseXmmI2F bool arch_product globals_x86.hpp
UseXmmLoadAndClearUpper bool arch_product globals_x86.hpp
UseXmmRegToRegMoveAll bool arch_product globals_x86.hpp
VMThreadHintNoPreempt bool product globals.hpp
VMThreadPriority intx product globals.hpp
VMThreadStackSize intx product_pd globals.hpp
ValueMapInitialSize intx product c1_globals.hpp
ValueMapMaxLoopSize intx product c1_globals.hpp
ValueSearchLimit intx product c2_globals.hpp
VerboseVerification bool diagnostic globals.hpp
VerifyAdapterCalls bool diagnostic globals.hpp
VerifyAfterGC bool diagnostic globals.hpp
VerifyBeforeExit bool diagnostic globals.hpp
VerifyBeforeGC bool diagnostic globals.hpp
VerifyBeforeIteration bool diagnostic globals.hpp
VerifyDuringGC bool diagnostic globals.hpp
VerifyDuringStartup bool diagnostic globals.hpp
VerifyGCLevel intx diagnostic globals.hpp
VerifyGCStartAt uintx diagnostic globals.hpp
VerifyMergedCPBytecodes bool product globals.hpp
VerifyMethodHandles bool diagnostic globals.hpp
VerifyObjectStartArray bool diagnostic globals.hpp
VerifyRememberedSets bool diagnostic globals.hpp
VerifySharedSpaces bool product globals.hpp
VerifySilently bool diagnostic globals.hpp
VerifyStringTableAtExit bool diagnostic globals.hpp
VerifySubSet ccstrlist diagnostic globals.hpp
WhiteBoxAPI bool diagnostic globals.hpp
WorkAroundNPTLTimedWaitHang intx product globals.hpp
WorkStealingHardSpins uintx experimental globals.hpp
WorkStealingSleepMillis uintx experimental globals.hpp
WorkStealingSpinToYieldRatio uintx experimental globals.hpp
WorkStealingYieldsBeforeSleep uintx experimental globals.hpp
YoungGenerationSizeIncrement uintx product globals.hpp
YoungGenerationSizeSupplement uintx product globals.hpp
YoungGenerationSizeSupplementDecay uintx product globals.hpp
YoungPLABSize uintx product globals.hpp
ZeroTLAB bool product globals.hpp
hashCode intx product globals.hpp
"""

# arguments.cpp obsolete_jvm_flags still accepted by 8 (accept_until > 8): "NAME OBSOLETED_IN".
J8_OBSOLETE = """
CMSPermGenPrecleaningEnabled 8.0
CMSTriggerPermRatio 8.0
CMSInitiatingPermOccupancyFraction 8.0
AdaptivePermSizeWeight 8.0
PermGenPadding 8.0
PermMarkSweepDeadRatio 8.0
PermSize 8.0
MaxPermSize 8.0
MinPermHeapExpansion 8.0
MaxPermHeapExpansion 8.0
CMSRevisitStackSize 8.0
PrintRevisitStats 8.0
UseVectoredExceptions 8.0
UseSplitVerifier 8.0
UseISM 8.0
UsePermISM 8.0
UseMPSS 8.0
UseStringCache 8.0
UseOldInlining 8.0_20
AutoShutdownNMT 8.0_40
CompilationRepeat 8.0
SegmentedHeapDumpThreshold 8.0_252
"""

# -XX: spellings arguments.cpp parse_each_vm_init_arg handles itself (old names), and -XX:Flags=FILE.
J8_SPECIAL = """
CMSMarkStackSize size
CMSMarkStackSizeMax size
CMSPermGenSweepingEnabled bool
Flags string
G1MarkStackSize size
MaxTLERatio string
ParCMSPromoteBlocksToClaim int
ParallelCMSThreads uint
ParallelGCOldGenAllocBufferSize size
ParallelGCToSpaceAllocBufferSize size
ParallelMarkingThreads uint
PrintTLE bool
ResizeTLE bool
TLEFragmentationRatio string
TLESize size
TLEThreadRatio string
UseGCTimeLimit bool
UseTLE bool
"""

# `java -help` and `java -X` of a Linux x86_64 JDK 8, from launcher.properties and java.c (PrintUsage,
# jvm.cfg "-server KNOWN", "-client IGNORE").
J8_HELP = """
Usage: java [-options] class [args...]
           (to execute a class)
   or  java [-options] -jar jarfile [args...]
           (to execute a jar file)
where options include:
    -d32	  use a 32-bit data model if available
    -d64	  use a 64-bit data model if available
    -server	  to select the "server" VM
                  The default VM is server,
                  because you are running on a server-class machine.


    -cp <class search path of directories and zip/jar files>
    -classpath <class search path of directories and zip/jar files>
                  A : separated list of directories, JAR archives,
                  and ZIP archives to search for class files.
    -D<name>=<value>
                  set a system property
    -verbose:[class|gc|jni]
                  enable verbose output
    -version      print product version and exit
    -version:<value>
                  require the specified version to run
    -showversion  print product version and continue
    -jre-restrict-search | -no-jre-restrict-search
                  include/exclude user private JREs in the version search
    -? -help      print this help message
    -X            print help on non-standard options
    -ea[:<packagename>...|:<classname>]
    -enableassertions[:<packagename>...|:<classname>]
                  enable assertions with specified granularity
    -da[:<packagename>...|:<classname>]
    -disableassertions[:<packagename>...|:<classname>]
                  disable assertions with specified granularity
    -esa | -enablesystemassertions
                  enable system assertions
    -dsa | -disablesystemassertions
                  disable system assertions
    -agentlib:<libname>[=<options>]
                  load native agent library <libname>, e.g. -agentlib:hprof
                  see also, -agentlib:jdwp=help and -agentlib:hprof=help
    -agentpath:<pathname>[=<options>]
                  load native agent library by full pathname
    -javaagent:<jarpath>[=<options>]
                  load Java programming language agent, see java.lang.instrument
    -splash:<imagepath>
                  show splash screen with specified image
See http://www.oracle.com/technetwork/java/javase/documentation/index.html for more details.
"""

J8_XHELP = """
    -Xmixed           mixed mode execution (default)
    -Xint             interpreted mode execution only
    -Xbootclasspath:<directories and zip/jar files separated by :>
                      set search path for bootstrap classes and resources
    -Xbootclasspath/a:<directories and zip/jar files separated by :>
                      append to end of bootstrap class path
    -Xbootclasspath/p:<directories and zip/jar files separated by :>
                      prepend in front of bootstrap class path
    -Xdiag            show additional diagnostic messages
    -Xnoclassgc       disable class garbage collection
    -Xincgc           enable incremental garbage collection
    -Xloggc:<file>    log GC status to a file with time stamps
    -Xbatch           disable background compilation
    -Xms<size>        set initial Java heap size
    -Xmx<size>        set maximum Java heap size
    -Xss<size>        set java thread stack size
    -Xprof            output cpu profiling data
    -Xfuture          enable strictest checks, anticipating future default
    -Xrs              reduce use of OS signals by Java/VM (see documentation)
    -Xcheck:jni       perform additional checks for JNI functions
    -Xshare:off       do not attempt to use shared class data
    -Xshare:auto      use shared class data if possible (default)
    -Xshare:on        require using shared class data, otherwise fail.
    -XshowSettings    show all settings and continue
    -XshowSettings:all
                      show all settings and continue
    -XshowSettings:vm show all vm related settings and continue
    -XshowSettings:properties
                      show all property settings and continue
    -XshowSettings:locale
                      show all locale related settings and continue

The -X options are non-standard and subject to change without notice.
"""


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
