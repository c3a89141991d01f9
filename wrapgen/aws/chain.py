"""The wrapper chain attach would make, as local scripts for `wrapgen explain`: our wrapper taken from the layer
being attached, and every link of its chain (WRAPGEN_FIRST's before it, WRAPGEN_THEN's after it, the function's
own wrapper among them after attach) from the function's layer that holds it. Each layer's zip is downloaded from
GetLayerVersion's Content.Location (a presigned URL, bounded in size and time, checked against CodeSha256), or taken
from a local copy given with --layer-zip (matched by CodeSha256), and read with wrapgen's safe zip reader; only the
scripts are written out.

What cannot be had (a Location that is no URL, as moto's "s3://"; a network error; a link not in any layer)
is NotChecked: attach then says "not checked: WHY" rather than failing.

`check` runs the chain as the function's runtime starts it (wrapgen explain, in the sandbox: the function's layers
unpacked at /opt, each script at its path) and says, in the change's notes or by refusing it, what it found.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING, Any

from wrapgen.aws.attach import FIRST, THEN, WRAPPER, Change, OwnLinks, Refused, links_of
from wrapgen.aws.client import translated
from wrapgen.errors import InvalidValue, WrapgenError
from wrapgen.header import read_command
from wrapgen.lint import shebang_program
from wrapgen.printable import printable
from wrapgen.zipread import HEAD, read_zip

if TYPE_CHECKING:
    from wrapgen.local.explain import Outcome
    from wrapgen.runtimes import Family

MAX_ZIPPED = 50 * 1024 * 1024
"""Bytes of a layer's zip: Lambda's limit for a zip uploaded directly."""
MAX_SCRIPT = 1024 * 1024
"""Bytes of a wrapper script taken out of a layer."""
TIMEOUT = 30
"""Seconds of a download without progress."""
DEADLINE = 300
"""Seconds of a whole download."""
CHUNK = 1024 * 1024
SHELLS = frozenset({"bash", "sh"})
"""What the function's own wrapper may be run under, locally: a shell script; no binary is run."""


class NotChecked(WrapgenError):
    """The chain cannot be had, so it is not checked: why."""


def sha256_base64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def local_zips(paths: Sequence[str]) -> dict[str, bytes]:
    """--layer-zip: local copies of layer versions' zips, by their CodeSha256."""
    found = {}
    for path in paths:
        try:
            size = os.path.getsize(path)
            if size > MAX_ZIPPED:
                raise NotChecked(f"--layer-zip {printable(path)}: over {MAX_ZIPPED} bytes, Lambda's limit")
            with open(path, "rb") as stream:
                data = stream.read(MAX_ZIPPED + 1)
        except OSError as error:
            raise NotChecked(printable(f"--layer-zip {path}: {error.strerror}")) from None
        found[sha256_base64(data)] = data
    return found


def download(location: str, size: int | None, sha: str | None, what: str) -> bytes:
    """The zip at a presigned URL: at most MAX_ZIPPED bytes, TIMEOUT seconds without progress, its CodeSha256."""
    if not location.startswith(("https://", "http://")):
        raise NotChecked(f"{what}: its zip cannot be downloaded (Location {location!r})",
                         "give a local copy: --layer-zip PATH.zip")  # fmt: skip
    if size is not None and size > MAX_ZIPPED:
        raise NotChecked(f"{what}: {size} bytes zipped, over {MAX_ZIPPED}")
    deadline = time.monotonic() + DEADLINE
    chunks: list[bytes] = []
    got = 0
    try:
        with urllib.request.urlopen(location, timeout=TIMEOUT) as answer:  # noqa: S310 - http(s) only, above
            while got <= MAX_ZIPPED and (chunk := answer.read(CHUNK)):
                chunks.append(chunk)
                got += len(chunk)
                if time.monotonic() > deadline:
                    raise NotChecked(f"{what}: its zip took over {DEADLINE} s to download")
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise NotChecked(printable(f"{what}: its zip could not be downloaded: {error}")) from None
    data = b"".join(chunks)
    if len(data) > MAX_ZIPPED:
        raise NotChecked(f"{what}: its zip is over {MAX_ZIPPED} bytes")
    if sha and sha256_base64(data) != sha:
        raise NotChecked(f"{what}: the zip downloaded is not its CodeSha256")
    return data


def script_in(data: bytes, member: str, what: str) -> bytes | None:
    """The file at `member` of the zip (read safely: bounded, no bombs), or None if it has none."""
    try:
        found = [m for m in read_zip(data) if m.info.filename == member and not m.info.is_dir()]
    except WrapgenError as error:
        raise NotChecked(f"{what}: {error.message}") from None
    if not found:
        return None
    if found[-1].size > MAX_SCRIPT:
        raise NotChecked(f"{what}: {member} is over {MAX_SCRIPT} bytes: not a wrapper script")
    if found[-1].size <= HEAD:
        return found[-1].head
    with zipfile.ZipFile(BytesIO(data)) as archive:  # checked whole by read_zip above
        return archive.open(found[-1].info).read(MAX_SCRIPT)


@dataclass
class Layers:
    """Layers' zips as attach needs them: downloaded once for a whole fleet (kept on disk, in a temporary
    directory, while it runs), or from --layer-zip."""

    client: Any
    local: dict[str, bytes] = field(default_factory=dict)
    _zips: dict[str, str | NotChecked] = field(default_factory=dict)
    _scripts: dict[tuple[str, str], bytes | None] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _store: tempfile.TemporaryDirectory[str] = field(
        default_factory=lambda: tempfile.TemporaryDirectory(prefix="wrapgen-layers-")
    )

    def zip(self, arn: str) -> bytes:
        """The layer version's zip; NotChecked when it cannot be had. Each is fetched once for a whole fleet (other
        layers meanwhile fetched by other threads)."""
        with self._lock:
            lock = self._locks.setdefault(arn, threading.Lock())
        with lock:
            if arn not in self._zips:
                try:
                    data = self._fetch(arn)
                    path = os.path.join(self._store.name, f"{len(self._zips)}.zip")
                    with open(path, "wb") as stream:
                        stream.write(data)
                    self._zips[arn] = path
                except NotChecked as error:
                    self._zips[arn] = error
            found = self._zips[arn]
        if isinstance(found, NotChecked):
            raise found
        with open(found, "rb") as stream:
            return stream.read()

    def script(self, arn: str, path: str) -> bytes | None:
        """The file at /opt/PATH in the layer version, None if it has none; NotChecked when it cannot be had. Each
        is read out of its zip once for a whole fleet."""
        key = (arn, path)
        with self._lock:
            if key in self._scripts:
                return self._scripts[key]
        found = script_in(self.zip(arn), path.removeprefix("/opt/"), f"layer {arn}")
        with self._lock:
            self._scripts[key] = found
        return found

    def _fetch(self, arn: str) -> bytes:
        name, _, version = arn.rpartition(":")
        try:
            with translated(f"layer {arn}"):
                content = self.client.get_layer_version(LayerName=name, VersionNumber=int(version))["Content"]
        except (WrapgenError, ValueError) as error:
            raise NotChecked(getattr(error, "message", str(error))) from None
        sha = content.get("CodeSha256")
        data = self.local.get(sha) if sha else None
        if data is None:
            data = download(str(content.get("Location") or ""), content.get("CodeSize"), sha, f"layer {arn}")
        return data


def unpacked(layers: Layers, arns: Sequence[str], target: str) -> list[str]:
    """The function's layers (in its order) unpacked into `target`, as Lambda unpacks them at /opt; what could not
    be had is left out, and said in the notes returned (the scripts checked come from layers that could)."""
    from wrapgen.local.optdir import unpack

    found, notes = [], []
    for arn in arns:
        try:
            found.append((f"layer {arn}", layers.zip(arn)))
        except NotChecked as error:
            notes.append(f"left out of /opt: {error.message}")
    try:
        unpack(found, target)
    except WrapgenError as error:
        raise NotChecked(error.message) from None
    return notes


def ours(layers: Layers, arn: str, wrapper: str) -> bytes:
    """Our wrapper, from the layer being attached: it must be there, and be one of wrapgen's."""
    script = layers.script(arn, wrapper)
    if script is None:
        raise NotChecked(f"layer {arn}: it has no {wrapper}")
    if read_command(script[:HEAD].decode("utf-8", "replace")) is None:
        raise NotChecked(f"layer {arn}: {wrapper} is not a wrapgen wrapper (no wrapgen header)")
    return script


def own_links(layers: Layers, arn: str, wrapper: str) -> OwnLinks | str:
    """The links our wrapper was built with (--first, --then), read from its header in the layer; why not, where
    the layer cannot be had."""
    from wrapgen.request import HEADER_FIELDS, Request

    try:
        command = read_command(ours(layers, arn, wrapper).decode("utf-8", "replace"))
        request = Request.from_argv(command or [], HEADER_FIELDS)
    except NotChecked as error:
        return error.message
    except InvalidValue as error:
        return f"layer {arn}: {wrapper}'s header: {error.message}"
    return OwnLinks(tuple(request.first), tuple(request.then))


def theirs(layers: Layers, function_layers: Sequence[str], wrapper: str) -> bytes:
    """The wrapper at `wrapper` from the function's layers: the last that holds it (Lambda unzips them in order,
    a later one over an earlier)."""
    if not wrapper.startswith("/opt/"):
        raise NotChecked(f"{printable(wrapper)} is not in a layer (not under /opt)")
    for arn in reversed(function_layers):
        script = layers.script(arn, wrapper)
        if script is None:
            continue
        if shebang_program(script) not in SHELLS:
            raise NotChecked(f"{printable(wrapper)} (layer {arn}) is no bash or sh script: not run here")
        return script
    raise NotChecked(f"none of the function's layers holds {printable(wrapper)}")


@dataclass(frozen=True)
class Check:
    """How attach checks a function's wrapper chain."""

    layers: Layers
    ours: str
    """Our layer version's ARN."""
    wrapper: str | None
    """Our wrapper's path (--wrapper, or the layer's description), else the function's AWS_LAMBDA_EXEC_WRAPPER."""
    explain_with: Sequence[str] = ()
    """Local copies of the scripts to run instead of the layers' (--explain-with): a failure is then an error."""
    force: bool = False
    sandboxed: bool = True


def verdict(change: Change, how: Check) -> str:
    """The chain (ours and every link, in order) run as the function's runtime starts it, with the change's
    layers and variables: "ok", "breaks" or "not checked: WHY" (a layer left out of /opt said in its notes)."""
    from wrapgen.runtimes import RUNTIME_FAMILY

    function = change.function
    family = RUNTIME_FAMILY.get(function.runtime or "")
    if family is None:
        return f"not checked: wrapgen explain knows no runtime {function.runtime}"
    with tempfile.TemporaryDirectory(prefix="wrapgen-attach-") as tmp:
        try:
            outcomes = _explained(change, how, family, tmp)
        except NotChecked as error:
            return f"not checked: {error.message}"
    if any(outcome.broken for outcome in outcomes):
        return "breaks"
    unchecked = next((outcome.unchecked for outcome in outcomes if outcome.unchecked), None)
    if unchecked is not None:
        return f"not checked: {unchecked} (checked with the function's layers: leave out --explain-with)"
    return "ok"


def check(change: Change, how: Check) -> None:
    """The verdict on the chain attach would make: a note on the change ("wrapper chain checked: ok", "not checked:
    WHY"), or Refused where it would break the function (unless --force: then a note)."""
    found = verdict(change, how)
    if found != "breaks":
        change.notes.append("wrapper chain checked: ok" if found == "ok" else found)
        return
    function = change.function
    shown = " ".join(how.explain_with) if how.explain_with else "the wrappers (the layers' scripts)"
    if not how.force:
        raise Refused(f"{function.name}: the wrapper chain would break the function on {function.runtime}",
                      f"see: wrapgen explain {shown}; --force to attach anyway")  # fmt: skip
    change.notes.append("the wrapper chain BREAKS the function (attached: --force)")


def places(change: Change, how: Check) -> tuple[list[str], int]:
    """The chain's scripts' paths in the order they run (WRAPGEN_FIRST's links, ours, WRAPGEN_THEN's), and where
    ours is in it."""
    before = links_of(change.env, FIRST)
    return [*before, how.wrapper or change.env[WRAPPER], *links_of(change.env, THEN)], len(before)


def _explained(change: Change, how: Check, family: Family, tmp: str) -> list[Outcome]:
    """The chain's scripts (local copies, or the layers' with the layers at /opt), run; NotChecked where it cannot
    be had or run."""
    from wrapgen.local.explain import explain
    from wrapgen.local.sandbox import NoSandbox

    where, at = places(change, how)
    scripts, opt = list(how.explain_with), None
    if how.explain_with:
        if len(how.explain_with) != len(where):
            raise InvalidValue(f"{change.function.name}: --explain-with: give {len(where)} local script(s), in the"
                               f" order they run: {', '.join(where[:at] + ['ours'] + where[at + 1 :])}")  # fmt: skip
    else:
        scripts = _written(change, how, where, at, tmp)
        if how.sandboxed:  # the function's layers at /opt, as Lambda unpacks them
            opt = os.path.join(tmp, "opt")
            change.notes += unpacked(how.layers, change.layers, opt)
    try:  # the whole chain, in the order it runs (explain composes it through wrapgen's shims)
        return explain(scripts, family, [change.function.runtime or ""], sandboxed=how.sandboxed, places=where,
                       opt=opt)  # fmt: skip
    except NoSandbox as error:
        raise NotChecked(f"no sandbox ({error.message})") from None
    except WrapgenError as error:
        if how.explain_with:
            raise
        raise NotChecked(error.message) from None


def _written(change: Change, how: Check, where: Sequence[str], at: int, tmp: str) -> list[str]:
    """Ours from the layer attached, each link from the function's layers: each written out, mode 0755."""
    texts = [ours(how.layers, how.ours, place) if i == at else theirs(how.layers, change.layers, place)
             for i, place in enumerate(where)]  # fmt: skip
    scripts = []
    for i, (text, place) in enumerate(zip(texts, where, strict=True)):
        path = os.path.join(tmp, f"{i}-" + os.path.basename(place))
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o755), "wb") as stream:
            stream.write(text)
        scripts.append(path)
    return scripts
