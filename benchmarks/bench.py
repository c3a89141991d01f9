"""Benchmarks, printed side by side in one run (no timed tests: figures for people to read).

1. Wrapper overhead: the generated python wrapper exec'ing a no-op "interpreter", against the AWS
   documentation sample and against exec'ing the interpreter directly; and how many processes each starts
   besides its final exec (strace). Target: within 10% of the documentation sample.
2. Chain overhead (issue 24): a node wrapper (a flag, NODE_OPTIONS) generated with `--then L1 --then L2` and written
   with its shims beside it (PATH.chain/), L1 and L2 do-nothing links (`exec "$@"`), against the same links chained
   by hand: the wrapper generated with `--then L1'` and copied alone (no shims: it execs L1' itself), L1' hand-edited
   to `exec L2 "$@"`. Each shim exec is priced alone: a shim started as the chain's (its pid in the state) with no
   links left, against the same start exec'ing the interpreter. Target: the chain costs at most the hand chain plus
   one shim exec per link, the wrapper's included (3).
3. CLI latency: `wrapgen python --flag "-X importtime" -o FILE` against `python -c "import typer, jinja2"`.
   Target: at most 1.3x (issue 9).

Usage: python benchmarks/bench.py [--iterations N] [--cli-iterations N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wrapgen.render import METADATA, Artifact, render_shims, render_wrapper, shim_dir
from wrapgen.runtimes import MERGED_VARIABLES
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


def write(path: Path, artifact: Artifact) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(artifact.text)
    path.chmod(artifact.mode)


def chain_overhead(work: Path, iterations: int) -> None:
    """Section 2: the chain wrapgen builds against the same links chained by hand, and one shim exec alone."""
    links = work / "links"
    links.mkdir()
    do_nothing = '#!/bin/bash\nexec "$@"\n'
    for name, text in (("l1", do_nothing), ("l2", do_nothing), ("l1-by-hand", f'#!/bin/bash\nexec {links}/l2 "$@"\n')):
        (links / name).write_text(text)
        (links / name).chmod(0o755)
    interpreter = work / "bin" / "node"  # a no-op interpreter, named like the real one: its shim is the one started
    interpreter.symlink_to(shutil.which("true") or "/bin/true")
    flags, env = ["--enable-source-maps"], ["NODE_OPTIONS=--require /opt/wrapgen/a.js"]
    chained = wrapper_spec("node", flags, env, [str(links / "l1"), str(links / "l2")])
    ours = work / "chained" / "wrapgen-node"
    write(ours, render_wrapper(chained))
    shims = render_shims(chained)
    for artifact in shims:
        write(Path(shim_dir(str(ours))) / artifact.path, artifact)
    shim = Path(shim_dir(str(ours))) / "node"
    by_hand = work / "alone" / "wrapgen-node"  # no wrapgen-node.chain/ beside it
    write(by_hand, render_wrapper(wrapper_spec("node", flags, env, [str(links / "l1-by-hand")])))
    argv = [str(interpreter), "--max-old-space-size=256", "/var/runtime/index.mjs"]
    # A shim is the chain's only in the process its state names: a bash starts, exports the state with its own pid
    # (as the shim finds it in each place of the chain above), and execs the shim, or for the price of that start
    # the interpreter. A link to start is /bin/true (a program: the shim's check reads 4 bytes of it).
    state = json.loads((Path(shim_dir(str(ours))) / METADATA).read_text())["state"]
    unset = " ".join(f"{state}_KEPT_{name}=" for name in MERGED_VARIABLES if name != "NODE_OPTIONS")
    before = f"{state}_LAST=; "
    after = f'{state}_LAST={links}/l1 {state}_KEPT_NODE_OPTIONS="=$NODE_OPTIONS" {unset}; '
    roles = {
        "no links left": f"{state}_LINKS= {before}",
        "first of the chain, a link to start": f"{state}_LINKS=/bin/true$'\\n' {before}",
        "after a link, a link to start": f"{state}_LINKS=/bin/true$'\\n' {after}",
        "after a link, none left": f"{state}_LINKS= {after}",
    }
    options = f"NODE_OPTIONS={env[0].split('=', 1)[1]!r}"
    setups = {role: f'export {options} {state}=$$ {state}_REAL="$1" {role_state}' for role, role_state in roles.items()}
    hand, chain = "by hand: wrapper, L1', L2", "wrapgen chain: wrapper, L1, L2"
    variants = {hand: [str(by_hand), *argv], chain: [str(ours), *argv]}
    bash = ["/bin/bash", "-c"]
    variants["bash start, exec interpreter"] = [*bash, setups["no links left"] + 'exec -- "$@"', "bash", *argv]
    for role, setup in setups.items():
        variants[f"bash start, shim: {role}"] = [*bash, setup + f'shift; exec -- {shim} "$@"', "bash", *argv]
    times = measure(variants, iterations)
    report(f"Chain overhead, node, two do-nothing links ({iterations} interleaved runs each)", times, hand, chain, None)
    median = {name: statistics.median(samples) for name, samples in times.items()}
    shim_ms = {role: median[f"bash start, shim: {role}"] - median["bash start, exec interpreter"] for role in roles}
    one_shim = shim_ms["no links left"]
    bound = median[hand] + 3 * one_shim
    extra = median[chain] - median[hand]
    in_place = sum(shim_ms[role] for role in list(roles)[1:])
    print(f"  one shim exec (no links left, its own cost): {one_shim * 1e3:.3f} ms; the chain's extra over by hand:"
          f" {extra * 1e3:.3f} ms = {extra / one_shim:.2f} shim execs")  # fmt: skip
    print(f"  the chain's 3 shims, each in its place (the last 3 roles above): {in_place * 1e3:.3f} ms")
    verdict = "meets" if median[chain] <= bound else "MISSES"
    print(f"  {chain} <= by hand + 3 shim execs = {bound * 1e3:.3f} ms: {median[chain] * 1e3:.3f} ms ({verdict})")
    for label in (hand, chain):
        print(f"  processes started by {label}: {processes_started(variants[label], work)}")
    print(f"  sizes: wrapper {ours.stat().st_size} bytes (alone: {by_hand.stat().st_size}), shim {shim.stat().st_size}")
    for role, setup in setups.items():
        print(f"  instructions of one shim, {role}: {shim_instructions(shim, setup, argv, work)}")


def shim_instructions(shim: Path, setup: str, argv: list[str], workdir: Path) -> str:
    """Instructions one shim's bash runs until it execs, beyond those of a bash that runs `exit 0` (callgrind prints
    the count of the last program a process ran: the shim, started by the bash that set its state)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return "n/a (valgrind not installed)"
    stop = workdir / "shim.stop"
    stop.write_text(re.sub(r"(?m)^(\s*)exec -- .*$", r"\1exit 0", shim.read_text()))
    empty = workdir / "empty.stop"
    empty.write_text("#!/bin/bash -p\nexit 0\n")
    counts = []
    for script in (stop, empty):
        script.chmod(0o755)
        command = ["/bin/bash", "-c", f'{setup}shift; exec -- {script} "$@"', "bash", *argv]
        result = subprocess.run([valgrind, "--tool=callgrind", "--trace-children=yes", "--callgrind-out-file=/dev/null",
                                 *command], capture_output=True, text=True, check=True)  # fmt: skip
        counts.append(int(re.findall(r"Collected : (\d+)", result.stderr)[-1]))
    return f"{counts[0] - counts[1]:,} (a bash that runs exit 0: {counts[1]:,})"


def report(title: str, times: dict[str, list[float]], base: str, target: str, limit: float | None) -> None:
    print(f"\n{title}")
    width = max(34, *map(len, times))
    print(f"  {'variant':<{width}} {'median ms':>10} {'mean ms':>9} {'p90 ms':>8} {'vs ' + base:>14}")
    base_median = statistics.median(times[base])
    for name, samples in times.items():
        median = statistics.median(samples)
        p90 = statistics.quantiles(samples, n=10)[-1]
        print(
            f"  {name:<{width}} {median * 1e3:>10.3f} {statistics.fmean(samples) * 1e3:>9.3f} {p90 * 1e3:>8.3f}"
            f" {median / base_median:>13.3f}x"
        )
    ratio = statistics.median(times[target]) / base_median
    if limit is None:
        print(f"  {target} / {base} = {ratio:.3f}")
        return
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

        chain_overhead(work, options.iterations)

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
