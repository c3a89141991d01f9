"""`wrapgen presets`: List the presets: what each does, exactly what it sets, where it applies, and its caveats."""

from __future__ import annotations

from wrapgen.choices import Report
from wrapgen.output import json_text, print_text


def run(family: str | None, format_: Report) -> int:
    from wrapgen.presets import as_data, describe
    from wrapgen.runtimes import FAMILIES
    from wrapgen.spec import family_named

    families = [family_named(family).name] if family else list(FAMILIES)
    print_text(json_text(as_data(families)) if format_ == "json" else describe(families))
    return 0
