"""The secret in the URL of a participant's personal calendar feed.

A token is 256 random bits (``secrets.token_urlsafe(32)``, 43 characters). It is
stored as it is, unique, rather than hashed like API tokens, because the person must
be able to see their subscription link again whenever they ask the bot: a hashed
token could only be shown by replacing it, which would break the calendars already
subscribed. What the token opens is read-only and is the person's own registrations,
which anyone able to read the table could read directly anyway. Rotating replaces it:
the old URL answers 404 from then on. Erasing the person removes it.
"""

import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.errors import NotFound, ParticipantErased
from events.models import Participant

TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


async def _participant(session: AsyncSession, participant_id: int) -> Participant:
    participant = await session.get(Participant, participant_id, populate_existing=True)
    if participant is None:
        raise NotFound("participant", participant_id)
    if participant.erased_at is not None:
        raise ParticipantErased("this participant's data was erased")
    return participant


async def personal_feed_token(session: AsyncSession, now: datetime, participant_id: int) -> str:
    """The participant's feed token, created on first use.

    Raises ``NotFound`` or ``ParticipantErased``.
    """
    participant = await _participant(session, participant_id)
    if participant.calendar_token is None:
        participant.calendar_token = new_token()
        participant.updated_at = now
        await session.commit()
    return participant.calendar_token


async def rotate_personal_feed_token(
    session: AsyncSession, now: datetime, participant_id: int
) -> str:
    """Replace the participant's feed token; the previous feed URL stops working."""
    participant = await _participant(session, participant_id)
    participant.calendar_token = new_token()
    participant.updated_at = now
    await session.commit()
    return participant.calendar_token


async def participant_by_token(session: AsyncSession, token: str) -> Participant | None:
    """The (not erased) participant whose feed this token opens, if any."""
    if not _TOKEN_SHAPE.fullmatch(token):
        return None
    return await session.scalar(
        select(Participant).where(
            Participant.calendar_token == token, Participant.erased_at.is_(None)
        )
    )
