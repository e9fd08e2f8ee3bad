"""The naive baseline: rapidfuzz over every phrasing (and every name, every question) per call."""

from __future__ import annotations

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bot.facts.models import FactBase
from bot.facts.text import words

# The naive matcher answers when its best phrasing scores at least this (WRatio, 0-100).
ANSWER_CUTOFF = 90


class Naive:
    """`process.extractOne(question, every phrasing, scorer=WRatio, processor=default_process)`."""

    def __init__(self, base: FactBase) -> None:
        self.phrasings: list[str] = []
        self.owners: list[str] = []
        for fact in base.facts.values():
            for question in fact.questions:
                self.phrasings.append(question)
                self.owners.append(fact.id)
        self.brand_names: list[str] = []
        self.brand_owners: list[str] = []
        for brand in base.brands.values():
            for name in brand.names:
                self.brand_names.append(name)
                self.brand_owners.append(brand.id)
        self.questions = {fact.id: fact.question for fact in base.facts.values()}
        self.ids = list(self.questions)

    def ask(self, question: str) -> str | None:
        """The fact of the best phrasing, or None under ANSWER_CUTOFF."""
        found = process.extractOne(
            question,
            self.phrasings,
            scorer=fuzz.WRatio,
            processor=default_process,
            score_cutoff=ANSWER_CUTOFF,
        )
        return self.owners[found[2]] if found else None

    def brand_choices(self, text: str, limit: int = 25) -> list[str]:
        """Brand ids whose names fit the text best."""
        found = process.extract(
            text, self.brand_names, scorer=fuzz.WRatio, processor=default_process, limit=limit
        )
        return list(dict.fromkeys(self.brand_owners[i] for _, _, i in found))

    def fact_choices(self, text: str, limit: int = 25) -> list[str]:
        """Fact ids starting with the text, then facts whose question fits it best."""
        key = "-".join(words(text))
        chosen = [fact_id for fact_id in self.ids if key and fact_id.startswith(key)][:limit]
        found = process.extract(
            text, self.questions, scorer=fuzz.WRatio, processor=default_process, limit=limit
        )
        chosen += [fact_id for _, _, fact_id in found if fact_id not in chosen]
        return chosen[:limit]
