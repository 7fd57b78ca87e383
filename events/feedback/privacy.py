"""A person's survey answers in /mydata, and what /forget does to them.

/forget keeps the numbers without the person: a non-anonymous answer loses its link to
them and its comment (free text may name or describe them), and keeps its rating and
answers to the organisers' questions (a choice, yes/no or a number: about the event, not
the person). The event's results stay as they were, as registrations' counts do. An
anonymous answer was never linked, so nothing about it changes and nothing can link it.
"""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from events.models import Event, FeedbackAnswer, FeedbackInvitation


@dataclass(frozen=True)
class OwnFeedback:
    event: Event
    # Only for a survey that is not anonymous: an anonymous answer cannot be found again.
    answer: FeedbackAnswer | None


async def own_feedback(session: AsyncSession, participant_id: int) -> list[OwnFeedback]:
    """The surveys the person answered, oldest event first, with their answer when it
    is linked to them."""
    rows = await session.execute(
        select(Event, FeedbackInvitation)
        .join(FeedbackInvitation, FeedbackInvitation.event_id == Event.id)
        .where(
            FeedbackInvitation.participant_id == participant_id,
            FeedbackInvitation.answered_at.is_not(None),
        )
        .order_by(Event.starts_at, Event.id)
    )
    found = []
    for event, invitation in rows:
        answer = (
            None
            if invitation.anonymous
            else await session.scalar(
                select(FeedbackAnswer).where(
                    FeedbackAnswer.event_id == event.id,
                    FeedbackAnswer.participant_id == participant_id,
                )
            )
        )
        found.append(OwnFeedback(event, answer))
    return found


async def forget_answers(session: AsyncSession, participant_id: int) -> None:
    """Unlink a person's named answers and drop their comments (not committed)."""
    await session.execute(
        update(FeedbackAnswer)
        .where(FeedbackAnswer.participant_id == participant_id)
        .values(participant_id=None, comment="")
        .execution_options(synchronize_session=False)
    )
