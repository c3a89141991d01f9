"""A progress line on stderr for a long run over many items, on a terminal only (a log or a pipe gets none):
rewritten in place, and wiped at the end."""

from __future__ import annotations

import sys


class Progress:
    def __init__(self, what: str, total: int) -> None:
        self.what, self.total = what, total
        self.shown = sys.stderr.isatty()

    def __call__(self, done: int) -> None:
        if self.shown:
            sys.stderr.write(f"\r{self.what}: {done} of {self.total}")
            sys.stderr.flush()

    def end(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
