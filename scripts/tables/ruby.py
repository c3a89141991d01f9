#!/usr/bin/env python3
"""Write wrapgen/tables/ruby.json from what Ruby's own source says (stdlib only).

Usage:
    python scripts/tables/ruby.py [-o/--out FILE] [--check /usr/bin/ruby]

No Ruby of a Lambda version (3.2, 3.3, 3.4, 4.0) can be installed here, so the table is written from the
knowledge below, taken from Ruby's source and documentation:

* ruby/ruby ruby.c ``proc_options`` / ``proc_long_options`` / ``proc_W_option`` / ``usage`` (how each switch
  takes its value, which letters bundle), ``mjit.c`` ``mjit_setup_options`` (3.2), ``yjit/src/options.rs``;
* the Ruby reference manual's command-line page (rurema doctree ``spec/rubycmd``), whose ``#@since`` /
  ``#@version`` marks say in which release each option, feature, warning category and JIT sub-option appears;
* NEWS for 3.3.0 (-W:performance, crash reports) and the 3.3.0 / 4.0.0 release notes (--parser=prism,
  RJIT in 3.3-3.4, ZJIT from 4.0).

Every version key is marked "source" in "versions".

``extract(ruby_path)`` reads a real ruby's ``--help`` and ``-h`` output and returns its view (entries as this
file knows them, for the names that help lists), so a test can cross-check the names and forms that a real
ruby (Debian's 3.1) shares with the table. ``verify(ruby_path)`` runs a real ruby on the value forms and the
bundling rules written here, and returns what does not hold.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from typing import Any

from common import parser, write

FAMILY = "ruby"
ALL_KEYS = ("3.2", "3.3", "3.4", "4.0")
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "wrapgen", "tables", "ruby.json")
SOURCES = (
    "ruby/ruby ruby.c proc_options/proc_long_options/proc_W_option/usage, mjit.c mjit_setup_options (3.2), "
    "yjit/src/options.rs; Ruby reference manual spec/rubycmd (rurema doctree, per-release since/version marks); "
    "NEWS-3.3.0 and the 3.3.0/4.0.0 release notes"
)

S = "string"
WARN_CATEGORIES = {
    "deprecated": ALL_KEYS,
    "experimental": ALL_KEYS,
    "performance": ("3.3", "3.4", "4.0"),
    "strict_unused_block": ("3.4", "4.0"),
}
FEATURES = {
    "all": ALL_KEYS,
    "did_you_mean": ALL_KEYS,
    "error_highlight": ALL_KEYS,
    "frozen-string-literal": ALL_KEYS,
    "gems": ALL_KEYS,
    "jit": ALL_KEYS,
    "mjit": ("3.2",),
    "rjit": ("3.3", "3.4"),
    "rubyopt": ALL_KEYS,
    "syntax_suggest": ALL_KEYS,
    "yjit": ALL_KEYS,
    "zjit": ("4.0",),
}


def _e(value: str = "none", typ: str | None = None, note: str | None = None, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if value != "none":
        entry["value"] = value
    if typ:
        entry["type"] = typ
    if note:
        entry["note"] = note
    entry.update(extra)
    return entry


W_CHOICES = sorted(
    ["0", "1", "2"] + [f":{p}{c}" for c in WARN_CATEGORIES for p in ("", "no-")],
)

# Switches of every version key. Letters without a value bundle (-wl, -ne); -W0, -K<x> and -0<octal> may be
# followed by more letters in the same word (-W0n); -e -r -I -C -X -E take the rest of the word or the next word;
# -F -i -x take only the rest of the word; -h ends the parsing.
COMMON: dict[str, dict[str, Any]] = {
    "-": _e(note="program read from stdin"),
    "--": _e(note="ends the option list"),
    "-0": _e("optional-attached", S, "octal digits: -0 NUL, -00 paragraph mode, -0777 slurp; letters may follow"),
    "-C": _e("attached-or-separate", S, "change to this directory first"),
    "-E": _e("attached-or-separate", S, "ext[:int] default encodings"),
    "-F": _e("optional-attached", S, "input field separator pattern; only in the same word"),
    "-I": _e("attached-or-separate", S, "add to $LOAD_PATH; repeatable"),
    "-K": _e("optional-attached", S, "obsolete: one kcode letter (e, s, u, n, a); letters may follow"),
    "-S": _e(),
    "-U": _e(note="not in --help: default internal encoding UTF-8"),
    "-W": _e(
        "optional-attached",
        "choice",
        "level (-W3..-W7 act as -W2) or :category / :no-category (performance from 3.3, strict_unused_block "
        "from 3.4; an unknown category only warns); letters may follow the level (-W0n)",
        choices=W_CHOICES,
    ),
    "-X": _e("attached-or-separate", S, "not in --help: same as -C"),
    "-a": _e(),
    "-c": _e(note="check syntax only"),
    "-d": _e(note="same as --debug"),
    "-e": _e("attached-or-separate", S, "one line of program; repeatable; replaces the script"),
    "-h": _e(note="short usage, exits"),
    "-i": _e("optional-attached", S, "in-place edit; backup extension only in the same word"),
    "-l": _e(),
    "-n": _e(),
    "-p": _e(),
    "-r": _e("attached-or-separate", S, "require a library; repeatable"),
    "-s": _e(),
    "-v": _e(note="print the version, set $VERBOSE; with no program it exits"),
    "-w": _e(),
    "-x": _e("optional-attached", S, "skip text before #!ruby; directory only in the same word"),
    "-y": _e(note="same as --yydebug"),
    "--backtrace-limit": _e("separate-or-equals", "int", "-1 (no limit) or more"),
    "--copyright": _e(),
    "--debug": _e(),
    "--debug-": _e("attached", S, "--debug-FEATURE, e.g. --debug-frozen-string-literal"),
    "--debug=": _e("attached", S, "--debug=FEATURES, e.g. --debug=frozen-string-literal"),
    "--disable": _e("separate-or-equals", S, "comma-separated features (sub-table features); unknown ones warn"),
    "--disable-": _e("attached", S, "--disable-FEATURE (sub-table features)"),
    "--dump": _e("separate-or-equals", S, "debug dump items; prints and exits"),
    "--enable": _e("separate-or-equals", S, "comma-separated features (sub-table features); unknown ones warn"),
    "--enable-": _e("attached", S, "--enable-FEATURE (sub-table features)"),
    "--encoding": _e("separate-or-equals", S, "ext[:int], like -E"),
    "--external-encoding": _e("separate-or-equals", S),
    "--help": _e(note="long usage, exits"),
    "--internal-encoding": _e("separate-or-equals", S),
    "--jit": _e(note="3.2: YJIT if built in, else MJIT; 3.3/3.4: YJIT, else RJIT; 4.0: YJIT"),
    "--verbose": _e(note="set $VERBOSE; with no program it exits"),
    "--version": _e(),
    "--yjit": _e(note="a build without YJIT only warns"),
    "--yydebug": _e(note="parser debug output"),
}

V33 = ("3.3", "3.4", "4.0")
V34 = ("3.4", "4.0")
# name -> (entry, version keys)
VERSIONED: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "--crash-report": (_e("separate-or-equals", S, "crash report file template"), V33),
    "--parser": (_e("separate-or-equals", "choice", "3.3: prism is experimental", choices=["parse.y", "prism"]), V33),
    # MJIT (3.2; mjit.c mjit_setup_options). A build without MJIT only warns on --mjit.
    "--mjit": (_e(note="a build without MJIT only warns"), ("3.2",)),
    "--mjit-call-threshold": (_e("equals", "uint"), ("3.2",)),
    "--mjit-debug": (_e(), ("3.2",)),
    "--mjit-debug=": (_e("attached", S, "extra C compiler flags"), ("3.2",)),
    "--mjit-max-cache": (_e("equals", "uint"), ("3.2",)),
    "--mjit-save-temps": (_e(), ("3.2",)),
    "--mjit-verbose": (_e(), ("3.2",)),
    "--mjit-verbose=": (_e("attached", "uint", "log level"), ("3.2",)),
    "--mjit-wait": (_e(), ("3.2",)),
    "--mjit-warnings": (_e(), ("3.2",)),
    # YJIT sub-options (rurema per release; yjit/src/options.rs: unknown ones are fatal).
    "--yjit-call-threshold": (_e("equals", "uint"), ALL_KEYS),
    "--yjit-exec-mem-size": (_e("equals", "uint", "MiB"), ALL_KEYS),
    "--yjit-stats": (_e(), ALL_KEYS),
    "--yjit-greedy-versioning": (_e(), ("3.2",)),
    "--yjit-max-versions": (_e("equals", "uint"), ("3.2",)),
    "--yjit-code-gc": (_e(), V33),
    "--yjit-cold-threshold": (_e("equals", "uint"), V33),
    "--yjit-disable": (_e(note="start with YJIT off, for RubyVM::YJIT.enable"), V33),
    "--yjit-perf": (_e(), V33),
    "--yjit-stats=quiet": (_e(note="collect stats without printing them"), V33),
    "--yjit-trace-exits": (_e(), V33),
    "--yjit-trace-exits-sample-rate": (_e("equals", "uint"), V33),
    "--yjit-log": (_e(), V34),
    "--yjit-log=": (_e("attached", S, "file or directory"), V34),
    "--yjit-mem-size": (_e("equals", "uint", "MiB soft limit"), V34),
    # RJIT (3.3, 3.4; experimental). A build without RJIT only warns on --rjit.
    "--rjit": (_e(note="a build without RJIT only warns"), ("3.3", "3.4")),
    "--rjit-call-threshold": (_e("equals", "uint"), ("3.3", "3.4")),
    "--rjit-disable": (_e(), ("3.3", "3.4")),
    "--rjit-exec-mem-size": (_e("equals", "uint", "MiB"), ("3.3", "3.4")),
    "--rjit-stats": (_e(), ("3.3", "3.4")),
    "--rjit-trace": (_e(), ("3.3", "3.4")),
    "--rjit-trace-exits": (_e(), ("3.3", "3.4")),
    # ZJIT (4.0; experimental).
    "--zjit": (_e(note="experimental; cannot be combined with YJIT"), ("4.0",)),
    "--zjit-call-threshold": (_e("equals", "uint"), ("4.0",)),
    "--zjit-disable": (_e(), ("4.0",)),
    "--zjit-log-compiled-iseqs": (_e("equals", S, "path"), ("4.0",)),
    "--zjit-mem-size": (_e("equals", "uint", "MiB"), ("4.0",)),
    "--zjit-num-profiles": (_e("equals", "uint"), ("4.0",)),
    "--zjit-perf": (_e(), ("4.0",)),
    "--zjit-stats": (_e(), ("4.0",)),
    "--zjit-stats-quiet": (_e(), ("4.0",)),
    "--zjit-stats=": (_e("attached", S, "file"), ("4.0",)),
    "--zjit-trace-exits": (_e(), ("4.0",)),
    "--zjit-trace-exits=": (_e("attached", S, "counter"), ("4.0",)),
    "--zjit-trace-exits-sample-rate": (_e("equals", "uint"), ("4.0",)),
}

# Names a ruby's --help lists that are older than every table version (extract() keeps them, marked).
OLDER_ONLY = {"--mjit-min-calls": _e("equals", "uint", "3.1 only")}


def build() -> dict[str, Any]:
    options: dict[str, dict[str, Any]] = {name: dict(entry) for name, entry in COMMON.items()}
    for name, (entry, keys) in VERSIONED.items():
        if name in options:
            raise SystemExit(f"{name} twice")
        options[name] = dict(entry)
        if tuple(keys) != ALL_KEYS:
            options[name]["versions"] = list(keys)
    sub = {
        "features": {n: ({"versions": list(k)} if k != ALL_KEYS else {}) for n, k in FEATURES.items()},
        "warning_categories": {n: ({"versions": list(k)} if k != ALL_KEYS else {}) for n, k in WARN_CATEGORIES.items()},
    }
    return {
        "family": FAMILY,
        "made_by": (
            "scripts/tables/ruby.py from Ruby's source and documentation, no binary of these versions: "
            + SOURCES
            + "; value forms and bundling checked against Debian's real ruby 3.1.7 (verify())"
        ),
        "versions": {k: "source" for k in ALL_KEYS},
        "options": options,
        "aliases": {},
        **sub,
    }


def view(table: dict[str, Any], key: str) -> dict[str, Any]:
    out = {}
    for name, entry in table["options"].items():
        if key in entry.get("versions", [key]):
            out[name] = {k: v for k, v in entry.items() if k != "versions"}
    return {"version": table["versions"][key], "options": out}


def _run(ruby: str, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUBY")}
    env["LC_ALL"] = "C.UTF-8"
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run(
            [ruby, *args],
            input=stdin,
            capture_output=True,
            text=True,
            errors="replace",
            env=env,
            cwd=cwd,
            timeout=60,
        )


_NAME = re.compile(r"^(--[a-z][a-z0-9-]*|-[A-Za-z0-9])")


def help_names(text: str) -> list[str]:
    """Option names in the left column of ruby's -h/--help output ('-Eex[:in], --encoding=ex[:in]' -> both)."""
    names: list[str] = []
    for line in text.splitlines():
        if not line.startswith("  -"):
            continue
        column = re.split(r"\s{2,}", line.strip())[0]
        for token in column.split(", "):
            match = _NAME.match(token.strip())
            if match and match.group(1) not in names:
                names.append(match.group(1))
    return names


def extract(ruby_path: str) -> dict[str, Any]:
    """A real ruby's view: the names its -h/--help list, with the entries this file knows for them."""
    version = _run(ruby_path, ["-e", "print RUBY_VERSION"]).stdout.strip()
    text = _run(ruby_path, ["-h"]).stdout + "\n" + _run(ruby_path, ["--help"]).stdout
    table = build()["options"]
    options: dict[str, dict[str, Any]] = {}
    for name in help_names(text):
        if name in table:
            options[name] = {k: v for k, v in table[name].items() if k != "versions"}
        elif name in OLDER_ONLY:
            options[name] = dict(OLDER_ONLY[name])
        else:
            options[name] = {"note": "unknown to scripts/tables/ruby.py"}
    return {"version": version, "options": options}


def verify(ruby_path: str) -> list[str]:
    """Run a real ruby on the value forms and bundling rules above; return the ones that do not hold."""
    problems = []
    checks: list[tuple[list[str], str, str | None]] = [
        # (args, stdin, expected stdout or None for "exit 0")
        (["-wW0", "-e", "p $VERBOSE"], "", "nil"),
        (["-W0w", "-e", "p $VERBOSE"], "", "true"),
        (["-W0n", "-e", "print $_"], "x\n", "x"),
        (["-W:no-deprecated", "-e", "p Warning[:deprecated]"], "", "false"),
        (["-I", "/lib-a", "-I/lib-b", "-e", "p $:.first(2)"], "", '["/lib-a", "/lib-b"]'),
        (["-e", "print 1", "-eprint 2"], "", "12"),
        (["-ruri", "-r", "set", "-e", "p defined?(URI)"], "", '"constant"'),
        (["-C", "/", "-e", "print Dir.pwd"], "", "/"),
        (["-C/", "-e", "print Dir.pwd"], "", "/"),
        (["-X", "/", "-e", "print Dir.pwd"], "", "/"),
        (["-E", "UTF-8", "-e", "print Encoding.default_external"], "", "UTF-8"),
        (["--encoding", "UTF-8", "-e", "print Encoding.default_external"], "", "UTF-8"),
        (["--encoding=UTF-8", "-e", "print Encoding.default_external"], "", "UTF-8"),
        (["--external-encoding", "UTF-8", "-e", "print 1"], "", "1"),
        (["--enable=frozen-string-literal", "-e", 'p "".frozen?'], "", "true"),
        (["--enable", "frozen-string-literal", "-e", 'p "".frozen?'], "", "true"),
        (["--enable-frozen-string-literal", "-e", 'p "".frozen?'], "", "true"),
        (["--disable-gems", "-e", "p defined?(Gem)"], "", "nil"),
        (["--backtrace-limit", "3", "-e", "print 1"], "", "1"),
        (["--backtrace-limit=3", "-e", "print 1"], "", "1"),
        (["--debug=frozen-string-literal", "-e", "print 1"], "", "1"),
        (["-Ku", "-e", "print 1"], "", "1"),
        (["-0777", "-ne", "print $_.size"], "a\nb\n", "4"),
        (["-Fx", "-ane", "print $F.size"], "axb\n", "2"),
        (["-U", "-e", "print Encoding.default_internal"], "", "UTF-8"),
        (["--yjit-exec-mem-size=8", "-e", "print 1"], "", "1"),
    ]
    for args, stdin, expected in checks:
        proc = _run(ruby_path, args, stdin)
        if proc.returncode != 0 or (expected is not None and proc.stdout.strip() != expected):
            problems.append(
                f"{args}: rc={proc.returncode} out={proc.stdout.strip()!r} err={proc.stderr.strip()[:120]!r}"
            )
    must_fail = [["-Z"], ["--bogus"], ["-Wbogus"], ["--yjit-exec-mem-size", "8"], ["--backtrace-limit=x"]]
    for args in must_fail:
        if _run(ruby_path, [*args, "-e", "1"]).returncode == 0:
            problems.append(f"{args}: accepted")
    return problems


def main(argv: list[str]) -> int:
    ap = parser(__doc__, DEFAULT_OUT)
    ap.add_argument("--check", metavar="RUBY", help="a real ruby to check the value forms and bundling rules on")
    args = ap.parse_intermixed_args(argv)
    out, check = args.out, args.check
    table = build()
    if check:
        problems = verify(check)
        real = extract(check)
        shared = view(table, ALL_KEYS[0])["options"]
        for name, entry in real["options"].items():
            if name in shared and shared[name] != entry:
                problems.append(f"{name}: {entry} != {shared[name]}")
        if problems:
            raise SystemExit("\n".join(problems))
        print(f"checked against ruby {real['version']}: {len(real['options'])} names from its help")
    write(out, table)
    print(f"wrote {out}: " + ", ".join(f"{k}={len(view(table, k)['options'])}" for k in ALL_KEYS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
