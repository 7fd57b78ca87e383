"""Build test data through the use cases, so every row obeys the same rules as real ones.

Defaults describe a plausible Tbilisi summer school; pass keyword overrides for
anything a test cares about. The admin principal is ``events.access.SYSTEM``.
"""

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.editions import create_event as create_event_use_case
from events.editions import publish_event
from events.inputs import EventDraft, ParticipantDetails, ProgrammeDraft
from events.models import Event, Participant, Programme
from events.participants import save_participant
from events.programmes import create_programme as create_programme_use_case
from events.programmes import publish_programme

_serial = itertools.count(1)


async def create_programme(
    session: AsyncSession,
    now: datetime,
    slug: str = "summer-school",
    *,
    publish: bool = True,
    **overrides: Any,
) -> Programme:
    """A programme, published unless ``publish=False``."""
    fields: dict[str, Any] = {
        "slug": slug,
        "kind": "summer_school",
        "title": {"en": "Caucasus Youth Summer School", "ru": "Летняя школа"},
        "description": {"en": "Two weeks of workshops on shared rivers and shared futures."},
        "default_language": "en",
    }
    fields.update(overrides)
    programme = await create_programme_use_case(
        session, now, SYSTEM, ProgrammeDraft.model_validate(fields)
    )
    if publish:
        programme = await publish_programme(session, now, SYSTEM, programme.slug)
    return programme


async def create_event(
    session: AsyncSession,
    now: datetime,
    programme_slug: str,
    *,
    publish: bool = True,
    **overrides: Any,
) -> Event:
    """An event of the programme, published unless ``publish=False``.

    By default: 20 seats, open mode, no quotas, no questions, no eligibility rules,
    starting 30 days after ``now`` for five days. Any ``EventDraft`` field can be
    overridden (``capacity``, ``mode``, ``country_quotas``, ``gender_quotas``,
    ``questions``, ``min_age``, ``eligible_countries``, ``starts_at``, …).
    """
    starts_at = overrides.get("starts_at", now + timedelta(days=30))
    fields: dict[str, Any] = {
        "slug": f"{programme_slug}-{next(_serial)}",
        "title": {"en": "Summer school in Tbilisi", "ka": "საზაფხულო სკოლა თბილისში"},
        "description": {"en": "Workshops, field visits and a closing concert."},
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(days=5),
        "timezone": "Asia/Tbilisi",
        "venue": "Rustaveli Theatre",
        "city": "Tbilisi",
        "country": "GE",
        "capacity": 20,
    }
    fields.update(overrides)
    event = await create_event_use_case(
        session, now, SYSTEM, programme_slug, EventDraft.model_validate(fields)
    )
    if publish:
        event = await publish_event(session, now, SYSTEM, event.id)
    return event


async def create_participant(
    session: AsyncSession, now: datetime, **overrides: Any
) -> Participant:
    """A participant with a unique Telegram id, from Georgia, born in 2000, no gender given."""
    number = next(_serial)
    fields: dict[str, Any] = {
        "name": f"Participant {number}",
        "language": "en",
        "country": "GE",
        "gender": None,
        "birth_year": 2000,
        "telegram_user_id": 100_000 + number,
    }
    fields.update(overrides)
    return await save_participant(session, now, ParticipantDetails.model_validate(fields))
