"""The five languages Redbridge speaks and how translated content falls back."""

from collections.abc import Mapping
from typing import Final, Literal, TypeAlias

Language: TypeAlias = Literal["en", "hy", "az", "ka", "ru"]

LANGUAGES: Final[tuple[Language, ...]] = ("en", "hy", "az", "ka", "ru")
DEFAULT_LANGUAGE: Final[Language] = "en"

# Each language named in itself, as the language picker shows it: the one name a language
# has wherever Redbridge names it (the profile, a broadcast's translations).
LANGUAGE_NAMES: Final[Mapping[str, str]] = {
    "en": "English",
    "hy": "Հայերեն",
    "az": "Azərbaycanca",
    "ka": "ქართული",
    "ru": "Русский",
}

# A piece of organiser-written content, one text per language code.
Translated: TypeAlias = dict[str, str]


def pick(texts: Mapping[str, str], language: str, fallback: str = DEFAULT_LANGUAGE) -> str:
    """Return the text in ``language``, else in ``fallback``, else in any language at all."""
    for code in (language, fallback, DEFAULT_LANGUAGE):
        text = texts.get(code)
        if text:
            return text
    return next((text for text in texts.values() if text), "")


def language_from_tag(tag: str | None) -> Language:
    """Map an IETF tag as Telegram sends it (``ru-RU``, ``az-Latn``, none) to one we speak."""
    if not tag:
        return DEFAULT_LANGUAGE
    base = tag.replace("_", "-").split("-", 1)[0].strip().lower()
    for code in LANGUAGES:
        if code == base:
            return code
    return DEFAULT_LANGUAGE
