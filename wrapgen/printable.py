"""Text from outside (a zip's member names, a script's #! line) made safe to print on a terminal."""

from __future__ import annotations


def printable(text: str) -> str:
    """The text with every character that is not printable escaped as Python writes it (`\\n`, `\\x1b`,
    `\\u2028`): C0 and C1 controls, DEL, line and paragraph separators, bidi and other format characters. What
    is printed can then neither start a line nor move the cursor nor reorder what follows."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
