"""--verify-with: start a real local interpreter with the flags and variables, before anything is written."""

from __future__ import annotations

import os
from collections.abc import Sequence

from wrapgen.errors import InvalidFlag, InvalidValue
from wrapgen.spec import WrapperSpec

TIMEOUT = 60
"""Seconds an interpreter may take to start and do nothing (a JVM with an agent takes a few)."""
MESSAGE = 500
"""Characters of the interpreter's error said in wrapgen's one line."""


def verify(spec: WrapperSpec, interpreter: str, variables: Sequence[tuple[str, str]] = (), flags: bool = True, *,
           sandboxed: bool = True) -> None:  # fmt: skip
    """Run `interpreter` with the spec's flags (where `flags`) and these variables, and a program that does
    nothing, in the sandbox (wrapgen.local.sandbox: the interpreter's installation, no home, an environment of PATH,
    LANG and these variables) unless `sandboxed` is false (then with this process's environment); raise with the
    interpreter's own error if it does not start."""
    from wrapgen.local.sandbox import PLAIN_ENVIRONMENT, Layout, run

    family = spec.family
    if not family.noop_program:
        raise InvalidValue(f"--verify-with: {family.name} cannot start without an application to run, so wrapgen"
                           " cannot try its options")  # fmt: skip
    if not os.path.isfile(interpreter) or not os.access(interpreter, os.X_OK):
        raise InvalidValue(f"--verify-with {interpreter}: not an executable file")
    layout = Layout(sandboxed)
    program = layout.expose_installation(os.path.abspath(interpreter))
    argv = [program, *(spec.inserted if flags else ()), *family.noop_program]
    given = PLAIN_ENVIRONMENT if sandboxed else os.environ
    env = {key: value for key, value in given.items() if key not in {name for name, _ in variables}}
    env.update(variables)
    try:
        result = run(layout, argv, env, TIMEOUT, "/tmp" if sandboxed else ".")
    except OSError as error:
        raise InvalidValue(f"--verify-with {interpreter}: {error.strerror}") from None
    if result.timed_out:
        raise InvalidFlag(f"--verify-with {interpreter}: did not finish in {TIMEOUT} s with these flags")
    if result.returncode != 0:
        text = result.stderr.decode("utf-8", "replace")
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("Picked up ")]
        said = lines[0].strip()[:MESSAGE] if lines else "(nothing on stderr)"
        raise InvalidFlag(f"--verify-with {interpreter}: it refused to start (exit {result.returncode}): {said}")
