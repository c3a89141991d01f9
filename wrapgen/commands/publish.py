"""`wrapgen publish`: Publish a layer zip as a Lambda layer version and print its ARN; the latest version is reused
(its ARN printed, saying so) when it holds the same code. Credentials and region as the AWS CLI finds them."""

from __future__ import annotations

import sys

from wrapgen.output import print_text


def run(
    zip_path: str,
    layer_name: str,
    runtime: list[str] | None,
    architecture: list[str] | None,
    region: str | None,
    profile: str | None,
) -> int:
    from wrapgen.aws.client import clients
    from wrapgen.aws.publish import publish

    (client,) = clients(region, profile, "lambda")
    published = publish(client, zip_path, layer_name, runtime or (), architecture or ())
    if published.new:
        sys.stderr.write(f"published: {', '.join(published.runtimes)}; {', '.join(published.architectures)}\n"
                         f"description: {published.description}\n")  # fmt: skip
    else:
        sys.stderr.write("not published: the latest version holds the same code (CodeSha256); its ARN:\n")
    print_text(published.arn + "\n")
    return 0
