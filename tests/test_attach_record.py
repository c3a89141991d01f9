"""WRAPGEN_ATTACHED, the record attach keeps in users' functions: every record an earlier wrapgen wrote reads back to
the same bytes, and anything else is one error for that function (never a traceback that ends a fleet)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wrapgen.aws.attach import Function, plan_detach
from wrapgen.aws.record import Record, RecordError, decode, encode
from wrapgen.errors import WrapgenError

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
        record["a"] = draw(st.dictionaries(NAMES, st.tuples(TEXT, st.booleans()).map(list), min_size=1))
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
     "not json", "[]", f'{{"l":"{ARN}","a":{{"X":["t","yes"]}}}}'],
    ids=["s-int", "s-list", "a-int", "deep", "s-one", "unknown-key", "l-int", "text", "array", "a-str"],
)  # fmt: skip
def test_a_malformed_record_is_that_functions_error(text: str) -> None:
    with pytest.raises(RecordError):
        decode(text)
    function = Function("f", "arn:f", "nodejs20.x", "Zip", ("x86_64",), (ARN,), {"WRAPGEN_ATTACHED": text}, "r1")
    with pytest.raises(WrapgenError, match=r"^f: WRAPGEN_ATTACHED.*: left as it is$"):
        plan_detach(function)
