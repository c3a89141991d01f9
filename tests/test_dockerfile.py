"""--dockerfile: the COPY and ENV lines, built by a real BuildKit, read back exactly the paths they were given.

The builder is Debian's Docker engine (dockerd 20.10, its BuildKit and dockerfile frontend built in), unpacked by
scripts/test into the cache and started here as a daemon of this module's own (its own sockets, data, config;
FROM scratch, so no registry). BuildKit parses the lines, runs every word through its shell lexer
(frontend/dockerfile/shell), transfers the build context, resolves the sources, and writes the image: the test
reads the image's files and environment back. Without the engine (not root, or not unpacked) the engine tests
skip, except under CI, where scripts/test has unpacked it.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import wrapgen_cli

from wrapgen import dockerfile
from wrapgen.errors import InvalidValue

pytestmark = pytest.mark.docker

ENGINE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wrapgen" / "docker.io"
DOCKERD = ENGINE / "usr" / "sbin" / "dockerd"
DOCKER = ENGINE / "usr" / "bin" / "docker"


@dataclass(frozen=True)
class Image:
    files: dict[str, tuple[bytes, int]]
    """Every regular file: its bytes and permission bits, by path (no leading /)."""
    env: list[str]


class Engine:
    """A dockerd of the test's own: build a context with a Dockerfile, read the image back."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env

    def docker(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([str(DOCKER), *args], env=self.env, capture_output=True, timeout=timeout, check=False)

    def build(self, context: Path, text: str) -> Image | str:
        """The image built from `text` in `context`, or the end of BuildKit's error."""
        workdir = Path(tempfile.mkdtemp(dir=self.root))
        (workdir / "Dockerfile").write_text(text)
        iid = workdir / "iid"
        built = self.docker("build", "--progress=plain", "--iidfile", str(iid), "-f", str(workdir / "Dockerfile"),
                            str(context))  # fmt: skip
        if built.returncode != 0:
            return built.stderr.decode(errors="replace")[-1500:]
        image = iid.read_text().strip()
        saved = self.docker("save", image)
        assert saved.returncode == 0, saved.stderr.decode(errors="replace")
        self.docker("rmi", image)
        return _read_image(saved.stdout)


def _read_image(data: bytes) -> Image:
    """`docker save` output: the config's environment, and the layers applied in order (FROM scratch)."""
    files: dict[str, tuple[bytes, int]] = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as saved:

        def member(name: str) -> bytes:
            stream = saved.extractfile(name)
            assert stream is not None, name
            return stream.read()

        (manifest,) = json.loads(member("manifest.json"))
        config = json.loads(member(manifest["Config"]))
        for layer_name in manifest["Layers"]:
            with tarfile.open(fileobj=io.BytesIO(member(layer_name))) as layer:
                for entry in layer.getmembers():
                    stream = layer.extractfile(entry) if entry.isfile() else None
                    if stream is not None:
                        files[entry.name] = (stream.read(), entry.mode & 0o7777)
    return Image(files, config["config"].get("Env") or [])


def _unavailable(reason: str) -> None:
    """No engine: a skip on a developer's machine, a failure under CI (scripts/test provides it)."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    if not DOCKERD.is_file() or not DOCKER.is_file():
        _unavailable(f"{DOCKERD}: scripts/test unpacks Debian's docker.io there")
    if os.geteuid() != 0:
        _unavailable("dockerd needs root")
    root = Path(tempfile.mkdtemp(prefix="wgd-", dir="/tmp"))  # short: its unix sockets' paths are limited
    config = root / "daemon.json"
    config.write_text(json.dumps({"deprecated-key-path": str(root / "key.json")}))  # not /etc/docker/key.json
    socket = f"unix://{root}/docker.sock"
    bins = f"{ENGINE / 'usr' / 'sbin'}:{ENGINE / 'usr' / 'bin'}"
    daemon_env = {**os.environ, "PATH": f"{bins}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    (root / "cli").mkdir()
    client_env = {"PATH": daemon_env["PATH"], "HOME": str(root), "DOCKER_HOST": socket, "DOCKER_BUILDKIT": "1",
                  "DOCKER_CONFIG": str(root / "cli")}  # fmt: skip
    log = open(root / "dockerd.log", "wb")  # noqa: SIM115 (open while the daemon runs)
    # In a mount namespace of its own, over a /run of its own: its mounts and /run/docker stay inside.
    private = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
               'mount -t tmpfs tmpfs /run && exec "$0" "$@"']  # fmt: skip
    daemon = subprocess.Popen(
        [*private, str(DOCKERD), "--config-file", str(config), "--data-root", f"{root}/data",
         "--exec-root", f"{root}/exec", "--pidfile", f"{root}/dockerd.pid", "-H", socket,
         # no network of its own: FROM scratch and COPY need none
         "--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false",
         "--userland-proxy=false"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=daemon_env, start_new_session=True,
    )  # fmt: skip
    built = Engine(root, client_env)
    try:
        deadline = time.monotonic() + 60
        while built.docker("version", timeout=30).returncode != 0:
            if daemon.poll() is not None or time.monotonic() > deadline:
                tail = (root / "dockerd.log").read_bytes()[-1500:].decode(errors="replace")
                _unavailable(f"dockerd did not start: {tail}")
            time.sleep(0.2)
        yield built
    finally:
        # It says "Daemon shutdown complete" at once, then waits seconds on its containerd: past a moment, both
        # go (containerd dies with it, Pdeathsig), and their mounts with the namespace.
        daemon.terminate()
        try:
            daemon.wait(timeout=1)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def _context(tmp_path: Path, names: list[str]) -> tuple[Path, dict[str, bytes]]:
    """A build context holding a file at each of these paths, each with its own content."""
    context = tmp_path / "context"
    contents = {}
    for number, name in enumerate(names):
        path = context / name
        path.parent.mkdir(parents=True, exist_ok=True)
        contents[name] = f"file {number}\n".encode()
        path.write_bytes(contents[name])
    return context, contents


# Sources wrapgen writes as they are for BuildKit: each is a file of the build context.
HOSTILE_SOURCES = [
    "w$HOME", "x${X:-y}", "${X}", "$", "q'uote", 'd"quote', "it's \"both\"", "sp ace", " lead", "trail ", "tick`x",
    "#hash", "a{b}c", "a]b", "-dash", "--chmod=777", "a+b(c)|d^e&f;g", "~home", "%41", "uni\u00e9\u4e2d",
    "\ufeffbom", "nel\u0085x", "ls\u2028x", "nb\u00a0sp", "emoji\U0001f600", "dir with $X/and 'quotes'/f",
]  # fmt: skip
# Destinations under /opt (--include's DEST: a layer path, without control characters; the random test below gives
# wrapgen.dockerfile those too): a wildcard, a backslash, a quote reaches the image as it is.
HOSTILE_DESTINATIONS = [
    "wrapgen/$HOME", "wrapgen/${X:-y}", "wrapgen/back\\slash", "wrapgen/a\\", "wrapgen/'", 'wrapgen/"', "wrapgen/`",
    "wrapgen/sp ace", "wrapgen/a*", "wrapgen/q?", "wrapgen/[x]", "wrapgen/\ufeffbom", "wrapgen/d\u00e9j\u00e0",
    "wrapgen/ls\u2028x", "wrapgen/$/$$/f", "lib/it's/x",
]  # fmt: skip

# Before the lines: an escape character of Windows' choosing, and the variables a lexer would expand.
PREAMBLES = {
    "plain": "FROM scratch\n",
    "escape-and-variables": "# escape=`\nFROM scratch\nENV HOME=/expanded X=expanded\nARG Y=expanded\n",
}


@pytest.mark.parametrize("preamble", PREAMBLES.values(), ids=PREAMBLES.keys())
def test_buildkit_copies_exactly_the_paths_given(engine: Engine, tmp_path: Path, preamble: str) -> None:
    script = "wrapper $HOME 'it's' \"q\" `x` \u00e9"
    context, contents = _context(tmp_path, HOSTILE_SOURCES + ["w", "x", "ab"])  # decoys for lost text
    includes = []
    for number, source in enumerate(HOSTILE_SOURCES):
        option = "--include-exec" if number % 2 else "--include"
        includes.append(f"{option}={source}={HOSTILE_DESTINATIONS[number % len(HOSTILE_DESTINATIONS)]}.{number}")
    result = wrapgen_cli("python", "--name", "wrap.per-1_x", "-o", script, "--dockerfile", *includes, cwd=context)
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    image = engine.build(context, preamble + result.stdout)
    assert isinstance(image, Image), image
    expected = {"opt/wrapgen/wrap.per-1_x": ((context / script).read_bytes(), 0o755)}
    for number, source in enumerate(HOSTILE_SOURCES):
        destination = f"opt/{HOSTILE_DESTINATIONS[number % len(HOSTILE_DESTINATIONS)]}.{number}"
        expected[destination] = (contents[source], 0o755 if number % 2 else 0o644)
    assert image.files == expected
    assert "AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapgen/wrap.per-1_x" in image.env


def _random_name(rng: random.Random, alphabet: str) -> str:
    while True:
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        if name not in {".", ".."}:
            return name


def test_random_names_read_back_exactly(engine: Engine, tmp_path: Path) -> None:
    """Random sources (of every character wrapgen writes in a COPY source), destinations (of any character but NUL
    and /) and an ENV value (printable), a seeded set each run: written by wrapgen.dockerfile, built by BuildKit."""
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)
    sample = "\u00e9\u00df\u4e2d\u0430\u05d0\u0645\u2028\u2029\u0085\u00a0\ufeff\u200b\U0001f600\ufffd"
    printable = "".join(map(chr, range(0x20, 0x7F)))
    source_chars = (printable + sample).translate({ord(char): None for char in "/*?[\\"})
    any_chars = "".join(map(chr, range(1, 0x80))).replace("/", "") + sample
    pairs: dict[str, str] = {}
    while len(pairs) < 24:
        source, destination = _random_name(rng, source_chars), _random_name(rng, any_chars)
        if source not in pairs and destination not in pairs.values():
            pairs[source] = destination
    sources = list(pairs)
    context, contents = _context(tmp_path, sources)
    lines = [f"COPY [{json.dumps(dockerfile.copy_source(source))}, "
             f"{json.dumps(dockerfile.copy_destination('/opt/' + destination))}]\n"
             for source, destination in pairs.items()]  # fmt: skip
    value = "".join(rng.choice(printable + "\u00e9\u00df\u4e2d\U0001f600") for _ in range(40))
    lines.append(f"ENV V={dockerfile.env_value(value)}\n")
    image = engine.build(context, "FROM scratch\n" + "".join(lines))
    assert isinstance(image, Image), f"seed {seed}: {image}"
    expected = {f"opt/{destination}": contents[source] for source, destination in pairs.items()}
    assert {path: data for path, (data, _) in image.files.items()} == expected, f"seed {seed}"
    assert f"V={value}" in image.env, f"seed {seed}"


# What wrapgen refuses in a COPY source, and why: each written as the lexer would take it, BuildKit goes wrong.
def test_what_is_refused_goes_wrong_in_buildkit(engine: Engine, tmp_path: Path) -> None:
    def copy(source: str, destination: str = "/opt/out") -> str:
        return f"FROM scratch\nCOPY [{json.dumps(dockerfile.word(source))}, {json.dumps(destination)}]\n"

    context, contents = _context(tmp_path, ["a*", "ab", "back\\slash", "new\nline", "w"])
    # A wildcard copies every file it matches.
    image = engine.build(context, copy("a*", "/opt/d/"))
    assert isinstance(image, Image) and sorted(image.files) == ["opt/d/a*", "opt/d/ab"]
    # Escaped, it matches its own name only, but a name that matches nothing copies nothing, without an error.
    image = engine.build(context, copy("a[*]"))
    assert isinstance(image, Image) and image.files == {"opt/out": (contents["a*"], 0o644)}
    image = engine.build(context, copy("missing[*]"))
    assert isinstance(image, Image) and image.files == {}
    # A backslash: the context transfer reads it as an escape, and the file never arrives.
    assert "not found" in str(engine.build(context, copy("back\\slash")))
    # A control character: the context transfer cannot ask for the path.
    assert not isinstance(engine.build(context, copy("new\nline")), Image)
    # `..` is read from the top of the context.
    image = engine.build(context, copy("../w"))
    assert isinstance(image, Image) and image.files["opt/out"][0] == contents["w"]


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("a*b", "'*'"), ("a?b", "'?'"), ("a[b", "'['"), ("a\\b", "'\\\\'"), ("a\tb", "'\\t' (U+0009)"),
        ("a\nb", "'\\n' (U+000A)"), ("a\x1bb", "'\\x1b' (U+001B)"), ("a\x7fb", "'\\x7f' (U+007F)"),
        ("../w", "'..'"), ("d/../w", "'..'"), ("a\udcffb", "(b'\\xff')"), ("a\0b", "NUL"),
    ],
)  # fmt: skip
def test_a_source_buildkit_cannot_read_is_refused(source: str, shown: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        dockerfile.copy_source(source)
    message = refused.value.message
    assert message.startswith(f"--dockerfile: COPY source {source!r} holds ") and shown in message, message
    assert message.isprintable()


def test_the_command_line_refuses_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    result = wrapgen_cli("python", "-o", "w\tx", "--dockerfile", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.rstrip("\n")] and "COPY source 'w\\tx' holds" in result.stderr
    (tmp_path / "x*").write_text("x\n")
    result = wrapgen_cli("python", "-o", "w", "--dockerfile", "--include", "x*=wrapgen/x", cwd=tmp_path)
    assert result.returncode == 1 and "COPY source 'x*' holds '*'" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["x*"], "a refused run writes nothing"


def test_words() -> None:
    assert dockerfile.word("wrapgen/x-1.2_3+a,b:c@d%e=f~") == "wrapgen/x-1.2_3+a,b:c@d%e=f~"
    assert dockerfile.word("w$HOME") == "'w$HOME'"
    assert dockerfile.word("it's") == "'it'\"'\"'s'"
    assert dockerfile.word("") == "''"
    assert dockerfile.env_value("/opt/wrapgen/w") == '"/opt/wrapgen/w"'
    assert dockerfile.env_value("/opt/w $X") == "'/opt/w $X'"
    for bad in (".", "./", "", "a/.."):
        with pytest.raises(InvalidValue):
            dockerfile.copy_source(bad)
    for bad in ("opt/x", "/opt/x/", "/opt/./x", "/opt/../x", "/opt/x\0"):
        with pytest.raises(InvalidValue):
            dockerfile.copy_destination(bad)
    with pytest.raises(InvalidValue, match="U\\+000A"):
        dockerfile.env_value("/opt/w\nx")
