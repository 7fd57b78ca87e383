"""Registering for an open event in chat, then the ticket, the calendar and cancelling; and
what the bot does with input it did not ask for. Against the real ``redbridge serve``."""

import re
from datetime import timedelta

import httpx
import pytest
from icalendar import Calendar

from bot.callbacks import Browse, Mine, Signup
from bot.qr import qr_png
from events.deeplinks import deep_link, ticket_payload
from events.enums import RegistrationStatus
from events.models import Event, Registration
from tests.bot.conftest import Live, in_every_language, on_both_backends, on_sqlite
from tests.bot.process import (
    BIRTH_YEAR_QUESTION,
    BOT_USERNAME,
    COUNTRY_QUESTION,
    EVENT_TITLE,
    GENDER_QUESTION,
    NAME_QUESTION,
    NOT_ACTIVE,
    REGISTERED,
    Person,
    conversation_of,
    labels,
    participant_of,
    registration_by_id,
    registrations_of,
    shown,
    summary_heading,
    walk_begin,
    walk_open_event,
    walk_profile,
    walk_register,
    walk_register_again,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

NAME_LIMIT = 100
FEED_LINK = r"webcal://\S+/calendar/\S+\.ics\S*"


async def registered(
    live: Live, language: str, name: str = "Ani"
) -> tuple[Person, Event, Registration]:
    """A new person in ``language`` who has registered for a new event."""
    event = await live.event()
    ani = live.person(language)
    outcome = await walk_register(ani, event, name=name)
    assert ani._(REGISTERED) in shown(outcome)
    [registration] = await registrations_of(live.sessionmaker, ani.id)
    return ani, event, registration


def status_line(person: Person, status: str) -> str:
    return person._("Status: {status}").format(status=person._(status))


@in_every_language
async def test_register_for_an_open_event(live: Live, language: str) -> None:
    event = await live.event()
    ani = live.person(language)
    _ = ani._
    await walk_open_event(ani, event)
    await ani.tap_for(
        _("Register"), _("Registration for: {title}").format(title=EVENT_TITLE[language])
    )
    summary = await walk_profile(ani, "Ani Petrosyan", "AM", "Female", 2001)
    for line in (
        summary_heading(ani, event),
        _("Name: {name}").format(name="Ani Petrosyan"),
        _("Country: {country}").format(country=ani.t.country("AM")),
        _("Gender: Female"),
        _("Birth year: {year}").format(year=2001),
    ):
        assert line in shown(summary)
    assert labels(summary) == [_("Agree and send"), _("Cancel")]
    # Nothing is stored before the person agrees.
    assert await participant_of(live.sessionmaker, ani.id) is None

    outcome = await ani.tap_for(_("Agree and send"), _(REGISTERED))
    assert labels(outcome) == [_("My registration")]
    [registration] = await registrations_of(live.sessionmaker, ani.id)
    assert registration.event_id == event.id
    assert registration.status == RegistrationStatus.CONFIRMED
    participant = await participant_of(live.sessionmaker, ani.id)
    assert participant is not None
    assert (participant.name, participant.language, participant.country) == (
        "Ani Petrosyan",
        language,
        "AM",
    )
    assert (participant.gender, participant.birth_year) == ("female", 2001)
    assert participant.consented_at is not None

    card = await ani.tap_for_edit(
        _("My registration"),
        EVENT_TITLE[language],
        status_line(ani, "confirmed"),
        _("Ticket: {code}").format(code=registration.ticket_code),
    )
    assert labels(card) == [
        _("Show ticket"),
        _("Add to calendar"),
        _("Cancel registration"),
        _("« My registrations"),
    ]
    # The card no longer offers to register: it leads to the registration.
    card = await walk_open_event(ani, event)
    assert labels(card) == [_("My registration"), _("« Programme")]


@in_every_language
async def test_the_ticket_is_a_qr_code_of_the_check_in_link(live: Live, language: str) -> None:
    ani, event, registration = await registered(live, language)
    _ = ani._
    await ani.say("/my", _("Your registrations:"))
    await ani.tap_entry(EVENT_TITLE[language], _("confirmed"))
    await ani.tap(_("Show ticket"))
    ticket = await ani.expect(
        _("Show this code at the entrance."), str(registration.ticket_code), EVENT_TITLE[language]
    )
    assert ticket.photo is not None
    link = deep_link(BOT_USERNAME, ticket_payload(str(registration.ticket_code)))
    assert link is not None
    assert ticket.photo.data == qr_png(link)  # the same QR code, hence the same link


@in_every_language
async def test_add_to_calendar_sends_an_ics_file_and_subscription_links(
    live: Live, language: str
) -> None:
    ani, event, registration = await registered(live, language)
    _ = ani._
    await ani.tap_for_edit(_("My registration"))
    await ani.tap(_("Add to calendar"))
    document = await ani.expect(_("Open this file to add the event to your calendar."))
    assert document.document is not None
    assert document.document.file_name == f"{event.slug}.ics"
    [vevent] = Calendar.from_ical(document.document.data).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == EVENT_TITLE[language]
    assert vevent.decoded("DTSTART") == event.starts_at
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(hours=4)  # Asia/Yerevan

    links = await ani.expect(
        _("To keep your calendar up to date, subscribe instead:"),
        _("All your registrations (a private link, keep it to yourself):"),
        _("Every event of this programme:"),
    )
    assert labels(links) == [_("Make a new private link")]
    personal, programme = re.findall(FEED_LINK, shown(links))
    async with httpx.AsyncClient(timeout=10) as client:
        for url in (personal, programme):
            feed = await client.get("http://" + url.removeprefix("webcal://"))
            assert feed.status_code == 200, url
            assert feed.headers["content-type"].startswith("text/calendar")
            summaries = [
                str(v["SUMMARY"]) for v in Calendar.from_ical(feed.content).walk("VEVENT")
            ]
            assert EVENT_TITLE[language] in summaries, url

        # A new private link: the old one stops working, the new one works.
        await ani.tap(_("Make a new private link"))
        rotated = await ani.expect(_("Done: the old private link no longer works."))
        new_personal = re.findall(FEED_LINK, shown(rotated))[0]
        assert new_personal != personal
        old = await client.get("http://" + personal.removeprefix("webcal://"))
        assert old.status_code == 404
        new = await client.get("http://" + new_personal.removeprefix("webcal://"))
        assert new.status_code == 200
    assert registration.id  # the registration itself is untouched
    assert (await registration_by_id(live.sessionmaker, registration.id)).status == "confirmed"


@in_every_language
async def test_cancel_a_registration_after_confirming(live: Live, language: str) -> None:
    ani, event, registration = await registered(live, language)
    _ = ani._
    listing = await ani.say("/my", _("Your registrations:"))
    assert f"1. {EVENT_TITLE[language]} — " in shown(listing)
    line = ani.entry_label(EVENT_TITLE[language], _("confirmed"))
    assert labels(listing) == [line, _("Programmes")]
    await ani.tap_for_edit(line, status_line(ani, "confirmed"))

    question = _("Cancel this registration? Your seat will be offered to someone else.")
    confirm = await ani.tap_for(_("Cancel registration"), question)
    assert labels(confirm) == [_("Yes, cancel it"), _("No, keep it")]
    await ani.tap_for_edit(_("No, keep it"), status_line(ani, "confirmed"))
    stored = await registration_by_id(live.sessionmaker, registration.id)
    assert stored.status == RegistrationStatus.CONFIRMED

    await ani.tap_for(_("Cancel registration"), question)
    await ani.tap_for(_("Yes, cancel it"), _("Your registration is cancelled."))
    stored = await registration_by_id(live.sessionmaker, registration.id)
    assert stored.status == RegistrationStatus.CANCELLED
    assert stored.cancel_reason == "participant"
    listing = await ani.say("/my", _("Your registrations:"))
    assert ani.entry_label(EVENT_TITLE[language], _("cancelled")) in labels(listing)
    # The old confirmation button cannot cancel twice.
    answer = await ani.tap(_("Yes, cancel it"))
    assert answer.text == _("This is no longer possible.")


@on_both_backends
async def test_a_returning_participant_is_not_asked_the_profile_again(live: Live) -> None:
    ani, _event, _registration = await registered(live, "ka", name="Nino")
    second = await live.event()
    outcome = await walk_register_again(ani, second)
    assert ani._(REGISTERED) in shown(outcome)
    registrations = await registrations_of(live.sessionmaker, ani.id)
    assert [r.event_id for r in registrations] == [_event.id, second.id]


@in_every_language
async def test_cancel_in_the_middle_of_registering_stores_nothing(
    live: Live, language: str
) -> None:
    event = await live.event()
    ani = live.person(language)
    _ = ani._
    await walk_begin(ani, event)
    await ani.expect(_(NAME_QUESTION))
    await ani.say("Ani", _(COUNTRY_QUESTION))
    stopped = await ani.say("/cancel", _("Stopped. Nothing was saved."))
    assert labels(stopped) == [_("Programmes"), _("My registrations"), _("Language")]
    assert await participant_of(live.sessionmaker, ani.id) is None
    # An empty conversation is not kept at all.
    conversation = await conversation_of(live.sessionmaker, ani.id)
    if conversation is not None:
        assert conversation.state is None
        assert "signup" not in conversation.data
    # The country buttons of the abandoned registration are stale now.
    answer = await ani.tap(ani.t.country("AM"))
    assert answer.text == _(NOT_ACTIVE)
    # And a name typed now is not taken as an answer.
    await ani.say("Ani", _("How can I help? Choose below or try /help."))
    await ani.say("/cancel", _("Nothing to stop."))
    assert await participant_of(live.sessionmaker, ani.id) is None


@in_every_language
async def test_help_in_the_middle_of_registering_keeps_the_draft(
    live: Live, language: str
) -> None:
    event = await live.event()
    ani = live.person(language)
    _ = ani._
    await walk_begin(ani, event)
    await ani.expect(_(NAME_QUESTION))
    await ani.say("Ani", _(COUNTRY_QUESTION))
    await ani.say("/help", _("What I can do:"), _("/cancel – stop what you are doing"))
    await ani.tap_for(ani.t.country("GE"), _(GENDER_QUESTION))
    await ani.tap(_("Male"))
    await ani.expect(_(BIRTH_YEAR_QUESTION))
    await ani.tap_for(
        _("Skip"),
        summary_heading(ani, event),
    )
    await ani.tap_for(_("Agree and send"), _(REGISTERED))
    participant = await participant_of(live.sessionmaker, ani.id)
    assert participant is not None
    assert (participant.country, participant.gender, participant.birth_year) == (
        "GE",
        "male",
        None,
    )


@in_every_language
async def test_wrong_profile_answers_are_asked_again(live: Live, language: str) -> None:
    event = await live.event()
    ani = live.person(language)
    _ = ani._
    await walk_begin(ani, event)
    await ani.expect(_(NAME_QUESTION))
    too_long = ani.n_(
        "Please write a name of at most {limit} character.",
        "Please write a name of at most {limit} characters.",
        NAME_LIMIT,
    ).format(limit=NAME_LIMIT)
    await ani.say("A" * (NAME_LIMIT + 1), too_long)
    await ani.say("\u200b\u200d", too_long)  # only invisible characters: no name at all
    await ani.say("Ani", _(COUNTRY_QUESTION))
    unknown = _(
        "I don't recognise this country. Please use a button or write the two-letter "
        "code, e.g. AM, AZ or GE."
    )
    await ani.say("Narnia", unknown)
    await ani.say("ge", _(GENDER_QUESTION))  # a code can be typed
    await ani.say("female", _("Please use the buttons above, or /cancel to stop."))
    await ani.tap(_("Prefer not to say"))
    await ani.expect(_(BIRTH_YEAR_QUESTION))
    year_hint = _("Please write the year as four digits, e.g. 2001.")
    for wrong in ("twenty", "1850", "3001", "２００１"):
        await ani.say(wrong, year_hint)
    summary = await ani.say(
        "1999",
        summary_heading(ani, event),
    )
    assert _("Country: {country}").format(country=ani.t.country("GE")) in shown(summary)
    assert _("Gender: not stated") in shown(summary)
    assert _("Birth year: {year}").format(year=1999) in shown(summary)
    # The summary's Cancel stores nothing either.
    await ani.tap_for(_("Cancel"), _("Stopped. Nothing was saved."))
    assert await participant_of(live.sessionmaker, ani.id) is None


@on_both_backends
async def test_an_html_looking_name_is_shown_as_written(live: Live) -> None:
    name = "<b>Ani</b> & co"
    event = await live.event()
    ani = live.person("en")
    await walk_begin(ani, event)
    summary = await walk_profile(ani, name=name)
    # Escaped in the HTML the bot sent, so the person reads exactly what they typed.
    assert f"Name: {name}" in shown(summary)
    assert "&lt;b&gt;Ani&lt;/b&gt; &amp; co" in summary.html
    await ani.tap_for(ani._("Agree and send"), ani._(REGISTERED))
    await ani.say("/profile", f"Name: {name}")
    await ani.say("/mydata", f"Name: {name}")
    participant = await participant_of(live.sessionmaker, ani.id)
    assert participant is not None
    assert participant.name == name


@on_both_backends
async def test_invisible_and_reordering_characters_are_dropped_from_a_name(live: Live) -> None:
    event = await live.event()
    ani = live.person("ru")
    await walk_begin(ani, event)
    summary = await walk_profile(ani, name="Ани\u200b 🌸 \u202eok")
    assert ani._("Name: {name}").format(name="Ани 🌸 ok") in shown(summary)


@on_both_backends
async def test_a_double_tap_on_agree_registers_once(live: Live) -> None:
    event = await live.event()
    ani = live.person("hy")
    _ = ani._
    await walk_begin(ani, event)
    await walk_profile(ani)
    summary = ani.message_with(_("Agree and send"))
    first = await ani.user.press(_("Agree and send"), message=summary)
    second = await ani.user.press(_("Agree and send"), message=summary)  # not waiting
    answers = [await ani.answer_to(first), await ani.answer_to(second)]
    assert [a.text for a in answers].count(_(NOT_ACTIVE)) == 1
    await ani.expect(_(REGISTERED))
    # Nothing else arrives before the answer to the next command.
    await ani.say("/help", _("What I can do:"))
    registrations = await registrations_of(live.sessionmaker, ani.id, event.id)
    assert len(registrations) == 1
    assert registrations[0].status == RegistrationStatus.CONFIRMED


@on_both_backends
async def test_stale_and_forged_buttons_are_answered_politely(live: Live) -> None:
    ani, event, _registration = await registered(live, "az")
    bob, _other_event, bobs = await registered(live, "en")
    _ = ani._
    no_longer = _(NOT_ACTIVE)
    # The Register button of the card she registered from.
    register = ani.message_with(_("Register"))
    answer = await ani.tap(_("Register"), message=register)
    assert (answer.text, answer.show_alert) == (
        _("You are already registered for this event."),
        True,
    )
    # Made-up data, and well-formed data for a step she is not at.
    assert (await ani.forge("zzz")).text == no_longer
    assert (await ani.forge(Signup(action="consent", event_id=event.id).pack())).text == no_longer
    assert (
        await ani.forge(Signup(action="gender", event_id=event.id, value="female").pack())
    ).text == no_longer
    # Someone else's registration: refused, nothing revealed, nothing changed.
    for action in ("show", "ticket", "ics", "cancel_yes"):
        answer = await ani.forge(Mine(action=action, id=bobs.id).pack())
        assert (answer.text, answer.show_alert) == (_("This is no longer available."), True)
    assert (await registration_by_id(live.sessionmaker, bobs.id)).status == "confirmed"
    # An event that does not exist, or is not published.
    draft = await live.event(publish=False)
    for event_id in (draft.id, 10**9):
        answer = await ani.forge(Browse(what="event", id=event_id).pack())
        assert answer.text == _("This is no longer available.")
    await ani.say("/help", _("What I can do:"))  # and nothing else was sent meanwhile
    assert bob.drain() == []


@on_sqlite
async def test_my_registrations_buttons_show_titles_as_written(live: Live) -> None:
    """Button labels are plain text: a title with ``&`` must not show up as ``&amp;``;
    in the message (HTML) it is escaped, and reads as written."""
    title = "Rivers & Roads <live>"
    event = await live.event(title={"en": title})
    ani = live.person("en")
    outcome = await walk_register(ani, event)
    assert "You are registered" in shown(outcome)
    listing = await ani.say("/my", "Your registrations:")
    assert f"1. {title} — " in shown(listing)
    assert labels(listing)[0].startswith("1. Rivers & Roads")
