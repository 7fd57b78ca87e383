"""Whether a queued survey or reminder still holds when its turn comes: the person has
neither answered nor declined, and the survey is still open."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from events.models import FeedbackInvitation


@dataclass(frozen=True)
class SurveyNotice:
    invitation_id: int
    anonymous: bool
    closes_at: datetime
    reminder: bool


async def survey_notice(
    session: AsyncSession, now: datetime, invitation_id: object, *, reminder: bool
) -> SurveyNotice | str:
    """The notice to render, or why it no longer holds."""
    invitation = (
        await session.get(FeedbackInvitation, invitation_id)
        if isinstance(invitation_id, int)
        else None
    )
    if invitation is None:
        return "the survey is gone"
    if invitation.answered_at is not None:
        return "the survey was answered"
    if invitation.skipped_at is not None:
        return "the survey was declined"
    if now >= invitation.closes_at:
        return "the survey is closed"
    return SurveyNotice(invitation.id, invitation.anonymous, invitation.closes_at, reminder)
