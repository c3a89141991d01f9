"""The validated request, where the command line cannot reach (a NUL byte cannot be in argv)."""

from __future__ import annotations

import pytest

from wrapgen.errors import InvalidValue, WrapgenError
from wrapgen.spec import family_named, wrapper_spec


@pytest.mark.parametrize(
    "kwargs",
    [{"flags": ["-X\0dev"]}, {"env": ["A=\0"]}, {"then": ["/opt/\0x"]}, {"first": ["/opt/a", "/opt/\0x"]}],
)
def test_a_nul_byte_is_refused(kwargs: dict) -> None:
    with pytest.raises(InvalidValue, match="NUL byte"):
        wrapper_spec("python", **kwargs)


def test_links_are_a_list_not_one_string() -> None:
    """A str is a sequence of str: each character would be checked as a link ('/' as a directory)."""
    with pytest.raises(TypeError, match="not one str"):
        wrapper_spec("python", then="/opt/next")  # type: ignore[arg-type]
    assert wrapper_spec("python", then=["/opt/next"], first=("/opt/before",)).then == ("/opt/next",)


def test_a_lone_surrogate_is_refused_but_an_undecodable_byte_is_kept() -> None:
    with pytest.raises(InvalidValue, match="lone surrogate"):
        wrapper_spec("python", env=["A=\ud800"])
    assert wrapper_spec("python", env=["A=\udcff"]).env == (("A", "\udcff"),)


def test_unknown_family_suggests_the_closest() -> None:
    with pytest.raises(WrapgenError) as caught:
        family_named("pyhton")
    assert caught.value.hint == "did you mean 'python'?"


def test_spec_keeps_flags_split_as_a_shell_would() -> None:
    spec = wrapper_spec("java", ["'-Dx=a b' -Xss1m", "-ea"], unchecked=["-XX:+FutureFlag"])
    assert spec.flags == ("-Dx=a b", "-Xss1m", "-ea")
    assert spec.inserted == (*spec.flags, "-XX:+FutureFlag")
    assert spec.command() == [
        "wrapgen",
        "java",
        "--flag",
        "'-Dx=a b' -Xss1m -ea",
        "--unchecked-flag",
        "-XX:+FutureFlag",
    ]
