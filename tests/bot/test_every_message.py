"""Guard rails for the five languages (#14), on every message rendered with the demo data.

- No raw time-zone id, ISO date or ``None`` reaches a reader, in any language.
- In Armenian, Georgian and Russian no English word appears outside a short allow-list
  of names, codes and link parts: checked on every rendered message and feed text, and on
  every entry of the catalogues (so a message no sample renders is covered too).
- Every date the English source inserts stands where no language needs a case ending for
  it: after a label's colon, in brackets, or first.
- Armenian writes its own punctuation: "՝" after a label, "։" at the end, never ":".
- A language has one name, the picker's, wherever it is named.

No database: rows are built as the use cases build them (``tests.bot.samples``).
"""

import re
from collections.abc import Iterator

import pytest
from babel.messages.pofile import read_po

from events.languages import LANGUAGE_NAMES, LANGUAGES
from locales.translator import Catalogues
from scripts.catalogues import catalogue_path, placeholders
from tests.bot.samples import NOW, Demo, Sample, demo, everything

NON_LATIN = ("hy", "ka", "ru")
# Latin-script words a reader of Armenian, Georgian or Russian sees on purpose.
ALLOWED_LATIN = frozenset(
    {
        "Redbridge",  # names: ours, the services named, the sample person
        "Ani",
        "Telegram",
        "Google",
        "ID",
        "QR",
        "URL",
        "UTC",
        "AM",  # the country codes a person may type
        "AZ",
        "GE",
        "http",  # the link schemes a broadcast may use
        "https",
        "tg",
        "webcal",
        "CSV",  # file formats and the technology the dashboard names (#17)
        "ics",
        "JavaScript",
    }
)
ZONE_ID = re.compile(
    r"\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Etc|Europe|Indian|Pacific)/\w+"
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Placeholders that take a date or a time.
DATE_PLACEHOLDERS = frozenset({"date", "deadline", "when", "start", "end"})


@pytest.fixture(scope="module")
def catalogues() -> Catalogues:
    return Catalogues()


@pytest.fixture(scope="module")
def data() -> Demo:
    return demo(NOW)


def _samples(catalogues: Catalogues, data: Demo, language: str) -> list[Sample]:
    return list(everything(catalogues.translator(language), data, NOW))


def _readable(text: str) -> str:
    """What is left to read as words: no markup, code, link or command."""
    text = re.sub(r"<code>.*?</code>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\b(?:https?|webcal|tg)://\S+", " ", text)
    text = re.sub(r"t\.me/\S+", " ", text)
    text = re.sub(r"(?<!\w)@\w+", " ", text)  # a Telegram username is a handle
    text = re.sub(r"&[a-z]+;", " ", text)  # an HTML entity a message teaches to write
    # The five languages go by their own names everywhere, as in the picker (#14).
    for name in LANGUAGE_NAMES.values():
        text = text.replace(name, " ")
    return re.sub(r"(?<!\w)/[a-z_]+", " ", text)


def english_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z]+(?:'[a-z]+)?", _readable(text))
    return [word for word in words if word not in ALLOWED_LATIN]


def test_the_english_word_check_finds_english() -> None:
    assert english_words("Где: Youth Centre, Тбилиси") == ["Youth", "Centre"]
    assert english_words("Откройте https://t.me/x?start=e-1 или /start, Redbridge, UTC+4") == []
    assert english_words("Билет: <code>K7Q2M9</code>") == []
    assert english_words("Контакт: @ani_p. Языки: Azərbaycanca, English") == []
    assert english_words("Языки: English people") == ["people"]
    assert english_words("напишите &lt; вместо «<»") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_raw_zone_iso_date_or_none(catalogues: Catalogues, data: Demo, language: str) -> None:
    samples = _samples(catalogues, data, language)
    # Every kind of message over the demo data (fewer since the town halls became series,
    # whose events the data fixture does not load): a floor that notices a lost kind.
    assert len(samples) > 250
    wrong = [
        (sample.name, found)
        for sample in samples
        for pattern in (ZONE_ID, ISO_DATE, re.compile(r"\bNone\b"))
        for found in pattern.findall(sample.text)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", NON_LATIN)
def test_no_english_in_rendered_messages(
    catalogues: Catalogues, data: Demo, language: str
) -> None:
    found = {
        sample.name: words
        for sample in _samples(catalogues, data, language)
        if (words := english_words(sample.text))
    }
    assert found == {}


def _translations(language: str) -> Iterator[tuple[str, str]]:
    with catalogue_path(language).open("rb") as source:
        catalogue = read_po(source)
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            yield msgid, str(string or "")


@pytest.mark.parametrize("language", NON_LATIN)
def test_no_english_in_the_catalogues(language: str) -> None:
    found = {
        msgid: words
        for msgid, text in _translations(language)
        if (words := english_words(re.sub(r"\{\w+\}", " ", text)))
    }
    assert found == {}


def _source_messages() -> Iterator[str]:
    for msgid, _text in _translations("en"):
        yield msgid


def date_misplaced(message: str) -> list[str]:
    """The date placeholders of an English message that sit inside a sentence."""
    wrong = []
    for name in sorted((placeholders(message) or frozenset()) & DATE_PLACEHOLDERS):
        before = message[: message.index("{" + name + "}")]
        if before and not before.endswith((": ", "(")):
            wrong.append(name)
    return wrong


def test_the_date_placement_check_finds_a_date_in_a_sentence() -> None:
    assert date_misplaced("{title}, planned for {when}, is cancelled.") == ["when"]
    assert date_misplaced("Please answer by: {deadline}") == []
    assert date_misplaced("{date} — {state}") == []


def test_inserted_dates_need_no_case_ending() -> None:
    wrong = {
        message: names for message in _source_messages() if (names := date_misplaced(message))
    }
    assert wrong == {}


def test_armenian_uses_its_own_punctuation() -> None:
    """An ASCII colon reads as the Armenian full stop "։"; labels take "՝"."""
    wrong = [text for _msgid, text in _translations("hy") if ":" in re.sub(r"\d:\d|://", "", text)]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_language_is_named_as_in_the_picker(
    catalogues: Catalogues, data: Demo, language: str
) -> None:
    t = catalogues.translator(language)
    my_data = next(sample for sample in everything(t, data, NOW) if sample.name == "mydata")
    assert (
        t.gettext("Language: {language}").format(language=LANGUAGE_NAMES[language])
        in my_data.text.splitlines()
    )
    assert {t.language_name(code) for code in LANGUAGES} == set(LANGUAGE_NAMES.values())
