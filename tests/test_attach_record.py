"""WRAPGEN_ATTACHED, the record attach keeps in users' functions: every record an earlier wrapgen wrote reads back to
the same bytes, and anything else is one error for that function (never a traceback that ends a fleet)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Moto, aws_sample, wrapgen_cli
from hypothesis import given
from hypothesis import strategies as st
from test_aws import configuration, function, plain_layer, pointed_at, publish, role, run, two_versions, unique

from wrapgen.aws.attach import Function, plan_detach
from wrapgen.aws.record import Record, RecordError, decode, encode
from wrapgen.errors import WrapgenError
from wrapgen.runtimes import MERGED_VARIABLES
from wrapgen.variables import units

ARN = "arn:aws:lambda:eu-west-1:123456789012:layer:wrapgen-node:3"
TEXT = st.text(max_size=20)
NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True)


def earlier_encoder(record: dict[str, Any]) -> str:
    """How wrapgen wrote the record before it had a type: the dict, dumped compact."""
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


@st.composite
def earlier_records(draw: st.DrawFn) -> dict[str, Any]:
    """Records as attach built them: l, then r, s and a where it had them, in that order."""
    record: dict[str, Any] = {"l": draw(TEXT)}
    if draw(st.booleans()):
        record["r"] = draw(TEXT.filter(bool))
    if draw(st.booleans()):
        record["s"] = draw(st.dictionaries(NAMES, st.tuples(st.none() | TEXT, TEXT).map(list), min_size=1))
    if draw(st.booleans()):
        lists = st.sampled_from(sorted(MERGED_VARIABLES))  # attach appends to list variables only, and something
        record["a"] = draw(st.dictionaries(lists, st.tuples(TEXT.filter(bool), st.booleans()).map(list), min_size=1))
    return record


@given(earlier_records())
def test_every_record_written_before_reads_back_to_the_same_bytes(record: dict[str, Any]) -> None:
    written = earlier_encoder(record)
    assert encode(decode(written)) == written


def test_what_attach_wrote_is_typed() -> None:
    record = decode(f'{{"l":"{ARN}","s":{{"AWS_LAMBDA_EXEC_WRAPPER":[null,"/opt/wrapgen/w"]}},'
                    '"a":{"NODE_OPTIONS":[" --require /opt/x.js",true]}}')  # fmt: skip
    assert record == Record(ARN, None, {"AWS_LAMBDA_EXEC_WRAPPER": (None, "/opt/wrapgen/w")},
                            {"NODE_OPTIONS": (" --require /opt/x.js", True)})  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [f'{{"l":"{ARN}","s":{{"AA":1}}}}', f'{{"l":"{ARN}","s":[1]}}', f'{{"l":"{ARN}","a":{{"X":[1,true]}}}}',
     "[" * 100_000 + "]" * 100_000, f'{{"l":"{ARN}","s":{{"A":["x"]}}}}', f'{{"l":"{ARN}","x":1}}', '{"l":1}',
     "not json", "[]", f'{{"l":"{ARN}","a":{{"NODE_OPTIONS":["t","yes"]}}}}',
     f'{{"l":"{ARN}","a":{{"X":["t",true]}}}}', f'{{"l":"{ARN}","a":{{"NODE_OPTIONS":["",true]}}}}',
     f'{{"l":"{ARN}","s":{{"WRAPGEN_ATTACHED":[null,"x"]}}}}'],
    ids=["s-int", "s-list", "a-int", "deep", "s-one", "unknown-key", "l-int", "text", "array", "a-str", "a-not-a-list",
         "a-nothing", "s-itself"],
)  # fmt: skip
def test_a_malformed_record_is_that_functions_error(text: str) -> None:
    with pytest.raises(RecordError):
        decode(text)
    function = Function("f", "arn:f", "nodejs20.x", "Zip", ("x86_64",), (ARN,), {"WRAPGEN_ATTACHED": text}, "r1")
    with pytest.raises(WrapgenError, match=r"^f: WRAPGEN_ATTACHED.*: left as it is$"):
        plan_detach(function)


@pytest.fixture(params=[pytest.param(name, marks=pytest.mark.moto) for name in ("moto", "stock_moto")])
def aws(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, no_real_aws: None) -> Moto:
    """Each moto server: the RevisionId-enforcing one (as AWS) and moto as it ships (no RevisionId)."""
    return pointed_at(request.getfixturevalue(request.param), monkeypatch)


def set_by_hand(aws: Moto, name: str, layers: list[str] | None = None, **env: str | None) -> None:
    """What an operator does in the console: the layers replaced, variables set (None: removed)."""
    now_layers, variables = configuration(aws, name)
    variables = {k: v for k, v in {**variables, **env}.items() if v is not None}
    aws.client("lambda").update_function_configuration(
        FunctionName=name, Layers=now_layers if layers is None else layers, Environment={"Variables": variables}
    )


def test_detach_after_changes_by_hand_restores_what_it_can_and_keeps_the_rest(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    vendor = plain_layer(aws, {"vendor/wrapper": aws_sample()})
    env = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/vendor/wrapper", "NODE_OPTIONS": "--trace-warnings", "KEEP": " k "}
    names = [function(aws, layers=[vendor], env=env) for _ in range(2)]
    for name in names:
        result = run("attach", "--function", name, "--layer", ours, "--env", "NODE_OPTIONS=--enable-source-maps",
                     "--no-explain")  # fmt: skip
        assert result.exit_code == 0, result.stdout
        set_by_hand(aws, name, AWS_LAMBDA_EXEC_WRAPPER="/opt/other/wrapper",
                    NODE_OPTIONS="--trace-warnings --enable-source-maps --trace-deprecation")  # fmt: skip
    name, forced = names
    changed = configuration(aws, name)
    result = run("attach", "--function", name, "--layer", ours, "--no-explain")  # again: refused, nothing written
    assert result.exit_code == 1 and "changed since wrapgen attached" in result.stdout, result.stdout
    assert configuration(aws, name) == changed

    result = run("detach", "--function", name)
    assert result.exit_code == 1, result.stdout
    assert "AWS_LAMBDA_EXEC_WRAPPER is '/opt/other/wrapper' now, '/opt/vendor/wrapper' before attach" in result.stdout
    assert "NODE_OPTIONS is '--trace-warnings --enable-source-maps --trace-deprecation' now" in result.stdout
    layers, variables = configuration(aws, name)
    assert layers == [vendor] and "WRAPGEN_THEN" not in variables  # what could be restored exactly, was
    assert decode(variables["WRAPGEN_ATTACHED"]) == Record(
        ours, None, {"AWS_LAMBDA_EXEC_WRAPPER": ("/opt/vendor/wrapper", "/opt/wrapgen/wrapgen-node")},
        {"NODE_OPTIONS": (" --enable-source-maps", True)},
    )  # fmt: skip
    assert variables["NODE_OPTIONS"].endswith("--trace-deprecation") and variables["KEEP"] == " k "

    result = run("detach", "--function", forced, "--force")
    assert result.exit_code == 0, result.stdout
    assert configuration(aws, forced) == ([vendor], {**env, "NODE_OPTIONS": "--trace-warnings --trace-deprecation"})

    set_by_hand(aws, name, AWS_LAMBDA_EXEC_WRAPPER="/opt/vendor/wrapper",
                NODE_OPTIONS="--trace-warnings --trace-deprecation")  # fmt: skip
    result = run("detach", "--all-with-layer", ours.rpartition(":")[0])  # the record names it: the layer is gone
    assert result.exit_code == 0 and "1 changed" in result.stdout, result.stdout
    assert configuration(aws, name) == ([vendor], {**env, "NODE_OPTIONS": "--trace-warnings --trace-deprecation"})


def test_detach_after_the_layer_was_changed_by_hand(aws: Moto, tmp_path: Path) -> None:
    v1, v2 = two_versions(tmp_path, "node", ["--flag", "--trace-warnings"], ["--flag", "--trace-deprecation"])
    other = plain_layer(aws)
    removed, replaced, moved = (function(aws, layers=[other]) for _ in range(3))
    on_v1 = function(aws, layers=[v1, other])
    for name in (removed, replaced, moved):
        assert run("attach", "--function", name, "--layer", v1, "--no-explain").exit_code == 0
    assert run("attach", "--function", on_v1, "--layer", v2, "--no-explain").exit_code == 0
    set_by_hand(aws, removed, layers=[other])  # ours removed by hand, where it replaced nothing: nothing to undo
    set_by_hand(aws, replaced, layers=[other, v2])  # another version put in by hand
    set_by_hand(aws, on_v1, layers=[other])  # ours removed by hand, where it replaced v1

    assert run("detach", "--function", removed).exit_code == 0
    assert configuration(aws, removed) == ([other], {})
    result = run("detach", "--function", replaced)
    assert result.exit_code == 1 and f"layer {v2} now, none before attach (wrapgen attached {v1})" in result.stdout
    assert configuration(aws, replaced)[0] == [other, v2] and "WRAPGEN_ATTACHED" in configuration(aws, replaced)[1]
    result = run("detach", "--function", on_v1)
    assert result.exit_code == 1 and f"layer none now, {v1} before attach (wrapgen attached {v2})" in result.stdout
    set_by_hand(aws, on_v1, layers=[v1, other])  # the fix by hand
    assert run("detach", "--function", on_v1).exit_code == 0
    assert configuration(aws, on_v1) == ([v1, other], {})
    assert run("detach", "--function", replaced, "--force").exit_code == 0
    assert configuration(aws, replaced) == ([other], {})


def test_attach_again_with_other_options_updates_and_detach_restores_the_original(aws: Moto, tmp_path: Path) -> None:
    ours = publish(tmp_path)
    env = {"NODE_OPTIONS": "--trace-warnings", "MODE": "theirs"}
    name = function(aws, env=env)
    first = ("attach", "--function", name, "--layer", ours, "--no-explain")
    assert run(*first, "--env", "NEW_ONE=1", "--env", "NODE_OPTIONS=--enable-source-maps").exit_code == 0
    result = run(*first, "--env", "NEW_ONE=2", "--env", "MODE=ours")
    assert result.exit_code == 1 and "MODE is set already" in result.stdout  # as on a first attach
    assert configuration(aws, name)[1]["NEW_ONE"] == "1"
    result = run(*first, "--env", "NEW_ONE=2", "--env", "MODE=ours", "--force")
    assert result.exit_code == 0 and "attached again: MODE, NEW_ONE, NODE_OPTIONS updated" in result.stdout
    revisions = "RevisionId" in aws.client("lambda").get_function_configuration(FunctionName=name)
    assert ("no RevisionId: written without one, so a change made meanwhile was not seen" in result.stdout) != (
        revisions
    )
    variables = configuration(aws, name)[1]
    assert variables["NEW_ONE"] == "2" and variables["MODE"] == "ours"
    assert variables["NODE_OPTIONS"] == "--trace-warnings"  # this attach appends nothing
    assert "already attached: nothing to do" in run(*first, "--env", "NEW_ONE=2", "--env", "MODE=ours",
                                                    "--force").stdout  # fmt: skip
    assert run("detach", "--function", name).exit_code == 0
    assert configuration(aws, name) == ([], env)


def test_concurrent_attaches_with_other_options_one_wins(moto: Moto, monkeypatch: pytest.MonkeyPatch,
                                                         no_real_aws: None, tmp_path: Path) -> None:  # fmt: skip
    """Each is a process of its own: the one whose RevisionId is current wins, the others say so; none is silent."""
    import concurrent.futures

    aws = pointed_at(moto, monkeypatch)  # the RevisionId-enforcing server: stock moto cannot tell
    ours = publish(tmp_path)
    name = function(aws)
    assert run("attach", "--function", name, "--layer", ours, "--no-explain").exit_code == 0
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: wrapgen_cli("attach", "--function", name, "--layer", ours, "--no-explain",
                                                      "--env", f"NEW_ONE={i}"), range(4)))  # fmt: skip
    won = {str(i) for i, result in enumerate(results) if result.returncode == 0}
    assert won and configuration(aws, name)[1]["NEW_ONE"] in won
    for result in results:
        said = "attached again: NEW_ONE updated" if result.returncode == 0 else "changed by someone else"
        assert said in result.stdout, result.stdout + result.stderr


MALFORMED = {"s-int": '{"l":"%s","s":{"AA":1}}', "s-list": '{"l":"%s","s":[1]}',
             "a-int": '{"l":"%s","a":{"X":[1,true]}}', "deep": "[" * 1500 + "]" * 1500, "not-json": "{%s",
             "huge": '{"l":"%s","a":{"NODE_OPTIONS":["' + "x" * 3000 + '",1]}}',
             "a-not-a-list": '{"l":"%s","a":{"X":["--b",true]}}'}  # fmt: skip
"""Records no wrapgen wrote (%s: the layer's ARN), as anyone who can edit a function's variables can make them."""


@pytest.mark.parametrize("command", ["detach", "attach"])
def test_a_malformed_record_is_that_functions_error_in_a_fleet(aws: Moto, tmp_path: Path, command: str) -> None:
    ours = publish(tmp_path)
    team = unique("team")
    env = {"NODE_OPTIONS": "--trace-warnings"}
    good = [function(aws, env=env, tags={"team": team}) for _ in range(2)]
    bad = {function(aws, layers=[ours], env={**env, "WRAPGEN_ATTACHED": text.replace("%s", ours)}, tags={"team": team})
           : kind for kind, text in MALFORMED.items()}  # fmt: skip
    if command == "detach":
        for name in good:
            assert run("attach", "--function", name, "--layer", ours, "--no-explain").exit_code == 0
    before = {name: configuration(aws, name) for name in [*good, *bad]}
    result = run(command, "--tag", f"team={team}", *(["--layer", ours, "--no-explain"] if command == "attach" else []))
    assert result.exit_code == 1
    assert f"error: {command}: {len(bad)} of {len(bad) + 2} function(s) failed" in result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("fn-")}
    for name, kind in bad.items():
        assert rows[name].split()[1] == "failed" and "WRAPGEN_ATTACHED" in rows[name], (kind, rows[name])
        assert configuration(aws, name) == before[name], kind  # nothing of it changed
    for name in good:
        assert rows[name].split()[1] == "changed"
        assert configuration(aws, name) == (([], env) if command == "detach" else ([ours], configuration(aws, name)[1]))
    if command == "attach":
        (undo,) = [line for line in result.stdout.splitlines() if line.startswith("to undo: wrapgen detach ")]
        assert sorted(undo.split(" --function ")[1:]) == sorted(good)


# The property: any sequence of attaches (first, again with other options, another version), changes by hand and
# detaches; every detach that exits 0 leaves the function exactly as the model says, and one that does not names
# every variable (and the layer) that differs from it. The model is the configuration from before any attach with
# the user's own changes: a change by hand of what WRAPGEN_ATTACHED does not hold, of a list variable that takes
# out all that attach appended, or of anything while nothing is attached.
OPTIONS = ["NODE_OPTIONS=--enable-source-maps", "NODE_OPTIONS=--trace-deprecation", "MODE=ours", "MODE=other",
           "NEW=1", "--then=/opt/l1", "--then=/opt/l2", "--first=/opt/l3", "--then=/opt/vendor/wrapper",
           "--first=/opt/vendor/wrapper"]  # fmt: skip
"""--env's (NAME=VALUE), and links added to the chain (--first, --then: the function's wrapper among them)."""
TOUCHED = ["AWS_LAMBDA_EXEC_WRAPPER", "WRAPGEN_THEN", "WRAPGEN_FIRST", "NODE_OPTIONS", "MODE", "NEW", "layer"]
BY_HAND = {"NODE_OPTIONS": "--no-warnings", "AWS_LAMBDA_EXEC_WRAPPER": "/opt/hand/wrapper",
           "WRAPGEN_THEN": "/opt/hand/link", "WRAPGEN_FIRST": "/opt/hand/first"}  # fmt: skip
"""A value set by hand (others: "hand"); " --trace-uncaught" is appended by hand."""

steps = st.one_of(
    st.tuples(st.just("attach"), st.sampled_from([0, 1]), st.lists(st.sampled_from(OPTIONS), max_size=3),
              st.booleans()),
    st.tuples(st.just("edit"), st.sampled_from(TOUCHED), st.sampled_from(["model", "hand", "unset", "append", 0, 1])),
    st.tuples(st.just("detach")),
)  # fmt: skip


def test_any_sequence_ends_as_before_or_names_what_remains(aws: Moto, tmp_path: Path) -> None:
    from hypothesis import HealthCheck, settings

    versions = two_versions(tmp_path, "node", ["--flag", "--trace-warnings"], ["--flag", "--trace-deprecation"])
    name_of_ours = versions[0].rpartition(":")[0]
    vendor, other = plain_layer(aws, {"vendor/wrapper": aws_sample()}), plain_layer(aws)
    arn_role = role(aws)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from([[other], [vendor, other], [versions[0], other]]),
           st.fixed_dictionaries({}, optional={"AWS_LAMBDA_EXEC_WRAPPER": st.just("/opt/vendor/wrapper"),
                                               "NODE_OPTIONS": st.just("--trace-warnings"), "MODE": st.just("theirs"),
                                               "KEEP": st.just(" k "), "WRAPGEN_THEN": st.just("/opt/h1::/opt/h2"),
                                               "WRAPGEN_FIRST": st.just("/opt/h0")}),
           st.lists(steps, max_size=6))  # fmt: skip
    def check(layers: list[str], env: dict[str, str], sequence: list[tuple[Any, ...]]) -> None:
        name = function(aws, layers=layers, env=env, arn_role=arn_role)
        model = (list(layers), dict(env))
        for step in [*sequence, ("detach",)]:
            if step[0] == "attach":
                _, version, options, force = step
                run("attach", "--function", name, "--layer", versions[version], "--no-explain",
                    *[option if option.startswith("--") else f"--env={option}" for option in options],
                    *(["--force"] if force else []))  # fmt: skip
            elif step[0] == "edit":
                model = edit(aws, name, model, *step[1:], versions, name_of_ours)
            else:
                result = run("detach", "--function", name)
                now = configuration(aws, name)
                if result.exit_code == 0:
                    assert now == model, result.stdout
                    continue
                assert "WRAPGEN_ATTACHED" in now[1], result.stdout + result.stderr
                said = result.stdout + result.stderr
                differ = {key for key in {*now[1], *model[1]} - {"WRAPGEN_ATTACHED"}
                          if now[1].get(key) != model[1].get(key)}  # fmt: skip
                assert all(key in said for key in differ) and (now[0] == model[0] or "layer" in said), said

    check()


def edit(aws: Moto, name: str, model: tuple[list[str], dict[str, str]], target: str, how: str | int,
         versions: tuple[str, str], name_of_ours: str) -> tuple[list[str], dict[str, str]]:  # fmt: skip
    """A change by hand of one thing attach touches (the layer: another version in its place, the model's, or
    none), and the model after it."""
    layers, env = configuration(aws, name)
    record = decode(env["WRAPGEN_ATTACHED"]) if "WRAPGEN_ATTACHED" in env else None
    if target == "layer":
        ours = [i for i, arn in enumerate(layers) if arn.rpartition(":")[0] == name_of_ours]
        if not ours:
            return model
        if isinstance(how, int):
            put = [versions[how]]
        else:
            put = [arn for arn in model[0] if arn.rpartition(":")[0] == name_of_ours] if how == "model" else []
        layers[ours[0] : ours[0] + 1] = put
        set_by_hand(aws, name, layers=layers)
        return (layers if record is None else model[0]), model[1]
    value = {"model": model[1].get(target), "hand": BY_HAND.get(target, "hand"), "unset": None,
             "append": (env.get(target) or "") + " --trace-uncaught"}.get(str(how), env.get(target))  # fmt: skip
    set_by_hand(aws, name, **{target: value})
    owned = record is not None and (target in record.sets or target in record.appended)
    appended = record.appended.get(target) if record is not None else None
    if appended and not set(units(target, appended[0])) & set(units(target, value or "")):
        owned = False  # all attach appended is taken out: the rest is the user's
    if owned:
        return model
    variables = {key: text for key, text in model[1].items() if key != target}
    return model[0], variables if value is None else {**variables, target: value}
