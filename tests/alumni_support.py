"""Building alumni for tests through the use cases: past editions, imported alumni who
confirm in the bot, attendees of an event that completes."""

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.alumni.imports import import_alumni
from events.alumni.invitations import Account, settle_invitations
from events.models import Event, Participant
from events.participants import find_by_telegram_id
from tests.factories import create_event

_telegram_ids = itertools.count(9_300_001)


def next_telegram_id() -> int:
    return next(_telegram_ids)


async def past_edition(
    session: AsyncSession, now: datetime, programme_slug: str, **overrides: Any
) -> Event:
    """A published edition of the programme that ended a month ago."""
    starts_at = now - timedelta(days=40)
    fields: dict[str, Any] = {"starts_at": starts_at, "ends_at": starts_at + timedelta(days=5)}
    return await create_event(session, now, programme_slug, **(fields | overrides))


@dataclass(frozen=True)
class Alumnus:
    participant_id: int
    telegram_user_id: int
    name: str


async def confirmed_alumnus(
    session: AsyncSession,
    now: datetime,
    editions: list[tuple[str, Event]],
    name: str,
    language: str = "en",
    telegram_user_id: int | None = None,
) -> Alumnus:
    """Someone an organiser imported for these editions (programme slug, edition), who
    confirmed in the bot."""
    telegram_user_id = telegram_user_id or next_telegram_id()
    for slug in dict.fromkeys(slug for slug, _ in editions):
        lines = ["name,telegram,edition"]
        lines += [f"{name},{telegram_user_id},{e.slug}" for s, e in editions if s == slug]
        await import_alumni(session, now, SYSTEM, slug, "\n".join(lines))
    account = Account(telegram_user_id, None)
    await settle_invitations(session, now, account, confirm=True, language=language)
    participant: Participant | None = await find_by_telegram_id(session, telegram_user_id)
    assert participant is not None
    return Alumnus(participant.id, telegram_user_id, name)
