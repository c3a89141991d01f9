"""The one error hierarchy: every user mistake is a WrapgenError with a one-line message."""

from __future__ import annotations


class WrapgenError(Exception):
    """A mistake the user can fix; the CLI prints `error: message` (and the hint) and exits `exit_code`."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InvalidFlag(WrapgenError):
    """A --flag that is not an option of the family's interpreter."""


class InvalidEnv(WrapgenError):
    """An --env that is not NAME=VALUE with a valid, settable name."""


class InvalidValue(WrapgenError):
    """Any other value the user gave that cannot be used as given."""


class OutputError(WrapgenError):
    """The output file cannot be written."""


class LintUnavailable(WrapgenError):
    """A linter is not installed where wrapgen can find it."""


class Interrupted(WrapgenError):
    """SIGINT or SIGTERM ended a command; the message says what was left and how (exit 130, as a shell says)."""

    exit_code = 130


class NotChecked(WrapgenError):
    """What was asked cannot be checked (a file that is missing, a refusal, no sandbox): exit 2, apart from what
    was checked and found wrong (exit 1)."""

    exit_code = 2
