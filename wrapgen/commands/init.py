"""`wrapgen init`: Write a commented starter manifest (wrapgen.toml): an entry for each FAMILY, or for each
generated file given with --from (built again by wrapgen build, to the same bytes), every other key commented
with its meaning."""

from __future__ import annotations

import os
import sys


def run(
    families: list[str] | None,
    sources: list[str] | None,
    output: str,
    outside: bool,
) -> int:
    from wrapgen import starter
    from wrapgen.output import STDOUT, write_file, write_stdout
    from wrapgen.spec import family_named

    if output != STDOUT:
        starter.check_target(output)
    directory = os.path.dirname(os.path.abspath(output)) if output != STDOUT else os.getcwd()
    drafts = [starter.from_family(family_named(name)) for name in families or ([] if sources else ["python"])]
    from wrapgen.drift import distinct

    drafts += [starter.from_file(path, directory, outside) for path in distinct(sources or ())]
    options = {d.values["family"]: starter.options_of(family_named(d.values["family"])) for d in drafts}
    from wrapgen.printable import utf8

    data = utf8(starter.render(drafts, options, outside), "the manifest", "a header's value or a path that is not"
                " UTF-8 cannot go in TOML")  # fmt: skip
    if output == STDOUT:
        write_stdout(data)
        return 0
    write_file(output, data, 0o644)
    sys.stderr.write(f"wrote {output} (to build its entries: wrapgen build)\n")
    return 0
