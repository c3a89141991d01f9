"""Talking to AWS: a boto3 session and clients, with the standard resolution of credentials and region (the
environment, ~/.aws/config and credentials, SSO, instance roles), --region and --profile on top, AWS_ENDPOINT_URL
left to boto3 itself, and retries that back off under throttling, each said on stderr. boto3 is the optional extra
`wrapgen[aws]`, imported only by the commands that reach AWS; every error of boto3's becomes one WrapgenError."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

from wrapgen import __version__
from wrapgen.errors import WrapgenError
from wrapgen.installed import extra_hint
from wrapgen.printable import printable

RETRY_MODE = "adaptive"
"""botocore's retry mode: standard's retries with exponential back-off, plus client-side rate limiting when AWS
throttles (TooManyRequestsException on a fleet)."""
MAX_ATTEMPTS = 10


class AwsError(WrapgenError):
    """AWS refused a call, or could not be reached, or boto3 is not installed or configured."""


def clients(region: str | None = None, profile: str | None = None, *services: str) -> list[Any]:
    """Clients of these services from one session. The endpoint is boto3's own choice (AWS_ENDPOINT_URL and
    AWS_ENDPOINT_URL_<SERVICE> included): wrapgen never passes one."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise AwsError("boto3 is not installed", extra_hint("aws")) from None
    config = Config(
        retries={"mode": RETRY_MODE, "max_attempts": MAX_ATTEMPTS},  # type: ignore[arg-type]
        user_agent_extra=f"wrapgen/{__version__}",
        max_pool_connections=32,
    )
    with translated():
        session = boto3.session.Session(region_name=region_of(region), profile_name=profile)
        made = [session.client(service, config=config) for service in services]  # type: ignore[call-overload]
    for client in made:
        client.meta.events.register("response-received", _said_retry)
    return made


def region_of(given: str | None) -> str | None:
    """The region as the AWS CLI v2 documents its order: --region, then AWS_REGION, then (boto3's own)
    AWS_DEFAULT_REGION and the profile's region."""
    return given or os.environ.get("AWS_REGION") or None


_RETRIED = frozenset({429, 500, 502, 503, 504})
_SAYING = threading.Lock()


def _said_retry(**event: Any) -> None:
    """On stderr, each attempt that failed and is to be retried: which call, attempt n of m, what failed (a
    network error, a throttling answer), so an unreachable endpoint is not silence while botocore backs off."""
    retries = (event.get("context") or {}).get("retries") or {}
    attempt, most = retries.get("attempt"), retries.get("max", MAX_ATTEMPTS + 1)  # botocore's total: one more
    error = event.get("exception")
    status = (event.get("response_dict") or {}).get("status_code")
    if not isinstance(attempt, int) or not isinstance(most, int) or attempt >= most:
        return
    if error is None and status not in _RETRIED:
        return
    what = str(error).replace("\n", " ") if error is not None else f"HTTP {status}"
    name = str(event.get("event_name", "")).split(".", 1)[-1].replace(".", " ")
    line = f"wrapgen: {name}: attempt {attempt} of {most} failed ({what}); retrying"
    with _SAYING:
        sys.stderr.write(printable(line) + "\n")
        sys.stderr.flush()


def code_of(error: BaseException) -> str | None:
    """The AWS error code of a ClientError (e.g. PreconditionFailedException), else None."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def describe(error: BaseException) -> str:
    """One line for a boto3 error."""
    code = code_of(error)
    if code is not None:
        message = getattr(error, "response", {}).get("Error", {}).get("Message") or ""
        operation = getattr(error, "operation_name", "")
        return f"{operation}: {code}" + (f": {message}" if message else "")
    return str(error).replace("\n", " ")


@contextlib.contextmanager
def translated(what: str = "") -> Iterator[None]:
    """boto3's errors as one AwsError: no credentials, no region, an unknown profile, a refused call, no network."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError, NoRegionError
    except ImportError:
        raise AwsError("boto3 is not installed", extra_hint("aws")) from None
    prefix = f"{what}: " if what else ""
    try:
        yield
    except NoRegionError:
        raise AwsError(
            prefix + "no AWS region", "say --region, or set AWS_REGION (or AWS_DEFAULT_REGION, or a profile's region)"
        ) from None
    except (BotoCoreError, ClientError) as error:
        hint = "see: aws configure, or --profile" if "credential" in str(error).lower() else None
        raise AwsError(prefix + describe(error), hint) from None
