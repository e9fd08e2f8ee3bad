"""Text helpers of the rendering at their edges: clipping, line budgets, quote blocks, echoes."""

from __future__ import annotations

from bot.engine.engine import CitedQuote
from commands.ui import render as _render


def more(count: int) -> str:
    return f"+{count}"


def test_clip_cuts_at_a_word_and_drops_the_spaces_before_the_ellipsis() -> None:
    assert _render.clip("hello     world", 8) == "hello…"
    assert _render.clip("abcdefghij", 5) == "abcd…"
    assert _render.clip("fits", 4) == "fits"
    assert _render.clip("abc", 2) == "a…"


def test_clip_never_ends_in_a_lone_backslash() -> None:
    assert _render.clip("abc\\def", 5) == "abc…"
    assert _render.clip("ab\\\\cd", 5) == "ab\\\\…"


def test_echo_is_one_line() -> None:
    assert _render.echo("a  b\nc\t d") == "a b c d"


def test_lines_within_keeps_whole_lines_then_says_how_many_are_left() -> None:
    lines = ["aaaa", "bbbb", "cccc"]
    assert _render.lines_within(lines, 14, more) == "aaaa\nbbbb\ncccc", "exactly fits"
    assert _render.lines_within(lines, 13, more) == "aaaa\nbbbb\n+1"
    assert _render.lines_within(lines, 12, more) == "aaaa\nbbbb\n+1", "line and note fit exactly"
    assert _render.lines_within(lines, 11, more) == "aaaa\n+2"
    assert _render.lines_within(["a", "b"], 100, more) == "a\nb"


def test_quote_block_prefixes_every_line() -> None:
    assert _render.quote_block("a\nb") == "> a\n> b"
    assert _render.quote_block("") == "> "


def test_a_long_title_is_clipped_in_the_source_line() -> None:
    line = _render.source_line(CitedQuote("s", "t" * 300, "1 May 2022", "q"))
    assert line == f"— *{'t' * 199}…*, 1 May 2022"


def test_a_limit_with_room_for_the_source_alone_leaves_the_quote_out() -> None:
    citation = CitedQuote("s", "Title", "1 May 2022", "a quote")
    line = _render.source_line(citation)
    text = _render.citation_text(citation, limit=len(line) + 1)
    assert text == f"\n{line}"
