"""`wrapgen iac`: Print the IaC snippet for a layer zip built earlier (it reads the wrapper back from the zip)."""

from __future__ import annotations

import os

from wrapgen.choices import IacFormat
from wrapgen.errors import WrapgenError
from wrapgen.output import print_text


def run(form: IacFormat, layer: str, iac_dir: str, name: str | None) -> int:
    from wrapgen.iac import Deployment, snippet
    from wrapgen.inspection import inspect_layer, the_wrapper
    from wrapgen.layer import in_opt
    from wrapgen.printable import printable

    report = inspect_layer(layer)
    if report.defects:
        raise WrapgenError(f"{printable(layer)}: {len(report.defects)} defect(s) would fail at cold start, the"
                           f" first: {printable(report.defects[0])}", "see: wrapgen inspect")  # fmt: skip
    entry = the_wrapper(report, layer, name, "choose one with --name")
    assert entry.spec is not None
    variables = (("AWS_LAMBDA_EXEC_WRAPPER", in_opt(entry.path)),)
    relative = os.path.relpath(layer, iac_dir)
    spec = entry.spec
    deployment = Deployment(spec.family, spec.name, relative, variables, spec.selected, spec.first + spec.then)
    text = snippet(form.value, deployment)
    print_text(text)
    return 0
