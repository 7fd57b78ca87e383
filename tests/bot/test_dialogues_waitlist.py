"""The waiting list in chat: a full event waitlists, a cancellation offers the seat to the
next person, who is told at once (a message through the outbox, with accept and decline
buttons) and answers from it or from "My registrations". Against the real
``redbridge serve``.
"""

import pytest

from emulator import ChatMessage
from events.enums import RegistrationStatus
from events.models import Event
from tests.bot.conftest import Live, in_every_language
from tests.bot.process import (
    REGISTERED,
    Person,
    labels,
    registrations_of,
    shown,
    walk_register,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

WAITLISTED = (
    "The event is full, so you are on the waiting list. We will message you if a "
    "seat becomes free."
)
COUNTRY_SEATS_TAKEN = (
    "The seats for participants from your country are all taken, so you are on the "
    "waiting list. We will message you if a seat becomes free."
)
GENDER_SEATS_TAKEN = (
    "The seats for participants of your gender are all taken, so you are on the "
    "waiting list. We will message you if a seat becomes free."
)


def status_line(person: Person, status: str) -> str:
    return person._("Status: {status}").format(status=person._(status))


async def offer_arrives(person: Person, event: Event) -> ChatMessage:
    """The message the outbox sends when a seat is offered: the event, two buttons."""
    _ = person._
    offer = await person.expect(person.t.pick(event.title))
    assert labels(offer) == [_("Accept the seat"), _("Decline")]
    return offer


async def open_registration(person: Person, event: Event, status: str) -> None:
    """/my, then the registration's card."""
    await person.say("/my", person._("Your registrations:"))
    card = await person.tap_entry(person.t.pick(event.title), person._(status))
    assert status_line(person, status) in shown(card)


async def cancel(person: Person, event: Event) -> None:
    _ = person._
    await open_registration(person, event, "confirmed")
    await person.tap_for(
        _("Cancel registration"),
        _("Cancel this registration? Your seat will be offered to someone else."),
    )
    await person.tap_for(_("Yes, cancel it"), _("Your registration is cancelled."))


async def full_event_with_a_queue(
    live: Live, language: str, queue: int = 1
) -> tuple[Event, Person, list[Person]]:
    """A one-seat event: Ani holds the seat, ``queue`` people wait behind her."""
    event = await live.event(capacity=1)
    ani = live.person(language, "Ani")
    assert ani._(REGISTERED) in shown(await walk_register(ani, event))
    waiting = []
    for number in range(queue):
        person = live.person(language, f"Guest {number}")
        outcome = await walk_register(person, event, name=f"Guest {number}", gender="Male")
        assert person._(WAITLISTED) in shown(outcome)
        waiting.append(person)
    return event, ani, waiting


@in_every_language
async def test_a_full_country_quota_is_told_as_such_not_as_a_full_event(
    live: Live, language: str
) -> None:
    event = await live.event(capacity=30, country_quotas={"AM": 1})
    ani = live.person(language, "Ani")
    assert ani._(REGISTERED) in shown(await walk_register(ani, event))
    aram = live.person(language, "Aram")
    seats_left = aram.n_("{count} seat left", "{count} seats left", 29).format(count=29)
    await aram.say(f"/start e-{event.slug}", seats_left)  # the card shows seats left

    outcome = shown(await walk_register(aram, event, name="Aram", gender="Male"))

    assert outcome == aram._(COUNTRY_SEATS_TAKEN)  # not "the event is full"
    [registration] = await registrations_of(live.sessionmaker, aram.id)
    assert registration.status == RegistrationStatus.WAITLISTED
    # The seats left are still open to people from other countries.
    nino = live.person(language, "Nino")
    assert nino._(REGISTERED) in shown(await walk_register(nino, event, country="GE"))


@in_every_language
async def test_a_full_gender_quota_is_told_as_such_not_as_a_full_event(
    live: Live, language: str
) -> None:
    event = await live.event(capacity=30, gender_quotas={"female": 1})
    ani = live.person(language, "Ani")
    assert ani._(REGISTERED) in shown(await walk_register(ani, event))
    leyla = live.person(language, "Leyla")

    outcome = shown(await walk_register(leyla, event, name="Leyla", country="AZ"))

    assert outcome == leyla._(GENDER_SEATS_TAKEN)
    [registration] = await registrations_of(live.sessionmaker, leyla.id)
    assert registration.status == RegistrationStatus.WAITLISTED
    aram = live.person(language, "Aram")
    assert aram._(REGISTERED) in shown(await walk_register(aram, event, gender="Male"))


@in_every_language
async def test_a_freed_seat_is_offered_and_accepted(live: Live, language: str) -> None:
    event, ani, [bob] = await full_event_with_a_queue(live, language)
    _ = bob._
    [waiting] = await registrations_of(live.sessionmaker, bob.id)
    assert waiting.status == RegistrationStatus.WAITLISTED
    # The card says the event is full, to someone who is not registered yet.
    cem = live.person(language)
    await cem.say(f"/start e-{event.slug}", cem._("No seats left: waiting list only"))
    # Bob's card: waiting, with no ticket to show.
    await open_registration(bob, event, "on the waiting list")
    assert _("Show ticket") not in labels(bob.message_with(_("« My registrations")))

    await cancel(ani, event)
    pushed = await offer_arrives(bob, event)
    [offer] = await registrations_of(live.sessionmaker, bob.id)
    assert offer.status == RegistrationStatus.OFFERED
    assert offer.offer_expires_at is not None
    await open_registration(bob, event, "a seat is offered to you")
    card = bob.message_with(_("Accept the seat"))
    deadline = bob.t.date_time(offer.offer_expires_at, event.timezone)
    assert _("Please answer by: {deadline}").format(deadline=deadline) in shown(card)
    assert labels(card)[:2] == [_("Accept the seat"), _("Decline")]

    done = await bob.tap_for(_("Accept the seat"), _("The seat is yours. See you there!"))
    assert labels(done) == [_("« My registrations")]
    [confirmed] = await registrations_of(live.sessionmaker, bob.id)
    assert confirmed.status == RegistrationStatus.CONFIRMED
    assert confirmed.ticket_code
    await open_registration(bob, event, "confirmed")
    assert _("Show ticket") in labels(bob.message_with(_("« My registrations")))
    # The offer's buttons are stale now.
    answer = await bob.tap(_("Decline"), message=card)
    assert (answer.text, answer.show_alert) == (_("This is no longer possible."), True)
    answer = await bob.tap(_("Decline"), message=pushed)
    assert (answer.text, answer.show_alert) == (_("This is no longer possible."), True)
    [still] = await registrations_of(live.sessionmaker, bob.id)
    assert still.status == RegistrationStatus.CONFIRMED


@in_every_language
async def test_a_declined_seat_goes_to_the_next_in_line(live: Live, language: str) -> None:
    event, ani, [bob, cem] = await full_event_with_a_queue(live, language, queue=2)
    _ = bob._
    await cancel(ani, event)
    await offer_arrives(bob, event)
    await open_registration(bob, event, "a seat is offered to you")
    await bob.tap_for(_("Decline"), _("You declined the seat. Thank you for letting us know."))
    pushed = await offer_arrives(cem, event)
    [declined] = await registrations_of(live.sessionmaker, bob.id)
    assert (declined.status, declined.cancel_reason) == ("cancelled", "offer_declined")
    [offer] = await registrations_of(live.sessionmaker, cem.id)
    assert offer.status == RegistrationStatus.OFFERED
    # Accepting after declining is refused politely.
    answer = await bob.tap(_("Accept the seat"))
    assert (answer.text, answer.show_alert) == (_("This is no longer possible."), True)
    # Cem answers from the message that told him.
    await cem.tap(_("Accept the seat"), message=pushed)
    await cem.expect(_("The seat is yours. See you there!"))
    statuses = [r.status for r in await registrations_of(live.sessionmaker, cem.id)]
    assert statuses == [RegistrationStatus.CONFIRMED]
