"""Every button label fits its button, in every language (#14 item 6).

Telegram shares a row's width equally between its buttons and cuts a label that does not
fit. On a narrow phone (320 dp, the default font) about 34 characters of Cyrillic,
Armenian or Georgian fit one full-width button; the limits keep a margin. A label that
is too long gets a shorter native wording in its catalogue, never a cut.

Labels come from two places: the real keyboards, built for each language (rows as the
bot sends them), and every ``button(t.gettext("…"), …)`` in the bot's source, found by
reading it, so a new button cannot escape the check.
"""

import ast
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.types import InlineKeyboardMarkup

from bot.alumni import views as alumni_views
from bot.alumni.notices import request_keyboard
from bot.broadcasts.compose import _audience_keyboard, _language_keyboard
from bot.broadcasts.prompts import review_keyboard
from bot.broadcasts.reports import _broadcast_list, _stop_keyboard
from bot.broadcasts.views import AUDIENCE_KEYS, audience_label
from bot.i18n import Catalogues, Translator
from bot.keyboards import button, first_menu, language_picker, main_menu
from bot.mine.router import _card_buttons
from bot.signup.steps import consent_keyboard, country_keyboard, gender_keyboard
from events.alumni.notices import ConnectionNotice
from events.alumni.profiles import INTERESTS, SPOKEN
from events.alumni.visibility import FIELDS, Audience
from events.broadcasts import BroadcastState
from events.enums import RegistrationStatus
from events.languages import LANGUAGES
from tests.bot.samples import NOW, Demo, _registration, _report, demo, notices

ROOT = Path(__file__).resolve().parents[2]
# The longest label, in characters, by how many buttons share its row.
LIMITS = {1: 30, 2: 15, 3: 10}
# Labels chosen in the code before they reach ``button`` (so the source scan misses them).
INDIRECT = ("Apply", "Register")


@pytest.fixture(scope="module")
def catalogues() -> Catalogues:
    return Catalogues()


@pytest.fixture(scope="module")
def data() -> Demo:
    return demo(NOW)


def keyboards(t: Translator, data: Demo) -> Iterator[tuple[str, InlineKeyboardMarkup]]:
    """The bot's keyboards whose labels are its own words (titles are organisers')."""
    event = data.events[0]
    yield "main menu", main_menu(t)
    yield "first menu", first_menu(t)
    yield "language picker", language_picker()
    yield "countries", country_keyboard(t, event)
    yield "genders", gender_keyboard(t, event)
    yield "consent", consent_keyboard(t, event)
    for status in RegistrationStatus:
        registration = _registration(event, status, NOW)
        yield f"card/{status}", _card_buttons(t, registration, NOW - timedelta(days=1), event)
    for sample in notices(t, event):
        if sample.markup is not None:
            yield f"notice/{sample.name}", sample.markup
    yield "audiences", _audience_keyboard(t, event.id)
    yield "review", review_keyboard(t, event.id)
    yield "translations", _language_keyboard(event, {"ru": "…"})
    yield "stop", _stop_keyboard(t, 1)
    reports = [_report(event, BroadcastState.DONE, NOW) for _ in range(4)]
    yield "broadcasts", _broadcast_list(t, [(event, reports)])[1]
    yield "contact request", request_keyboard(t, ConnectionNotice(1, "Ani", "", None))
    pages = InlineKeyboardMarkup(
        inline_keyboard=[[button(t.gettext("‹ Previous"), "x"), button(t.gettext("Next ›"), "x")]]
    )
    yield "directory pages", pages


def too_long(markup: InlineKeyboardMarkup) -> list[str]:
    return [
        button.text
        for row in markup.inline_keyboard
        for button in row
        if len(button.text) > LIMITS[len(row)]
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_keyboard_fits(catalogues: Catalogues, data: Demo, language: str) -> None:
    t = catalogues.translator(language)
    found = {name: labels for name, markup in keyboards(t, data) if (labels := too_long(markup))}
    assert found == {}


def _gettext_label(node: ast.AST) -> str | None:
    """The msgid of ``t.gettext("…")`` as a button's first argument."""
    if not (isinstance(node, ast.Call) and node.args):
        return None
    function = node.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    if name != "gettext" or not isinstance(node.args[0], ast.Constant):
        return None
    value = node.args[0].value
    return value if isinstance(value, str) else None


def button_messages() -> set[str]:
    """Every message the bot's source hands to ``button`` as a label."""
    found = set(INDIRECT)
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "button":
                label = _gettext_label(node.args[0]) if node.args else None
                if label is not None:
                    found.add(label)
    return found


def test_the_source_scan_finds_buttons() -> None:
    messages = button_messages()
    assert {"Add to calendar", "Yes, erase my data", "Link and QR code for posters"} <= messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_button_label_fits_a_full_row(catalogues: Catalogues, language: str) -> None:
    """A label alone on its row; those sharing a row are checked with their keyboard."""
    t = catalogues.translator(language)
    labels = [*(t.gettext(message) for message in button_messages())]
    labels += [audience_label(t, key) for key in AUDIENCE_KEYS]
    # The alumni network's labels chosen by key (fields, audiences, interests, languages).
    labels += [alumni_views.field_label(t, field) for field in FIELDS]
    labels += [alumni_views.audience_label(t, level) for level in Audience]
    labels += [alumni_views.interest_label(t, key) for key in INTERESTS]
    labels += [f"✓ {alumni_views.spoken_language(t, code)}" for code in SPOKEN]
    assert [label for label in labels if len(label) > LIMITS[1]] == []
