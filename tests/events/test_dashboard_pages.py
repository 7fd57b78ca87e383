"""What the dashboard's pages read, on both databases: the overview's counts and what
needs attention, an event's registrations filtered (also by an answer), searched and
paged, its seats."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.broadcast_inputs import BroadcastDraft
from events.broadcasts import create_broadcast
from events.dashboard_overview import overview
from events.dashboard_registrations import (
    PAGE_SIZE,
    AnswerFilter,
    RegistrationFilter,
    person_card,
    registration_page,
    seat_summary,
)
from events.enums import Gender, RegistrationStatus, Role
from events.errors import Forbidden, InvalidInput, NotFound
from events.inputs import ParticipantDetails
from events.principals import Principal
from events.registrations import cancel_registration, sign_up
from tests.factories import create_event, create_programme

PEOPLE = 57
NAMES = {5: "100% Nino_Beridze", 6: "Анна Ղազարյան", 7: "ნინო ԱՐԱՄ"}
HELD_AM = sum(1 for number in range(20) if number % 3 == 1)  # under the quota of 8


async def filled(session: AsyncSession, now: datetime) -> tuple[int, list[int]]:
    programme = await create_programme(session, now, "pages")
    await create_programme(session, now, "other-pages")
    event = await create_event(
        session, now, "pages", capacity=20, offer_valid_hours=12, country_quotas={"AM": 8}
    )
    ids = []
    for number in range(PEOPLE):
        details = ParticipantDetails(
            name=NAMES.get(number, f"Person {number:03d}"),
            language=("en", "hy", "ru")[number % 3],
            country=("GE", "AM", "AZ")[number % 3],
            gender=(Gender.FEMALE, Gender.MALE, None)[number % 3],
            telegram_user_id=881_000 + number,
        )
        ids.append((await sign_up(session, now, details, event.id)).id)
    assert programme.id
    return event.id, ids


async def test_pages_filter_search_and_page(session: AsyncSession, now: datetime) -> None:
    event_id, ids = await filled(session, now)
    everyone = await registration_page(session, SYSTEM, event_id, RegistrationFilter(), 1)
    assert (everyone.total, everyone.pages, len(everyone.rows)) == (PEOPLE, 2, PAGE_SIZE)
    assert [row.registration.id for row in everyone.rows] == ids[:PAGE_SIZE]
    assert everyone.countries == ["AM", "AZ", "GE"]
    assert everyone.languages == ["en", "hy", "ru"]
    last = await registration_page(session, SYSTEM, event_id, RegistrationFilter(), 99)
    assert (last.page, len(last.rows)) == (2, PEOPLE - PAGE_SIZE)
    waiting_am = RegistrationFilter(status=RegistrationStatus.WAITLISTED, country="AM")
    found = await registration_page(session, SYSTEM, event_id, waiting_am, 1)
    assert all(row.registration.country == "AM" for row in found.rows)
    assert all(row.registration.status == "waitlisted" for row in found.rows)
    # Of the 19 people from Armenia, those among the first 20 hold a seat; the rest wait.
    assert found.total == 19 - HELD_AM
    russian_women = RegistrationFilter(language="ru", gender=Gender.FEMALE)
    assert (await registration_page(session, SYSTEM, event_id, russian_women, 1)).total == 0
    # A name fragment, any case; "%" and "_" are matched as typed, not as wildcards.
    for fragment, count in (
        ("nino", 1),
        ("% NINO_", 1),
        ("_", 1),
        ("%", 1),
        ("person 01", 10),
        ("анна", 1),
        ("ղազար", 1),
        ("ნინო", 1),
        ("արամ", 1),
    ):
        where = RegistrationFilter(name=fragment)
        assert (await registration_page(session, SYSTEM, event_id, where, 1)).total == count


async def test_seats_quotas_and_open_offers(session: AsyncSession, now: datetime) -> None:
    event_id, ids = await filled(session, now)
    await cancel_registration(session, now, ids[0])
    seats = await seat_summary(session, SYSTEM, event_id)
    [part] = seats.parts
    assert (part.limits.capacity, part.taken, part.offered) == (20, 20, 1)
    assert part.by_country["AM"] == HELD_AM
    assert part.waitlisted == PEOPLE - 20 - 1
    [offer] = seats.open_offers
    assert offer.registration.status == RegistrationStatus.OFFERED
    assert seats.by_status["cancelled"] == 1


async def test_the_overview_counts_and_says_what_needs_attention(
    session: AsyncSession, now: datetime
) -> None:
    event_id, ids = await filled(session, now)
    await cancel_registration(session, now, ids[0])  # an offer, valid for 12 hours
    draft = BroadcastDraft(texts={"en": "See you soon"})
    await create_broadcast(session, now, SYSTEM, event_id, draft)  # released: sending
    later = BroadcastDraft(texts={"en": "Later"}, send_at=now + timedelta(days=1))
    await create_broadcast(session, now, SYSTEM, event_id, later)
    [summary] = (await overview(session, SYSTEM, now)).events
    assert (summary.capacity, summary.seats_taken, summary.applied) == (20, 20, 0)
    assert summary.waitlisted == PEOPLE - 20 - 1
    assert (summary.offers_expiring, summary.broadcasts_sending) == (1, 1)
    assert summary.broadcasts_scheduled == 1
    assert summary.needs_attention
    # An organiser of another programme sees nothing of it; a checker sees it uncounted.
    outsider = Principal(actor="t:1", role=Role.ORGANISER, programme_ids=frozenset({10_000}))
    assert (await overview(session, outsider, now)).events == []
    event_programme = summary.event.programme_id
    checker = Principal(
        actor="t:2", role=Role.CHECKER, check_in_programme_ids=frozenset({event_programme})
    )
    [seen] = (await overview(session, checker, now)).events
    assert (seen.seats_taken, seen.needs_attention) == (0, False)


async def test_only_the_programmes_organisers_read_an_event(
    session: AsyncSession, now: datetime
) -> None:
    event_id, ids = await filled(session, now)
    outsider = Principal(actor="t:1", role=Role.ORGANISER, programme_ids=frozenset({10_000}))
    with pytest.raises(Forbidden):
        await registration_page(session, outsider, event_id, RegistrationFilter(), 1)
    with pytest.raises(Forbidden):
        await seat_summary(session, outsider, event_id)
    with pytest.raises(Forbidden):
        await person_card(session, outsider, event_id, ids[0])
    with pytest.raises(NotFound):
        await registration_page(session, SYSTEM, 2**40, RegistrationFilter(), 1)
    with pytest.raises(NotFound):
        await person_card(session, SYSTEM, event_id, 2**40)
    card = await person_card(session, SYSTEM, event_id, ids[5])
    assert card.participant.name == "100% Nino_Beridze"


ASKED: list[dict[str, Any]] = [
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
        "key": "years",
        "kind": "number",
        "prompt": {"en": "Years in civil society?"},
        "min_value": 0,
        "max_value": 50,
    },
]


async def test_registrations_filter_by_an_answer_with_the_other_filters(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "answers")
    event = await create_event(session, now, "answers", capacity=100, questions=ASKED)
    for number in range(12):
        details = ParticipantDetails(
            name=f"Person {number:02d}",
            country=("GE", "AM")[number % 2],
            telegram_user_id=882_000 + number,
        )
        answers = {
            "motivation": "50% music" if number < 3 else "Dialogue",
            "track": ("economy", "culture", "culture")[number % 3],
            "needs_visa": number % 4 == 0,
            "years": number,
        }
        await sign_up(session, now, details, event.id, answers)

    async def total(**where: Any) -> int:
        found = await registration_page(session, SYSTEM, event.id, RegistrationFilter(**where), 1)
        return found.total

    assert await total(answers=(AnswerFilter("track", "culture"),)) == 8
    assert await total(answers=(AnswerFilter("track", "culture"),), country="GE") == 4
    assert await total(answers=(AnswerFilter("needs_visa", "yes"),)) == 3
    assert await total(answers=(AnswerFilter("needs_visa", "no"),)) == 9
    assert await total(answers=(AnswerFilter("years", "7"),)) == 1
    assert await total(answers=(AnswerFilter("motivation", "50%"),)) == 3  # % is no wildcard
    for wrong in (
        AnswerFilter("track", "sports"),
        AnswerFilter("needs_visa", "maybe"),
        AnswerFilter("years", "seven"),
        AnswerFilter("unasked", "x"),
        AnswerFilter("motivation", "x" * 101),
    ):
        with pytest.raises(InvalidInput) as raised:
            await total(answers=(wrong,))
        assert raised.value.field == "answer"
    # Two answers at once: both hold; a refusal names the caller's field.
    both = (AnswerFilter("track", "culture"), AnswerFilter("needs_visa", "yes"))
    assert await total(answers=both) == 2  # numbers 4 and 8 (0 chose economy)
    with pytest.raises(InvalidInput) as raised:
        await total(answers=(AnswerFilter("years", "x", field="value"),))
    assert raised.value.field == "value"
