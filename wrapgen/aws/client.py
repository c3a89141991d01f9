"""Talking to AWS: a boto3 session and clients, with the standard resolution of credentials and region (the
environment, ~/.aws/config and credentials, SSO, instance roles), --region and --profile on top, AWS_ENDPOINT_URL
left to boto3 itself, and retries that back off under throttling. boto3 is the optional extra `wrapgen[aws]`,
imported only by the commands that reach AWS; every error of boto3's becomes one WrapgenError."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from wrapgen import __version__
from wrapgen.errors import WrapgenError

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
        raise AwsError("boto3 is not installed", "pip install 'wrapgen[aws]'") from None
    config = Config(
        retries={"mode": RETRY_MODE, "max_attempts": MAX_ATTEMPTS},  # type: ignore[arg-type]
        user_agent_extra=f"wrapgen/{__version__}",
        max_pool_connections=32,
    )
    with translated():
        session = boto3.session.Session(region_name=region, profile_name=profile)
        return [session.client(service, config=config) for service in services]  # type: ignore[call-overload]


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
        raise AwsError("boto3 is not installed", "pip install 'wrapgen[aws]'") from None
    prefix = f"{what}: " if what else ""
    try:
        yield
    except NoRegionError:
        raise AwsError(prefix + "no AWS region", "say --region, or set AWS_REGION or a profile's region") from None
    except (BotoCoreError, ClientError) as error:
        hint = "see: aws configure, or --profile" if "credential" in str(error).lower() else None
        raise AwsError(prefix + describe(error), hint) from None
