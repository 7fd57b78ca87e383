"""The five catalogues: complete, in sync with the bot's strings, consistent, and loaded.

Runs the checks of ``scripts/catalogues.py check``, then makes sure those checks do find
each kind of problem, that ``update`` behaves, and that the bot picks the right plural form.
No database is needed.
"""

import gettext
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from events.languages import LANGUAGES
from locales.translator import Catalogues
from scripts.catalogues import (
    LOCALE_DIR,
    PLURAL_FORMS,
    SOURCE_LANGUAGE,
    TEMPLATE,
    MessageId,
    build_template,
    catalogue_path,
    catalogue_problems,
    check,
    dynamic_calls,
    msgfmt_problems,
    new_catalogue,
    placeholders,
    read_catalogue,
    render,
    source_messages,
    template_problems,
    update,
)

SEATS = ("{count} seat left", "{count} seats left")


@pytest.fixture(scope="module")
def source() -> set[MessageId]:
    return set(source_messages())


# --- The real catalogues ----------------------------------------------------------------


def test_every_language_has_a_plural_rule() -> None:
    assert set(PLURAL_FORMS) == set(LANGUAGES)


def test_source_strings_are_found(source: set[MessageId]) -> None:
    assert SEATS in source
    # Inside an f-string in bot/views.py: Babel's own extractor misses it before Python 3.12.
    assert "Registrations" in source


def test_no_message_is_built_at_run_time() -> None:
    assert dynamic_calls() == []


def test_template_is_in_sync(source: set[MessageId]) -> None:
    assert template_problems(read_catalogue(TEMPLATE), source, str(TEMPLATE)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_consistent(language: str, source: set[MessageId]) -> None:
    catalogue = read_catalogue(catalogue_path(language))
    assert catalogue_problems(language, catalogue, source) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_catalogue(language: str) -> None:
    assert msgfmt_problems(catalogue_path(language)) == []


def test_catalogues_are_as_update_writes_them(tmp_path: Path) -> None:
    """Running ``update`` on the committed files changes nothing: nobody forgot to run it."""
    copy = tmp_path / "locales"
    shutil.copytree(LOCALE_DIR, copy)
    reports = update(directory=copy)
    assert [report.path.name for report in reports if report.changed] == []


def test_check_finds_nothing() -> None:
    assert check() == []


# --- The checker finds what it should -------------------------------------------------------


def _catalogue(language: str, entries: dict[MessageId, str | tuple[str, ...]]) -> Catalog:
    catalogue = new_catalogue(language, build_template(entries))
    for key, text in entries.items():
        catalogue.add(key, text)
    return catalogue


def test_check_flags_untranslated_fuzzy_and_out_of_sync() -> None:
    catalogue = _catalogue("ka", {"Yes": "დიახ", "No": "", "Help": "დახმარება"})
    help_message = catalogue.get("Help")
    assert help_message is not None
    help_message.flags.add("fuzzy")
    problems = catalogue_problems("ka", catalogue, {"Yes", "No", "Help", "Skip"})
    assert any("'No' is not translated" in problem for problem in problems)
    assert any("'Help' is fuzzy" in problem for problem in problems)
    assert any("missing 'Skip'" in problem for problem in problems)
    stale = catalogue_problems("ka", catalogue, {"Yes"})
    assert any("not in the source any more 'Help'" in problem for problem in stale)


def test_check_flags_placeholders_in_every_plural_form() -> None:
    catalogue = _catalogue(
        "ru",
        {
            "Name: {name}": "Имя: {имя}",
            SEATS: ("Осталось {count} место", "Осталось {count} места", "Осталось мест"),
            "Ticket: {code}": "Билет: {code",
        },
    )
    problems = catalogue_problems("ru", catalogue, {"Name: {name}", SEATS, "Ticket: {code}"})
    assert any("'Name: {name}'" in p and "placeholders" in p for p in problems)
    assert any("(form 2)" in p for p in problems)
    assert not any("(form 0)" in p or "(form 1)" in p for p in problems)
    assert any("not a valid format string" in p for p in problems)


def test_check_flags_missing_plural_forms() -> None:
    catalogue = _catalogue("ru", {SEATS: ("Осталось {count} место", "Осталось {count} мест")})
    problems = catalogue_problems("ru", catalogue, {SEATS})
    assert any("has 2 plural forms, expected 3" in problem for problem in problems)


def test_check_flags_a_wrong_plural_header() -> None:
    catalogue = _catalogue("hy", {"Yes": "Այո"})
    catalogue.mime_headers = [("Plural-Forms", "nplurals=1; plural=0;")]
    problems = catalogue_problems("hy", catalogue, {"Yes"})
    assert any("Plural-Forms" in problem for problem in problems)


def test_msgfmt_problems_are_reported(tmp_path: Path) -> None:
    catalogue = _catalogue("az", {"Name: {name}": "Ad: {ad}", "Yes": ""})
    path = tmp_path / "az.po"
    path.write_bytes(render(catalogue))
    problems = msgfmt_problems(path)
    assert problems, "msgfmt should refuse a brace-format mismatch"


def test_placeholders() -> None:
    assert placeholders("{count} seats, {count} left") == frozenset({"count"})
    assert placeholders("When: {start} – {end} ({zone})") == frozenset({"start", "end", "zone"})
    assert placeholders("{} and {0}") == frozenset({"{}", "0"})
    assert placeholders("no fields") == frozenset()
    assert placeholders("broken {") is None


# --- update on a small project of its own ---------------------------------------------------


def _project(root: Path, code: str) -> None:
    (root / "bot").mkdir(exist_ok=True)
    (root / "bot" / "texts.py").write_text(code, encoding="utf-8")


def test_update_merges_new_and_removed_strings(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    _project(
        tmp_path,
        "def texts(t, n):\n"
        "    return [t.gettext('Hello'), t.gettext('Old text'),\n"
        "            t.ngettext('{count} seat left', '{count} seats left', n),\n"
        "            f\"<b>{t.gettext('Bold')}</b>\"]\n",
    )
    first = update(root=tmp_path, directory=locales)
    assert all(report.changed for report in first)
    english = read_catalogue(catalogue_path(SOURCE_LANGUAGE, locales))
    seats = english.get(SEATS[0])
    assert seats is not None
    assert seats.string == SEATS
    russian_path = catalogue_path("ru", locales)
    russian = read_catalogue(russian_path)
    assert {str(message.id) for message in russian if message.id} >= {"Hello", "Bold"}
    hello = russian.get("Hello")
    assert hello is not None
    hello.string = "Здравствуйте"
    russian_path.write_bytes(render(russian))

    assert not any(report.changed for report in update(root=tmp_path, directory=locales))

    _project(tmp_path, "def texts(t):\n    return [t.gettext('Hello'), t.gettext('New text')]\n")
    reports = {report.path.parent.parent.name: report for report in update(tmp_path, locales)}
    assert reports["ru"].added == ["New text"]
    assert set(reports["ru"].removed) == {"Old text", "Bold", SEATS}
    assert reports["ru"].untranslated == ["New text"]
    assert reports["en"].untranslated == []
    text = russian_path.read_text(encoding="utf-8")
    assert "Old text" not in text  # dropped, not kept as an obsolete #~ entry
    assert "Здравствуйте" in text
    assert 'msgid "New text"\nmsgstr ""' in text


def test_update_reports_fuzzy_matches(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    _project(tmp_path, "def texts(t):\n    return t.gettext('Please write the year.')\n")
    update(root=tmp_path, directory=locales)
    path = catalogue_path("ka", locales)
    catalogue = read_catalogue(path)
    message = catalogue.get("Please write the year.")
    assert message is not None
    message.string = "გთხოვთ, დაწეროთ წელი."
    path.write_bytes(render(catalogue))

    _project(
        tmp_path, "def texts(t):\n    return t.gettext('Please write the year, e.g. 2001.')\n"
    )
    reports = update(root=tmp_path, directory=locales, fuzzy_matching=True)
    georgian = next(report for report in reports if report.path == path)
    assert georgian.fuzzy == ["Please write the year, e.g. 2001."]
    problems = check(root=tmp_path, directory=locales)
    assert any("is fuzzy" in problem for problem in problems)


def test_dynamic_calls_are_found(tmp_path: Path) -> None:
    _project(
        tmp_path,
        "def texts(t, name, message):\n"
        "    return [t.gettext(f'Hello {name}'), t.gettext('Hi ' + name), t.gettext(message)]\n",
    )
    problems = dynamic_calls(tmp_path)
    assert len(problems) == 2  # a plain name passed on (a wrapper) is allowed


# --- What the bot sees ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogues() -> Catalogues:
    return Catalogues()


@pytest.mark.parametrize("language", LANGUAGES)
def test_bot_loads_every_catalogue(
    catalogues: Catalogues, language: str, source: set[MessageId]
) -> None:
    translator = catalogues.translator(language)
    assert translator.language == language
    catalogue = read_catalogue(catalogue_path(language))
    for key in source:
        message = catalogue.get(key if isinstance(key, str) else key[0])
        assert message is not None
        if isinstance(key, str):
            assert translator.gettext(key) == message.string


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "Осталось 1 место"),
        (3, "Осталось 3 места"),
        (5, "Осталось 5 мест"),
        (11, "Осталось 11 мест"),
        (21, "Осталось 21 место"),
        (22, "Осталось 22 места"),
        (25, "Осталось 25 мест"),
    ],
)
def test_russian_plural_forms(catalogues: Catalogues, count: int, expected: str) -> None:
    text = catalogues.translator("ru").ngettext(*SEATS, count).format(count=count)
    assert text == expected


@pytest.mark.parametrize(("count", "form"), [(0, 0), (1, 0), (2, 1)])
def test_armenian_plural_forms(catalogues: Catalogues, count: int, form: int) -> None:
    catalogue = read_catalogue(catalogue_path("hy"))
    assert gettext.c2py(catalogue.plural_expr)(count) == form
    message = catalogue.get(SEATS[0])
    assert message is not None
    assert isinstance(message.string, tuple)
    assert catalogues.translator("hy").ngettext(*SEATS, count) == message.string[form]
    assert str(count) in catalogues.translator("hy").ngettext(*SEATS, count).format(count=count)


def test_language_confirmation_names_each_language(catalogues: Catalogues) -> None:
    done = "Done: I will write to you in English."
    names = {
        "en": "English",
        "hy": "հայերենով",
        "az": "Azərbaycan dilində",
        "ka": "ქართულად",
        "ru": "на русском языке",
    }
    for language, name in names.items():
        assert name in catalogues.translator(language).gettext(done)
