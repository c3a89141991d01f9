"""Run inside wrapgen try's sandbox, which has no network but its own loopback: listen on 127.0.0.1:PORT there
(AWS_LAMBDA_RUNTIME_API), relay each connection to wrapgen's Runtime API on a Unix socket bound in from the
host, and start the runtime. Before it starts the runtime it writes the time (CLOCK_MONOTONIC, which the
sandbox shares with the host) to a descriptor: the start of init.

    python3 -I -S relay.py SOCKET PORT FD -- PROGRAM ARGS...

Standard library only, and no import of wrapgen: it runs under the interpreter of wrapgen's own installation.
Its exit status is the runtime's (128 + N for a signal N).
"""

import contextlib
import os
import socket
import sys
import threading
import time


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(1 << 16):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock, how in ((target, socket.SHUT_WR), (source, socket.SHUT_RD)):
            with contextlib.suppress(OSError):
                sock.shutdown(how)


def _serve(listener: socket.socket, path: str) -> None:
    while True:
        client, _ = listener.accept()
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(path)
        except OSError:
            client.close()
            upstream.close()
            continue
        for pair in ((client, upstream), (upstream, client)):
            threading.Thread(target=_pump, args=pair, daemon=True).start()


def main(argv: list[str]) -> int:
    path, port, fd, separator, *program = argv
    if separator != "--" or not program:
        sys.stderr.write("relay.py: usage: SOCKET PORT FD -- PROGRAM ARGS...\n")
        return 2
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(port)))
    listener.listen(64)
    os.write(int(fd), repr(time.monotonic()).encode())
    os.close(int(fd))
    child = os.fork()
    if child == 0:
        listener.close()
        try:
            os.execv(program[0], program)
        except OSError as error:
            sys.stderr.write(f"{program[0]}: {error.strerror}\n")
        os._exit(127)
    threading.Thread(target=_serve, args=(listener, path), daemon=True).start()
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
