"""The closed choices of the family commands (--via, --format, --iac): one set of enums for the command line, the
manifest's check and wrapgen.iac, in a module of their own that imports nothing of wrapgen's (iac and request
both use them, and neither imports the other at the top)."""

from __future__ import annotations

import enum


class Via(str, enum.Enum):
    """--via: what the command makes."""

    wrapper = "wrapper"
    env = "env"


class Format(str, enum.Enum):
    """--format: how --via env prints the variables."""

    lines = "lines"
    json = "json"


class IacFormat(str, enum.Enum):
    """--iac: the tools wrapgen.iac writes snippets for."""

    sam = "sam"
    cloudformation = "cloudformation"
    terraform = "terraform"
    serverless = "serverless"
    cdk_python = "cdk-python"
    cdk_typescript = "cdk-typescript"


class Report(str, enum.Enum):
    """--format of the reports (explain, inspect, lint, check, try, presets): text, or JSON."""

    text = "text"
    json = "json"
