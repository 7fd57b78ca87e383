"""Registering, applying, deciding, cancelling and checking in (events.registrations)."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.editions import cancel_event
from events.enums import Decision, RegistrationStatus, Role
from events.errors import (
    AlreadyCheckedIn,
    AlreadyRegistered,
    EventCancelled,
    EventNotOpen,
    Forbidden,
    InvalidAnswers,
    InvalidTransition,
    NoSeatAvailable,
    NotEligible,
    NotFound,
    ParticipantErased,
    RegistrationClosed,
    TicketNotValid,
)
from events.participants import erase_participant
from events.principals import Principal
from events.registrations import (
    cancel_registration,
    check_in,
    decide,
    new_ticket_code,
    register,
)
from events.rosters import is_formula_like
from tests.factories import create_event, create_participant, create_programme
from tests.support.state import registration_count, registrations, statuses, stored

CONFIRMED = RegistrationStatus.CONFIRMED
WAITLISTED = RegistrationStatus.WAITLISTED
APPLIED = RegistrationStatus.APPLIED

QUESTIONS: list[dict[str, Any]] = [
    {"key": "motivation", "kind": "text", "prompt": {"en": "Why do you want to come?"}},
    {
        "key": "track",
        "kind": "choice",
        "prompt": {"en": "Which track?"},
        "choices": [
            {"key": "economy", "label": {"en": "Economy"}},
            {"key": "culture", "label": {"en": "Culture"}},
        ],
    },
    {"key": "needs_visa", "kind": "yes_no", "prompt": {"en": "Do you need a visa?"}},
    {
        "key": "years_active",
        "kind": "number",
        "prompt": {"en": "Years in civil society?"},
        "required": False,
        "min_value": 0,
        "max_value": 50,
    },
]


@pytest.fixture
async def programme_id(session: AsyncSession, now: datetime) -> int:
    return (await create_programme(session, now)).id


# --- open mode ---------------------------------------------------------------------------


async def test_open_mode_confirms_until_capacity_then_waitlists(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school", capacity=2)
    people = [await create_participant(session, now) for _ in range(3)]

    results = [await register(session, now, event.id, person.id) for person in people]

    assert [r.status for r in results] == [CONFIRMED, CONFIRMED, WAITLISTED]
    assert results[0].confirmed_at == now
    assert results[2].waitlisted_at == now
    assert results[2].confirmed_at is None
    assert all(r.ticket_code for r in results)
    assert len({r.ticket_code for r in results}) == 3
    assert await statuses(session, event.id) == {
        people[0].id: CONFIRMED,
        people[1].id: CONFIRMED,
        people[2].id: WAITLISTED,
    }


async def test_country_quota_is_respected(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school", capacity=5, country_quotas={"AM": 1})
    first_am = await create_participant(session, now, country="AM")
    second_am = await create_participant(session, now, country="AM")
    georgian = await create_participant(session, now, country="GE")

    assert (await register(session, now, event.id, first_am.id)).status == CONFIRMED
    assert (await register(session, now, event.id, second_am.id)).status == WAITLISTED
    # Countries without a quota are bound only by the capacity.
    assert (await register(session, now, event.id, georgian.id)).status == CONFIRMED


async def test_gender_quota_binds_only_people_who_stated_a_gender(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(
        session,
        now,
        "summer-school",
        capacity=5,
        gender_quotas={"female": 1, "male": 0, "other": 0},
    )
    first_woman = await create_participant(session, now, gender="female")
    second_woman = await create_participant(session, now, gender="female")
    man = await create_participant(session, now, gender="male")
    unstated = await create_participant(session, now, gender=None)

    assert (await register(session, now, event.id, first_woman.id)).status == CONFIRMED
    assert (await register(session, now, event.id, second_woman.id)).status == WAITLISTED
    assert (await register(session, now, event.id, man.id)).status == WAITLISTED
    assert (await register(session, now, event.id, unstated.id)).status == CONFIRMED


async def test_registration_snapshots_country_and_gender(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now, country="AZ", gender="other")

    registration = await register(session, now, event.id, person.id)

    assert (registration.country, registration.gender) == ("AZ", "other")


# --- application mode --------------------------------------------------------------------


async def test_application_mode_records_applied_with_cleaned_answers(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(
        session, now, "summer-school", mode="application", capacity=1, questions=QUESTIONS
    )
    people = [await create_participant(session, now) for _ in range(2)]
    answers: dict[str, object] = {
        "motivation": "  I want\u200b to   meet\tneighbours  ",
        "track": "culture",
        "needs_visa": "Yes",
        "years_active": "3",
    }

    results = [await register(session, now, event.id, p.id, answers) for p in people]

    # Applications do not take seats: both are recorded even with one seat.
    assert [r.status for r in results] == [APPLIED, APPLIED]
    assert results[0].confirmed_at is None
    row = await stored(session, results[0].id)
    assert row.answers == {
        "motivation": "I want to meet neighbours",
        "track": "culture",
        "needs_visa": True,
        "years_active": 3,
    }


async def test_optional_question_may_be_left_out(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school", questions=QUESTIONS)
    person = await create_participant(session, now)
    answers = {"motivation": "Music", "track": "economy", "needs_visa": False}

    registration = await register(session, now, event.id, person.id, answers)

    assert (await stored(session, registration.id)).answers == answers


# --- refusals: each raises its own error and stores nothing ------------------------------


async def _assert_refused(
    session: AsyncSession,
    now: datetime,
    event_id: int,
    participant_id: int,
    error: type[Exception],
    answers: dict[str, object] | None = None,
) -> Any:
    with pytest.raises(error) as raised:
        await register(session, now, event_id, participant_id, answers)
    await session.rollback()
    assert await registration_count(session, event_id) == 0
    return raised.value


async def test_cancelled_event_refuses(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    await cancel_event(session, now, SYSTEM, event.id)

    await _assert_refused(session, now, event.id, person.id, EventCancelled)


async def test_draft_event_refuses(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school", publish=False)
    person = await create_participant(session, now)

    await _assert_refused(session, now, event.id, person.id, EventNotOpen)


async def test_registration_before_the_window_opens_refuses(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(
        session, now, "summer-school", registration_opens_at=now + timedelta(days=1)
    )
    person = await create_participant(session, now)

    event_id, person_id = event.id, person.id
    await _assert_refused(session, now, event_id, person_id, RegistrationClosed)
    # The moment it opens, it works.
    opened = await register(session, now + timedelta(days=1), event_id, person_id)
    assert opened.status == CONFIRMED


async def test_registration_after_the_window_closes_refuses(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(
        session, now, "summer-school", registration_closes_at=now + timedelta(days=2)
    )
    person = await create_participant(session, now)

    await _assert_refused(
        session, now + timedelta(days=2), event.id, person.id, RegistrationClosed
    )


async def test_registration_after_the_start_refuses(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    later = event.starts_at + timedelta(hours=1)

    await _assert_refused(session, later, event.id, person.id, RegistrationClosed)


@pytest.mark.parametrize(
    ("event_rules", "person", "reason"),
    [
        pytest.param({"min_age": 18}, {"birth_year": 2010}, "age", id="too-young"),
        pytest.param({"max_age": 30}, {"birth_year": 1990}, "age", id="too-old"),
        pytest.param({"min_age": 18}, {"birth_year": None}, "birth_year_required", id="no-year"),
        pytest.param(
            {"eligible_countries": ["AM", "AZ", "GE"]}, {"country": "TR"}, "country", id="country"
        ),
        pytest.param(
            {"eligible_countries": ["AM"]}, {"country": None}, "country_required", id="no-country"
        ),
    ],
)
async def test_ineligible_person_is_refused(
    session: AsyncSession,
    now: datetime,
    programme_id: int,
    event_rules: dict[str, Any],
    person: dict[str, Any],
    reason: str,
) -> None:
    event = await create_event(session, now, "summer-school", **event_rules)
    participant = await create_participant(session, now, **person)

    error = await _assert_refused(session, now, event.id, participant.id, NotEligible)

    assert error.reason == reason


async def test_age_bounds_are_inclusive(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    # The event starts in 2026: born 2008 is 18 that year, born 1996 is 30.
    event = await create_event(session, now, "summer-school", min_age=18, max_age=30)
    youngest = await create_participant(session, now, birth_year=2008)
    oldest = await create_participant(session, now, birth_year=1996)

    assert (await register(session, now, event.id, youngest.id)).status == CONFIRMED
    assert (await register(session, now, event.id, oldest.id)).status == CONFIRMED


async def test_second_registration_is_refused_and_stores_one_row(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    event_id, person_id = event.id, person.id
    first_id = (await register(session, now, event_id, person_id)).id

    with pytest.raises(AlreadyRegistered) as raised:
        await register(session, now + timedelta(minutes=1), event_id, person_id)
    await session.rollback()

    assert raised.value.registration_id == first_id
    assert raised.value.status == CONFIRMED
    rows = await registrations(session, event_id)
    assert [(row.id, row.status) for row in rows] == [(first_id, CONFIRMED)]


async def test_invalid_answers_name_every_bad_key(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school", questions=QUESTIONS)
    person = await create_participant(session, now)
    answers: dict[str, object] = {
        "track": "sports",
        "needs_visa": "maybe",
        "years_active": 99,
        "shoe_size": 42,
    }

    error = await _assert_refused(session, now, event.id, person.id, InvalidAnswers, answers)

    assert set(error.problems) == {
        "motivation",
        "track",
        "needs_visa",
        "years_active",
        "shoe_size",
    }
    assert error.problems["motivation"] == "an answer is required"
    assert error.problems["shoe_size"] == "no such question"
    assert "economy" in error.problems["track"]


async def test_erased_participant_is_refused(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    await erase_participant(session, now, None, person.id)

    await _assert_refused(session, now, event.id, person.id, ParticipantErased)


async def test_unknown_participant_or_event_is_not_found(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)

    with pytest.raises(NotFound):
        await register(session, now, event.id, person.id + 1000)
    with pytest.raises(NotFound):
        await register(session, now, event.id + 1000, person.id)


async def test_registering_again_after_cancelling_reuses_the_row(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school", capacity=1)
    person = await create_participant(session, now)
    first = await register(session, now, event.id, person.id)
    await cancel_registration(session, now + timedelta(hours=1), first.id)

    again = await register(session, now + timedelta(hours=2), event.id, person.id)

    assert again.id == first.id
    row = await stored(session, again.id)
    assert row.status == CONFIRMED
    assert row.cancelled_at is None
    assert row.cancel_reason is None
    assert row.confirmed_at == now + timedelta(hours=2)
    assert await registration_count(session, event.id) == 1


# --- decide ------------------------------------------------------------------------------


async def _applications(
    session: AsyncSession, now: datetime, count: int, people: list[dict[str, Any]] | None = None
) -> tuple[int, list[int]]:
    event = await create_event(
        session,
        now,
        "summer-school",
        mode="application",
        capacity=count - 1,
        country_quotas={"AM": 1},
        gender_quotas={"female": 1},
    )
    ids = []
    for details in people or [{} for _ in range(count)]:
        participant = await create_participant(session, now, **details)
        ids.append((await register(session, now, event.id, participant.id)).id)
    return event.id, ids


async def test_decide_confirms_waitlists_and_rejects(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    _event_id, (a, b, c) = await _applications(session, now, 3)
    later = now + timedelta(days=1)

    confirmed = await decide(session, later, SYSTEM, a, Decision.CONFIRM)
    waitlisted = await decide(session, later, SYSTEM, b, Decision.WAITLIST)
    rejected = await decide(session, later, SYSTEM, c, Decision.REJECT)

    assert (confirmed.status, confirmed.confirmed_at) == (CONFIRMED, later)
    assert (waitlisted.status, waitlisted.waitlisted_at) == (WAITLISTED, later)
    assert rejected.status == RegistrationStatus.REJECTED
    # Someone on the waitlist can still be confirmed while a seat is free.
    promoted = await decide(session, later, SYSTEM, b, Decision.CONFIRM)
    assert promoted.status == CONFIRMED


async def test_confirm_is_refused_when_the_event_is_full(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event_id, (a, b, c) = await _applications(session, now, 3)
    await decide(session, now, SYSTEM, a, Decision.CONFIRM)
    await decide(session, now, SYSTEM, b, Decision.CONFIRM)

    with pytest.raises(NoSeatAvailable, match="capacity"):
        await decide(session, now, SYSTEM, c, Decision.CONFIRM)
    await session.rollback()

    assert (await stored(session, c)).status == APPLIED


@pytest.mark.parametrize(
    ("first", "second", "limit"),
    [
        pytest.param({"country": "AM"}, {"country": "AM"}, "country quota", id="country"),
        pytest.param({"gender": "female"}, {"gender": "female"}, "gender quota", id="gender"),
    ],
)
async def test_confirm_is_refused_over_a_quota(
    session: AsyncSession,
    now: datetime,
    programme_id: int,
    first: dict[str, Any],
    second: dict[str, Any],
    limit: str,
) -> None:
    _event_id, (a, b, c) = await _applications(session, now, 3, [first, second, {}])
    await decide(session, now, SYSTEM, a, Decision.CONFIRM)

    with pytest.raises(NoSeatAvailable, match=limit):
        await decide(session, now, SYSTEM, b, Decision.CONFIRM)
    await session.rollback()

    assert (await stored(session, b)).status == APPLIED
    # The last seat still goes to someone the quota does not bind.
    assert (await decide(session, now, SYSTEM, c, Decision.CONFIRM)).status == CONFIRMED


@pytest.mark.parametrize(
    ("setup", "decision"),
    [
        pytest.param(Decision.CONFIRM, Decision.WAITLIST, id="waitlist-confirmed"),
        pytest.param(Decision.CONFIRM, Decision.CONFIRM, id="confirm-confirmed"),
        pytest.param(Decision.REJECT, Decision.CONFIRM, id="confirm-rejected"),
        pytest.param(Decision.WAITLIST, Decision.WAITLIST, id="waitlist-waitlisted"),
    ],
)
async def test_invalid_transitions_are_refused(
    session: AsyncSession,
    now: datetime,
    programme_id: int,
    setup: Decision,
    decision: Decision,
) -> None:
    _event_id, (a, _b, _c) = await _applications(session, now, 3)
    before = (await decide(session, now, SYSTEM, a, setup)).status

    with pytest.raises(InvalidTransition):
        await decide(session, now, SYSTEM, a, decision)
    await session.rollback()

    assert (await stored(session, a)).status == before


async def test_decide_in_open_mode_cannot_reject_a_confirmed_seat(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    registration = await register(session, now, event.id, person.id)

    with pytest.raises(InvalidTransition):
        await decide(session, now, SYSTEM, registration.id, Decision.REJECT)


async def test_organiser_of_another_programme_is_forbidden(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    other = await create_programme(session, now, slug="town-hall", kind="town_hall")
    _event_id, (a, _b, _c) = await _applications(session, now, 3)
    outsider = Principal("token:7", Role.ORGANISER, frozenset({other.id}))
    insider = Principal("token:8", Role.ORGANISER, frozenset({programme_id}))

    with pytest.raises(Forbidden):
        await decide(session, now, outsider, a, Decision.CONFIRM)
    await session.rollback()
    assert (await stored(session, a)).status == APPLIED

    assert (await decide(session, now, insider, a, Decision.CONFIRM)).status == CONFIRMED


async def test_decide_on_a_cancelled_event_is_refused(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event_id, (a, _b, _c) = await _applications(session, now, 3)
    await cancel_event(session, now, SYSTEM, event_id)

    with pytest.raises(EventCancelled):
        await decide(session, now, SYSTEM, a, Decision.CONFIRM)


# --- cancel ------------------------------------------------------------------------------


async def test_cancel_records_when_and_why(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    registration = await register(session, now, event.id, person.id)
    later = now + timedelta(days=1)

    offers = await cancel_registration(session, later, registration.id)

    assert offers == []
    row = await stored(session, registration.id)
    assert (row.status, row.cancelled_at, row.cancel_reason) == ("cancelled", later, "participant")


async def test_cancel_twice_or_after_the_start_is_refused(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    first, second = [await create_participant(session, now) for _ in range(2)]
    cancelled = (await register(session, now, event.id, first.id)).id
    kept = (await register(session, now, event.id, second.id)).id
    starts_at = event.starts_at
    await cancel_registration(session, now, cancelled)

    with pytest.raises(InvalidTransition):
        await cancel_registration(session, now, cancelled)
    await session.rollback()
    with pytest.raises(InvalidTransition, match="started"):
        await cancel_registration(session, starts_at, kept)
    await session.rollback()

    assert (await stored(session, kept)).status == CONFIRMED


async def test_organiser_cancelling_for_someone_must_manage_the_programme(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    other = await create_programme(session, now, slug="forum", kind="economic_forum")
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    registration_id = (await register(session, now, event.id, person.id)).id
    outsider = Principal("token:9", Role.ORGANISER, frozenset({other.id}))

    with pytest.raises(Forbidden):
        await cancel_registration(session, now, registration_id, actor=outsider)
    await session.rollback()
    assert (await stored(session, registration_id)).status == CONFIRMED

    await cancel_registration(session, now, registration_id, actor=SYSTEM, reason="organiser")
    row = await stored(session, registration_id)
    assert (row.status, row.cancel_reason) == ("cancelled", "organiser")


# --- check-in ----------------------------------------------------------------------------


async def test_check_in_marks_a_confirmed_ticket_attended_once(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    registration = await register(session, now, event.id, person.id)
    assert registration.ticket_code is not None
    at_the_door = event.starts_at + timedelta(minutes=5)

    attended = await check_in(
        session, at_the_door, SYSTEM, event.id, f"  {registration.ticket_code} "
    )

    assert (attended.status, attended.checked_in_at) == ("attended", at_the_door)
    with pytest.raises(AlreadyCheckedIn):
        await check_in(session, at_the_door, SYSTEM, event.id, registration.ticket_code)


async def test_check_in_refuses_tickets_that_are_not_valid_here(
    session: AsyncSession, now: datetime, programme_id: int
) -> None:
    event = await create_event(session, now, "summer-school", capacity=1)
    other_event = await create_event(session, now, "summer-school")
    seated, waiting, elsewhere = [await create_participant(session, now) for _ in range(3)]
    await register(session, now, event.id, seated.id)
    waitlisted = await register(session, now, event.id, waiting.id)
    other_ticket = await register(session, now, other_event.id, elsewhere.id)
    assert waitlisted.status == WAITLISTED
    assert waitlisted.ticket_code is not None
    assert other_ticket.ticket_code is not None
    event_id, waitlisted_id, other_id = event.id, waitlisted.id, other_ticket.id

    for code in (other_ticket.ticket_code, waitlisted.ticket_code, "no-such-ticket"):
        with pytest.raises(TicketNotValid):
            await check_in(session, now, SYSTEM, event_id, code)
        await session.rollback()

    assert (await stored(session, waitlisted_id)).status == WAITLISTED
    assert (await stored(session, other_id)).status == CONFIRMED


def test_ticket_codes_never_start_like_a_formula() -> None:
    codes = {new_ticket_code() for _ in range(5000)}  # about 78 would start with "-"
    assert len(codes) == 5000
    assert all(len(code) == 12 and code[0].isalnum() for code in codes)
    assert not any(is_formula_like(code) for code in codes)
