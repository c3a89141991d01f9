"""`wrapgen publish`: Publish a layer zip as a Lambda layer version and print its ARN; the latest version is reused
(its ARN printed, saying so) when it holds the same code. Credentials and region as the AWS CLI finds them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from wrapgen.output import json_text, print_text

if TYPE_CHECKING:
    from wrapgen.aws.publish import Published


def run(
    zip_path: str,
    layer_name: str,
    runtime: list[str] | None,
    architecture: list[str] | None,
    region: str | None,
    profile: str | None,
    format_: str = "text",
) -> int:
    from wrapgen.aws.client import clients
    from wrapgen.aws.publish import publish

    (client,) = clients(region, profile, "lambda")
    published = publish(client, zip_path, layer_name, runtime or (), architecture or ())
    if format_ == "json":
        print_text(json_text(as_data(published)))
        return 0
    if published.new:
        sys.stderr.write(f"published: {', '.join(published.runtimes)}; {', '.join(published.architectures)}\n"
                         f"description: {published.description}\n")  # fmt: skip
    else:
        sys.stderr.write("not published: the latest version holds the same code (CodeSha256); its ARN:\n")
    print_text(published.arn + "\n")
    return 0


def as_data(published: Published) -> dict[str, object]:
    """What the text says, as JSON: the version's ARN and number, whether it was published now (false: the latest
    version held the same code), its runtimes, architectures and description."""
    return {"arn": published.arn, "version": int(published.arn.rpartition(":")[2]), "published": published.new,
            "runtimes": list(published.runtimes), "architectures": list(published.architectures),
            "description": published.description}  # fmt: skip
