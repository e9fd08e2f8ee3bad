"""Plain-text renderings of answers and look-ups, for the command line and the console."""

from __future__ import annotations

import textwrap

from bot.engine.engine import DONT_KNOW, Answer, BrandLookup, Engine, describe

HELP = """\
Ask about smartphone makers' partnerships with camera makers; every answer quotes its source.
  /ask QUESTION      answer a question (or just type the question)
  /partner BRAND     a brand's partnerships, phone maker or camera maker (typos are fine)
  /partners          every partnership on record, current and ended
  /sources           the articles the answers quote, with their dates
  /help              this text
  /quit              leave the console"""


def _quote_block(text: str) -> str:
    wrapped = textwrap.wrap(text, width=88) or [""]
    return "\n".join(f"  > {line}" for line in wrapped)


def format_answer(answer: Answer) -> str:
    """An answer with its citations, or the abstention with its suggestions."""
    if not answer.answered or answer.answer is None:
        lines = [textwrap.fill(answer.reply or DONT_KNOW, width=92)]
        if answer.related:
            if not (answer.reply or "").endswith(":"):
                lines.append("What the sources do say:")
            lines += [f"  - {r.question}" for r in answer.related]
        shown = {r.fact_id for r in answer.related}
        suggestions = [s for s in answer.suggestions if s.fact_id not in shown]
        if suggestions:
            lines.append("Did you mean:" if len(suggestions) > 1 else "Did you mean this?")
            lines += [f"  - {s.question}" for s in suggestions]
        return "\n".join(lines)
    # Each part of a question several in one is a paragraph of its own.
    paragraphs = [textwrap.fill(text, width=92) for text in answer.answer.split("\n\n")]
    lines = ["\n\n".join(paragraphs), ""]
    for citation in answer.citations:
        lines.append(_quote_block(citation.quote))
        lines.append(f"  — {citation.title}, {citation.date}")
    lines.append(f"  [{answer.fact_id}, confidence {answer.score:.0%}]")
    return "\n".join(lines)


# An unknown brand name is echoed at most this long: a pasted paragraph must not come back whole.
ECHO_MAX = 60


def format_brand(lookup: BrandLookup, engine: Engine, *, partners: str = "/partners") -> str:
    """A brand's partnerships with status, devices and citations, or a 'did you mean'.

    `partners` is how the reader lists every partnership (`camerabot partners` in a shell).
    """
    if lookup.brand is None:
        query = (
            lookup.query if len(lookup.query) <= ECHO_MAX else lookup.query[: ECHO_MAX - 1] + "…"
        )
        if lookup.suggestions:
            names = ", ".join(b.name for b in lookup.suggestions)
            return f"I don't know a brand called {query!r}. Did you mean: {names}?"
        return f"I don't know a brand called {query!r}. Try {partners} for the list."
    brand = lookup.brand
    kind = brand.kind.value.replace("_", " ")
    country = f", {brand.country}" if brand.country else ""
    lines = [f"{brand.name} ({kind}{country})"]
    if not lookup.partnerships:
        lines.append("  No partnerships on record.")
    for view in lookup.partnerships:
        sentence = describe(view.partnership, engine.base, from_brand=brand.id)
        reported = f" — as reported on {view.reported_on}" if view.reported_on else ""
        lines.append(f"- {sentence}{reported}")
        for citation in view.citations:
            lines.append(_quote_block(citation.quote))
            lines.append(f"  — {citation.title}, {citation.date}")
    return "\n".join(lines)


def format_partnerships(engine: Engine) -> str:
    """Every partnership, one a line."""
    partnerships = engine.partnerships()
    if not partnerships:
        return "No partnerships on record."
    lines = []
    for partnership in partnerships:
        reported = engine.reported_on(partnership.citations)
        when = f" — as reported on {reported}" if reported else ""
        lines.append(f"- {describe(partnership, engine.base)}{when}")
    return "\n".join(lines)


def format_sources(engine: Engine) -> str:
    """Every source with its date."""
    lines = []
    for source in engine.sources():
        url = f" <{source.url}>" if source.url else ""
        lines.append(f"- {source.date_label}: {source.title}{url} [{source.id}]")
    return "\n".join(lines) or "No sources on record."
