"""Building surveyed events for tests through the use cases: an event whose people
register, check in (or not), and which completes, sending its survey."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.editions import complete_past_events
from events.feedback.settings import SurveySetup, set_survey
from events.models import Event
from events.registrations import check_in, register
from tests.factories import create_event, create_participant

# Questions an event asks on registration, of every kind; all optional so that
# registering needs no answers.
QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "track",
        "kind": "choice",
        "required": False,
        "prompt": {
            "en": "Which track did you follow?",
            "hy": "Ո՞ր ուղղությամբ էիք մասնակցում:",
            "az": "Hansı istiqamət üzrə iştirak etdiniz?",
            "ka": "რომელი მიმართულებით მონაწილეობდით?",
            "ru": "По какому направлению вы участвовали?",
        },
        "choices": [
            {
                "key": "economy",
                "label": {
                    "en": "Economy",
                    "hy": "Տնտեսություն",
                    "az": "İqtisadiyyat",
                    "ka": "ეკონომიკა",
                    "ru": "Экономика",
                },
            },
            {
                "key": "culture",
                "label": {
                    "en": "Culture",
                    "hy": "Մշակույթ",
                    "az": "Mədəniyyət",
                    "ka": "კულტურა",
                    "ru": "Культура",
                },
            },
        ],
    },
    {
        "key": "nights",
        "kind": "number",
        "required": False,
        "min_value": 0,
        "max_value": 10,
        "prompt": {
            "en": "How many nights did you stay?",
            "hy": "Քանի՞ գիշեր մնացիք:",
            "az": "Neçə gecə qaldınız?",
            "ka": "რამდენი ღამე დარჩით?",
            "ru": "Сколько ночей вы провели там?",
        },
    },
    {
        "key": "visa",
        "kind": "yes_no",
        "required": False,
        "prompt": {
            "en": "Did you need a visa?",
            "hy": "Վիզա պե՞տք էր ձեզ:",
            "az": "Sizə viza lazım idi?",
            "ka": "დაგჭირდათ ვიზა?",
            "ru": "Вам нужна была виза?",
        },
    },
    {"key": "about", "kind": "text", "required": False, "prompt": {"en": "About you"}},
]


@dataclass(frozen=True)
class Surveyed:
    event: Event
    # The people who attended, then those who did not.
    attended: list[int]
    absent: list[int]
    # When the event completed (and its survey was queued).
    completed_at: datetime


async def attended_event(
    session: AsyncSession,
    now: datetime,
    programme_slug: str,
    *,
    attendees: int = 3,
    absent: int = 1,
    setup: SurveySetup | None = None,
    people: list[int] | None = None,
    complete: bool = True,
    **overrides: Any,
) -> Surveyed:
    """An event (with ``QUESTIONS``) that starts tomorrow; ``attendees`` new people (or
    ``people``) check in, ``absent`` more register and stay home. Completed when its
    completion runs, two days after the end, unless ``complete`` is False."""
    fields: dict[str, Any] = {"starts_at": now + timedelta(days=1), "questions": QUESTIONS}
    event = await create_event(session, now, programme_slug, **(fields | overrides))
    event_id = event.id
    if setup is not None:
        await set_survey(session, now, SYSTEM, event_id, setup)
    came = people or [(await create_participant(session, now)).id for _ in range(attendees)]
    away = [(await create_participant(session, now)).id for _ in range(absent)]
    for person in came + away:
        registration = await register(session, now, event_id, person)
        if person in came:
            assert registration.ticket_code is not None
            await check_in(session, now, SYSTEM, event_id, registration.ticket_code)
    found = await session.get(Event, event_id)
    assert found is not None
    completed_at = found.ends_at + timedelta(days=2)
    if complete:
        await complete_past_events(session, completed_at)
        await session.refresh(found)
    return Surveyed(found, came, away, completed_at)
