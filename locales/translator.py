"""Translations and locale-aware formatting for the people Redbridge talks to: the bot's
participants and organisers, and the organisers' dashboard, from the same catalogues.

Catalogues are compiled from ``.po`` in memory when loaded (no ``.mo`` step). Dates are
formatted by Babel in the reader's locale and the event's own time zone (``locales.dates``).
"""

import gettext
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from pathlib import Path

from babel import Locale

from events.countries import country_name
from events.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    Language,
    language_from_tag,
    pick,
)
from locales import CATALOGUE_DIR, DOMAIN, compile_catalogue, translations
from locales.dates import DateWriter, utc_offset


class Translator:
    """Everything one reader sees, in their language."""

    def __init__(self, language: Language, translations: gettext.NullTranslations) -> None:
        self.language = language
        self._translations = translations

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._translations.ngettext(singular, plural, count)

    @cached_property
    def dates(self) -> DateWriter:
        return DateWriter(self.language)

    @property
    def locale(self) -> Locale:
        return self.dates.locale

    def pick(self, texts: Mapping[str, str], fallback: str = DEFAULT_LANGUAGE) -> str:
        """Organiser-written content in this reader's language, else the fallback."""
        return pick(texts, self.language, fallback)

    def date_time(self, moment: datetime, zone: str) -> str:
        """E.g. "Sunday, 14 March 2027, 18:00" in the reader's words, the event's zone."""
        return self.dates.date_time(moment, zone)

    def date(self, moment: datetime, zone: str) -> str:
        """E.g. "14 March 2027", as the reader's locale writes a date."""
        return self.dates.date(moment, zone)

    def time(self, moment: datetime, zone: str) -> str:
        return self.dates.time(moment, zone)

    def local_time(self, moment: datetime, zone: str) -> str:
        """Which clock the times of a message follow, said once per message: the place's
        own, with its offset for readers elsewhere ("local time, UTC+4")."""
        return self.gettext("local time, {offset}").format(offset=utc_offset(moment, zone))

    def when(self, start: datetime, end: datetime, zone: str) -> str:
        """An event's dates with the clock they follow: "Thursday, 14 January 2027,
        18:00–20:00 (local time, UTC+4)"."""
        return f"{self.dates.span(start, end, zone)} ({self.local_time(start, zone)})"

    def moment(self, moment: datetime, zone: str) -> str:
        """One moment with the clock it follows: "…, 18:00 (local time, UTC+4)"."""
        return f"{self.dates.date_time(moment, zone)} ({self.local_time(moment, zone)})"

    def country(self, code: str) -> str:
        return country_name(code, self.language)

    def language_name(self, code: str) -> str:
        """A language as the picker names it, in itself ("Հայերեն"), whoever reads it."""
        return LANGUAGE_NAMES.get(language_from_tag(code), code)


class Catalogues:
    """The five catalogues, loaded once, and one translator per language."""

    def __init__(self, directory: Path = CATALOGUE_DIR) -> None:
        self._translators = {
            language: Translator(language, _load(directory, language)) for language in LANGUAGES
        }
        for translator in self._translators.values():
            # Babel reads a locale's data on first use, ~0.1 s: not in someone's first reply.
            translator.locale.date_formats  # noqa: B018

    def translator(self, language: str) -> Translator:
        return self._translators[language_from_tag(language)]


def _load(directory: Path, language: str) -> gettext.NullTranslations:
    if directory == CATALOGUE_DIR:
        return translations(language)  # compiled once, shared with the calendar feeds
    return compile_catalogue(directory / language / "LC_MESSAGES" / f"{DOMAIN}.po")
