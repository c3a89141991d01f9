"""The one way wrapgen runs a program it did not write (a wrapper for explain and attach's chain check, a runtime
and a function for try, an interpreter for --verify-with and a manifest's verify-with and explain): in a
bubblewrap sandbox.

There, the program runs as uid 993 (Lambda's) in new user, PID, IPC, UTS, mount, network and cgroup namespaces;
sees a fresh /proc (no process of the host), the host's system directories read-only (/usr and its links, the few
/etc files programs need: never a home directory, never /etc/shadow), a read-only root, a small tmpfs at /tmp,
and only what the run places at Lambda's paths (/var/lang/bin, /var/task, /var/runtime, /opt) or exposes at its
own (an interpreter's installation); has no network but its own loopback; gets the environment the caller gives
(Lambda's) and nothing of wrapgen's; dies with wrapgen (--die-with-parent), and everything it started ends with
the run (its PID namespace ends). Time, data memory and output are bounded (wrapgen.local.children).

Where no sandbox can be made (no bwrap, user namespaces refused, not Linux), nothing is run: one error naming
what is missing and --no-sandbox, which runs the program on this machine with the operator's access.
"""

from __future__ import annotations

import glob
import os
import shutil
from collections.abc import Callable, Mapping, Sequence

from wrapgen.errors import WrapgenError
from wrapgen.local import children
from wrapgen.local.children import Ran

UID, GID = 993, 990
"""Lambda's sandbox user (sbx_user1051) and group."""
TMP_SIZE = 64 * 1024 * 1024
"""Bytes of the sandbox's /tmp (a tmpfs, in memory)."""
MEMORY = 2 * 1024 * 1024 * 1024
"""Bytes of data (heap, private writable mappings) a sandboxed program may use by default."""
SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
"""The host's top-level system directories, bound read-only (or made the same links)."""
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "passwd", "group", "nsswitch.conf",
       "localtime", "ssl/certs", "ca-certificates", "java-*-openjdk", "mime.types")  # fmt: skip
"""What of the host's /etc programs need (the dynamic linker's cache, the alternatives links of java and
node, a JDK's configuration, public certificates); nothing else of /etc is there."""
INSTALLATION = ("bin", "lib", "lib64", "lib32", "conf", "release", "pyvenv.cfg", "share")
"""What of an interpreter's installation (the directory above its bin/) it may read: its libraries and settings."""
PLAIN_ENVIRONMENT = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
"""The whole environment of a local interpreter run on its own in the sandbox (--verify-with, try's probes)."""
HINT = "--no-sandbox runs it unconfined, with your access to this machine: only for code you trust"


class NoSandbox(WrapgenError):
    """No sandbox can be made here, so wrapgen runs nothing it did not write."""


class Layout:
    """Where the program finds what it needs. In a sandbox, host files and directories are bound read-only at the
    paths the program is given (Lambda's); without one (--no-sandbox), the program is given the host paths."""

    def __init__(self, sandboxed: bool) -> None:
        self.sandboxed = sandboxed
        self.binds: list[tuple[str, str]] = []
        """(host path, path in the sandbox), in order: a later one over an earlier."""

    def copy(self) -> Layout:
        """A layout with these binds, to add a run's own to."""
        layout = Layout(self.sandboxed)
        layout.binds = list(self.binds)
        return layout

    def place(self, host: str, target: str) -> str:
        """The host path `host`, seen at `target` in the sandbox: the path to give the program."""
        if not self.sandboxed:
            return host
        self.binds.append((host, target))
        return target

    def expose(self, host: str) -> str:
        """A host path the program needs at its own path (a tool, an interpreter's installation)."""
        if self.sandboxed and not _system(host) and (host, host) not in self.binds:
            self.binds.append((host, host))
        return host

    def expose_installation(self, program: str) -> str:
        """An interpreter and the installation it belongs to, as given and after symlinks (a virtual environment
        and the Python it was made from): where it stands in a bin/ directory, that directory's siblings an
        interpreter reads (lib/, conf/, pyvenv.cfg, ...), else the file alone; never a home directory or above."""
        for path in dict.fromkeys((os.path.abspath(program), os.path.realpath(program))):
            bin_dir = os.path.dirname(path)
            prefix = os.path.dirname(bin_dir)
            if os.path.basename(bin_dir) != "bin" or holds_a_home(prefix):
                self.expose(path)
                continue
            for part in INSTALLATION:
                if os.path.lexists(os.path.join(prefix, part)):
                    self.expose(os.path.join(prefix, part))
        return program


def _system(path: str) -> bool:
    """Under one of the system's directories, which every sandbox has already."""
    return os.path.abspath(path).split(os.sep)[1] in SYSTEM


def holds_a_home(path: str) -> bool:
    """The root, a home directory, or a directory that holds one: never shown to a sandboxed program whole."""
    real = os.path.realpath(path)
    homes = {os.path.realpath(os.path.expanduser("~")), "/home", "/root"}
    return real == "/" or any(home == real or home.startswith(real + os.sep) for home in homes)


def bwrap() -> str:
    """bubblewrap's program, or NoSandbox."""
    import sys

    if not sys.platform.startswith("linux"):
        raise NoSandbox(f"no sandbox on {sys.platform}: wrapgen's sandbox (bubblewrap) needs Linux", HINT)
    found = shutil.which("bwrap")
    if found is None:
        raise NoSandbox("no sandbox: bwrap (bubblewrap) is not installed", "install bubblewrap (Debian, Ubuntu,"
                        " Fedora: package bubblewrap); or " + HINT)  # fmt: skip
    return found


def command(layout: Layout, argv: Sequence[str], cwd: str, started_fd: int) -> list[str]:
    """bubblewrap's command line that runs `argv` in `cwd` inside the sandbox, as the module says. Once the sandbox
    is made, a bash of the system's writes a byte to `started_fd`, closes it and execs `argv`: bwrap's own errors
    (and only they) come before that byte."""
    args = [bwrap(), "--unshare-all", "--unshare-user", "--uid", str(UID), "--gid", str(GID), "--die-with-parent",
            "--new-session", "--hostname", "localhost"]  # fmt: skip
    for top in SYSTEM:
        path = "/" + top
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for pattern in ETC:
        for path in sorted(glob.glob("/etc/" + pattern)):
            args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMP_SIZE), "--tmpfs", "/tmp"]
    for host, target in layout.binds:
        args += ["--ro-bind", host, target]
    started = f'printf . >&{started_fd} && exec "$@" {started_fd}>&-'
    args += ["--remount-ro", "/", "--chdir", cwd, "--", "/bin/bash", "-p", "-c", started, "bash", *argv]
    return args


def run(layout: Layout, argv: Sequence[str], env: Mapping[str, str], timeout: float, cwd: str, *,
        memory: int = MEMORY, reads: Mapping[int, int] | None = None, pass_fds: Sequence[int] = (),
        until: Callable[[Mapping[int, bytearray]], bool] | None = None) -> Ran:  # fmt: skip
    """Run `argv` with exactly `env` in `cwd` (a path as `layout` gives them), in the sandbox where `layout` is
    sandboxed, else on this machine; bounded as wrapgen.local.children.run is."""
    if not layout.sandboxed:
        return children.run(argv, env, timeout, cwd, reads=reads, pass_fds=pass_fds, until=until, memory=memory)
    started, started_write = os.pipe()
    try:
        full = command(layout, argv, cwd, started_write)
    except BaseException:
        for fd in (started, started_write, *pass_fds, *(reads or ())):
            os.close(fd)
        raise
    ran = children.run(full, env, timeout, None, reads={**(reads or {}), started: 1},
                       pass_fds=(*pass_fds, started_write), until=until, memory=memory)  # fmt: skip
    if not ran.read[started] and not ran.stopped:
        said = ran.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NoSandbox("no sandbox could be made here: " + (said[0] if said else f"bwrap exit {ran.returncode}"),
                        "user namespaces may be refused (sysctl user.max_user_namespaces, kernel.apparmor_restrict_"
                        "unprivileged_userns); or " + HINT)  # fmt: skip
    return ran._replace(read={fd: data for fd, data in ran.read.items() if fd != started})
