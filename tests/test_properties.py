"""Properties that must hold for every input, checked by running the generated bash on random ones."""

from __future__ import annotations

import shlex
import subprocess
from functools import cache
from pathlib import Path

import pytest
from conftest import INTERPRETER, Sandbox, encode
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from wrapgen import shell
from wrapgen.errors import InvalidFlag, WrapgenError
from wrapgen.grammar import insertion_index
from wrapgen.lint import lint
from wrapgen.options import table
from wrapgen.render import METADATA, render_shims, render_wrapper
from wrapgen.runtimes import FAMILIES, Grammar
from wrapgen.spec import wrapper_spec

CANARY = "wrapgen-canary"
PAYLOADS = [f"$(touch {CANARY})", f"`touch {CANARY}`", f"x; touch {CANARY}", f"'; touch {CANARY}; '",
            f"\ntouch {CANARY}\n", f'"$(touch {CANARY})"', f"$'\\x27'; touch {CANARY}"]  # fmt: skip

SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.one_of(
    st.text(st.characters(blacklist_characters="\0", blacklist_categories=["Cs"]), max_size=12),
    st.sampled_from(PAYLOADS),
    st.sampled_from(["", " ", "*", "\n", "-", "--", "é✓", "\\", "'", '"']),
)


def option_tokens(grammar: Grammar) -> st.SearchStrategy[list[str]]:
    """Elements a runtime's command line may hold: options of this grammar, with values, and others."""
    letters = "abBdEOqsSuvw" + grammar.short_program + grammar.short_value + grammar.short_attached
    choices = [
        text.map(lambda t: [t]),
        text.map(lambda t: ["--" + t]),
        st.tuples(st.sampled_from(sorted(grammar.value_options) or ["--x"]), text).map(list),
        st.text(st.sampled_from(letters), min_size=1, max_size=3).flatmap(
            lambda bundle: st.one_of(st.just(["-" + bundle]), text.map(lambda t: ["-" + bundle, t]))
        ),
    ]
    if grammar.program_options or grammar.after_options:
        choices.append(st.sampled_from(sorted(grammar.program_options | grammar.after_options)).map(lambda t: [t]))
    return st.lists(st.one_of(*choices), max_size=6).map(lambda groups: [t for g in groups for t in g])


def _words(name: str, form: str, value: str) -> list[str]:
    """An option written in its table's form, with this value."""
    if form == "none":
        return [name]
    if form in ("separate", "attached-or-separate"):
        return [name, value]
    if form in ("equals", "separate-or-equals", "optional-equals"):
        return [f"{name}={value}"]
    return [name + value]


@cache
def _string_options(family: str) -> list[tuple[str, str]]:
    """Options of the family's table, each as (name, form), that every runtime has and that take any text as
    their value (or no value): the ones that random values can exercise."""
    found = []
    for name, entry in sorted(table(family)["options"].items()):
        form = entry.get("value", "none")
        if form != "none" and entry.get("type", "string") != "string":
            continue
        try:
            wrapper_spec(family, [shlex.join(_words(name, form, "x"))])
        except WrapgenError:
            continue
        found.append((name, form))
    return found


def flag_tokens(family: str) -> st.SearchStrategy[list[str]]:
    """Flags of the family's interpreter with random values; the few that are still invalid are rejected."""
    one = st.tuples(st.sampled_from(_string_options(family)), text).map(lambda o: _words(o[0][0], o[0][1], o[1]))
    return st.lists(one, min_size=1, max_size=3).map(lambda groups: [t for g in groups for t in g])


@pytest.mark.parametrize("family", sorted(FAMILIES))
@SLOW
@given(data=st.data())
def test_flags_land_at_the_grammar_index_and_nothing_runs(
    family: str, data: st.DataObject, tmp_path: Path, bash: str
) -> None:
    grammar = FAMILIES[family].grammar
    flags = data.draw(flag_tokens(family), label="flags")
    try:
        spec = wrapper_spec(family, [shlex.join(flags)])
    except InvalidFlag:
        assume(False)
        raise
    assert list(spec.flags) == flags  # the --flag text splits back into exactly these words
    rest = data.draw(option_tokens(grammar), label="argv")
    sandbox = Sandbox(tmp_path, bash)
    argv = [sandbox.stub("/var/lang/bin/" + INTERPRETER[family]), *rest]
    wrapper = sandbox.script("wrapper", render_wrapper(spec).text)

    run = sandbox.run(wrapper, argv)

    at = insertion_index(grammar, argv)
    expected = argv if at is None else argv[:at] + flags + argv[at:]
    assert run.argv == encode(expected)
    assert run.returncode == 0
    assert not (tmp_path / CANARY).exists() and not (Path.cwd() / CANARY).exists()


@SLOW
@given(values=st.lists(text, min_size=1, max_size=5), width=st.integers(min_value=20, max_value=100))
def test_every_quoting_form_reads_back_exactly(values: list[str], width: int, tmp_path: Path) -> None:
    """word, fold, assignment and array_assignment all make bash rebuild the exact text, within width."""
    lines = [
        shell.assignment("v", values[0], width),
        "printf '%s\\0' \"$v\"",
        shell.array_assignment("a", values, width),
        "printf '%s\\0' \"${a[@]}\"",
        "printf '%s\\0' " + shell.words(values),
        "printf '%s\\0' " + shell.continued([values], width=width),
    ]
    script = "\n".join(lines) + "\n"
    for line in "\n".join(lines[:1] + lines[2:3]).splitlines():
        assert len(line) <= max(width, 30), line
    result = subprocess.run(["bash", "-c", script], capture_output=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(b"\0")[:-1] == encode([values[0], *values, *values, *values])
    assert not (tmp_path / CANARY).exists()


@given(st.text(st.characters(blacklist_characters="\0", blacklist_categories=["Cs"]), max_size=30))
def test_a_word_is_always_one_line(value: str) -> None:
    assert "\n" not in shell.word(value) and "\r" not in shell.word(value)


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"caf\xc3\xa9 \x80"])
def test_bytes_that_are_not_utf8_survive(raw: bytes) -> None:
    value = raw.decode("utf-8", "surrogateescape")
    out = subprocess.run(["bash", "-c", f"printf '%s' {shell.word(value)}"], capture_output=True, check=True).stdout
    assert out == raw


LOOK_ALIKES = ["then", "done", "=x", "$[1]", "<<EOF", "a #b\\", "[ a > b ]", "'$HOME'", "`id`", "x\ny", ""]


def test_values_that_look_like_code_to_the_linters_lint_clean(tmp_path: Path) -> None:
    """Found by the property below: each once made shellcheck or bashate report a generated script."""
    env = [f"V{i}={value}" for i, value in enumerate(LOOK_ALIKES)]
    titles = ["--title " + shlex.quote(v) for v in LOOK_ALIKES if v]  # a value, which cannot be empty
    link = "/opt/" + "".join(v for v in LOOK_ALIKES if v.isprintable())  # a link holds no control character
    spec = wrapper_spec("node", titles, env, [link, link + "2"], first=[link + "0"])
    script = tmp_path / "wrapper"
    script.write_text(render_wrapper(spec).text)
    shims = []
    for artifact in render_shims(spec):
        if artifact.path != METADATA:
            shims.append(tmp_path / artifact.path)
            shims[-1].write_text(artifact.text)
    assert [str(finding) for finding in lint([str(script), *map(str, shims)]).findings] == []


# No shrinking: each example runs two linters, and a shrink would take minutes; the example is printed as found.
@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(data=st.data())
def test_any_valid_input_gives_a_lint_clean_script(family: str, data: st.DataObject, tmp_path: Path) -> None:
    flags = data.draw(flag_tokens(family), label="flags")
    names = data.draw(st.lists(st.from_regex(r"[A-Z][A-Z0-9_]{0,40}", fullmatch=True), max_size=3, unique=True))
    env = [f"{name}={data.draw(text)}" for name in names]
    then = data.draw(st.none() | text.map(lambda t: "/opt/" + t))
    try:
        spec = wrapper_spec(family, [shlex.join(flags)], env, (then,) if then else ())
    except WrapgenError:
        assume(False)
        raise
    script = tmp_path / "wrapper"
    script.write_text(render_wrapper(spec).text)
    assert [str(finding) for finding in lint([str(script)]).findings] == []


SHELL_TEXT = st.text(st.sampled_from(["a", "b", " ", "\t", "\n", "\r", "\f", "\x85", "'", '"', "\\", "$", "#", "é"]),
                     max_size=30)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(text=SHELL_TEXT)
def test_shell_split_is_shlex_split(text: str) -> None:
    """shell.split (linear) against shlex.split (quadratic in a word's length), quotes, escapes and separators
    mixed at random: the same words, or a ValueError from both."""
    try:
        expected: list[str] | None = shlex.split(text)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            shell.split(text)
    else:
        assert shell.split(text) == expected


def test_shell_split_of_a_long_word_is_linear() -> None:
    """A megabyte word: shlex takes about a minute (a header's value once made check and regenerate hang)."""
    import time

    word = "x" * (1 << 20)
    started = time.process_time()
    assert shell.split(f"--env 'A={word}' \"{word}\" {word}") == ["--env", f"A={word}", word, word]
    assert time.process_time() - started < 10  # 30 ms here; shlex: over a minute for one of the three
