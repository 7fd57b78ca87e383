"""Registering for a hybrid event in chat (#19): the card says how one can take part, the
person chooses the room or the stream, sees their own join link only with a confirmed
online seat, and can switch. Against the real ``redbridge serve``."""

from datetime import UTC, datetime

import httpx
import pytest

from events.enums import AttendanceMode, Participation, RegistrationStatus
from events.registrations import register
from tests.bot.conftest import Live, in_every_language
from tests.bot.process import (
    REGISTERED,
    labels,
    registrations_of,
    shown,
    summary_heading,
    walk_begin,
    walk_open_event,
    walk_profile,
)
from tests.factories import create_participant

pytestmark = pytest.mark.asyncio(loop_scope="session")

LINK = "https://meet.example.org/concert?pwd=Qm9vaw"
HYBRID = {
    "attendance_mode": AttendanceMode.HYBRID,
    "capacity": 30,
    "online_capacity": 1,
    "join_url": LINK,
}
CHOOSE = "How would you like to take part?"
HOW_HYBRID = (
    "In person or online, as you choose: confirmed online participants get a personal link "
    "to join."
)
ONLINE_REGISTERED = (
    "You are registered to take part online. Your personal link to join is in your registration."
)
ONLINE_FULL = (
    "The online seats are all taken, so you are on the waiting list for them. We will "
    "message you if one becomes free."
)


@in_every_language
async def test_register_for_a_hybrid_event_choosing_online(live: Live, language: str) -> None:
    event = await live.event(**HYBRID)
    ani = live.person(language)
    _ = ani._
    card = await walk_open_event(ani, event)
    assert _(HOW_HYBRID) in shown(card)
    assert ani.n_("In person: {count} seat left", "In person: {count} seats left", 30).format(
        count=30
    ) in shown(card)
    assert ani.n_("Online: {count} seat left", "Online: {count} seats left", 1).format(
        count=1
    ) in shown(card)
    await walk_begin(ani, event)
    question = await walk_profile(ani, "Ani Petrosyan", "AM", "Female", 2001)
    assert _(CHOOSE) in shown(question)
    assert labels(question) == [_("In person"), _("Online")]
    # Typing instead of choosing is answered with a hint, and nothing is stored.
    await ani.say("online", _("Please use the buttons above, or /cancel to stop."))
    summary = await ani.tap_for(_("Online"), summary_heading(ani, event))
    assert _("Taking part: online") in shown(summary)

    await ani.tap_for(_("Agree and send"), _(ONLINE_REGISTERED))
    [registration] = await registrations_of(live.sessionmaker, ani.id)
    assert (registration.participation, registration.status) == (
        Participation.ONLINE,
        RegistrationStatus.CONFIRMED,
    )
    token = registration.join_token
    assert token is not None
    own_link = f"{live.process.base_url}/j/{token}"
    card = await ani.tap_for_edit(
        _("My registration"),
        _("Taking part: online"),
        _("Your link to join: {link}").format(link=own_link),
    )
    assert LINK not in shown(card)
    # Telegram's servers must not open the personal link to preview it (it would count
    # as joining).
    assert card.link_preview is False
    assert _("Switch to in person") in labels(card)

    # The redirect is the person's own: before the start it explains, in their language.
    async with httpx.AsyncClient() as client:
        early = await client.get(own_link)
    assert early.status_code == 200
    assert ani.t.gettext("It is too early to join") in early.text
    assert LINK not in early.text

    # Switching to the room: the link goes, and the old redirect stops working.
    switched = await ani.tap_for(_("Switch to in person"), _("Done: your choice is saved."))
    assert _("Taking part: in person") in shown(switched)
    assert "/j/" not in shown(switched)
    assert _("Switch to online") in labels(switched)
    [registration] = await registrations_of(live.sessionmaker, ani.id)
    assert (registration.participation, registration.join_token) == (Participation.IN_PERSON, None)
    async with httpx.AsyncClient() as client:
        dead = await client.get(own_link)
    assert dead.status_code == 404
    assert all(LINK not in shown(message) for message in ani.user.messages)


@in_every_language
async def test_someone_waiting_for_the_stream_never_sees_a_link(live: Live, language: str) -> None:
    event = await live.event(**HYBRID)
    async with live.sessionmaker() as session:
        first = await create_participant(session, datetime.now(UTC))
        await register(session, datetime.now(UTC), event.id, first.id, participation="online")
    levon = live.person(language, "Levon")
    _ = levon._
    card = await walk_open_event(levon, event)
    assert _("Online: waiting list only") in shown(card)
    await walk_begin(levon, event)
    await walk_profile(levon, "Levon", "AM", "Male", 1999)
    await levon.tap_for(_("Online"), summary_heading(levon, event))
    await levon.tap_for(_("Agree and send"), _(ONLINE_FULL))
    [registration] = await registrations_of(live.sessionmaker, levon.id)
    assert registration.status == RegistrationStatus.WAITLISTED
    card = await levon.tap_for_edit(_("My registration"), _("Taking part: online"))
    assert _(REGISTERED) not in shown(card)
    # Waiting for the stream, the person may move to the room, where seats are free.
    assert _("Switch to in person") in labels(card)
    for message in levon.user.messages:
        assert LINK not in shown(message)
        assert "/j/" not in shown(message)
