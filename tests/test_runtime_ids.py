"""wrapgen's runtime table against AWS's own list of Lambda runtime ids: botocore's Lambda model (issue 22)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from conftest import wrapgen_cli

from wrapgen.runtimes import FAMILIES, RETIRED, RUNTIME_FAMILY

# How the ids of the five families begin in the enum (dotnet's older ones are dotnetcore*); go1.x and provided*
# are other families, which ignore AWS_LAMBDA_EXEC_WRAPPER.
PREFIXES = ("python", "nodejs", "java", "dotnet", "ruby")


def botocore_runtimes() -> list[str]:
    """The Runtime enum of the installed botocore's Lambda service model."""
    from botocore.loaders import Loader

    model = Loader().load_service_model("lambda", "service-2")
    return list(model["shapes"]["Runtime"]["enum"])


def unknown(enum: Iterable[str]) -> list[str]:
    """The enum's ids of the five families that wrapgen's table neither runs nor refuses as retired."""
    known = {**RUNTIME_FAMILY, **RETIRED}
    return [runtime for runtime in enum if runtime.startswith(PREFIXES) and runtime not in known]


def test_every_runtime_aws_lists_is_in_the_table() -> None:
    assert unknown(botocore_runtimes()) == []


def test_the_check_names_a_runtime_aws_adds() -> None:
    """The control: an enum with an id the table does not know fails the check, which names it."""
    doctored = [*botocore_runtimes(), "nodejs99.x", "provided.al2099"]
    assert unknown(doctored) == ["nodejs99.x"]


def test_every_runtime_of_the_table_is_one_aws_lists() -> None:
    """No id made up or misspelt: each one wrapgen runs or refuses is in botocore's enum."""
    enum = set(botocore_runtimes())
    assert sorted(set(RUNTIME_FAMILY) - enum) == [] and sorted(set(RETIRED) - enum) == []
    assert not set(RUNTIME_FAMILY) & set(RETIRED)


@pytest.mark.parametrize("runtime", sorted(RETIRED))
def test_a_retired_runtime_is_refused_with_its_date(runtime: str) -> None:
    family, date = RETIRED[runtime]
    result = wrapgen_cli(family.name, "--runtime", runtime)
    assert result.returncode == 1 and result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: --runtime {runtime!r} was deprecated by AWS on {date}")


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_the_newest_runtime_of_each_family_is_accepted(family: str) -> None:
    result = wrapgen_cli(family, "--runtime", FAMILIES[family].runtimes[-1])
    assert result.returncode == 0, result.stderr
