"""What the table scripts here share: the one JSON form of a table, writing it, and the command line.

The scripts import it as `common`: run as `python scripts/tables/NAME.py`, their directory is sys.path[0];
tests/test_option_tables.py, which loads them from their files, puts that directory on sys.path first.

Python 3.10+, stdlib only.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any


def dump(table: dict[str, Any]) -> str:
    """The table's bytes: sorted keys, indent=1, non-ASCII kept as is, a trailing newline."""
    return json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write(out: str | os.PathLike[str], table: dict[str, Any]) -> None:
    """Write dump(table) to out (UTF-8), making its directory if needed."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(table), encoding="utf-8")


class _Interpreters(argparse.Action):
    """KEY=PATH words -> {KEY: PATH} in command-line order; a KEY not in `keys` is a usage error."""

    def __init__(self, *args: Any, keys: Collection[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        found: dict[str, str] = {}
        for word in values or ():
            key, sep, path = word.partition("=")
            if not sep or not key or not path:
                parser.error(f"expected {self.metavar}, got {word!r}")
            if key not in self.keys:
                parser.error(f"unknown version key {key!r} in {word!r}: expected one of {', '.join(self.keys)}")
            found[key] = path
        setattr(namespace, self.dest, found)


def parser(
    doc: str | None,
    default_out: str | os.PathLike[str],
    keys: Collection[str] | None = None,
    *,
    metavar: str = "KEY=PATH",
    required: bool = False,
) -> argparse.ArgumentParser:
    """The command line of a table script: `-o/--out FILE` (args.out, a Path; default default_out) and,
    when keys is given, the interpreters to measure as KEY=PATH words (args.interpreters, {KEY: PATH} in
    command-line order; at least one when required). The script may add its own options.

    Parse with parser.parse_intermixed_args(argv), so that -o/--out may also stand between the KEY=PATH words."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    if keys is not None:
        ap.add_argument(
            "interpreters",
            nargs="+" if required else "*",
            metavar=metavar,
            action=_Interpreters,
            keys=keys,
            help=f"the interpreter measured for a version key ({', '.join(keys)})",
        )
    ap.add_argument(
        "-o",
        "--out",
        type=Path,
        default=Path(default_out),
        metavar="FILE",
        help="the table written (default: %(default)s)",
    )
    return ap
