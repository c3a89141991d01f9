"""A fleet attach or detach interrupted by a real SIGINT or SIGTERM: the functions in flight finish, no other is
started, and the summary says what changed and the exact command that undoes it (exit 130). Run against moto, as a
separate process, as a user's Ctrl-C or a CI job's cancellation would reach it."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import WRAPGEN, Moto
from test_aws import configuration, function
from test_containment import moto_environment

pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[test]'")
pytestmark = pytest.mark.moto

FLEET = 40
"""Functions: enough that some are still waiting when the signal comes (8 are worked on at a time)."""


def _env(moto: Moto, url: str | None = None) -> dict[str, str]:
    env = {**os.environ, **moto_environment(moto), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    env.pop("AWS_PROFILE", None)
    if url is not None:
        env["AWS_ENDPOINT_URL"] = url
    return env


@contextlib.contextmanager
def _slow(moto: Moto, delay: float = 0.2) -> Iterator[tuple[str, threading.Event]]:
    """moto behind a proxy that answers each call `delay` seconds late (as AWS does, far away), so a fleet takes
    long enough to be interrupted half way; the event is set once the first update has been answered."""
    import http.client
    import http.server
    import urllib.parse

    updated = threading.Event()

    target = urllib.parse.urlparse(moto.url)

    class Forward(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            time.sleep(delay)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            connection.request(self.command, self.path, body, dict(self.headers))
            answer = connection.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            if self.command == "PUT" and self.path.endswith("/configuration"):
                updated.set()

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", updated
    finally:
        server.shutdown()
        server.server_close()


def _published(tmp_path: Path, moto: Moto) -> str:
    """A wrapgen node layer, published: its version's ARN."""
    env, zip_path = _env(moto), tmp_path / "layer.zip"
    made = subprocess.run([*WRAPGEN, "node", "--flag", "--trace-warnings", "--layer", str(zip_path), "-o",
                           str(tmp_path / "w")], env=env, capture_output=True, check=False)  # fmt: skip
    assert made.returncode == 0
    return subprocess.run([*WRAPGEN, "publish", str(zip_path), "--layer-name", f"wrapgen-{uuid.uuid4().hex[:8]}"],
                          env=env, capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip


def _attached(moto: Moto, names: list[str]) -> set[str]:
    return {name for name in names if "WRAPGEN_ATTACHED" in configuration(moto, name)[1]}


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_fleet_attach_says_what_changed_and_how_to_undo_it(tmp_path: Path, moto: Moto,
                                                                          number: int) -> None:  # fmt: skip
    env, layer = _env(moto), _published(tmp_path, moto)
    names = [function(moto) for _ in range(FLEET)]
    before = {name: configuration(moto, name) for name in names}
    argv = [*WRAPGEN, "attach", "--layer", layer, "--no-explain",
            *[arg for name in names for arg in ("--function", name)]]  # fmt: skip
    with _slow(moto) as (url, updated):
        process = subprocess.Popen(argv, env=_env(moto, url), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)  # fmt: skip
        assert updated.wait(120)
        process.send_signal(number)
        stdout, stderr = process.communicate(timeout=120)
    attached = _attached(moto, names)
    assert process.returncode == 130, (stdout, stderr)
    assert attached and len(attached) < FLEET, (len(attached), stderr)  # some changed, some left alone
    rows = dict(re.findall(r"^(fn-\S+)\s+(changed|not started|failed|unchanged)\b", stdout, re.MULTILINE))
    assert {name for name, result in rows.items() if result == "changed"} == attached, stdout
    assert {name for name, result in rows.items() if result == "not started"} == set(names) - attached
    last = stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: attach: interrupted: {len(attached)} function(s) changed, ")
    undo = re.search(r"to undo: (wrapgen detach( --function [^\s)]+)+)", last)
    assert undo is not None and set(re.findall(r"--function ([^\s)]+)", undo[1])) == attached, last
    for name in set(names) - attached:
        assert configuration(moto, name) == before[name]  # left exactly as it was
    undone = subprocess.run(undo[1].replace("wrapgen", " ".join(WRAPGEN), 1).split(), env=env,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert undone.returncode == 0, undone.stdout
    assert {name: configuration(moto, name) for name in names} == before


def test_a_fleet_attach_without_a_signal_changes_them_all(tmp_path: Path, moto: Moto) -> None:
    """The control: the same fleet, not interrupted, is attached whole with exit 0 (the signal made the
    difference above)."""
    layer = _published(tmp_path, moto)
    names = [function(moto) for _ in range(FLEET // 4)]
    argv = [*WRAPGEN, "attach", "--layer", layer, "--no-explain",
            *[arg for name in names for arg in ("--function", name)]]  # fmt: skip
    with _slow(moto) as (url, _):
        done = subprocess.run(argv, env=_env(moto, url), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and _attached(moto, names) == set(names), done.stdout
