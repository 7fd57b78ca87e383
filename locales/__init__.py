"""Gettext catalogues: ``<language>/LC_MESSAGES/redbridge.po`` for en (source), hy, az, ka, ru.

The ``.po`` files are read and compiled in memory when first used, so a fresh clone works
without a compile step. The bot and the dashboard (through ``locales.translator``) and the
calendar feeds (``events.feeds.render``) read the same catalogues.
"""

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOGUE_DIR = Path(__file__).parent
DOMAIN = "redbridge"


def compile_catalogue(path: Path) -> gettext.NullTranslations:
    """A ``.po`` file as translations, fuzzy entries left out."""
    with path.open("rb") as source:
        catalogue = read_po(source, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The shipped catalogue of one of the five languages, compiled once per process."""
    return compile_catalogue(CATALOGUE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po")
