"""Participant profiles and erasure on request (events.participants)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM, create_token, revoke_token
from events.enums import Role
from events.errors import Forbidden, ParticipantErased
from events.inputs import ParticipantDetails
from events.models import AuditEntry, Participant
from events.participants import (
    erase_participant,
    find_by_telegram_id,
    find_telegram_person,
    save_participant,
)
from events.principals import Principal
from events.registrations import check_in, register
from events.statistics import event_statistics
from tests.factories import create_event, create_participant, create_programme
from tests.support.state import statuses, stored


async def test_saving_again_with_the_same_telegram_id_updates_the_profile(
    session: AsyncSession, now: datetime
) -> None:
    first = await save_participant(
        session, now, ParticipantDetails(name="Ani", telegram_user_id=42, country="AM")
    )
    later = now + timedelta(days=1)

    second = await save_participant(
        session,
        later,
        ParticipantDetails(
            name="Ani  Petrosyan", telegram_user_id=42, country="am", gender="female"
        ),
    )

    assert second.id == first.id
    found = await find_by_telegram_id(session, 42)
    assert found is not None
    assert (found.name, found.country, found.gender) == ("Ani Petrosyan", "AM", "female")
    assert (found.created_at, found.updated_at, found.consented_at) == (now, later, now)


async def test_erasure_forgets_the_person_but_keeps_the_counts(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    questions = [{"key": "motivation", "kind": "text", "prompt": {"en": "Why?"}}]
    past = await create_event(
        session,
        now,
        "summer-school",
        starts_at=now + timedelta(days=1),
        questions=questions,
    )
    future = await create_event(session, now, "summer-school", capacity=1)
    person = await create_participant(
        session, now, name="Leyla", country="AZ", gender="female", telegram_user_id=555
    )
    waiting = await create_participant(session, now, country="GE")
    attended = await register(session, now, past.id, person.id, {"motivation": "Peace"})
    assert attended.ticket_code is not None
    await check_in(session, past.starts_at, SYSTEM, past.id, attended.ticket_code)
    upcoming = await register(session, now, future.id, person.id)
    waitlisted = await register(session, now, future.id, waiting.id)
    assert (upcoming.status, waitlisted.status) == ("confirmed", "waitlisted")
    before = await event_statistics(session, SYSTEM, past.id)
    erased_at = past.starts_at + timedelta(days=10)

    await erase_participant(session, erased_at, None, person.id)

    profile = await session.get(Participant, person.id, populate_existing=True)
    assert profile is not None
    assert (profile.name, profile.telegram_user_id, profile.country, profile.gender) == (
        "",
        None,
        None,
        None,
    )
    assert (profile.birth_year, profile.consented_at, profile.is_reachable) == (None, None, False)
    assert profile.erased_at == erased_at
    assert await find_by_telegram_id(session, 555) is None

    past_row = await stored(session, attended.id)
    assert (past_row.status, past_row.answers, past_row.ticket_code) == ("attended", {}, None)
    # The snapshot that statistics count stays.
    assert (past_row.country, past_row.gender) == ("AZ", "female")
    after = await event_statistics(session, SYSTEM, past.id)
    # Her birth year is forgotten with her, so her age counts as unspecified now.
    assert after.by_age_band == {"unspecified": {"attended": 1}}
    after.by_age_band = before.by_age_band
    assert after == before
    assert after.by_status["attended"] == 1
    assert after.by_country["AZ"] == {"attended": 1}

    future_row = await stored(session, upcoming.id)
    assert (future_row.status, future_row.cancel_reason) == ("cancelled", "erased")
    assert future_row.ticket_code is None
    assert await statuses(session, future.id) == {person.id: "cancelled", waiting.id: "offered"}


async def test_erasing_twice_is_refused(session: AsyncSession, now: datetime) -> None:
    person = await create_participant(session, now)
    await erase_participant(session, now, None, person.id)

    with pytest.raises(ParticipantErased):
        await erase_participant(session, now, None, person.id)


async def test_only_an_admin_erases_on_someone_elses_behalf(
    session: AsyncSession, now: datetime
) -> None:
    programme = await create_programme(session, now)
    person = await create_participant(session, now, name="Giorgi")
    person_id = person.id
    organiser = Principal("token:3", Role.ORGANISER, frozenset({programme.id}))

    with pytest.raises(Forbidden):
        await erase_participant(session, now, organiser, person_id)
    await session.rollback()
    kept = await session.get(Participant, person_id, populate_existing=True)
    assert kept is not None
    assert (kept.name, kept.erased_at) == ("Giorgi", None)

    await erase_participant(session, now, SYSTEM, person_id)
    audit = await session.execute(
        select(AuditEntry.action, AuditEntry.actor).where(
            AuditEntry.subject_type == "participant", AuditEntry.subject_id == person_id
        )
    )
    assert [tuple(row) for row in audit] == [("participant.erase", "system")]


async def test_a_telegram_person_is_read_in_one_statement_whatever_exists(
    session: AsyncSession, now: datetime
) -> None:
    """The bot's per-update look-up: participant and organiser role, each may be absent."""
    await create_programme(session, now)
    await create_participant(session, now, name="Ani", telegram_user_id=101)
    await create_participant(session, now, name="Leyla", telegram_user_id=102)

    async def organiser_token(name: str, telegram_user_id: int) -> None:
        await create_token(
            session,
            now,
            role=Role.ORGANISER,
            name=name,
            programme_slugs=["summer-school"],
            telegram_user_id=telegram_user_id,
        )

    await organiser_token("old", 102)
    newest, _ = await create_token(session, now, role=Role.ADMIN, name="new", telegram_user_id=102)
    await organiser_token("no profile", 103)
    revoked, _ = await create_token(
        session, now, role=Role.ADMIN, name="gone", telegram_user_id=104
    )
    await revoke_token(session, now, revoked.id)
    session.expunge_all()

    nobody = await find_telegram_person(session, 100)
    assert (nobody.participant, nobody.organiser) == (None, None)

    participant_only = await find_telegram_person(session, 101)
    assert participant_only.participant is not None
    assert participant_only.participant.name == "Ani"
    assert participant_only.organiser is None

    both = await find_telegram_person(session, 102)
    assert both.participant is not None
    assert both.participant.name == "Leyla"
    assert both.organiser is not None
    assert (both.organiser.actor, both.organiser.role) == (f"token:{newest.id}", Role.ADMIN)

    organiser_only = await find_telegram_person(session, 103)
    assert organiser_only.participant is None
    assert organiser_only.organiser is not None
    assert organiser_only.organiser.role is Role.ORGANISER
    assert len(organiser_only.organiser.programme_ids) == 1

    assert (await find_telegram_person(session, 104)).organiser is None
