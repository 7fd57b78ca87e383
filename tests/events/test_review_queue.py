"""The review queue organisers go through in chat (events.review_queue), scores without
notes (events.reviews.set_score), and the place in line a waitlisted applicant is told."""

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.enums import Decision, Role
from events.errors import Forbidden, InvalidInput
from events.models import OutboxMessage
from events.outbox.queue import Kind
from events.principals import Principal
from events.registrations import decide, register
from events.review_queue import queue_entry, queue_page, reviewable_events
from events.reviews import review, set_score
from tests.factories import create_event, create_participant, create_programme


async def _applications(session: AsyncSession, now: datetime, count: int) -> tuple[int, list[int]]:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", mode="application")
    keys = []
    for _ in range(count):
        person = await create_participant(session, now)
        keys.append((await register(session, now, event.id, person.id)).id)
    return event.id, keys


async def test_the_queue_goes_round_and_a_decision_takes_an_application_out(
    session: AsyncSession, now: datetime
) -> None:
    event_id, keys = await _applications(session, now, 3)

    assert [e.id for e in await reviewable_events(session, SYSTEM, now)] == [event_id]
    entry = await queue_entry(session, SYSTEM, event_id, 4)
    assert (entry.position, entry.total) == (1, 3)
    assert entry.application is not None
    assert entry.application.registration.id == keys[1]
    await decide(session, now, SYSTEM, keys[1], Decision.CONFIRM)
    after = await queue_entry(session, SYSTEM, event_id, 1)
    assert after.application is not None
    assert after.application.registration.id == keys[2]
    # A registration still open is found wherever it stands.
    found = await queue_entry(session, SYSTEM, event_id, 0, keys[2])
    assert found.position == 1
    page = await queue_page(session, SYSTEM, event_id, 7, 1)
    assert (page.page, page.pages, [a.registration.id for a in page.applications]) == (
        1,
        2,
        [keys[2]],
    )


async def test_other_organisers_get_no_queue(session: AsyncSession, now: datetime) -> None:
    event_id, _keys = await _applications(session, now, 1)
    other = await create_programme(session, now, slug="forum", kind="economic_forum")
    stranger = Principal(actor="token:9", role=Role.ORGANISER, programme_ids=frozenset({other.id}))

    assert await reviewable_events(session, stranger, now) == []
    with pytest.raises(Forbidden):
        await queue_entry(session, stranger, event_id, 0)
    with pytest.raises(Forbidden):
        await queue_page(session, stranger, event_id, 0, 8)


async def test_a_score_keeps_the_note(session: AsyncSession, now: datetime) -> None:
    _event_id, [key] = await _applications(session, now, 1)
    await review(session, now, SYSTEM, key, 2, "private")

    registration = await set_score(session, now, SYSTEM, key, 5)

    assert (registration.review_score, registration.review_note) == (5, "private")
    with pytest.raises(InvalidInput):
        await set_score(session, now, SYSTEM, key, 6)


async def test_a_waitlisted_applicant_is_told_their_place(
    session: AsyncSession, now: datetime
) -> None:
    _event_id, keys = await _applications(session, now, 3)
    for key in keys[:2]:
        await decide(session, now, SYSTEM, key, Decision.WAITLIST)
    await decide(session, now, SYSTEM, keys[2], Decision.REJECT)

    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == Kind.DECISION)
        .order_by(OutboxMessage.registration_id)
    )
    assert [message.params.get("position") for message in rows] == [1, 2, None]
