"""Benchmarks, printed side by side in one run (no timed tests: figures for people to read).

1. Wrapper overhead: the generated python wrapper exec'ing a no-op "interpreter", against the AWS
   documentation sample and against exec'ing the interpreter directly; and how many processes each starts
   besides its final exec (strace). Target: within 10% of the documentation sample.
2. CLI latency: `wrapgen python --flag "-X importtime" -o FILE` against `python -c "import typer, jinja2"`.
   Target: at most 1.3x (issue 9).

Usage: python benchmarks/bench.py [--iterations N] [--cli-iterations N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wrapgen.render import render_wrapper
from wrapgen.spec import wrapper_spec

# The sample from the AWS Lambda documentation ("Modifying the runtime environment"), with one flag.
AWS_SAMPLE = """#!/bin/bash
args=("$@")
extra_args=("-X" "importtime")
args=("${args[@]:0:$#-1}" "${extra_args[@]}" "${args[@]: -1}")
exec "${args[@]}"
"""


def spawn_seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {argv}")
    return elapsed


def measure(variants: dict[str, list[str]], iterations: int) -> dict[str, list[float]]:
    """Interleaved runs, so that drift on a busy machine falls on every variant alike."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for argv in variants.values():  # warm the page cache
        spawn_seconds(argv)
    for _ in range(iterations):
        for name, argv in variants.items():
            times[name].append(spawn_seconds(argv))
    return times


def processes_started(argv: list[str], workdir: Path) -> str:
    strace = shutil.which("strace")
    if strace is None:
        return "n/a (strace not installed)"
    trace = workdir / "trace"
    subprocess.run([strace, "-f", "-qq", "-o", str(trace), "-e", "trace=execve,fork,vfork,clone,clone3", *argv],
                   check=True, capture_output=True)  # fmt: skip
    calls = [line.split(None, 1)[1] for line in trace.read_text().splitlines()]
    forks = sum(call.startswith(("fork", "vfork", "clone")) for call in calls)
    execs = sum(call.startswith("execve") for call in calls)
    return f"{forks} forks, {execs} execs"


def instructions_until_exec(script: Path, argv: list[str], workdir: Path) -> str:
    """Instructions bash runs before its first exec (callgrind counts are the same run after run)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return "n/a (valgrind not installed)"
    text = script.read_text()
    first_exec = min(i for i in (text.find('exec -- "$@"'), text.find('exec "${args[@]}"')) if i >= 0)
    stop = workdir / f"{script.name}.stop"
    stop.write_text(text[:first_exec] + "exit 0" + text[text.index("\n", first_exec) :])
    result = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", "/bin/bash", str(stop),
                             *argv], capture_output=True, text=True, check=True)  # fmt: skip
    return next(line.split(":")[-1].strip() for line in result.stderr.splitlines() if "Collected" in line)


def report(title: str, times: dict[str, list[float]], base: str, target: str, limit: float) -> None:
    print(f"\n{title}")
    print(f"  {'variant':<34} {'median ms':>10} {'mean ms':>9} {'p90 ms':>8} {'vs ' + base:>14}")
    base_median = statistics.median(times[base])
    for name, samples in times.items():
        median = statistics.median(samples)
        p90 = statistics.quantiles(samples, n=10)[-1]
        print(
            f"  {name:<34} {median * 1e3:>10.3f} {statistics.fmean(samples) * 1e3:>9.3f} {p90 * 1e3:>8.3f}"
            f" {median / base_median:>13.3f}x"
        )
    ratio = statistics.median(times[target]) / base_median
    verdict = "meets" if ratio <= limit else "MISSES"
    print(f"  {target} / {base} = {ratio:.3f} (target <= {limit}: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--cli-iterations", type=int, default=30)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        interpreter = work / "bin" / "python3.12"  # a no-op interpreter, named like the real one
        interpreter.parent.mkdir()
        interpreter.symlink_to(shutil.which("true") or "/bin/true")
        ours = work / "wrapgen-python"
        ours.write_text(render_wrapper(wrapper_spec("python", ["-X importtime"])).text)
        sample = work / "aws-sample"
        sample.write_text(AWS_SAMPLE)
        for script in (ours, sample):
            script.chmod(0o755)
        argv = [str(interpreter), "/var/runtime/bootstrap.py"]
        variants = {
            "interpreter directly": argv,
            "AWS documentation sample": [str(sample), *argv],
            "wrapgen python wrapper": [str(ours), *argv],
        }
        times = measure(variants, options.iterations)
        report(f"Wrapper overhead ({options.iterations} interleaved runs each)", times,
               "AWS documentation sample", "wrapgen python wrapper", 1.10)  # fmt: skip
        for label, variant in variants.items():
            print(f"  processes started by {label}: {processes_started(variant, work)}")
        for label, script in (("AWS documentation sample", sample), ("wrapgen python wrapper", ours)):
            print(f"  instructions before exec, {label}: {instructions_until_exec(script, argv, work)}")

        wrapgen_cmd = [sys.executable, "-m", "wrapgen", "python", "--flag", "-X importtime", "-o", str(work / "out")]
        cli = {
            "python -c 'import typer, jinja2'": [sys.executable, "-c", "import typer, jinja2"],
            "wrapgen python ... -o FILE": wrapgen_cmd,
        }
        times = measure(cli, options.cli_iterations)
        report(f"CLI latency ({options.cli_iterations} interleaved runs each)", times,
               "python -c 'import typer, jinja2'", "wrapgen python ... -o FILE", 1.3)  # fmt: skip


if __name__ == "__main__":
    main()
