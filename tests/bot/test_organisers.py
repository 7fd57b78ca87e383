"""Organisers in chat, against the real ``redbridge serve``: /stats for their own events,
the poster link and QR code of an event, and checking people in by opening a ticket's
QR link — which only organisers and checkers of the event's programme can do, and which
the bot reveals to nobody else. A checker does nothing else; a revoked token at once
takes the role away."""

import asyncio
import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest

from bot.callbacks import Browse
from bot.qr import qr_png
from events.access import revoke_token
from events.deeplinks import deep_link, event_payload, ticket_payload
from events.enums import RegistrationMode, RegistrationStatus, Role
from events.registrations import cancel_registration
from redbridge.demo import SUMMER_SCHOOL
from tests.bot.conftest import Live, on_both_backends, on_sqlite
from tests.bot.process import (
    BOT_USERNAME,
    EVENT_TITLE,
    PROGRAMME_SLUG,
    PROGRAMME_TITLE,
    REGISTERED,
    evening_start,
    labels,
    make_organiser,
    make_programme,
    registration_by_id,
    registrations_of,
    shown,
    signed_up,
    walk_register,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

ONLY_ORGANISERS = "This is only for organisers."
POSTER = "Link and QR code for posters"
A_TICKET = "This is a ticket. Please show it to the organisers at the entrance."


@on_both_backends
async def test_stats_count_the_registrations_of_the_organisers_events(live: Live) -> None:
    programme = await make_programme(live.sessionmaker)
    evening = await live.event(programme_slug=programme, capacity=3)
    school = await live.application_event(programme_slug=programme, capacity=10)
    for name in ("Ani", "Nino"):
        await signed_up(live.sessionmaker, evening, name)
    await signed_up(
        live.sessionmaker,
        school,
        "Leyla",
        answers={"motivation": "x", "track": "economy", "visa": False, "experience": 1},
    )
    mariam = live.person("ru", "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, programme)
    _ = mariam._
    stats = shown(await mariam.say("/stats"))
    *blocks, programme_block, hint = stats.split("\n\n")
    assert len(blocks) == 2  # only her programme's events, soonest first
    assert hint == _("To write to your participants: /broadcast")
    assert blocks[0].startswith(
        f"{EVENT_TITLE['ru']} · {mariam.t.date(evening.starts_at, evening.timezone)}"
    )
    assert mariam.n_("{count} seat left", "{count} seats left", 1).format(count=1) in blocks[0]
    assert f"{_('confirmed')}: 2" in blocks[0]
    assert mariam.n_("{count} seat left", "{count} seats left", 10).format(count=10) in blocks[1]
    assert f"{_('applications')}: 1" in blocks[1]
    assert SUMMER_SCHOOL.title["ru"] not in stats
    # The balance of those holding a seat, per event and for the programme as a whole.
    balance = [
        _("Holding a seat:"),
        "• " + _("Countries: {counts}").format(counts=f"{mariam.t.country('GE')} 2"),
        "• "
        + _("Women {women}, men {men}, other {other}, not stated {unstated}").format(
            women=0, men=0, other=0, unstated=2
        ),
        "• " + _("Ages: {counts}").format(counts=f"{_('age not stated')} 2"),
        "• " + _("First-timers: {first} of {held}").format(first=2, held=2),
    ]
    assert blocks[0].endswith("\n".join(balance))
    assert _("Holding a seat:") not in blocks[1]  # nobody holds a seat yet
    assert programme_block.startswith(_("Programme: {title}").format(title=PROGRAMME_TITLE["ru"]))
    assert (
        _("Events: {events}, seats: {capacity}, taken: {taken}").format(
            events=2, capacity=13, taken=2
        )
        in programme_block
    )
    assert programme_block.endswith("\n".join(balance))

    # Nobody else gets statistics.
    ani = live.person("az")
    await ani.say("/stats", ani._(ONLY_ORGANISERS))


@on_both_backends
async def test_an_organiser_gets_the_poster_link_and_qr_code(live: Live) -> None:
    event = await live.event()
    mariam = live.person("hy", "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, PROGRAMME_SLUG)
    card = await mariam.say(f"/start e-{event.slug}", EVENT_TITLE["hy"])
    assert mariam._(POSTER) in labels(card)
    await mariam.tap(mariam._(POSTER))
    link = deep_link(BOT_USERNAME, event_payload(event.slug))
    assert link == f"https://t.me/{BOT_USERNAME}?start=e-{event.slug}"
    poster = await mariam.expect(EVENT_TITLE["hy"], link)
    assert poster.photo is not None
    assert poster.photo.data == qr_png(link)

    # A participant, or an organiser of another programme, sees no such button, and a
    # forged press is refused.
    ani = live.person("en")
    other = live.person("en", "Other")
    await make_organiser(live.sessionmaker, other.id, SUMMER_SCHOOL.slug)
    poster_press = Browse(what="poster", id=event.id).pack()
    for person in (ani, other):
        card = await person.say(f"/start e-{event.slug}", EVENT_TITLE["en"])
        assert person._(POSTER) not in labels(card)
        answer = await person.forge(poster_press)
        assert (answer.text, answer.show_alert) == (person._(ONLY_ORGANISERS), True)
    await ani.say("/help", ani._("What I can do:"))  # no photo came meanwhile
    assert ani.user.photos == []


@on_both_backends
async def test_opening_a_ticket_link_checks_the_person_in_for_organisers_only(
    live: Live,
) -> None:
    event = await live.event()
    nino = live.person("ka", "Nino")
    assert nino._(REGISTERED) in shown(await walk_register(nino, event, name="Nino"))
    [registration] = await registrations_of(live.sessionmaker, nino.id)
    payload = ticket_payload(str(registration.ticket_code))
    mariam = live.person("hy", "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, PROGRAMME_SLUG)
    stranger = live.person("ru")
    elsewhere = live.person("az")
    await make_organiser(live.sessionmaker, elsewhere.id, SUMMER_SCHOOL.slug)

    # Others learn nothing about the ticket, and change nothing.
    await nino.say(f"/start {payload}", nino._(A_TICKET))
    await stranger.say(f"/start {payload}", stranger._(A_TICKET))
    refused = elsewhere._("This is only for the organisers of this programme.")
    await elsewhere.say(f"/start {payload}", "⛔ " + refused)
    stored = await registration_by_id(live.sessionmaker, registration.id)
    assert stored.status == RegistrationStatus.CONFIRMED

    _ = mariam._
    checked_in = _("Checked in: {name}, {title}").format(name="Nino", title=EVENT_TITLE["hy"])
    await mariam.say(f"/start {payload}", "✅ " + checked_in)
    stored = await registration_by_id(live.sessionmaker, registration.id)
    assert stored.status == RegistrationStatus.ATTENDED
    assert stored.checked_in_at is not None
    await mariam.say(f"/start {payload}", "⛔ " + _("This ticket has already been checked in."))
    await mariam.say("/start t-NoSuchTicket", "⛔ " + _("This ticket is not valid."))

    # After the check-in, the ticket link still says only that it is a ticket.
    for person in (nino, stranger):
        answer = await person.say(f"/start {payload}", person._(A_TICKET))
        assert "✅" not in shown(answer)
    # And Nino was never told anything: her next message is the answer to /help.
    await nino.say("/help", nino._("What I can do:"))
    assert (await registration_by_id(live.sessionmaker, registration.id)).status == "attended"


@on_both_backends
async def test_a_cancelled_ticket_does_not_check_in(live: Live) -> None:
    event = await live.event()
    cancelled = await signed_up(live.sessionmaker, event, "Aram")
    async with live.sessionmaker() as session:
        await cancel_registration(session, datetime.now(UTC), cancelled.id)
    mariam = live.person("en", "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, PROGRAMME_SLUG)
    await mariam.say(
        f"/start {ticket_payload(str(cancelled.ticket_code))}",
        "⛔ " + mariam._("This ticket is not valid."),
    )
    stored = await registration_by_id(live.sessionmaker, cancelled.id)
    assert stored.status == RegistrationStatus.CANCELLED


@on_both_backends
async def test_an_organiser_linked_with_the_command_line(live: Live) -> None:
    event = await live.event()
    mariam = live.person("en", "Mariam")
    command = [
        sys.executable,
        "-m",
        "redbridge",
        "token",
        "create",
        "--role",
        "organiser",
        "--programme",
        PROGRAMME_SLUG,
        "--telegram-user-id",
        str(mariam.id),
        "--name",
        "door team",
    ]
    result = await asyncio.to_thread(
        subprocess.run,
        command,
        env=live.process.environment(),
        cwd=live.process.workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    secret = result.stdout.strip()
    assert secret.startswith("rb_")

    stats = await mariam.say("/stats")
    assert f"{EVENT_TITLE['en']} · " in shown(stats)
    # The shared programme's statistics may take several messages: wait for the card.
    await mariam.send(f"/start e-{event.slug}")
    card = await mariam.button(mariam._(POSTER))
    assert EVENT_TITLE["en"] in shown(card)
    # The same token opens the API for her programme.
    async with httpx.AsyncClient(base_url=live.process.base_url, timeout=10) as api:
        answer = await api.get(
            f"/api/v1/events/{event.id}/statistics",
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert answer.status_code == 200, answer.text


@on_both_backends
async def test_a_checker_checks_tickets_in_and_does_nothing_else(live: Live) -> None:
    event = await live.event()
    nino = live.person("ka", "Nino")
    assert nino._(REGISTERED) in shown(await walk_register(nino, event, name="Nino"))
    [registration] = await registrations_of(live.sessionmaker, nino.id)
    payload = ticket_payload(str(registration.ticket_code))
    gio = live.person("ka", "Gio")
    await make_organiser(live.sessionmaker, gio.id, PROGRAMME_SLUG, role=Role.CHECKER)
    elsewhere = live.person("ru", "Elsewhere")
    await make_organiser(live.sessionmaker, elsewhere.id, SUMMER_SCHOOL.slug, role=Role.CHECKER)

    refused = elsewhere._("This is only for the organisers of this programme.")
    await elsewhere.say(f"/start {payload}", "⛔ " + refused)
    assert (await registration_by_id(live.sessionmaker, registration.id)).status == "confirmed"
    _ = gio._
    checked_in = _("Checked in: {name}, {title}").format(name="Nino", title=EVENT_TITLE["ka"])
    await gio.say(f"/start {payload}", "✅ " + checked_in)
    stored = await registration_by_id(live.sessionmaker, registration.id)
    assert stored.status == RegistrationStatus.ATTENDED
    await gio.say(f"/start {payload}", "⛔ " + _("This ticket has already been checked in."))

    # Nothing of an organiser's: no statistics, no broadcasts, no poster link.
    await gio.say("/stats", _(ONLY_ORGANISERS))
    await gio.say("/broadcast", _(ONLY_ORGANISERS))
    card = await gio.say(f"/start e-{event.slug}", EVENT_TITLE["ka"])
    assert _(POSTER) not in labels(card)
    answer = await gio.forge(Browse(what="poster", id=event.id).pack())
    assert (answer.text, answer.show_alert) == (_(ONLY_ORGANISERS), True)
    await gio.say("/help", _("What I can do:"))  # no photo came meanwhile
    assert gio.user.photos == []


@on_both_backends
async def test_a_revoked_token_takes_the_role_away_in_the_bot_at_once(live: Live) -> None:
    # A programme of its own: /stats of the shared one may take several messages.
    programme = await make_programme(live.sessionmaker)
    event = await live.event(programme_slug=programme)
    aram = await signed_up(live.sessionmaker, event, "Aram")
    payload = ticket_payload(str(aram.ticket_code))
    mariam = live.person("en", "Mariam")
    token_id = await make_organiser(live.sessionmaker, mariam.id, programme)
    gio = live.person("en", "Gio")
    checker_id = await make_organiser(live.sessionmaker, gio.id, programme, role=Role.CHECKER)
    assert f"{EVENT_TITLE['en']} · " in shown(await mariam.say("/stats"))

    async with live.sessionmaker() as session:
        for revoked in (token_id, checker_id):
            await revoke_token(session, datetime.now(UTC), revoked)

    await mariam.say("/stats", mariam._(ONLY_ORGANISERS))
    await mariam.say("/broadcast", mariam._(ONLY_ORGANISERS))
    for person in (mariam, gio):
        await person.say(f"/start {payload}", person._(A_TICKET))
    assert (await registration_by_id(live.sessionmaker, aram.id)).status == "confirmed"


@on_sqlite
async def test_stats_of_many_events_fit_in_telegram_messages(live: Live) -> None:
    """A monthly town hall over four years is 48 events: /stats must still answer
    (Telegram refuses a message over 4096 characters)."""
    programme = await make_programme(live.sessionmaker)
    titles = [f"Town hall on water, borders and trade, meeting number {n:02d}" for n in range(48)]
    for number, title in enumerate(titles):
        await live.event(
            programme_slug=programme,
            title={"en": title},
            starts_at=evening_start(days_ahead=10 + 30 * number),
            mode=RegistrationMode.OPEN,
        )
    mariam = live.person("en", "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, programme)
    await mariam.send("/stats")
    received = shown(await mariam.next())
    while not all(title in received for title in titles):
        received += shown(await mariam.next())
