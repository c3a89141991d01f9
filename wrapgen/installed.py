"""How this wrapgen was installed, so that a hint to add an optional extra (boto3 for the AWS commands,
awslambdaric for try) says a command that works for it: from PyPI, or from the clone it was installed from."""

from __future__ import annotations

import json
import os
import shlex
import sys
import urllib.parse


def extra_hint(extra: str) -> str:
    """The command that adds the optional extra to this installation, with this installation's python."""
    source = _source()
    python = shlex.quote(sys.executable or "python3")
    if source is None:
        return f"{python} -m pip install 'wrapgen[{extra}]'"
    path, editable = source
    return f"{python} -m pip install {'-e ' if editable else ''}{shlex.quote(f'{path}[{extra}]')}"


def _source() -> tuple[str, bool] | None:
    """The local directory this wrapgen was installed from (a clone) and whether editably, or None (an index)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        text = distribution("wrapgen").read_text("direct_url.json")
        data = json.loads(text) if text else {}
    except (PackageNotFoundError, OSError, ValueError):
        return None
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str) or not url.startswith("file://"):
        return None
    path = urllib.parse.unquote(urllib.parse.urlparse(url).path)
    if not os.path.isfile(os.path.join(path, "pyproject.toml")):
        return None  # a wheel or an archive: not a directory to install an extra from
    info = data.get("dir_info")
    return path, bool(isinstance(info, dict) and info.get("editable"))
