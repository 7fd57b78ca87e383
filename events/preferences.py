"""What a participant chooses about the messages they get: the language they read,
and whether they get any at all (blocking the bot says no, writing to it again yes)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.languages import Language
from events.models import Participant
from events.outbox.delivery import mark_blocked


async def set_language(
    session: AsyncSession, now: datetime, participant: Participant, language: Language
) -> None:
    """Remember the language a participant reads; reminders follow it."""
    participant.language = language
    participant.updated_at = now
    await session.commit()


async def set_reachable(
    session: AsyncSession, now: datetime, telegram_user_id: int, reachable: bool
) -> None:
    """Record that a person blocked the bot (Telegram answers 403 or says so) or wrote to
    it again. Blocked, their pending messages are dropped: nothing could deliver them."""
    participant = await session.scalar(
        select(Participant).where(Participant.telegram_user_id == telegram_user_id)
    )
    if participant is not None and not reachable:
        await mark_blocked(session, now, participant.id)
    elif participant is not None and not participant.is_reachable:
        participant.is_reachable = True
        participant.updated_at = now
    await session.commit()
