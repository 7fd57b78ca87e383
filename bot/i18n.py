"""Translations and locale-aware formatting for the people the bot talks to.

Catalogues are compiled from ``.po`` in memory when loaded (no ``.mo`` step). Dates are
formatted by Babel in the reader's locale and the event's own time zone.
"""

import gettext
import io
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from events.countries import country_name
from events.languages import DEFAULT_LANGUAGE, LANGUAGES, Language, language_from_tag, pick
from locales import CATALOGUE_DIR, DOMAIN

# Babel locale per language; Azerbaijani is written in Latin script here.
_LOCALES: Mapping[Language, str] = {
    "en": "en",
    "hy": "hy",
    "az": "az_Latn",
    "ka": "ka",
    "ru": "ru",
}


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
    def locale(self) -> Locale:
        return Locale.parse(_LOCALES[self.language])

    def pick(self, texts: Mapping[str, str], fallback: str = DEFAULT_LANGUAGE) -> str:
        """Organiser-written content in this reader's language, else the fallback."""
        return pick(texts, self.language, fallback)

    def date_time(self, moment: datetime, zone: str) -> str:
        """E.g. "Sunday, 14 March 2027, 18:00" in the reader's words, the event's zone."""
        local = moment.astimezone(ZoneInfo(zone))
        return f"{format_date(local, 'full', locale=self.locale)}, {self.time(moment, zone)}"

    def date(self, moment: datetime, zone: str) -> str:
        """E.g. "14 March 2027", as the reader's locale writes a date."""
        return format_date(moment.astimezone(ZoneInfo(zone)), "long", locale=self.locale)

    def time(self, moment: datetime, zone: str) -> str:
        return format_datetime(moment.astimezone(ZoneInfo(zone)), "HH:mm", locale=self.locale)

    def country(self, code: str) -> str:
        return country_name(code, self.language)

    def language_name(self, code: str) -> str:
        """A language as the reader names it (CLDR), e.g. "Armenian", "армянский"."""
        name = self.locale.languages.get(code)
        return name if isinstance(name, str) else code


class Catalogues:
    """The five catalogues, loaded once, and one translator per language."""

    def __init__(self, directory: Path = CATALOGUE_DIR) -> None:
        self._translators = {
            language: Translator(
                language, _compile(directory / language / "LC_MESSAGES" / f"{DOMAIN}.po")
            )
            for language in LANGUAGES
        }
        for translator in self._translators.values():
            # Babel reads a locale's data on first use, ~0.1 s: not in someone's first reply.
            translator.locale.date_formats  # noqa: B018

    def translator(self, language: str) -> Translator:
        return self._translators[language_from_tag(language)]


def _compile(path: Path) -> gettext.NullTranslations:
    with path.open("rb") as source:
        catalogue = read_po(source, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
