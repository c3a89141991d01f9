#!/usr/bin/env python3
"""Rebuild wrapgen/tables/python.json from real CPython interpreters (stdlib only).

Usage:
    python scripts/tables/python.py 3.8=/path/python3.8 3.9=/path/python3.9 ... 3.15=tests/interpreters/python3.15 \
        [-o/--out FILE]

Every version key given on the command line is measured from that interpreter:

* the letters and long options it accepts are probed one by one (``python -Z`` answers "Unknown option",
  ``python -W`` "Argument expected", ``python --help-all`` "unknown option" on 3.9/3.10, ...);
* the -X names come from its usage text (the -X part of ``--help`` on 3.9/3.10, ``--help-xoptions`` from 3.11);
* a sample of value rules is checked for real (``-X utf8=2`` and ``-X frozen_modules=maybe`` are fatal, ...).

Version keys without an interpreter (3.14: python.org is out of reach here and PyPI carries no CPython 3.14
build) come from DOCS_FRAGMENTS below: the option syntax of that version's documentation and usage text
(docs.python.org/3.14 "Command line and environment", CPython Python/initconfig.c usage_help /
usage_xoptions, Python/getopt.c), written down by hand. Such keys are marked "docs" in "versions".

3.15 is measured like 3.8-3.13, from CPython 3.15 as npm's pyodide package builds it (its own source compiled to
WebAssembly, started by tests/interpreters/python3.15): its command-line parser, usage texts and -X checks are
CPython's. Where it differs, verify() skips the check (PYODIDE_UNCHECKED): pyodide pre-initialises CPython itself,
so the -X utf8 value (checked at pre-initialisation) is not checked there; see PYODIDE_UNCHECKED for the rest.

``extract(python_path)`` returns one interpreter's view (the table's shape without "versions" keys), and
``view(table, key)`` cuts the same view out of the committed table, so a test can compare them.
"""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
import tempfile
from typing import Any

from common import parser, write

FAMILY = "python"
ALL_KEYS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15")
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "wrapgen", "tables", "python.json")

# Letters that take a value; CPython's getopt takes it attached (-Wd, -Xdev, -cCODE) or as the next word.
LETTER_VALUE_TYPES = {"c": "string", "m": "string", "W": "warnings", "X": "table:xoptions"}

# Short notes for humans. Not derived: written from the usage text and from what the probes showed.
OPTION_NOTES = {
    "-": "program read from stdin; ends the option list",
    "--": "ends the option list; the next word is the script",
    "-?": "same as -h (listed in the usage text from 3.11; accepted before too)",
    "-O": "-OO is this letter twice",
    "-R": "not in the usage text; accepted, no effect (hash randomisation is always on)",
    "-V": "print the version and exit; -VV prints more",
    "-b": "-bb is this letter twice",
    "-c": "program passed as a string; ends the option list",
    "-d": "parser debug output, debug builds only",
    "-h": "print the usage and exit",
    "-m": "run a library module as a script; ends the option list",
    "-t": "not in the usage text; accepted and ignored (Python 2 leftover)",
    "-v": "repeatable",
    "--check-hash-based-pycs": "only as a separate word: --check-hash-based-pycs=never is an unknown option",
    "--help": "same as -h",
    "--help-all": "print the complete help and exit",
    "--help-env": "print the environment variable help and exit",
    "--help-xoptions": "print the -X option help and exit",
    "--version": "same as -V",
}

XOPTION_NOTES = {
    "cpu_count": "a positive integer, or 'default'",
    "frozen_modules": "a bare -X frozen_modules means on",
    "gil": "free-threaded builds only (their usage text lists it); a default build dies on gil=0, accepts gil=1",
    "importtime": "=2 (also log already-loaded modules) from 3.14; 3.9-3.13 take no value and ignore one",
    "int_max_str_digits": "0 (no limit) or >= 640; 3.9.14+/3.10.7+",
    "oldparser": "3.9 only",
    "perf_jit": "not in the 3.13 usage text, documented and working from 3.13",
    "presite": "debug builds only (their usage text lists it); release builds ignore it",
    "pystats": "only builds configured with --enable-pystats list and use it; others ignore it",
    "showrefcount": "only works on debug builds",
    "tlbc": "free-threaded builds only (their usage text lists it)",
    "tracemalloc": "number of frames, default 1",
}

# -X names that a version documents but whose usage text (of a default release build) does not list.
# name -> (syntax as in the usage text / docs, first version key)
DOCS_ONLY_XOPTIONS = {
    "gil": ("=[0|1]", "3.13"),
    "perf_jit": ("", "3.13"),
    "presite": ("=MOD", "3.13"),
    "pystats": ("", "3.12"),
    "tlbc": ("=[0|1]", "3.14"),
}

# Value rules the usage text states only in prose on some versions ("-X utf8: ... -X utf8=0 disables"),
# or that hold for every version although the text changed (importtime, below).
# name -> (value, type, choices)
XOPTION_OVERRIDES: dict[str, tuple[str, str | None, list[str] | None]] = {
    "cpu_count": ("required", "string", None),
    "importtime": ("optional", "choice", ["0", "1", "2"]),
    "int_max_str_digits": ("required", "uint", None),
    "tracemalloc": ("optional", "uint", None),
    "utf8": ("optional", "choice", ["0", "1"]),
}
# importtime=2 only means something from 3.14 (usage text "-X importtime[=2]"; 0 and 1 are accepted too, other
# numbers are fatal there). 3.9-3.13 document no value but accept and ignore any (verified), so one form fits all.
# name -> first version key that checks the value
VALUE_CHECKED_FROM = {"importtime": "3.14"}

# -X value rules verify() cannot check on pyodide's WebAssembly CPython (3.15 here), and why; the table keeps them.
PYODIDE_UNCHECKED = {
    "utf8": "checked at pre-initialisation, which pyodide does itself, in UTF-8 mode",
    "lazy_imports": "=all breaks pyodide's own start-up code (a WebAssembly abort); =normal runs, =bogus is fatal",
    "importtime": "any value runs there; whether CPython 3.15 or pyodide's start-up lets it is not known, so the "
    "table keeps 3.14's documented 0|1|2",
}

# Docs-derived fragments for version keys with no interpreter here. Only facts (option syntax), not text.
DOCS_FRAGMENTS: dict[str, dict[str, Any]] = {
    "3.14": {
        "source": (
            "docs.python.org/3.14 'Command line and environment'; CPython 3.14 Python/initconfig.c "
            "usage_help/usage_xoptions and config_parse_cmdline, Python/getopt.c SHORT_OPTS/longopts"
        ),
        # getopt.c SHORT_OPTS (J is only there to be refused: "-J is reserved for Jython").
        "short_opts": "bBc:dEhiIJm:OPqRsStuvVW:xX:?",
        # getopt.c longopts plus its literal --help/--version; True: takes the next word.
        "long_opts": {
            "--check-hash-based-pycs": True,
            "--help": False,
            "--help-all": False,
            "--help-env": False,
            "--help-xoptions": False,
            "--version": False,
        },
        # usage_xoptions of a default (GIL, release) build: name -> syntax
        "xoptions": {
            "context_aware_warnings": "=[0|1]",
            "cpu_count": "=N",
            "dev": "",
            "disable-remote-debug": "",
            "faulthandler": "",
            "frozen_modules": "=[on|off]",
            "importtime": "[=2]",
            "int_max_str_digits": "=N",
            "no_debug_ranges": "",
            "perf": "",
            "perf_jit": "",
            "pycache_prefix": "=PATH",
            "showrefcount": "",
            "thread_inherit_context": "=[0|1]",
            "tracemalloc": "[=N]",
            "utf8": "[=0|1]",
            "warn_default_encoding": "",
        },
    },
}

_XOPT_LINE = re.compile(r"^\s*-X ([A-Za-z_][\w-]*)((?:\[=[^\]\s:]*\])|(?:=\S*?))?\s*:")
_UINT_WORDS = {"N", "NFRAME", "number"}


def _key_of(version: str) -> str:
    major, minor = version.split(".")[:2]
    return f"{major}.{minor}"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["LC_ALL"] = "C.UTF-8"
    return env


def _run(python: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run(
            [python, *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            env=_env(),
            cwd=cwd,
            timeout=60,
        )


def _form_from_syntax(name: str, syntax: str) -> dict[str, Any]:
    """Entry for one -X name from its usage-text syntax ('', '=PATH', '=[on|off]', '[=N]', '[=0|1]')."""
    entry: dict[str, Any]
    if not syntax:
        entry = {"value": "none"}
    else:
        optional = syntax.startswith("[")
        inner = syntax.strip("[]").lstrip("=").strip("[]")
        entry = {"value": "optional" if optional else "required"}
        if inner in _UINT_WORDS:
            entry["type"] = "uint"
        elif "|" in inner or inner.isdigit():
            entry["type"] = "choice"
            entry["choices"] = sorted(inner.split("|"))
        else:
            entry["type"] = "string"
    if name in XOPTION_OVERRIDES:
        value, typ, choices = XOPTION_OVERRIDES[name]
        entry = {"value": value}
        if typ:
            entry["type"] = typ
        if choices:
            entry["choices"] = list(choices)
    if name in XOPTION_NOTES:
        entry["note"] = XOPTION_NOTES[name]
    return entry


def parse_xoption_syntaxes(usage: str) -> dict[str, str]:
    """-X name -> syntax, from the -X part of a usage text (3.9/3.10 --help, 3.11+ --help-xoptions)."""
    found: dict[str, str] = {}
    for line in usage.splitlines():
        match = _XOPT_LINE.match(line)
        if match and match.group(1) not in found:
            found[match.group(1)] = match.group(2) or ""
    return found


def build_view(
    key: str,
    exact: str,
    letters: dict[str, bool],
    longs: dict[str, bool],
    xoptions: dict[str, str],
) -> dict[str, Any]:
    """One version's view. letters/longs: accepted name -> takes a value; xoptions: -X name -> syntax."""
    options: dict[str, dict[str, Any]] = {}
    for letter, takes_value in letters.items():
        name = "-" + letter
        entry: dict[str, Any] = {}
        if takes_value:
            entry["value"] = "attached-or-separate"
            entry["type"] = LETTER_VALUE_TYPES[letter]
        options[name] = entry
    for name, takes_value in longs.items():
        entry = {}
        if name == "--check-hash-based-pycs":
            if not takes_value:
                raise SystemExit(f"{exact}: --check-hash-based-pycs should take a value")
            entry = {"value": "separate", "type": "choice", "choices": ["always", "default", "never"]}
        elif takes_value:
            raise SystemExit(f"{exact}: unexpected value-taking long option {name}")
        options[name] = entry
    options["-"] = {}
    options["--"] = {}
    for name, entry in options.items():
        if name in OPTION_NOTES:
            entry["note"] = OPTION_NOTES[name]
    xopts = {name: _form_from_syntax(name, syntax) for name, syntax in xoptions.items()}
    for name, (syntax, since) in DOCS_ONLY_XOPTIONS.items():
        if name not in xopts and ALL_KEYS.index(key) >= ALL_KEYS.index(since):
            xopts[name] = _form_from_syntax(name, syntax)
    return {"version": exact, "options": _clean(options), "xoptions": _clean(xopts)}


def _clean(entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, entry in entries.items():
        entry = dict(entry)
        if entry.get("value") == "none":
            del entry["value"]
        out[name] = entry
    return out


def probe_letters(python: str) -> dict[str, bool]:
    """Every letter/digit/'?' that the interpreter accepts -> whether it takes a value."""
    accepted: dict[str, bool] = {}
    for ch in string.ascii_letters + string.digits + "?":
        proc = _run(python, ["-" + ch])
        err = proc.stderr
        if f"Unknown option: -{ch}" in err or "reserved for Jython" in err:
            continue
        accepted[ch] = f"Argument expected for the -{ch} option" in err
    return accepted


def probe_longs(python: str, candidates: set[str]) -> dict[str, bool]:
    accepted: dict[str, bool] = {}
    for name in sorted(candidates):
        proc = _run(python, [name])
        if f"unknown option {name}" in proc.stderr:
            continue
        accepted[name] = "Argument expected" in proc.stderr
    return accepted


def usage_texts(python: str) -> tuple[str, str]:
    """(--help text, -X usage text) of an interpreter."""
    help_text = _run(python, ["--help"]).stdout
    proc = _run(python, ["--help-xoptions"])
    if proc.returncode == 0 and proc.stdout.strip():
        return help_text, proc.stdout
    start = help_text.find("\n", help_text.find("-X opt"))  # the list starts on the line after "-X opt :"
    end = help_text.find("--check-hash-based-pycs", start)
    return help_text, help_text[start:end]


def extract(python_path: str) -> dict[str, Any]:
    """Measure one real interpreter: {"version": "3.12.1", "options": {...}, "xoptions": {...}}."""
    exact = _run(python_path, ["-c", "import platform; print(platform.python_version())"]).stdout.strip()
    key = _key_of(exact)
    help_text, xusage = usage_texts(python_path)
    letters = probe_letters(python_path)
    long_candidates = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", help_text)) | {"--help", "--version"}
    long_candidates |= {"--help-all", "--help-env", "--help-xoptions", "--check-hash-based-pycs"}
    longs = probe_longs(python_path, long_candidates)
    return build_view(key, exact, letters, longs, parse_xoption_syntaxes(xusage))


def docs_view(key: str) -> dict[str, Any]:
    frag = DOCS_FRAGMENTS[key]
    letters: dict[str, bool] = {}
    spec = frag["short_opts"]
    for i, ch in enumerate(spec):
        if ch == ":" or ch == "J":
            continue
        letters[ch] = i + 1 < len(spec) and spec[i + 1] == ":"
    return build_view(key, "docs", letters, dict(frag["long_opts"]), dict(frag["xoptions"]))


def verify(python_path: str, view: dict[str, Any]) -> list[str]:
    """Check a sample of the view's value rules against the real interpreter; return the failures."""
    problems = []

    def ok(args: list[str]) -> bool:
        return _run(python_path, [*args, "-c", "pass"]).returncode == 0

    key = _key_of(view["version"])
    documented = set(view["xoptions"]) - set(DOCS_ONLY_XOPTIONS)
    if _run(python_path, ["-c", "import sys; print(sys.platform)"]).stdout.strip() == "emscripten":
        documented -= set(PYODIDE_UNCHECKED)
    for name in sorted(documented):
        entry = view["xoptions"][name]
        if name in VALUE_CHECKED_FROM and ALL_KEYS.index(key) < ALL_KEYS.index(VALUE_CHECKED_FROM[name]):
            if not ok(["-X", f"{name}=2"]) or not ok(["-X", f"{name}=bogus"]):
                problems.append(f"-X {name}=value refused (expected to be ignored)")
            continue
        if entry.get("value", "none") == "none" and not ok(["-X", name]):
            problems.append(f"-X {name} refused")
        if entry.get("value") in ("required", "optional") and entry.get("type") in ("choice", "uint"):
            if ok(["-X", f"{name}=bogus"]):
                problems.append(f"-X {name}=bogus accepted")
            # int_max_str_digits takes 0 or >= 640; a small tracemalloc depth keeps the WebAssembly 3.15 quick
            number = "1000" if name == "int_max_str_digits" else "2"
            good = entry["choices"][0] if entry.get("type") == "choice" else number
            if not ok(["-X", f"{name}={good}"]):
                problems.append(f"-X {name}={good} refused")
    if ok(["--check-hash-based-pycs=never"]) or not ok(["--check-hash-based-pycs", "never"]):
        problems.append("--check-hash-based-pycs form")
    if not ok(["-uWd", "-bbOO", "-Xdev", "-X", "utf8"]):
        problems.append("bundled letters")
    if "can't open file" not in _run(python_path, ["--", "-c", "pass"]).stderr:
        problems.append("-- does not end the option list")
    return problems


def merge(views: dict[str, dict[str, Any]]) -> dict[str, Any]:
    keys = [k for k in ALL_KEYS if k in views]
    table: dict[str, Any] = {"options": {}, "xoptions": {}}
    for section in ("options", "xoptions"):
        names = sorted({n for k in keys for n in views[k][section]})
        for name in names:
            present = [k for k in keys if name in views[k][section]]
            forms = {json.dumps(views[k][section][name], sort_keys=True) for k in present}
            if len(forms) > 1:
                raise SystemExit(f"{section} {name}: differs between versions: {sorted(forms)}")
            entry = dict(views[present[-1]][section][name])
            if present != keys:
                entry["versions"] = present
            table[section][name] = entry
    return table


def build(pythons: dict[str, str], check: bool = True) -> dict[str, Any]:
    views: dict[str, dict[str, Any]] = {}
    for key, path in pythons.items():
        view = extract(path)
        if _key_of(view["version"]) != key:
            raise SystemExit(f"{path} is {view['version']}, not {key}")
        if check:
            problems = verify(path, view)
            if problems:
                raise SystemExit(f"{path}: {problems}")
        views[key] = view
    for key in ALL_KEYS:
        if key not in views and key in DOCS_FRAGMENTS:
            views[key] = docs_view(key)
    merged = merge(views)
    real = [f"{k}={views[k]['version']}" for k in ALL_KEYS if k in views and views[k]["version"] != "docs"]
    docs = [k for k in ALL_KEYS if k in views and views[k]["version"] == "docs"]
    made_by = (
        "scripts/tables/python.py: letters and long options probed one by one, -X names from the usage text "
        f"(--help / --help-xoptions) and value rules spot-checked, of real CPython builds {', '.join(real)} "
        "(pyenv; 3.15: CPython compiled to WebAssembly by npm's pyodide 315, run by node, tests/interpreters/python3.15"
        ", which does not check -X utf8, lazy_imports and importtime values); -X names documented outside a release "
        "build's usage text added from the docs "
        f"({', '.join(sorted(DOCS_ONLY_XOPTIONS))})"
    )
    if docs:
        made_by += (
            "; "
            + ", ".join(docs)
            + " from the documentation and source, no binary: "
            + "; ".join(DOCS_FRAGMENTS[k]["source"] for k in docs)
        )
    return {
        "family": FAMILY,
        "made_by": made_by,
        "versions": {k: views[k]["version"] for k in ALL_KEYS if k in views},
        "options": merged["options"],
        "aliases": {},
        "xoptions": merged["xoptions"],
    }


def view(table: dict[str, Any], key: str) -> dict[str, Any]:
    """The committed table cut down to one version key, in extract()'s shape."""
    view: dict[str, Any] = {"version": table["versions"][key]}
    for section in ("options", "xoptions"):
        view[section] = {}
        for name, entry in table[section].items():
            if key in entry.get("versions", [key]):
                view[section][name] = {k: v for k, v in entry.items() if k != "versions"}
    return view


def main(argv: list[str]) -> int:
    args = parser(__doc__, DEFAULT_OUT, ALL_KEYS, metavar="KEY=PYTHON", required=True).parse_intermixed_args(argv)
    out = args.out
    table = build(args.interpreters)
    write(out, table)
    print(f"wrote {out}: " + ", ".join(f"{k}={v}" for k, v in table["versions"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
