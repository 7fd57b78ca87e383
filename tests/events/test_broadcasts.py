"""Organisers' broadcasts: audience, release, cancel and report (events.broadcasts)."""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.broadcast_inputs import BroadcastAudience, BroadcastDraft
from events.broadcasts import (
    BroadcastState,
    broadcast_report,
    cancel_broadcast,
    count_recipients,
    create_broadcast,
    list_broadcasts,
    release_due_broadcasts,
)
from events.enums import RegistrationStatus, Role
from events.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from events.models import AuditEntry, Broadcast, OutboxMessage, Participant, Registration
from events.outbox.delivery import mark_blocked
from events.outbox.queue import Kind, Priority, State
from events.participants import erase_participant
from events.principals import Principal
from events.registrations import cancel_registration, check_in, register
from tests.factories import create_event, create_participant, create_programme
from tests.support.state import statuses

HOUR = timedelta(hours=1)


@dataclass
class Crowd:
    """An event whose five registrations cover the statuses a broadcast filters on."""

    event_id: int
    programme_id: int
    attended: int  # AM, hy, checked in
    confirmed: int  # GE, ka
    cancelled: int  # AZ, az
    offered: int  # GE, ru (was waitlisted, got the cancelled seat)
    waitlisted: int  # AM, en

    @property
    def holding_seats(self) -> set[int]:
        return {self.attended, self.confirmed, self.offered}


async def _crowd(session: AsyncSession, now: datetime) -> Crowd:
    programme = await create_programme(session, now)
    event = await create_event(session, now, "summer-school", capacity=3)
    people = {}
    registrations = {}
    for key, country, language in [
        ("attended", "AM", "hy"),
        ("confirmed", "GE", "ka"),
        ("cancelled", "AZ", "az"),
        ("offered", "GE", "ru"),
        ("waitlisted", "AM", "en"),
    ]:
        person = await create_participant(session, now, country=country, language=language)
        registration = await register(session, now, event.id, person.id)
        people[key] = person.id
        registrations[key] = registration
    ticket = registrations["attended"].ticket_code
    assert ticket is not None
    await check_in(session, now, SYSTEM, event.id, ticket)
    await cancel_registration(session, now, registrations["cancelled"].id)
    crowd = Crowd(event_id=event.id, programme_id=programme.id, **people)
    assert await statuses(session, event.id) == {
        crowd.attended: "attended",
        crowd.confirmed: "confirmed",
        crowd.cancelled: "cancelled",
        crowd.offered: "offered",
        crowd.waitlisted: "waitlisted",
    }
    return crowd


def _draft(**fields: Any) -> BroadcastDraft:
    body: dict[str, Any] = {"texts": {"en": "<b>Bus</b> leaves at 9:00 from the hotel."}}
    body.update(fields)
    return BroadcastDraft.model_validate(body)


async def _rows(session: AsyncSession, broadcast_id: int) -> list[OutboxMessage]:
    found = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    )
    return list(found)


async def _recipients(session: AsyncSession, broadcast_id: int) -> set[int]:
    return {row.participant_id for row in await _rows(session, broadcast_id)}


async def _set_states(session: AsyncSession, row_ids: list[int], state: State) -> None:
    """What the dispatcher would have recorded for these rows."""
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(row_ids)).values(state=state)
    )
    await session.commit()


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ({}, {"attended", "confirmed", "offered"}),
        ({"statuses": ["waitlisted"]}, {"waitlisted"}),
        ({"statuses": ["cancelled", "confirmed"]}, {"cancelled", "confirmed"}),
        ({"countries": ["am"]}, {"attended"}),
        ({"countries": ["GE", "AZ"]}, {"confirmed", "offered"}),
        ({"languages": ["ka", "ru"]}, {"confirmed", "offered"}),
        ({"checked_in": True}, {"attended"}),
        ({"checked_in": False}, {"confirmed", "offered"}),
        ({"alumni": True}, {"attended"}),
        ({"alumni": True, "statuses": list(RegistrationStatus)}, {"attended"}),
        (
            {"countries": ["AM"], "statuses": ["waitlisted", "attended"]},
            {"waitlisted", "attended"},
        ),
        ({"countries": ["AM"], "languages": ["ka"]}, set()),
    ],
)
async def test_each_audience_filter_narrows_who_receives_it(
    session: AsyncSession, now: datetime, audience: dict[str, Any], expected: set[str]
) -> None:
    crowd = await _crowd(session, now)
    people = {getattr(crowd, key) for key in expected}
    draft = _draft(audience=audience)

    count = await count_recipients(session, SYSTEM, crowd.event_id, draft.audience)
    broadcast = await create_broadcast(session, now, SYSTEM, crowd.event_id, draft)

    assert await _recipients(session, broadcast.id) == people
    assert count == len(people)


async def test_erased_unreachable_and_telegramless_people_are_left_out(
    session: AsyncSession, now: datetime
) -> None:
    crowd = await _crowd(session, now)
    everyone = BroadcastAudience(statuses=list(RegistrationStatus))
    assert await count_recipients(session, SYSTEM, crowd.event_id, everyone) == 5
    # Erasure cancels the registration and forgets the Telegram id; the row stays.
    await erase_participant(session, now, None, crowd.confirmed)
    # The dispatcher's answer to Telegram's 403.
    await mark_blocked(session, now, crowd.offered)
    await session.commit()
    # Registered by an organiser from a paper form: no Telegram account to write to.
    paper = await create_participant(session, now, telegram_user_id=None)
    await register(session, now, crowd.event_id, paper.id)

    count = await count_recipients(session, SYSTEM, crowd.event_id, everyone)
    broadcast = await create_broadcast(
        session, now, SYSTEM, crowd.event_id, _draft(audience=everyone.model_dump())
    )

    expected = {crowd.attended, crowd.cancelled, crowd.waitlisted}
    assert await _recipients(session, broadcast.id) == expected
    assert count == 3


async def test_sending_now_queues_one_broadcast_row_per_recipient(
    session: AsyncSession, now: datetime
) -> None:
    crowd = await _crowd(session, now)
    count = await count_recipients(session, SYSTEM, crowd.event_id, BroadcastAudience())

    broadcast = await create_broadcast(session, now, SYSTEM, crowd.event_id, _draft())

    rows = await _rows(session, broadcast.id)
    assert len(rows) == count == 3
    assert {row.participant_id for row in rows} == crowd.holding_seats
    for row in rows:
        assert row.kind == Kind.BROADCAST
        assert row.priority == Priority.BROADCAST
        assert row.state == State.PENDING
        assert row.due_at == now
        assert row.event_id == crowd.event_id
        assert row.dedupe_key == f"broadcast:{broadcast.id}:{row.participant_id}"
        registration = await session.get(Registration, row.registration_id)
        assert registration is not None
        assert registration.participant_id == row.participant_id
    assert broadcast.state == BroadcastState.SENDING
    assert broadcast.released_at == now
    report = await broadcast_report(session, SYSTEM, broadcast.id)
    assert (report.state, report.recipients, report.queued) == (BroadcastState.SENDING, 3, 3)


async def test_a_scheduled_broadcast_is_released_when_due_to_whoever_fits_then(
    session: AsyncSession, now: datetime
) -> None:
    crowd = await _crowd(session, now)
    send_at = now + 2 * HOUR
    draft = _draft(send_at=send_at.isoformat(), audience={"statuses": ["waitlisted"]})
    broadcast = await create_broadcast(session, now, SYSTEM, crowd.event_id, draft)
    broadcast_id = broadcast.id
    assert broadcast.state == BroadcastState.SCHEDULED
    assert await _rows(session, broadcast_id) == []

    assert await release_due_broadcasts(session, now + HOUR) == 0
    assert await _rows(session, broadcast_id) == []
    # Someone joins the waiting list before the broadcast goes out: they receive it too.
    late = await create_participant(session, now)
    late_id = late.id
    await register(session, now + HOUR, crowd.event_id, late_id)

    assert await release_due_broadcasts(session, send_at) == 1

    rows = await _rows(session, broadcast_id)
    assert {row.participant_id for row in rows} == {crowd.waitlisted, late_id}
    assert {row.due_at for row in rows} == {send_at}
    stored = await session.get(Broadcast, broadcast_id, populate_existing=True)
    assert stored is not None
    assert (stored.state, stored.released_at) == (BroadcastState.SENDING, send_at)
    # Released once: a second run (or a second process) adds nothing.
    assert await release_due_broadcasts(session, send_at + HOUR) == 0
    assert len(await _rows(session, broadcast_id)) == 2


async def test_cancelling_withdraws_what_is_not_sent_and_keeps_what_is(
    session: AsyncSession, now: datetime
) -> None:
    crowd = await _crowd(session, now)
    broadcast = await create_broadcast(session, now, SYSTEM, crowd.event_id, _draft())
    first, *rest = await _rows(session, broadcast.id)
    await _set_states(session, [first.id], State.SENT)

    cancelled = await cancel_broadcast(session, now + HOUR, SYSTEM, broadcast.id)

    assert cancelled.state == BroadcastState.CANCELLED
    assert cancelled.cancelled_at == now + HOUR
    states = {row.id: row.state for row in await _rows(session, broadcast.id)}
    assert states == {first.id: State.SENT} | {row.id: State.CANCELLED for row in rest}
    report = await broadcast_report(session, SYSTEM, broadcast.id)
    assert (report.state, report.sent, report.cancelled, report.queued) == (
        BroadcastState.CANCELLED,
        1,
        2,
        0,
    )
    # Again: nothing changes, nothing fails.
    again = await cancel_broadcast(session, now + 2 * HOUR, SYSTEM, broadcast.id)
    assert again.cancelled_at == now + HOUR
    assert await broadcast_report(session, SYSTEM, broadcast.id) == report


async def test_a_cancelled_scheduled_broadcast_is_never_released(
    session: AsyncSession, now: datetime
) -> None:
    crowd = await _crowd(session, now)
    broadcast = await create_broadcast(
        session, now, SYSTEM, crowd.event_id, _draft(send_at=(now + HOUR).isoformat())
    )

    broadcast_id = broadcast.id
    await cancel_broadcast(session, now, SYSTEM, broadcast_id)

    assert await release_due_broadcasts(session, now + 2 * HOUR) == 0
    assert await _rows(session, broadcast_id) == []
    report = await broadcast_report(session, SYSTEM, broadcast_id)
    assert (report.state, report.recipients) == (BroadcastState.CANCELLED, 0)


async def test_the_report_counts_rows_by_state_and_says_done_when_nothing_is_queued(
    session: AsyncSession, now: datetime
) -> None:
    programme = await create_programme(session, now)
    event = await create_event(session, now, "summer-school", capacity=10)
    for _ in range(7):
        person = await create_participant(session, now)
        await register(session, now, event.id, person.id)
    broadcast = await create_broadcast(session, now, SYSTEM, event.id, _draft())
    ids = [row.id for row in await _rows(session, broadcast.id)]
    assert len(ids) == 7
    await _set_states(session, ids[0:2], State.SENT)
    await _set_states(session, ids[2:3], State.FAILED)
    await _set_states(session, ids[3:4], State.BLOCKED)
    await _set_states(session, ids[4:5], State.SKIPPED)
    await _set_states(session, ids[5:6], State.SENDING)

    report = await broadcast_report(session, SYSTEM, broadcast.id)

    assert report.event_id == event.id
    assert (report.recipients, report.queued) == (7, 2)
    assert (report.sent, report.failed, report.blocked, report.skipped) == (2, 1, 1, 1)
    assert report.cancelled == 0
    assert report.state == BroadcastState.SENDING

    await _set_states(session, ids[5:7], State.SENT)
    done = await broadcast_report(session, SYSTEM, broadcast.id)
    assert (done.state, done.queued, done.sent) == (BroadcastState.DONE, 0, 4)
    # Cancelling a finished broadcast is harmless and leaves it reported done.
    await cancel_broadcast(session, now, SYSTEM, broadcast.id)
    assert (await broadcast_report(session, SYSTEM, broadcast.id)).state == BroadcastState.DONE
    assert programme.id == event.programme_id


async def test_a_broadcast_to_nobody_is_done_at_once(session: AsyncSession, now: datetime) -> None:
    crowd = await _crowd(session, now)
    draft = _draft(audience={"countries": ["TR"]})

    broadcast = await create_broadcast(session, now, SYSTEM, crowd.event_id, draft)

    report = await broadcast_report(session, SYSTEM, broadcast.id)
    assert (report.state, report.recipients) == (BroadcastState.DONE, 0)


async def test_html_telegram_would_refuse_names_the_language_and_stores_nothing(
    session: AsyncSession, now: datetime
) -> None:
    crowd = await _crowd(session, now)
    draft = _draft(texts={"en": "<b>Bus</b> at 9:00", "hy": "Ավտոբուսը <div>9:00</div>"})

    with pytest.raises(InvalidInput) as refused:
        await create_broadcast(session, now, SYSTEM, crowd.event_id, draft)

    assert refused.value.field == "texts.hy"
    assert "<div>" in refused.value.detail
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0
    queued = select(func.count()).where(OutboxMessage.kind == Kind.BROADCAST)
    assert await session.scalar(queued) == 0


async def test_a_text_leaves_room_for_the_heading_the_dispatcher_adds(
    session: AsyncSession, now: datetime
) -> None:
    crowd = await _crowd(session, now)
    with pytest.raises(InvalidInput) as refused:
        await create_broadcast(
            session, now, SYSTEM, crowd.event_id, _draft(texts={"ru": "я" * 4000})
        )
    assert refused.value.field == "texts.ru"
    await session.rollback()
    await create_broadcast(session, now, SYSTEM, crowd.event_id, _draft(texts={"ru": "я" * 3800}))


@pytest.mark.parametrize(
    ("send_in", "accepted"),
    [
        (timedelta(seconds=-59), True),
        (timedelta(minutes=-2), False),
        (timedelta(days=365), True),
        (timedelta(days=366), False),
    ],
)
async def test_send_at_is_now_soon_or_within_a_year(
    session: AsyncSession, now: datetime, send_in: timedelta, accepted: bool
) -> None:
    crowd = await _crowd(session, now)
    draft = _draft(send_at=(now + send_in).isoformat())
    if accepted:
        broadcast = await create_broadcast(session, now, SYSTEM, crowd.event_id, draft)
        assert broadcast.send_at == now + send_in
        return
    with pytest.raises(InvalidInput) as refused:
        await create_broadcast(session, now, SYSTEM, crowd.event_id, draft)
    assert refused.value.field == "send_at"


def test_send_at_must_be_aware_and_texts_must_be_given() -> None:
    with pytest.raises(ValueError, match="offset from UTC"):
        _draft(send_at="2026-12-01T10:00:00")
    with pytest.raises(ValueError, match="texts"):
        BroadcastDraft.model_validate({"texts": {}})
    with pytest.raises(ValueError, match="texts"):
        BroadcastDraft.model_validate({"texts": {"fr": "Bonjour"}})
    with pytest.raises(ValueError, match="statuses"):
        BroadcastAudience.model_validate({"statuses": []})


async def test_only_organisers_of_the_programme_may_broadcast(
    session: AsyncSession, now: datetime
) -> None:
    crowd = await _crowd(session, now)
    other = await create_programme(session, now, slug="forum", kind="economic_forum")
    insider = Principal("token:1", Role.ORGANISER, frozenset({crowd.programme_id}))
    outsider = Principal("token:2", Role.ORGANISER, frozenset({other.id}))
    broadcast = await create_broadcast(session, now, insider, crowd.event_id, _draft())
    broadcast_id = broadcast.id
    assert broadcast.created_by == "token:1"

    with pytest.raises(Forbidden):
        await count_recipients(session, outsider, crowd.event_id, BroadcastAudience())
    with pytest.raises(Forbidden):
        await create_broadcast(session, now, outsider, crowd.event_id, _draft())
    with pytest.raises(Forbidden):
        await list_broadcasts(session, outsider, crowd.event_id)
    # Another programme's broadcast ids cannot be probed.
    with pytest.raises(NotFound):
        await broadcast_report(session, outsider, broadcast_id)
    with pytest.raises(NotFound):
        await cancel_broadcast(session, now, outsider, broadcast_id)
    await session.rollback()

    assert (await broadcast_report(session, insider, broadcast_id)).queued == 3
    assert [report.id for report in await list_broadcasts(session, insider, crowd.event_id)] == [
        broadcast_id
    ]


async def test_unknown_ids_and_draft_events_are_refused(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    draft_event = await create_event(session, now, "summer-school", publish=False)

    with pytest.raises(InvalidTransition):
        await create_broadcast(session, now, SYSTEM, draft_event.id, _draft())
    with pytest.raises(NotFound):
        await create_broadcast(session, now, SYSTEM, 9999, _draft())
    with pytest.raises(NotFound):
        await count_recipients(session, SYSTEM, 9999, BroadcastAudience())
    with pytest.raises(NotFound):
        await broadcast_report(session, SYSTEM, 9999)
    with pytest.raises(NotFound):
        await cancel_broadcast(session, now, SYSTEM, 9999)


async def test_broadcasts_are_listed_newest_first_and_audited(
    session: AsyncSession, now: datetime
) -> None:
    crowd = await _crowd(session, now)
    first = await create_broadcast(session, now, SYSTEM, crowd.event_id, _draft())
    second = await create_broadcast(
        session, now + HOUR, SYSTEM, crowd.event_id, _draft(send_at=(now + 3 * HOUR).isoformat())
    )
    await cancel_broadcast(session, now + HOUR, SYSTEM, first.id)

    reports = await list_broadcasts(session, SYSTEM, crowd.event_id)

    assert [(r.id, r.state) for r in reports] == [
        (second.id, BroadcastState.SCHEDULED),
        (first.id, BroadcastState.CANCELLED),
    ]
    assert reports[1].texts == {"en": "<b>Bus</b> leaves at 9:00 from the hotel."}
    assert reports[1].audience["statuses"] == ["confirmed", "offered", "attended"]
    actions = (
        await session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "broadcast")
            .order_by(AuditEntry.id)
        )
    ).all()
    assert actions == [
        "broadcast.create",
        "broadcast.release",
        "broadcast.create",
        "broadcast.cancel",
    ]


async def _many_registered(
    session: AsyncSession, now: datetime, event_id: int, count: int
) -> None:
    """``count`` confirmed people in a few bulk statements (the use cases would take minutes)."""
    people = [
        {
            "telegram_user_id": 5_000_000 + number,
            "name": f"Person {number}",
            "language": ("en", "hy", "az", "ka", "ru")[number % 5],
            "country": ("AM", "AZ", "GE")[number % 3],
            "created_at": now,
            "updated_at": now,
        }
        for number in range(count)
    ]
    await session.execute(insert(Participant), people)
    ids = (
        await session.scalars(
            select(Participant.id).where(Participant.telegram_user_id >= 5_000_000)
        )
    ).all()
    registrations = [
        {
            "event_id": event_id,
            "participant_id": participant_id,
            "status": RegistrationStatus.CONFIRMED.value,
            "answers": {},
            "created_at": now,
            "updated_at": now,
            "confirmed_at": now,
        }
        for participant_id in ids
    ]
    await session.execute(insert(Registration), registrations)
    await session.commit()


async def test_ten_thousand_recipients_are_released_quickly(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", capacity=20_000)
    await _many_registered(session, now, event.id, 10_000)
    send_at = now + HOUR
    broadcast = await create_broadcast(
        session, now, SYSTEM, event.id, _draft(send_at=send_at.isoformat())
    )
    broadcast_id = broadcast.id
    assert await count_recipients(session, SYSTEM, event.id, BroadcastAudience()) == 10_000

    started = time.perf_counter()
    assert await release_due_broadcasts(session, send_at) == 1
    elapsed = time.perf_counter() - started

    report = await broadcast_report(session, SYSTEM, broadcast_id)
    assert (report.recipients, report.queued) == (10_000, 10_000)
    # About a second on both databases on a busy two-core machine; the bound catches a
    # statement per row or a recompiled multi-row INSERT (7 s or more), not a slow day.
    assert elapsed < 5, f"releasing 10,000 rows took {elapsed:.1f} s"
