"""Proposals as use cases (events.proposals) on a real database: confirming in one step,
refusing a stale proposal without changing anything, quotas, and a freed seat that
goes to the person who keeps the balance."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.access import SYSTEM
from events.errors import Conflict, InvalidTransition
from events.models import OutboxMessage, SelectionProposal
from events.participants import erase_participant
from events.proposals import confirm_proposal, create_proposal, swap
from events.registrations import cancel_registration, register
from events.reviews import review, set_targets
from events.selection import ALGORITHM_VERSION, rerun
from events.targets import SelectionTargets
from tests.factories import create_event, create_participant, create_programme
from tests.support.state import statuses, stored

PARITY = SelectionTargets.model_validate({"gender_parity": {"tolerance": 0}})


async def _applications(
    session: AsyncSession, now: datetime, genders: list[str | None], **event_fields: Any
) -> tuple[int, list[int], list[int]]:
    """An application-mode event and one application per gender, in order; returns the
    event id, the participant ids and the registration ids."""
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", mode="application", **event_fields)
    people, registrations = [], []
    for minute, gender in enumerate(genders):
        person = await create_participant(session, now, gender=gender)
        registration = await register(
            session, now + timedelta(minutes=minute), event.id, person.id
        )
        people.append(person.id)
        registrations.append(registration.id)
    return event.id, people, registrations


async def _decisions(session: AsyncSession, event_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.event_id == event_id, OutboxMessage.kind == "decision")
    )
    return int(count or 0)


async def test_a_freed_seat_goes_to_the_waiting_person_who_keeps_parity(
    session: AsyncSession, now: datetime
) -> None:
    event_id, people, regs = await _applications(
        session, now, ["female", "male", "male", "female"], capacity=2
    )
    await set_targets(session, now, SYSTEM, event_id, PARITY)
    view = await create_proposal(session, now, SYSTEM, event_id, seed=3)
    chosen = set(view.proposal.selected)
    assert {regs[0], regs[3]} & chosen
    assert {regs[1], regs[2]} & chosen
    # Put the men first in line whatever the lots said: a woman's seat must still go to
    # the waiting woman.
    woman = next(key for key in view.proposal.selected if key in (regs[0], regs[3]))
    waiting_woman = regs[3] if woman == regs[0] else regs[0]
    man_out = next(key for key in view.proposal.waitlist if key in (regs[1], regs[2]))
    view.proposal.waitlist = [man_out, waiting_woman]
    await session.commit()
    await confirm_proposal(session, now, SYSTEM, view.proposal.id)

    offers = await cancel_registration(session, now + timedelta(hours=1), woman)

    assert [offer.id for offer in offers] == [waiting_woman]


async def test_a_stale_proposal_is_refused_and_nothing_changes(
    session: AsyncSession, now: datetime
) -> None:
    event_id, people, regs = await _applications(
        session, now, ["female", "male", None], capacity=2
    )
    view = await create_proposal(session, now, SYSTEM, event_id, seed=1)
    await cancel_registration(session, now, regs[2])
    before = await statuses(session, event_id)

    with pytest.raises(Conflict):
        await confirm_proposal(session, now, SYSTEM, view.proposal.id)

    await session.rollback()
    assert await statuses(session, event_id) == before
    assert await _decisions(session, event_id) == 0


async def test_confirming_twice_decides_and_tells_once(
    session: AsyncSession, now: datetime
) -> None:
    event_id, people, regs = await _applications(
        session, now, ["female", "male", None, "male"], capacity=2
    )
    view = await create_proposal(session, now, SYSTEM, event_id, seed=5, waitlist_length=1)
    first = await confirm_proposal(session, now, SYSTEM, view.proposal.id)
    again = await confirm_proposal(session, now + timedelta(minutes=5), SYSTEM, first.proposal.id)

    assert again.proposal.confirmed_at == first.proposal.confirmed_at
    assert await _decisions(session, event_id) == 4
    decided = await statuses(session, event_id)
    assert sorted(decided.values()) == ["confirmed", "confirmed", "rejected", "waitlisted"]
    with pytest.raises(InvalidTransition, match="confirmed"):
        await swap(session, now, SYSTEM, first.proposal.id, regs[0], regs[1])


async def test_the_proposal_keeps_to_the_quotas(session: AsyncSession, now: datetime) -> None:
    event_id, people, regs = await _applications(
        session,
        now,
        ["female", "female", "female", "male"],
        capacity=3,
        gender_quotas={"female": 1},
    )
    view = await create_proposal(session, now, SYSTEM, event_id, seed=2)
    # One woman (the quota) and the one man: two of three seats, and it confirms.
    assert len(view.proposal.selected) == 2
    assert regs[3] in view.proposal.selected
    await confirm_proposal(session, now, SYSTEM, view.proposal.id)
    assert sorted((await statuses(session, event_id)).values()).count("confirmed") == 2


async def test_anyone_with_the_record_can_run_the_proposal_again(
    session: AsyncSession, now: datetime
) -> None:
    event_id, people, regs = await _applications(
        session, now, ["female", "male", None, "male", "female", "other"], capacity=3
    )
    await set_targets(session, now, SYSTEM, event_id, PARITY)
    view = await create_proposal(session, now, SYSTEM, event_id)
    stored = view.proposal

    again = rerun(stored.inputs)

    assert again.seed == stored.seed
    assert again.digest == stored.input_digest
    assert (again.selected, again.waitlist) == (stored.selected, stored.waitlist)
    assert stored.inputs["algorithm"] == stored.algorithm == ALGORITHM_VERSION


async def test_erasing_a_person_removes_their_review_and_age_from_proposals(
    session: AsyncSession, now: datetime
) -> None:
    event_id, people, regs = await _applications(session, now, ["female", "male"], capacity=1)
    await review(session, now, SYSTEM, regs[0], 4, "Met her at the forum")
    view = await create_proposal(session, now, SYSTEM, event_id, seed=1)
    assert [row[3] for row in view.proposal.inputs["applicants"]] == [26, 26]

    await erase_participant(session, now, SYSTEM, people[0])

    registration = await stored(session, regs[0])
    assert (registration.review_score, registration.review_note) == (None, "")
    proposal = await session.get(SelectionProposal, view.proposal.id, populate_existing=True)
    assert proposal is not None
    rows = {row[0]: row for row in proposal.inputs["applicants"]}
    assert (rows[regs[0]][3], rows[regs[0]][5]) == (None, None)
    assert rows[regs[1]][3] == 26
    assert proposal.inputs["erased"] == [regs[0]]


async def test_simultaneous_confirmations_decide_and_tell_once(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    event_id, people, regs = await _applications(
        session, now, ["female", "male", None, "male", "female"], capacity=3
    )
    view = await create_proposal(session, now, SYSTEM, event_id, seed=9)

    async def confirm_once() -> str:
        async with sessionmaker() as own:
            confirmed = await confirm_proposal(own, now, SYSTEM, view.proposal.id)
            return confirmed.proposal.state

    outcomes = await asyncio.gather(*(confirm_once() for _ in range(6)))

    assert outcomes == ["confirmed"] * 6
    assert await _decisions(session, event_id) == 5
    assert sorted((await statuses(session, event_id)).values()).count("confirmed") == 3
