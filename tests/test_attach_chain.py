"""attach composing a chain (issue 24): --first and --then add links to WRAPGEN_FIRST and WRAPGEN_THEN, the
function's own wrapper joins it (first in WRAPGEN_THEN, unless --first or --then places it), links already there are
extended and kept once, a link that replaces the runtime only last (the layer's own links, read from its wrapper's
header, in the chain), and detach puts back the whole configuration; status shows the chain in order."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Moto, aws_sample
from test_aws import BOTH, function, layer_zip, plain_layer, pointed_at, publish, run, unique

from wrapgen.aws import attach
from wrapgen.aws.attach import FIRST, THEN, WRAPPER, Function, LayerInfo, OwnLinks, Refused, plan_attach
from wrapgen.aws.record import decode
from wrapgen.errors import InvalidValue

ARN = "arn:aws:lambda:eu-west-1:123456789012:layer:wrapgen-node:3"
OURS = "/opt/wrapgen/wrapgen-node"
VENDOR = "/opt/vendor/wrapper"
LWA = "/opt/bootstrap"
LAYER = LayerInfo(ARN, OURS, (), (), OwnLinks())
MOTO = [pytest.mark.usefixtures("no_real_aws"), pytest.mark.moto]


def on(env: dict[str, str]) -> Function:
    return Function("f", "arn:aws:lambda:eu-west-1:123456789012:function:f", "nodejs20.x", "Zip", ("x86_64",), (),
                    env, "r1")  # fmt: skip


def links(env: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    return env.get(FIRST), env.get(WRAPPER), env.get(THEN)


def detached(function: Function, env: dict[str, str], layers: list[str]) -> dict[str, str]:
    """What detach makes of the function as attach left it."""
    change = attach.plan_detach(dataclasses.replace(function, env=env, layers=tuple(layers)))
    assert not change.remaining and change.layers == list(function.layers)
    return change.env


def test_the_functions_wrapper_runs_first_after_ours_then_the_links_given() -> None:
    function = on({WRAPPER: VENDOR})
    change = plan_attach(function, LAYER, then=["/opt/other"])
    assert links(change.env) == (None, OURS, f"{VENDOR}:/opt/other")
    assert f"chain: {OURS} -> {VENDOR} -> /opt/other" in change.notes
    assert detached(function, change.env, change.layers) == function.env
    # control: without --then, as before: the function's wrapper alone after ours
    assert links(plan_attach(function, LAYER).env) == (None, OURS, VENDOR)


def test_first_or_then_places_the_functions_wrapper() -> None:
    function = on({WRAPPER: VENDOR})
    change = plan_attach(function, LAYER, first=[VENDOR])
    assert links(change.env) == (VENDOR, OURS, None) and f"chain: {VENDOR} -> {OURS}" in change.notes
    assert detached(function, change.env, change.layers) == function.env
    change = plan_attach(function, LAYER, then=["/opt/other", VENDOR])  # after the other
    assert links(change.env) == (None, OURS, f"/opt/other:{VENDOR}")


def test_links_already_there_are_extended_in_order_kept_once_and_restored_byte_for_byte() -> None:
    env = {WRAPPER: VENDOR, THEN: "/opt/h1::/opt/h2", FIRST: "/opt/f", "KEEP": " k "}
    function = on(env)
    change = plan_attach(function, LAYER, first=["/opt/g"], then=["/opt/h2", "/opt/x", "/opt/x"])
    assert links(change.env) == ("/opt/f:/opt/g", OURS, f"{VENDOR}:/opt/h1:/opt/h2:/opt/x")
    assert "/opt/h2: in the chain already, kept where it is" in change.notes
    record = decode(change.env["WRAPGEN_ATTACHED"])
    assert record.sets[THEN] == ("/opt/h1::/opt/h2", f"{VENDOR}:/opt/h1:/opt/h2:/opt/x")
    assert record.sets[FIRST] == ("/opt/f", "/opt/f:/opt/g")
    assert detached(function, change.env, change.layers) == env  # the empty entry too
    # control: nothing added leaves them as they are (not rewritten without the empty entry)
    alone = plan_attach(on({THEN: "/opt/h1::/opt/h2"}), LAYER)
    assert alone.env[THEN] == "/opt/h1::/opt/h2" and THEN not in decode(alone.env["WRAPGEN_ATTACHED"]).sets


def test_attached_again_the_chain_is_extended_and_detach_restores_the_first_original() -> None:
    env = {WRAPPER: VENDOR, THEN: "/opt/hand"}
    function = on(env)
    first = plan_attach(function, LAYER, then=["/opt/a"])
    assert links(first.env) == (None, OURS, f"{VENDOR}:/opt/hand:/opt/a")
    attached = dataclasses.replace(function, env=first.env, layers=tuple(first.layers))
    again = plan_attach(attached, LAYER, first=["/opt/f"], then=["/opt/b"])
    assert links(again.env) == ("/opt/f", OURS, f"{VENDOR}:/opt/hand:/opt/a:/opt/b")
    assert again.notes[0] == f"attached again: {FIRST}, {THEN} updated"
    assert detached(function, again.env, again.layers) == env
    twice = dataclasses.replace(function, env=again.env, layers=tuple(again.layers))
    assert plan_attach(twice, LAYER, then=["/opt/a"]).notes == ["already attached: nothing to do"]


@pytest.mark.parametrize(
    ("env", "first", "then", "own", "said"),
    [({WRAPPER: LWA}, [], ["/opt/other"], OwnLinks(), "/opt/other after it would never run"),
     ({THEN: f"{LWA}:/opt/x"}, [], [], OwnLinks(), "/opt/x after it would never run"),
     ({}, [LWA], [], OwnLinks(), "this wrapper after it would never run"),
     ({WRAPPER: VENDOR}, [], [], OwnLinks(then=(LWA,)), f"{VENDOR} after it would never run"),
     ({FIRST: LWA}, [], [], OwnLinks(first=("/opt/own",)), "/opt/own after it would never run"),
     ({THEN: "/opt/x"}, ["/opt/x"], [], OwnLinks(), "--first /opt/x: it is in the chain already, in WRAPGEN_THEN"),
     ({THEN: "relative"}, [], [], OwnLinks(), "WRAPGEN_THEN 'relative' is not an absolute path"),
     ({FIRST: OURS}, [], [], OwnLinks(), f"{OURS} is the wrapper attached: it is not a link of its own chain")],
    ids=["lwa-then", "lwa-set-by-hand", "lwa-first", "own-lwa", "own-first-after-lwa", "other-list", "relative",
         "itself"],
)  # fmt: skip
def test_a_chain_generation_would_refuse_is_refused_with_the_reason(
    env: dict[str, str], first: list[str], then: list[str], own: OwnLinks, said: str
) -> None:
    layer = dataclasses.replace(LAYER, own=own)
    with pytest.raises(Refused) as refused:
        plan_attach(on(env), layer, first=first, then=then)
    assert said in refused.value.message


def test_a_runtime_replacer_last_is_attached() -> None:
    """The refusals' controls: the same links, the replacer last."""
    change = plan_attach(on({WRAPPER: LWA}), LAYER, then=["/opt/other", LWA])
    assert links(change.env) == (None, OURS, f"/opt/other:{LWA}")
    assert links(plan_attach(on({THEN: f"/opt/x:{LWA}"}), LAYER).env) == (None, OURS, f"/opt/x:{LWA}")
    assert links(plan_attach(on({}), LAYER, then=[LWA]).env) == (None, OURS, LWA)
    own = dataclasses.replace(LAYER, own=OwnLinks(then=(LWA,)))
    assert links(plan_attach(on({}), own).env) == (None, OURS, None)
    unread = dataclasses.replace(LAYER, own="layer x: not had")  # the own links unknown: said
    change = plan_attach(on({WRAPPER: VENDOR}), unread)
    said = "the wrapper's own links (--first, --then) not read: layer x: not had; the chain was checked without them"
    assert said in change.notes


def test_a_link_the_wrapper_runs_itself_is_not_added_again() -> None:
    own = dataclasses.replace(LAYER, own=OwnLinks(then=("/opt/otel",)))
    change = plan_attach(on({WRAPPER: "/opt/otel"}), own, then=["/opt/otel", "/opt/x"])
    assert links(change.env) == (None, OURS, "/opt/x") and f"chain: {OURS} -> /opt/otel -> /opt/x" in change.notes
    assert decode(change.env["WRAPGEN_ATTACHED"]).sets[WRAPPER] == ("/opt/otel", OURS)  # put back by detach


def test_given_links_are_checked_and_each_kept_once() -> None:
    given_links = attach.given_links
    assert given_links(["/opt/a", "/opt/a"], ["/opt/b"]) == (("/opt/a",), ("/opt/b",))
    with pytest.raises(InvalidValue, match="--first and --then '/opt/a': a link runs once"):
        given_links(["/opt/a"], ["/opt/a"])
    with pytest.raises(InvalidValue, match="--then 'x' is not an absolute path"):
        given_links([], ["x"])
    with pytest.raises(InvalidValue, match="--then '/opt/a:b' holds ':'"):
        given_links([], ["/opt/a:b"])
    with pytest.raises(InvalidValue, match=f"--env {FIRST}: attach sets it itself"):
        plan_attach(on({}), LAYER, [(FIRST, "/opt/x")])


# Against moto: the configuration read back.


@pytest.fixture
def aws(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Moto:
    """The RevisionId-enforcing moto server, or the one named by an indirect parameter (BOTH)."""
    return pointed_at(request.getfixturevalue(getattr(request, "param", "moto")), monkeypatch)


VOLATILE = {"RevisionId", "LastModified", "LastUpdateStatus", "LastUpdateStatusReason", "LastUpdateStatusReasonCode",
            "State", "StateReason", "StateReasonCode", "ResponseMetadata"}  # fmt: skip


def whole(aws: Moto, name: str) -> dict[str, Any]:
    """The function's whole configuration, but what changes on any update (its revision, when, its state)."""
    config = aws.client("lambda").get_function_configuration(FunctionName=name)
    return {key: value for key, value in config.items() if key not in VOLATILE}


def vendor_function(aws: Moto, **env: str) -> str:
    vendor = plain_layer(aws, {"vendor/wrapper": aws_sample("--trace-warnings")})
    return function(aws, layers=[vendor], env={WRAPPER: VENDOR, "NODE_OPTIONS": "--trace-warnings", **env})


@BOTH
@pytest.mark.usefixtures("no_real_aws")
@pytest.mark.moto
def test_a_link_added_after_the_functions_wrapper_and_detach_restores_everything(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    name = vendor_function(aws)
    before = whole(aws, name)
    result = run("attach", "--function", name, "--layer", ours, "--then", "/opt/other/link", "--no-explain")
    assert result.exit_code == 0, result.stdout + result.stderr
    variables = whole(aws, name)["Environment"]["Variables"]
    assert (variables[WRAPPER], variables[THEN]) == (OURS, f"{VENDOR}:/opt/other/link") and FIRST not in variables
    assert f"chain: {OURS} -> {VENDOR} -> /opt/other/link" in " ".join(result.stdout.split())
    assert run("detach", "--function", name).exit_code == 0
    assert whole(aws, name) == before
    # control: the comparison sees a change: attached, the configuration is not the one from before
    assert run("attach", "--function", name, "--layer", ours, "--no-explain").exit_code == 0
    assert whole(aws, name) != before and whole(aws, name)["Environment"]["Variables"][THEN] == VENDOR


@BOTH
@pytest.mark.usefixtures("no_real_aws")
@pytest.mark.moto
def test_first_places_the_functions_wrapper_before_ours(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    name = vendor_function(aws)
    before = whole(aws, name)
    result = run("attach", "--function", name, "--layer", ours, "--first", VENDOR, "--then", "/opt/other/link",
                 "--no-explain")  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    variables = whole(aws, name)["Environment"]["Variables"]
    assert (variables[FIRST], variables[WRAPPER], variables[THEN]) == (VENDOR, OURS, "/opt/other/link")
    assert run("detach", "--function", name).exit_code == 0 and whole(aws, name) == before


@pytest.mark.usefixtures("no_real_aws")
@pytest.mark.moto
def test_attached_again_extends_the_chain_and_detach_restores_what_was_set_by_hand(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    name = vendor_function(aws, **{THEN: "/opt/hand/one::/opt/hand/two"})  # set by hand: extended, not refused
    before = whole(aws, name)
    command = ("attach", "--function", name, "--layer", ours, "--no-explain")
    assert run(*command, "--then", "/opt/a").exit_code == 0
    result = run(*command, "--then", "/opt/b", "--first", "/opt/f")
    assert result.exit_code == 0 and f"attached again: {FIRST}, {THEN} updated" in result.stdout, result.stdout
    variables = whole(aws, name)["Environment"]["Variables"]
    assert variables[THEN] == f"{VENDOR}:/opt/hand/one:/opt/hand/two:/opt/a:/opt/b" and variables[FIRST] == "/opt/f"
    again = run(*command, "--then", "/opt/a")  # a link there already: kept once, nothing to do
    assert again.exit_code == 0 and "already attached: nothing to do" in again.stdout, again.stdout
    assert run("detach", "--function", name).exit_code == 0
    assert whole(aws, name) == before


@pytest.mark.usefixtures("no_real_aws")
@pytest.mark.moto
def test_a_runtime_replacer_not_last_is_refused_and_nothing_written(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    lwa = plain_layer(aws, {"bootstrap": "#!/bin/bash\nexec /var/task/run.sh\n"})
    name = function(aws, layers=[lwa], env={WRAPPER: LWA})
    before = whole(aws, name)
    result = run("attach", "--function", name, "--layer", ours, "--then", "/opt/other/link", "--no-explain")
    assert result.exit_code == 1, result.stdout
    said = " ".join(result.stdout.split())
    assert f"{LWA} (AWS Lambda Web Adapter) replaces the runtime" in said and "/opt/other/link after it" in said
    assert whole(aws, name) == before
    # control: the replacer placed last
    result = run("attach", "--function", name, "--layer", ours, "--then", "/opt/other/link", "--then", LWA,
                 "--no-explain")  # fmt: skip
    assert result.exit_code == 0, result.stdout
    assert whole(aws, name)["Environment"]["Variables"][THEN] == f"/opt/other/link:{LWA}"


@pytest.mark.usefixtures("no_real_aws")
@pytest.mark.moto
def test_the_layers_own_links_are_read_from_its_wrapper(aws: Moto, tmp_path: Path) -> None:
    path = layer_zip(tmp_path, "node", "--then", LWA)  # its own last link replaces the runtime
    ours = run("publish", str(path), "--layer-name", unique("wrapgen-node")).stdout.strip()
    name = vendor_function(aws)
    before = whole(aws, name)
    result = run("attach", "--function", name, "--layer", ours, "--layer-zip", str(path), "--no-explain")
    assert result.exit_code == 1 and f"{VENDOR} after it would never run" in " ".join(result.stdout.split())
    assert whole(aws, name) == before
    # control: where the layer's zip cannot be had (moto gives no URL) its links are unknown, and that is said
    result = run("attach", "--function", name, "--layer", ours, "--no-explain", "--dry-run")
    said = " ".join(result.stdout.split())
    assert result.exit_code == 0 and "the wrapper's own links (--first, --then) not read: layer" in said, said


@pytest.mark.usefixtures("no_real_aws")
@pytest.mark.moto
def test_dry_run_shows_the_chain_and_status_too(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    name = vendor_function(aws)
    command = ("attach", "--function", name, "--layer", ours, "--first", "/opt/f", "--then", "/opt/t", "--no-explain")
    result = run(*command, "--dry-run")
    assert result.exit_code == 0, result.stdout
    assert f'+      "{THEN}": "{VENDOR}:/opt/t",' in result.stdout and f'+      "{FIRST}": "/opt/f",' in result.stdout
    assert f'-      "{WRAPPER}": "{VENDOR}",' in result.stdout
    assert run(*command).exit_code == 0
    text = run("status", "--function", name)
    assert f"/opt/f -> {OURS} -> {VENDOR} -> /opt/t" in text.stdout, text.stdout
    (found,) = json.loads(run("status", "--function", name, "--format", "json").stdout)["functions"]
    assert found["chain"] == ["/opt/f", OURS, VENDOR, "/opt/t"]
    assert (found["first"], found["wrapper"], found["then"]) == ("/opt/f", OURS, f"{VENDOR}:/opt/t")
    assert found["warnings"] == [] and found["result"] == "ok"


@pytest.mark.usefixtures("no_real_aws")
@pytest.mark.moto
def test_the_check_runs_the_whole_chain_in_order(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    script = str(next(tmp_path.glob("wrapper-node-*")))
    name = vendor_function(aws)
    scripts = {}
    for link, text in {"vendor": aws_sample("--trace-warnings"), "good": '#!/bin/bash\nexec "$@"\n',
                       "broken": "#!/bin/bash\nexit 3\n"}.items():  # fmt: skip
        scripts[link] = tmp_path / link
        scripts[link].write_text(text)
        scripts[link].chmod(0o755)
    command = ("attach", "--function", name, "--layer", ours, "--then", "/opt/other/link", "--dry-run")
    result = run(*command, "--explain-with", script, "--explain-with", str(scripts["vendor"]))
    assert result.exit_code == 1 and "--explain-with: give 3 local script(s), in the order they run: ours," in (
        " ".join(result.stdout.split())
    ), result.stdout  # fmt: skip
    chain = ("--explain-with", script, "--explain-with", str(scripts["vendor"]), "--explain-with")
    result = run(*command, *chain, str(scripts["good"]))
    assert result.exit_code == 0 and "wrapper chain checked: ok" in result.stdout, result.stdout
    # control: the last link breaks the function, and the check sees it
    result = run(*command, *chain, str(scripts["broken"]))
    assert result.exit_code == 1 and "would break the function on nodejs20.x" in result.stdout, result.stdout
    # with a link before ours: the scripts in the order they run, ours second
    command = ("attach", "--function", name, "--layer", ours, "--first", VENDOR, "--then", "/opt/other/link",
              "--dry-run")  # fmt: skip
    chain = ("--explain-with", str(scripts["vendor"]), "--explain-with", script, "--explain-with")
    result = run(*command, *chain, str(scripts["good"]))
    assert result.exit_code == 0 and "wrapper chain checked: ok" in result.stdout, result.stdout
    result = run(*command, *chain, str(scripts["broken"]))
    assert result.exit_code == 1 and "would break the function on nodejs20.x" in result.stdout, result.stdout


@pytest.mark.usefixtures("no_real_aws")
@pytest.mark.moto
def test_status_check_and_attach_run_every_link_from_the_functions_layers(aws: Moto, tmp_path: Path) -> None:
    path = layer_zip(tmp_path, "node")
    ours = run("publish", str(path), "--layer-name", unique("wrapgen-node")).stdout.strip()
    names, zips = [], {}
    for kind, last in {"good": '#!/bin/bash\nexec "$@"\n', "broken": "#!/bin/bash\nexit 3\n"}.items():
        zips[kind] = tmp_path / f"vendor-{kind}.zip"
        vendor = plain_layer(aws, {"vendor/wrapper": aws_sample("--trace-warnings"), "vendor/last": last},
                             save=zips[kind])  # fmt: skip
        names.append(function(aws, layers=[vendor], env={WRAPPER: VENDOR, "NODE_OPTIONS": "--trace-warnings"}))
    good, broken = names
    given = ("--layer-zip", str(path), "--layer-zip", str(zips["good"]), "--layer-zip", str(zips["broken"]))
    result = run("attach", "--function", good, "--layer", ours, "--then", "/opt/vendor/last", *given)
    assert result.exit_code == 0 and "wrapper chain checked: ok" in result.stdout, result.stdout
    # control: the last link, from the function's layer, breaks it: refused, and --force attaches it
    result = run("attach", "--function", broken, "--layer", ours, "--then", "/opt/vendor/last", *given)
    assert result.exit_code == 1 and "would break the function on nodejs20.x" in result.stdout, result.stdout
    assert run("attach", "--function", broken, "--layer", ours, "--then", "/opt/vendor/last", *given,
               "--force").exit_code == 0  # fmt: skip
    result = run("status", "--function", good, "--function", broken, "--check", *given, "--format", "json")
    found = {item["function"]: item for item in json.loads(result.stdout)["functions"]}
    assert (found[good]["check"], found[good]["result"]) == ("ok", "ok"), found[good]
    assert (found[broken]["check"], found[broken]["result"]) == ("breaks", "unhealthy"), found[broken]
    assert found[good]["chain"] == [OURS, VENDOR, "/opt/vendor/last"] and result.exit_code == 1
