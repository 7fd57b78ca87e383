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
from hypothesis import given
from hypothesis import strategies as st

from bot.alumni import views as alumni_views
from bot.alumni.notices import request_keyboard
from bot.broadcasts.compose import _audience_keyboard, _language_keyboard
from bot.broadcasts.prompts import review_keyboard
from bot.broadcasts.reports import _broadcast_list, _stop_keyboard
from bot.broadcasts.views import AUDIENCE_KEYS, audience_label
from bot.callbacks import Browse
from bot.choices import FULL_WIDTH, Choice, choice_label, event_choice, numbered, shortened
from bot.i18n import Catalogues, Translator
from bot.keyboards import button, first_menu, language_picker, main_menu
from bot.mine.router import _card_buttons
from bot.signup.steps import (
    choice_buttons,
    consent_keyboard,
    country_keyboard,
    gender_keyboard,
    participation_keyboard,
)
from events.alumni.notices import ConnectionNotice
from events.alumni.profiles import INTERESTS, SPOKEN
from events.alumni.visibility import FIELDS, Audience
from events.broadcasts import BroadcastState
from events.enums import Participation, QuestionKind, RegistrationStatus
from events.inputs import Question
from events.languages import LANGUAGES
from events.models import Event
from tests.bot.samples import (
    NOW,
    Demo,
    _registration,
    _report,
    demo,
    hybrid_events,
    notices,
    review_views,
)

ROOT = Path(__file__).resolve().parents[2]
# The longest label, in characters, by how many buttons share its row.
# Five to a row are the scores of /review: a digit each (a mark beside the one given).
LIMITS = {1: FULL_WIDTH, 2: 15, 3: 10, 5: 2}
# Labels chosen in the code before they reach ``button`` (so the source scan misses them).
INDIRECT = (
    "Apply",
    "Register",
    "Balanced proposal: in person",
    "Balanced proposal: online",
)


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
    for hybrid in hybrid_events(data):
        yield "participation", participation_keyboard(t, hybrid)
        for participation in Participation:
            registration = _registration(hybrid, RegistrationStatus.CONFIRMED, NOW, participation)
            card = _card_buttons(t, registration, NOW - timedelta(days=1), hybrid)
            yield f"card/{hybrid.slug}/{participation}", card
    yield "audiences", _audience_keyboard(t, event.id)
    yield "review", review_keyboard(t, event.id)
    yield "translations", _language_keyboard(event, {"ru": "…"})
    yield "stop", _stop_keyboard(t, 1)
    reports = [_report(event, BroadcastState.DONE, NOW) for _ in range(4)]
    yield "broadcasts", _broadcast_list(t, [(event, reports)])[1]
    for sample in review_views(t, data):
        if sample.markup is not None and sample.name != "review/picker":  # titles, cut
            yield sample.name, sample.markup
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


# --- Lists of what organisers named -------------------------------------------------------

# Organisers write long titles, and the longest words in Georgian and Armenian.
LONG_TITLES = {
    "en": "Joint concert of young musicians from Yerevan, Baku and Tbilisi in the open air",
    "hy": "Երևանի, Բաքվի և Թբիլիսիի երիտասարդ երաժիշտների համատեղ համերգը բաց երկնքի տակ",
    "az": "Bakı, İrəvan və Tbilisidən olan gənc musiqiçilərin açıq havada birgə konserti",
    "ka": "ერევნელი, ბაქოელი და თბილისელი ახალგაზრდა მუსიკოსების ერთობლივი კონცერტი",
    "ru": "Совместный концерт молодых музыкантов из Еревана, Баку и Тбилиси под открытым небом",
}


@given(
    number=st.integers(1, 99),
    title=st.text(min_size=1, max_size=300),
    tag=st.text(max_size=14),
)
def test_a_choice_label_always_fits_a_full_row(number: int, title: str, tag: str) -> None:
    label = choice_label(number, title, tag)

    assert len(label) <= FULL_WIDTH
    assert label.startswith(f"{number}. ")


@given(st.lists(st.text(alphabet="abc ", min_size=1, max_size=12), min_size=1, max_size=20))
def test_a_title_is_cut_after_a_whole_word(words: list[str]) -> None:
    text = " ".join(words)
    cut = shortened(text, 20)
    normal = " ".join(text.split())

    assert len(cut) <= 20
    if cut == normal:
        return
    assert cut.endswith("…")
    kept = cut.removesuffix("…")
    assert normal.startswith(kept)
    # At a word's end, unless no word ends in the second half of the room.
    assert normal[len(kept)] == " " or " " not in normal[10:19]


@pytest.mark.parametrize("language", LANGUAGES)
def test_long_event_titles_are_listed_in_full_and_fit_their_buttons(
    catalogues: Catalogues, language: str
) -> None:
    t = catalogues.translator(language)
    # A monthly series of twelve: one long title, twelve dates.
    events = [
        Event(
            id=number,
            title={"en": "Town hall", language: LONG_TITLES[language]},
            default_language="en",
            starts_at=NOW + timedelta(days=30 * number),
            timezone="Asia/Baku",
        )
        for number in range(1, 13)
    ]

    listing, buttons = numbered(
        [event_choice(t, event, Browse(what="event", id=event.id)) for event in events]
    )

    lines = listing.splitlines()
    assert len(lines) == len(buttons) == len(events)
    for number, (line, key, event) in enumerate(zip(lines, buttons, events, strict=True), start=1):
        assert line.startswith(f"{number}. <b>{LONG_TITLES[language]}</b> — ")
        assert t.date(event.starts_at, event.timezone) in line
        assert key.text.startswith(f"{number}. ")
        assert len(key.text) <= FULL_WIDTH
        # Events of a series share a title: the day in the button tells them apart.
        assert key.text.endswith(t.dates.day_and_month(event.starts_at, event.timezone))


def test_user_text_in_a_list_line_is_escaped() -> None:
    listing, [only] = numbered([Choice(line="<b>&</b>", title="A <b> & c", data="x")])

    assert listing == "1. <b>&</b>"  # lines are the caller's HTML
    assert only.text == "1. A <b> & c"  # labels are plain text: Telegram shows them as written


@pytest.mark.parametrize("language", LANGUAGES)
def test_long_answer_choices_are_numbered_short_ones_stay_as_they_are(
    catalogues: Catalogues, data: Demo, language: str
) -> None:
    t = catalogues.translator(language)
    event = data.events[0]
    short = Question(
        key="track",
        kind=QuestionKind.CHOICE,
        prompt={"en": "Track?"},
        choices=[
            {"key": "a", "label": {"en": "Economy"}},
            {"key": "b", "label": {"en": "Culture"}},
        ],
    )
    listing, buttons = choice_buttons(t, event, short)
    assert (listing, [b.text for b in buttons]) == ("", ["Economy", "Culture"])

    long = Question(
        key="track",
        kind=QuestionKind.CHOICE,
        prompt={"en": "Track?"},
        choices=[
            {"key": "a", "label": {language: LONG_TITLES[language]}},
            {"key": "b", "label": {language: "Other <less> & more"}},
        ],
    )
    listing, buttons = choice_buttons(t, event, long)
    assert listing.splitlines() == [
        f"1. {LONG_TITLES[language]}",
        "2. Other &lt;less&gt; &amp; more",
    ]
    assert [b.text[:3] for b in buttons] == ["1. ", "2. "]
    assert all(len(b.text) <= FULL_WIDTH for b in buttons)
