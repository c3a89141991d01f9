"""Text from outside (a zip's member names, a script's #! line) made safe to print on a terminal."""

from __future__ import annotations


def printable(text: str) -> str:
    """The text with every character that is not printable escaped as Python writes it (`\\n`, `\\x1b`,
    `\\u2028`): C0 and C1 controls, DEL, line and paragraph separators, bidi and other format characters. What
    is printed can then neither start a line nor move the cursor nor reorder what follows."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def utf8(text: str, what: str, hint: str | None = None) -> bytes:
    """Text that must be UTF-8 (a template, JSON, a function's configuration) as bytes. A command line can hold
    bytes that are not UTF-8 (Python keeps them as surrogate escapes): refused here, naming them."""
    from wrapgen.errors import InvalidValue

    try:
        return text.encode()
    except UnicodeEncodeError as error:
        raw = text[error.start : error.end].encode("utf-8", "surrogateescape")
        raise InvalidValue(f"{what} holds bytes that are not UTF-8 ({raw!r}), and must be UTF-8 text", hint) from None


def surrogates_escaped(text: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) in UTF-8: each lone surrogate, a byte that was not UTF-8,
    as the escape `\\udcff`, which json.loads reads back to the surrogate that os.fsencode makes the byte again."""
    import re

    return re.sub("[\ud800-\udfff]", lambda match: f"\\u{ord(match[0]):04x}", text)
