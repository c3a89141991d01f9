"""A local Lambda Runtime API (2018-06-01) for `wrapgen try`: stdlib http.server in a thread, on a Unix socket
(which wrapgen.local.relay serves as 127.0.0.1:PORT inside the sandbox) or, without a sandbox, on 127.0.0.1.

It serves one event to the first GET .../invocation/next (with `workers`, to the request that makes that many: a
Managed Instances environment's runtime processes each ask) and records when the first arrived (the end of init);
the others wait until the server stops, as a frozen Lambda sandbox would. It collects the handler's response or
error and any init error, each held to Lambda's 6 MB (a larger response is Function.ResponseSizeTooLarge, as
Lambda says it; its bytes are read and dropped). Nothing else of Lambda's (extensions, telemetry, streaming) is
served.
"""

from __future__ import annotations

import json
import socketserver
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"
RESPONSE_MAX = 6 * 1024 * 1024 + 100
"""Bytes of a synchronous invocation's response, as Lambda counts them (its message says 6291556)."""
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:wrapgen-try"


@dataclass
class Outcome:
    """What the runtime told the API: when it first asked for an event, and how the invocation ended."""

    next_at: float | None = None
    """time.monotonic() of the first GET .../invocation/next."""
    kind: str | None = None
    """"response", "error" (the handler's) or "init-error"; None while the runtime has said nothing."""
    body: bytes = b""
    error_type: str | None = None
    """The Lambda-Runtime-Function-Error-Type header of an error."""
    done: threading.Event = field(default_factory=threading.Event)
    """Set once the invocation has ended (a response, an error or an init error)."""
    asked: threading.Event = field(default_factory=threading.Event)
    """Set at the first GET .../invocation/next."""
    askers: int = 0
    """GET .../invocation/next requests received."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a runtime killed mid-request (the end of every run) is no error of the API's."""


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet, as _Server."""


class RuntimeApi:
    """The server, started on a free port; `address` is AWS_LAMBDA_RUNTIME_API's value. Use as a context manager."""

    def __init__(self, event: bytes, timeout: float, unix: str | None = None, workers: int = 1) -> None:
        self.event = event
        self.workers = workers
        self.timeout = timeout
        self.request_id = str(uuid.uuid4())
        self.outcome = Outcome()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
                """Quiet: the runtime's requests are not the user's output."""

            def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path != f"{PREFIX}/invocation/next":
                    self._reply(404, b'{"errorMessage":"not found"}')
                    return
                api._next(self)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                try:
                    length = max(int(self.headers.get("Content-Length") or 0), 0)
                except ValueError:
                    length = 0
                body, left = self.rfile.read(min(length, RESPONSE_MAX)), length - RESPONSE_MAX
                while left > 0 and (chunk := self.rfile.read(min(left, 1 << 20))):
                    left -= len(chunk)  # over Lambda's limit: read, so the runtime is answered, and dropped
                kind = api._kind(self.path)
                if kind is None:
                    self._reply(404, b'{"errorMessage":"not found"}')
                    return
                self._reply(202, b'{"status":"OK"}')
                error_type = self.headers.get("Lambda-Runtime-Function-Error-Type")
                if length > RESPONSE_MAX:
                    kind, error_type = "error", "Function.ResponseSizeTooLarge"
                    body = json.dumps({"errorMessage": "Response payload size exceeded maximum allowed payload size"
                                       f" ({RESPONSE_MAX} bytes).", "errorType": error_type}).encode()  # fmt: skip
                api._finish(kind, body, error_type)

        self.unix = unix
        self._server: socketserver.BaseServer = (
            _UnixServer(unix, Handler) if unix is not None else _Server(("127.0.0.1", 0), Handler)
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="wrapgen-runtime-api", daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])  # type: ignore[index]

    def _kind(self, path: str) -> str | None:
        if path == f"{PREFIX}/init/error":
            return "init-error"
        for kind in ("response", "error"):
            if path == f"{PREFIX}/invocation/{self.request_id}/{kind}":
                return kind
        return None

    def _next(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            if self.outcome.next_at is None:
                self.outcome.next_at = time.monotonic()
            self.outcome.askers += 1
            serve = self.outcome.askers == self.workers
        self.outcome.asked.set()
        if not serve or self._stopping.is_set():
            self._stopping.wait()  # a second request for work: nothing more to serve, as in a frozen sandbox
            return
        deadline = int((time.time() + self.timeout) * 1000)
        headers = {
            "Lambda-Runtime-Aws-Request-Id": self.request_id,
            "Lambda-Runtime-Deadline-Ms": str(deadline),
            "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
            "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0",
        }
        request._reply(200, self.event, headers)  # type: ignore[attr-defined]

    def _finish(self, kind: str, body: bytes, error_type: str | None) -> None:
        if self.outcome.done.is_set():
            return
        self.outcome.kind = kind
        self.outcome.body = body
        self.outcome.error_type = error_type
        self.outcome.done.set()

    def __enter__(self) -> RuntimeApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Release waiting requests, stop serving and close the listening socket."""
        self._stopping.set()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(5)
        self._server.server_close()
