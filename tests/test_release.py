"""What a release says about itself, fast: the LICENSE file is the license the metadata declares, and the
CHANGELOG's newest entry is the version the package carries (tests/test_packaging.py builds the artifacts)."""

from __future__ import annotations

import re

from conftest import ROOT

from wrapgen import __version__

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib


def test_the_license_file_is_the_declared_license() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert (project["license"], project["license-files"]) == ("MIT", ["LICENSE"])
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in text
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639: the expression only


def test_the_changelog_starts_with_this_version() -> None:
    headings = re.findall(r"^## (.*)$", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert headings, "CHANGELOG.md has no release heading"
    assert __version__ in headings[0], f"the newest CHANGELOG entry ({headings[0]!r}) is not {__version__}"
