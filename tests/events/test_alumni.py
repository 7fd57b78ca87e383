"""The alumni network's use cases on SQLite and PostgreSQL: who becomes an alumnus, the
CSV import, invitations, profiles, contact requests with their caps, blocks, reports and
erasure. The visibility rules themselves are property-tested in test_alumni_visibility."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM, create_token, principal_of_token
from events.alumni.connections import (
    DAILY_REQUESTS,
    accept_request,
    block_requester,
    decline_request,
    report_request,
    request_contact,
)
from events.alumni.directory import DirectoryFilter, card_of, search
from events.alumni.errors import (
    AlreadyAsked,
    InvalidRows,
    NotAnAlumnus,
    OwnProfile,
    PersonUnavailable,
    RequestLimitReached,
)
from events.alumni.imports import import_alumni
from events.alumni.invitations import Account, settle_invitations, take_new_invitations
from events.alumni.profiles import set_audience, set_country, set_text, toggle
from events.alumni.visibility import FIELDS, Audience
from events.editions import complete_past_events
from events.enums import Role
from events.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from events.models import AlumniConnection, AlumniProfile, AlumniReport, Alumnus, OutboxMessage
from events.participants import erase_participant
from events.registrations import check_in, register
from tests.alumni_support import confirmed_alumnus, next_telegram_id, past_edition
from tests.factories import create_event, create_participant, create_programme


async def test_attendees_become_alumni_when_the_event_completes(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    event = await create_event(session, now, "school", starts_at=now + timedelta(days=1))
    event_id, ends_at = event.id, event.ends_at
    came = (await create_participant(session, now)).id
    stayed_home = (await create_participant(session, now)).id
    tickets = {}
    for person in (came, stayed_home):
        tickets[person] = (await register(session, now, event_id, person)).ticket_code
    ticket = tickets[came]
    assert ticket is not None
    await check_in(session, now, SYSTEM, event_id, ticket)
    later = ends_at + timedelta(days=2)
    assert await complete_past_events(session, later) == 1
    rows = list(await session.scalars(select(Alumnus).where(Alumnus.event_id == event_id)))
    assert [(row.participant_id, row.source) for row in rows] == [(came, "attended")]
    assert rows[0].confirmed_at == later
    # Running again changes nothing.
    assert await complete_past_events(session, later) == 0


async def test_import_takes_the_good_rows_and_names_each_bad_one(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    edition = await past_edition(session, now, "school")
    upcoming = await create_event(session, now, "school")
    good = (
        "Name,Telegram,Edition,Country\n"
        f"Ani Petrosyan,@ani_petrosyan,{edition.slug},am\n"
        f"Leyla Aliyeva,123456789,{edition.slug},\n"
    )
    result = await import_alumni(session, now, SYSTEM, "school", good)
    assert (result.imported, result.already_listed, result.rejected) == (2, 0, [])
    again = await import_alumni(session, now, SYSTEM, "school", good)
    assert (again.imported, again.already_listed) == (0, 2)

    bad = (
        "name,telegram,edition,country\n"
        f"Nino,@nino_b,{edition.slug},GE\n"
        f",@x,{edition.slug},XX\n"
        f"Giorgi,12345678901234567890,{upcoming.slug},GE\n"
        "Aram,@aram_k,no-such-edition\n"
    )
    expected = [
        "csv.3.name",
        "csv.3.telegram",
        "csv.3.country",
        "csv.4.telegram",
        "csv.4.edition",
        "csv.5",
    ]
    # All or nothing, when asked: every problem named, nothing imported.
    with pytest.raises(InvalidRows) as refused:
        await import_alumni(session, now, SYSTEM, "school", bad, all_or_nothing=True)
    assert [field for field, _ in refused.value.problems] == expected
    assert len(list(await session.scalars(select(Alumnus)))) == 2

    # By default: Nino's good row is imported and each bad row reported with its line.
    partial = await import_alumni(session, now, SYSTEM, "school", bad)
    assert (partial.imported, partial.already_listed) == (1, 0)
    assert [row.field for row in partial.rejected] == expected
    assert [row.line for row in partial.rejected] == [3, 3, 3, 4, 4, 5]
    assert all(f"line {row.line}" in row.message for row in partial.rejected)
    names = {alumnus.name for alumnus in await session.scalars(select(Alumnus))}
    assert names == {"Ani Petrosyan", "Leyla Aliyeva", "Nino"}
    # The corrected file sent again adds only what was missing.
    fixed = bad.replace(",@x,", "Mariam,@mariam_g,").replace(",XX", ",GE")
    fixed = fixed.replace("12345678901234567890", "987654321").replace(upcoming.slug, edition.slug)
    fixed = fixed.replace("no-such-edition", f"{edition.slug},AM")
    redone = await import_alumni(session, now, SYSTEM, "school", fixed)
    assert (redone.imported, redone.already_listed, redone.rejected) == (3, 1, [])

    # A file whose every row is bad, or whose header is, changes nothing either way.
    only_bad = f"name,telegram,edition\nAram,@aram_k,{upcoming.slug}\n"
    for header in ("", "name,edition\n", "name,telegram,edition,email\n", only_bad):
        with pytest.raises(InvalidRows):
            await import_alumni(session, now, SYSTEM, "school", header)
    assert len(list(await session.scalars(select(Alumnus)))) == 6


async def test_an_organiser_imports_only_into_their_programmes(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    await create_programme(session, now, "forum")
    edition = await past_edition(session, now, "school")
    token, _secret = await create_token(
        session, now, role=Role.ORGANISER, name="forum", programme_slugs=["forum"]
    )
    forum_organiser = await principal_of_token(session, token.id)
    assert forum_organiser is not None
    with pytest.raises(Forbidden):
        await import_alumni(
            session, now, forum_organiser, "school", f"name,telegram,edition\nA,1,{edition.slug}"
        )


async def test_imported_people_are_invited_once_and_confirm_or_decline(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    edition = await past_edition(session, now, "school")
    await import_alumni(
        session,
        now,
        SYSTEM,
        "school",
        f"name,telegram,edition,country\nAni,@Ani_Petrosyan,{edition.slug},AM\n"
        f"Leyla,555000111,{edition.slug},AZ\n",
    )
    ani = Account(next_telegram_id(), "ani_petrosyan")
    invited = await take_new_invitations(session, now, ani)
    assert [event.id for event in invited] == [edition.id]
    assert await take_new_invitations(session, now, ani) == []  # once on its own
    # Before confirming, Ani is nobody's alumnus.
    with pytest.raises(NotAnAlumnus):
        await search(session, None, DirectoryFilter())
    assert await settle_invitations(session, now, ani, confirm=True, language="hy") == 1
    row = await session.scalar(
        select(Alumnus).where(Alumnus.event_id == edition.id, Alumnus.confirmed_at.is_not(None))
    )
    assert row is not None
    assert row.participant_id is not None
    assert (row.name, row.telegram_username, row.telegram_user_id) == ("", None, None)
    page = await search(session, row.participant_id, DirectoryFilter())
    assert page.cards == []  # Leyla has not confirmed

    leyla = Account(555000111, None)
    assert await settle_invitations(session, now, leyla, confirm=False, language="az") == 1
    declined = await session.scalar(select(Alumnus).where(Alumnus.telegram_user_id == 555000111))
    assert declined is not None
    assert declined.declined_at == now
    assert declined.name == ""
    assert await take_new_invitations(session, now, leyla) == []


async def test_profiles_check_what_people_type(session: AsyncSession, now: datetime) -> None:
    await create_programme(session, now, "school")
    edition = await past_edition(session, now, "school")
    ani = await confirmed_alumnus(session, now, [("school", edition)], "Ani")
    profile = await set_text(session, now, ani.participant_id, "bio", "I teach <music>.")
    assert profile.bio == "I teach <music>."
    assert all(getattr(profile, f"{field}_seen") == Audience.NOBODY for field in FIELDS)
    with pytest.raises(InvalidInput) as too_long:
        await set_text(session, now, ani.participant_id, "city", "x" * 61)
    assert too_long.value.field == "city"
    profile = await set_text(session, now, ani.participant_id, "tags", "jazz, hiking,jazz")
    assert profile.tags == "|jazz|hiking|"
    with pytest.raises(InvalidInput):
        await set_text(session, now, ani.participant_id, "tags", "a,b,c,d,e,f")
    with pytest.raises(InvalidInput):
        await set_country(session, now, ani.participant_id, "XX")
    with pytest.raises(InvalidInput):
        await toggle(session, now, ani.participant_id, "interests", "gossip")
    await toggle(session, now, ani.participant_id, "languages", "ru")
    profile = await toggle(session, now, ani.participant_id, "languages", "hy")
    assert profile.languages == "|hy|ru|"  # in the offered order
    with pytest.raises(InvalidInput):
        await set_audience(session, now, ani.participant_id, "bio", 7)
    stranger = await create_participant(session, now)
    with pytest.raises(NotAnAlumnus):
        await set_text(session, now, stranger.id, "bio", "Hello")


async def _two_visible_alumni(session: AsyncSession, now: datetime) -> tuple[int, int, int]:
    """Ani and Leyla, alumni of one edition, each listed for all alumni; and Nino, an
    alumna of the same edition who keeps everything hidden."""
    await create_programme(session, now, "school")
    edition = await past_edition(session, now, "school")
    ids = []
    for name in ("Ani", "Leyla", "Nino"):
        person = await confirmed_alumnus(session, now, [("school", edition)], name)
        ids.append(person.participant_id)
    for person_id in ids[:2]:
        await set_audience(session, now, person_id, "name", Audience.ALL)
    await set_text(session, now, ids[2], "bio", "Hidden")
    return ids[0], ids[1], ids[2]


async def test_contacts_are_given_only_when_the_other_accepts(
    session: AsyncSession, now: datetime
) -> None:
    ani, leyla, nino = await _two_visible_alumni(session, now)
    with pytest.raises(OwnProfile):
        await request_contact(session, now, ani, ani, "", "ani")
    with pytest.raises(PersonUnavailable):
        await request_contact(session, now, ani, nino, "", "ani")  # hidden
    with pytest.raises(InvalidInput) as long_note:
        await request_contact(session, now, ani, leyla, "x" * 301, "ani")
    assert long_note.value.field == "note"
    connection = await request_contact(session, now, ani, leyla, "We met at <the> river", "@ani")
    messages = list(await session.scalars(select(OutboxMessage)))
    assert [(m.participant_id, m.kind) for m in messages] == [(leyla, "contact_request")]
    with pytest.raises(AlreadyAsked):
        await request_contact(session, now, ani, leyla, "", "ani")
    with pytest.raises(AlreadyAsked):
        await request_contact(session, now, leyla, ani, "", "leyla")
    # Only Leyla can answer it: a forged press by anyone else finds nothing.
    with pytest.raises(NotFound):
        await accept_request(session, now, ani, connection.id, "ani")
    with pytest.raises(NotFound):
        await accept_request(session, now, nino, connection.id, "nino")
    contact = await accept_request(session, now, leyla, connection.id, None)
    assert (contact.name, contact.username) == ("Ani", "ani")
    kinds = [
        m.kind for m in await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    ]
    assert kinds == ["contact_request", "contact_accepted"]
    again = await accept_request(session, now, leyla, connection.id, None)
    assert again == contact
    with pytest.raises(InvalidTransition):
        await decline_request(session, now, leyla, connection.id)
    assert len(list(await session.scalars(select(OutboxMessage)))) == 2


async def test_a_declined_request_is_never_repeated_and_requests_are_capped(
    session: AsyncSession, now: datetime
) -> None:
    ani, leyla, _nino = await _two_visible_alumni(session, now)
    connection = await request_contact(session, now, ani, leyla, "", None)
    await decline_request(session, now, leyla, connection.id)
    with pytest.raises(AlreadyAsked) as refused:
        await request_contact(session, now + timedelta(days=30), ani, leyla, "", None)
    assert refused.value.state == "declined"
    edition = await past_edition(session, now, "school")
    others = []
    for number in range(DAILY_REQUESTS + 1):
        person = await confirmed_alumnus(session, now, [("school", edition)], f"P{number}")
        await set_audience(session, now, person.participant_id, "name", Audience.ALL)
        others.append(person.participant_id)
    for other in others[: DAILY_REQUESTS - 1]:
        await request_contact(session, now, ani, other, "", None)
    with pytest.raises(RequestLimitReached):
        await request_contact(session, now, ani, others[-2], "", None)
    # A day later there is room again.
    await request_contact(session, now + timedelta(days=1, seconds=1), ani, others[-2], "", None)


async def test_a_block_hides_both_ways_and_a_report_reaches_the_organisers(
    session: AsyncSession, now: datetime
) -> None:
    ani, leyla, _nino = await _two_visible_alumni(session, now)
    connection = await request_contact(session, now, ani, leyla, "Rude words", None)
    assert await report_request(session, now, leyla, connection.id) == 1
    [report] = list(await session.scalars(select(AlumniReport)))
    assert (report.reporter_id, report.reported_id, report.note) == (leyla, ani, "Rude words")
    assert await report_request(session, now, leyla, connection.id) == 0  # once
    for viewer, other in ((ani, leyla), (leyla, ani)):
        page = await search(session, viewer, DirectoryFilter())
        assert other not in [card.participant_id for card in page.cards]
        with pytest.raises(PersonUnavailable):
            await card_of(session, viewer, other)
    with pytest.raises((PersonUnavailable, AlreadyAsked)):
        await request_contact(session, now, ani, leyla, "", None)
    stored = await session.get(AlumniConnection, connection.id)
    assert stored is not None
    assert stored.state == "declined"


async def test_blocking_without_a_report_also_stops_new_requests(
    session: AsyncSession, now: datetime
) -> None:
    ani, leyla, _nino = await _two_visible_alumni(session, now)
    connection = await request_contact(session, now, ani, leyla, "", None)
    await block_requester(session, now, leyla, connection.id)
    with pytest.raises(PersonUnavailable):
        await card_of(session, ani, leyla)


async def test_forgetting_withdraws_the_profile_and_pending_requests(
    session: AsyncSession, now: datetime
) -> None:
    ani, leyla, _nino = await _two_visible_alumni(session, now)
    connection = await request_contact(session, now, ani, leyla, "Hello", "ani")
    await erase_participant(session, now, None, ani)
    assert await session.get(AlumniProfile, ani) is None
    stored = await session.get(AlumniConnection, connection.id)
    assert stored is not None
    await session.refresh(stored)
    assert (stored.state, stored.note, stored.requester_username) == ("withdrawn", "", None)
    with pytest.raises(PersonUnavailable):
        await card_of(session, leyla, ani)
    with pytest.raises(NotAnAlumnus):
        await search(session, None, DirectoryFilter())
