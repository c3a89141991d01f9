"""`wrapgen publish`: a layer zip as a Lambda layer version, with the runtimes and architectures its wrapgen
wrapper is for and a description saying what it does, once: a zip whose code is already the latest version's is
not published again."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wrapgen import __version__, shell
from wrapgen.aws.client import translated
from wrapgen.errors import InvalidValue
from wrapgen.inspection import Entry, inspect_layer
from wrapgen.layer import ZIPPED_LIMIT, in_opt
from wrapgen.printable import printable
from wrapgen.runtimes import LAYER_NAME, RUNTIME_FAMILY, retired

ARCHITECTURES = ("x86_64", "arm64")
"""A wrapper is a bash script: it runs on both."""
DESCRIPTION_LIMIT = 256
_WRAPPER_IN_DESCRIPTION = re.compile(r"AWS_LAMBDA_EXEC_WRAPPER=(/opt/\S+)")


@dataclass(frozen=True)
class Published:
    arn: str
    new: bool
    """False: the latest version already had this code, and nothing was published."""
    runtimes: tuple[str, ...]
    architectures: tuple[str, ...]
    description: str


def _sha256_base64(data: bytes) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def description(entry: Entry | None) -> str:
    """wrapgen's version, the wrapper's path (which `wrapgen attach` reads back) and what it does, in 256 chars."""
    if entry is None or entry.spec is None:
        return f"wrapgen {__version__}: files for wrappers (no wrapper)"[:DESCRIPTION_LIMIT]
    spec = entry.spec
    head = f"wrapgen {__version__} {spec.family.name} wrapper AWS_LAMBDA_EXEC_WRAPPER={in_opt(entry.path)}"
    does = []
    if spec.inserted:
        does.append("inserts " + shell.words(spec.inserted))
    if spec.dropped:
        does.append("removes " + shell.words(spec.dropped))
    does += [f"sets {name}" for name, _ in spec.variables + spec.defaults]
    if spec.first:
        does.append("after " + ", ".join(spec.first))
    if spec.then:
        does.append("then " + ", ".join(spec.then))
    text = head + (" - " + "; ".join(does) if does else "")
    text = printable(text)
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 3] + "..."


def wrapper_from_description(text: str | None) -> str | None:
    """The AWS_LAMBDA_EXEC_WRAPPER value a layer published by wrapgen names in its description."""
    found = _WRAPPER_IN_DESCRIPTION.search(text or "")
    return found.group(1) if found and text and text.startswith("wrapgen ") else None


def _compatibility(zip_path: str, runtimes: Sequence[str], architectures: Sequence[str]) -> tuple[
        Entry | None, tuple[str, ...], tuple[str, ...]]:  # fmt: skip
    report = inspect_layer(zip_path)
    if report.defects:
        raise InvalidValue(f"{printable(zip_path)}: {len(report.defects)} defect(s) would fail at cold start, the"
                           f" first: {printable(report.defects[0])}", "see: wrapgen inspect")  # fmt: skip
    ours = [entry for entry in report.entries if entry.spec is not None]
    if len(ours) > 1 and not runtimes:
        raise InvalidValue(f"{printable(zip_path)}: {len(ours)} wrapgen wrappers: say which runtimes the layer is for",
                           "add --runtime R (repeatable)")  # fmt: skip
    entry = ours[0] if len(ours) == 1 else None
    if runtimes:
        unknown = [runtime for runtime in runtimes if runtime not in RUNTIME_FAMILY]
        if unknown:
            raise InvalidValue(retired(unknown[0]) or f"--runtime {unknown[0]!r} is not a Lambda runtime wrapgen knows")
        chosen = tuple(dict.fromkeys(runtimes))
    elif entry is not None and entry.spec is not None:
        chosen = entry.spec.runtimes
    else:
        raise InvalidValue(f"{printable(zip_path)}: no wrapgen wrapper to read the runtimes from", "add --runtime R")
    if architectures:
        arches = tuple(dict.fromkeys(architectures))
    elif any(e.elf for e in report.entries):
        raise InvalidValue(f"{printable(zip_path)}: it holds a compiled program, which runs on one architecture",
                           "say --architecture x86_64 or arm64")  # fmt: skip
    else:
        arches = ARCHITECTURES
    return entry, chosen, arches


def _latest(client: Any, name: str) -> dict[str, Any] | None:
    """The latest version of the layer (get_layer_version: its code hash), or None where there is none."""
    with translated(f"layer {name}"):
        versions = client.list_layer_versions(LayerName=name).get("LayerVersions", [])
        if not versions:
            return None
        newest = max(versions, key=lambda version: int(version["Version"]))
        return dict(client.get_layer_version(LayerName=name, VersionNumber=int(newest["Version"])))


def publish(client: Any, zip_path: str, name: str, runtimes: Sequence[str] = (),
            architectures: Sequence[str] = ()) -> Published:  # fmt: skip
    """Publish the zip as the next version of layer `name`, unless the latest version has its code already."""
    if not re.fullmatch(LAYER_NAME, name):
        raise InvalidValue(f"--layer-name {printable(name)!r}: Lambda's layer names match {LAYER_NAME}")
    wrong = [arch for arch in architectures if arch not in ARCHITECTURES]
    if wrong:
        raise InvalidValue(f"--architecture {wrong[0]!r}: one of {', '.join(ARCHITECTURES)}")
    entry, chosen, arches = _compatibility(zip_path, runtimes, architectures)
    if os.path.getsize(zip_path) > ZIPPED_LIMIT:
        raise InvalidValue(f"{printable(zip_path)}: over {ZIPPED_LIMIT // 2**20} MB, Lambda's limit for a zip"
                           " uploaded directly", "upload it to S3 and publish it from there")  # fmt: skip
    with open(zip_path, "rb") as stream:
        data = stream.read()
    text = description(entry)
    latest = _latest(client, name)
    if latest is not None and latest.get("Content", {}).get("CodeSha256") == _sha256_base64(data):
        runtimes_there = tuple(latest.get("CompatibleRuntimes", ()))
        arches_there = tuple(latest.get("CompatibleArchitectures", ()))
        return Published(str(latest["LayerVersionArn"]), False, runtimes_there, arches_there,
                         str(latest.get("Description", "")))  # fmt: skip
    with translated(f"layer {name}"):
        answer = client.publish_layer_version(
            LayerName=name, Description=text, Content={"ZipFile": data}, CompatibleRuntimes=list(chosen),
            CompatibleArchitectures=list(arches),
        )  # fmt: skip
    return Published(str(answer["LayerVersionArn"]), True, chosen, arches, text)
