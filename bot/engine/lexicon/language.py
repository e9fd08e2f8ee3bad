"""Whether a question is written in another language than English: camerabot answers in English.

Two steps, so a short English question full of brand names ("xiaomi leica?", which a language
identifier calls Irish) is never refused: first, most of the question's words must be words
camerabot does not know (not a brand, not in its vocabulary, not an English function word), or
its letters mostly of a non-Latin script; only then does py3langid, a small language identifier
whose model ships in its package, say which language it is.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Container
from functools import lru_cache
from typing import Any

from bot.facts.text import words

# The languages the identifier chooses from: those a community of this kind writes in.
_LANGUAGES = ["en", "es", "fr", "de", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "tr", "id"]
_LANGUAGES += ["ms", "ro", "cs", "hu", "ru", "uk", "zh", "ja", "ko", "ar", "hi", "vi", "th", "tl"]


def non_latin_share(text: str) -> float:
    """The share of a text's letters that are not Latin letters (Cyrillic, Han, Arabic…)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    other = sum(1 for c in letters if "LATIN" not in unicodedata.name(c, "LATIN"))
    return other / len(letters)


def foreign_language(
    text: str, known: Container[str], plainly_known: Callable[[str], bool] | None = None
) -> str | None:
    """The language a question is written in when it is not English, else None.

    `plainly_known`, when given, is a cheaper test that says yes to fewer words than `known`.
    """
    if non_latin_share(text) > 0.5:
        return _identify(text) or "other"
    said = words(text)
    unknown = [w for w in said if not w.isdigit() and len(w) > 1]
    if plainly_known is not None:
        # Words the cheap test does not know are a superset of the unknown ones: when even
        # they are too few, the costly test (a typo search per word) cannot change the result.
        unknown = [w for w in unknown if not plainly_known(w)]
        if len(unknown) < 2 or len(unknown) * 2 <= len(said):
            return None
    unknown = [w for w in unknown if w not in known]
    if len(unknown) < 2 or len(unknown) * 2 <= len(said):
        return None
    language = _identify(text)
    return language if language not in (None, "en") else None


def preload() -> None:
    """Load the identifier in a background thread now, so no question waits ~1 s for it."""
    global _LOADER
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = threading.Thread(target=_identifier, name="langid-load", daemon=True)
            _LOADER.start()


def wait_loaded(timeout: float | None = None) -> None:
    """Wait until the identifier is loaded (a test, or a caller that must not read as English)."""
    preload()
    if _LOADER is not None:
        _LOADER.join(timeout)


_LOADER: threading.Thread | None = None
_LOADER_LOCK = threading.Lock()


def _identify(text: str) -> str | None:
    """The language py3langid finds, among the languages above."""
    preload()
    if _LOADER is not None and _LOADER.is_alive():
        # Still loading (the first second of a process): no question waits for it; the
        # question is read as English, which refuses what it cannot read.
        return None
    code: str = _identifier().classify(text)[0]
    return code


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The identifier, loaded on the first question that needs it (~1 s, once)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(_LANGUAGES)
    return identifier
