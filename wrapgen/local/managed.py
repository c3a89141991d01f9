"""Lambda Managed Instances (GA 2025-11-30), as explain and try run a wrapper there: what Lambda sets, which
runtimes it takes, and how each runtime serves several requests at once (one process or several).

What is known, and from where:
- AWS's "Lambda Managed Instances runtimes" page: java21+, python3.13+, nodejs22.x+, dotnet8+; java is one process
  with OS threads, python several processes (one per concurrent request), node worker threads, .NET tasks.
- AWS's "Python runtime for Lambda Managed Instances" page: each process has its own initialization; their number is
  PerExecutionEnvironmentMaxConcurrency (1-1600, CloudFormation's and the API's range; AWS_LAMBDA_MAX_CONCURRENCY).
- AWS's "Lambda Managed Instances execution environment" page: Lambda bootstraps the runtime entrypoint, then the
  runtime spawns its workers; init ends when one of them asks for an event.
- awslambdaric 4.x (AWS's Python runtime client, PyPI; 4.2.2 read): with AWS_LAMBDA_MAX_CONCURRENCY set, its main
  process forks that many workers (multiprocessing, "fork"): they are children of the interpreter a wrapper exec'd.
Not known: whether AWS_LAMBDA_EXEC_WRAPPER runs once per environment or once per process (AWS documents neither, and
the managed python runtime's own bootstrap is not published). So explain runs a python wrapper as several processes
would (the conservative model: a wrapper that works only once per environment shows), and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from wrapgen.errors import InvalidValue
from wrapgen.runtimes import Family

if TYPE_CHECKING:
    from wrapgen.local.explain import Outcome

INITIALIZATION_TYPE = "lambda-managed-instances"
CONCURRENCY_MAX = 1600
"""PerExecutionEnvironmentMaxConcurrency's largest value (AWS::Lambda::Function's and the API's)."""
EXPLAIN_RUNS = 8
"""The most runs of a wrapper explain makes for one runtime (its processes beyond that are not run)."""


class Model(NamedTuple):
    since: str
    """The family's first runtime that Lambda Managed Instances take."""
    processes: bool
    """Several runtime processes (python); else one process that serves requests at once."""
    how: str


MODELS: dict[str, Model] = {
    "python": Model("python3.13", True, "one runtime process per concurrent request (AWS's Python page)"),
    "node": Model("nodejs22.x", False, "one node process, with worker threads (AWS's runtimes page)"),
    "java": Model("java21", False, "one JVM, with OS threads (AWS's runtimes page)"),
    "dotnet": Model("dotnet8", False, "one .NET process, with tasks (AWS's runtimes page)"),
}


def supported(family: Family) -> tuple[str, ...]:
    """The family's runtimes that Lambda Managed Instances take (none: an empty tuple)."""
    model = MODELS.get(family.name)
    return family.runtimes[family.runtimes.index(model.since) :] if model else ()


def check(family: Family, runtimes: tuple[str, ...] | list[str], concurrency: int) -> tuple[str, ...]:
    """The runtimes to run as a Managed Instances environment (those given, else all the family's that it takes);
    a runtime it does not take, or a concurrency out of AWS's range, is an error."""
    if not 1 <= concurrency <= CONCURRENCY_MAX:
        raise InvalidValue(f"--managed-instances {concurrency}: AWS takes 1 to {CONCURRENCY_MAX} concurrent requests"
                           " per execution environment")  # fmt: skip
    taken = supported(family)
    if not taken:
        raise InvalidValue(f"--managed-instances: Lambda Managed Instances run no {family.title} runtime (they run"
                           " java21+, python3.13+, nodejs22.x+ and dotnet8+)")  # fmt: skip
    refused = [runtime for runtime in runtimes if runtime not in taken]
    if refused:
        raise InvalidValue(f"--managed-instances: Lambda Managed Instances do not run {', '.join(refused)}; of"
                           f" {family.title}'s runtimes they run {', '.join(taken)}")  # fmt: skip
    return tuple(runtimes) or taken


def lambda_variables(concurrency: int) -> tuple[tuple[str, str], ...]:
    """What Lambda sets in a Managed Instances environment (over the on-demand AWS_LAMBDA_INITIALIZATION_TYPE)."""
    return (("AWS_LAMBDA_INITIALIZATION_TYPE", INITIALIZATION_TYPE), ("AWS_LAMBDA_MAX_CONCURRENCY", str(concurrency)))


def explain_runs(family: Family, concurrency: int) -> int:
    """How many times explain runs the wrapper for one runtime: once per process of the conservative model."""
    return min(concurrency, EXPLAIN_RUNS) if MODELS[family.name].processes else 1


def said(family: Family, concurrency: int) -> str:
    """What is known of this family's runtimes there, in one paragraph for the report."""
    model = MODELS[family.name]
    head = (f"Lambda Managed Instances (AWS_LAMBDA_INITIALIZATION_TYPE={INITIALIZATION_TYPE},"
            f" AWS_LAMBDA_MAX_CONCURRENCY={concurrency}): {model.how}.")  # fmt: skip
    if not model.processes:
        return f"{head} The wrapper runs once, before that process starts."
    return (f"{head} Whether each process goes through AWS_LAMBDA_EXEC_WRAPPER is not documented by AWS; awslambdaric"
            " 4.x, AWS's runtime client, forks its workers from the one interpreter the wrapper exec'd (the wrapper"
            " runs once, and every worker inherits what it did).")  # fmt: skip


def compared(outcomes: list[Outcome], family: Family, concurrency: int, sandboxed: bool) -> Outcome:
    """The first run of a runtime, with notes on the others (explain_runs): a run that broke breaks the function
    (that process would not serve), one that started it otherwise is noted."""
    from wrapgen.local.explain import Problem

    first, others = outcomes[0], outcomes[1:]
    if not others:
        first.problems.append(Problem(said(family, concurrency), False))
        return first
    total = len(outcomes)
    apart = ", each in a sandbox of its own (they do not share /tmp, as a Lambda environment's processes do)"
    runs = (
        f"ran the wrapper {total} times, once per runtime process of the conservative model"
        + (f" (the first {total} of {concurrency})" if total < concurrency else "")
        + (apart if sandboxed else "")
    )
    found = [Problem(f"{said(family, concurrency)} explain {runs}.", False)]
    for i, other in enumerate(others, 2):
        if other.broken:
            found.append(Problem(f"run {i} of {total} (another runtime process) breaks: it would not serve", True))
        elif (other.steps[-1].after, other.environment) != (first.steps[-1].after, first.environment):
            found.append(Problem(f"run {i} of {total} started the runtime with another command line or environment"
                                 " than run 1", False))  # fmt: skip
    first.problems += found
    return first
