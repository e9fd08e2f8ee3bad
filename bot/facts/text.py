"""Text normalisation shared by validation and matching: quotes, white space, tokens."""

from __future__ import annotations

import re
import unicodedata

# Typographic marks that sources and users type interchangeably with plain ones.
_TYPOGRAPHIC = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
# C0 and C1 control characters (Unicode category Cc) except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WORD = re.compile(r"[a-z0-9]+")


def plain(text: str) -> str:
    """NFKC text with plain quotes and dashes and single spaces."""
    if not text.isascii():  # ASCII is its own NFKC form, and no typographic mark is ASCII
        # Marks are mapped before NFKC too: NFKC turns a double prime into two single ones.
        text = unicodedata.normalize("NFKC", text.translate(_TYPOGRAPHIC)).translate(_TYPOGRAPHIC)
    # str.split() splits where `\s` matches (str.isspace), and drops the ends.
    return " ".join(text.split())


def quote_key(text: str) -> str:
    """The form in which a quote is looked up inside its source (case kept)."""
    return plain(text)


def has_control_characters(text: str) -> bool:
    """Whether text holds control characters (C0 or C1) other than tab and line breaks."""
    return bool(_CONTROL.search(text))


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words; possessive 's and apostrophes are dropped."""
    lowered = plain(text).lower().replace("'s ", " ").replace("'", "")
    if lowered.endswith("'s"):
        lowered = lowered[:-2]
    return _WORD.findall(lowered)


def fold(text: str) -> str:
    """A loose key for names: lower-case words joined by single spaces."""
    return " ".join(words(text))


def compact(text: str) -> str:
    """A name with every separator removed, so "One Plus" and "OnePlus" meet."""
    return "".join(words(text))
