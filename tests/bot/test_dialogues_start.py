"""First contact, browsing, deep links and help, in each of the five languages, against
the real ``redbridge serve`` process."""

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.choices import FULL_WIDTH
from events.deeplinks import event_payload
from events.languages import LANGUAGE_NAMES
from events.models import Event, Programme
from redbridge.demo import SUMMER_SCHOOL
from redbridge.demo.programmes import TOWN_HALLS
from tests.bot.conftest import Live, in_every_language, on_sqlite
from tests.bot.process import (
    CITY,
    EVENT_DESCRIPTION,
    GREETING,
    PROGRAMME_TITLE,
    VENUE,
    labels,
    shown,
    when_line,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


@in_every_language
async def test_start_greets_in_the_users_language_and_browses_to_an_event(
    live: Live, language: str
) -> None:
    event = await live.event()
    ani = live.person(language)
    _ = ani._
    # Someone new gets one message with one set of buttons: the languages, then the menu.
    greeting = await ani.say("/start", _(GREETING), _("You can choose your language at any time:"))
    assert labels(greeting) == [*LANGUAGE_NAMES.values(), _("Programmes"), _("My registrations")]

    programmes = await ani.tap_for_edit(
        _("Programmes"),
        _("Choose a programme:"),
        PROGRAMME_TITLE[language],
        SUMMER_SCHOOL.title[language],
    )
    assert all(len(label) <= FULL_WIDTH for label in labels(programmes))

    programme = await ani.tap_entry(PROGRAMME_TITLE[language])
    assert PROGRAMME_TITLE[language] in shown(programme)
    assert _("« All programmes") in labels(programme)
    assert all(len(label) <= FULL_WIDTH for label in labels(programme))
    # The full title and date in the list, the day in its button.
    event_date = ani.t.date(event.starts_at, event.timezone)
    label = ani.entry_label(event.title[language], event_date)
    assert ani.t.dates.day_and_month(event.starts_at, event.timezone) in label

    card = await ani.tap_entry(event.title[language], event_date)
    for fragment in (event.title[language], EVENT_DESCRIPTION[language], when_line(ani.t, event)):
        assert fragment in shown(card)
    text = shown(card)
    assert "18:00" in text  # 14:00 UTC, shown in the event's zone (Asia/Yerevan)
    assert (
        _("Where: {place}, {country}").format(
            place=f"{VENUE[language]}, {CITY[language]}", country=ani.t.country("AM")
        )
        in text
    )
    assert ani.t.ngettext("{count} seat left", "{count} seats left", 30).format(count=30) in text
    assert labels(card) == [_("Register"), _("« Programme")]


@in_every_language
async def test_an_event_deep_link_opens_the_card_in_the_readers_language(
    live: Live, language: str
) -> None:
    event = await live.event(capacity=1)
    ani = live.person(language)
    _ = ani._
    card = await ani.say(
        f"/start {event_payload(event.slug)}",
        event.title[language],
        EVENT_DESCRIPTION[language],
        when_line(ani.t, event),
        ani.t.ngettext("{count} seat left", "{count} seats left", 1).format(count=1),
        _("Registration closes: {deadline}").format(
            deadline=ani.t.date_time(event.starts_at, event.timezone)
        ),
    )
    assert "18:00" in shown(card)
    assert _("Register") in labels(card)
    # A link to an event that is not published (or never existed) is answered politely.
    draft = await live.event(publish=False)
    for slug in (draft.slug, "no-such-event"):
        await ani.say(
            f"/start e-{slug}", _("This event can't be found or is no longer available.")
        )


@in_every_language
async def test_an_application_event_says_the_organisers_select(live: Live, language: str) -> None:
    event = await live.application_event()
    ani = live.person(language)
    card = await ani.say(
        f"/start e-{event.slug}",
        ani._("Participants are selected by the organisers from applications."),
    )
    assert ani._("Apply") in labels(card)
    assert ani._("Register") not in labels(card)


@in_every_language
async def test_a_programme_deep_link_opens_the_programme(live: Live, language: str) -> None:
    ani = live.person(language)
    card = await ani.say(
        f"/start p-{SUMMER_SCHOOL.slug}",
        SUMMER_SCHOOL.title[language],
        SUMMER_SCHOOL.description[language][:60],
    )
    # Its upcoming edition is listed, titled in the reader's language, with its button.
    assert ani.entry_label(SUMMER_SCHOOL.title[language]) in labels(card)
    await ani.say(
        "/start p-no-such-programme",
        ani._("This programme can't be found or is no longer available."),
    )


@in_every_language
async def test_a_malformed_link_gets_a_polite_answer(live: Live, language: str) -> None:
    ani = live.person(language)
    _ = ani._
    # Unknown prefix, a prefix without a slug, characters a link cannot carry.
    for text in ("/start x-summer", "/start e-", "/start e-a.b", "/start " + "e" * 65):
        answer = await ani.say(text, _("This link is not valid. Here is what Redbridge offers:"))
        assert labels(answer) == [_("Programmes"), _("My registrations"), _("Language")]


@in_every_language
async def test_help_unknown_commands_and_stray_text(live: Live, language: str) -> None:
    ani = live.person(language)
    _ = ani._
    await ani.say(
        "/help",
        _("What I can do:"),
        _("/start – programmes and events"),
        _("/language – change the language"),
        _("/cancel – stop what you are doing"),
    )
    await ani.say("/nonsense", _("Unknown command. Try /help."))
    await ani.say("hello? 🙂", _("How can I help? Choose below or try /help."))
    await ani.say("/cancel", _("Nothing to stop."))


@on_sqlite
@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("ru-RU", "ru"),
        ("az-Latn", "az"),
        ("hy-AM", "hy"),
        ("ka", "ka"),
        ("en-GB", "en"),
        ("pt-BR", "en"),
        (None, "en"),
    ],
)
async def test_first_contact_picks_the_language_from_telegram(
    live: Live, tag: str | None, language: str
) -> None:
    ani = live.person(tag, speaks=language)
    await ani.say("/start", ani._(GREETING), ani._("You can choose your language at any time:"))
    await ani.say("/help", ani._("What I can do:"))


@on_sqlite
async def test_the_town_halls_show_as_a_series_with_its_moved_date(live: Live) -> None:
    """The demo's town halls are series (one per host university, one a month between
    them); one date was moved a week: the programme lists it at its new date."""
    async with live.sessionmaker() as session:
        halls = (
            await session.scalars(
                select(Event)
                .join(Programme, Programme.id == Event.programme_id)
                .where(Programme.slug == TOWN_HALLS.slug)
                .order_by(Event.starts_at)
            )
        ).all()
    assert halls
    assert all(hall.series_id is not None for hall in halls)
    [moved] = [hall for hall in halls if hall.sequence > 0]
    assert moved.occurrence_on is not None
    ani = live.person("ka")
    card = await ani.say(f"/start p-{TOWN_HALLS.slug}", TOWN_HALLS.title["ka"])

    listed = [line for line in shown(card).splitlines() if line.partition(". ")[0].isdigit()]
    assert [
        f"{number}. {hall.title['ka']} — {ani.t.date(hall.starts_at, hall.timezone)}"
        for number, hall in enumerate(halls, start=1)
    ] == listed
    assert [
        ani.entry_label(hall.title["ka"], ani.t.date(hall.starts_at, hall.timezone))
        for hall in halls
    ] == labels(card)[: len(halls)]
    rule_date = datetime.combine(moved.occurrence_on, moved.starts_at.timetz())
    assert ani.t.date(rule_date, moved.timezone) not in shown(card)
