"""Asking the people who attended: when an event completes, each of them is invited once
and the survey and its reminder are queued in the outbox.

"Once" holds twice over: an invitation is unique per event and person (a second run
inserts nothing), and each outbox row has a dedupe key of the event and the person. The
reminder is queued at the same time, due three days later; at its turn it is sent only
if the person has neither answered nor declined (``events.feedback.notices``).
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.dialects import insert_for
from events.enums import RegistrationStatus
from events.feedback.settings import survey_row
from events.models import Event, FeedbackInvitation, Participant, Registration
from events.outbox.queue import Kind, Message, enqueue

REMINDER_AFTER = timedelta(days=3)
# Long enough for people back from a week away; short enough that answers are still
# about this edition and not the next.
OPEN_FOR = timedelta(days=30)


def survey_key(event_id: int, participant_id: int) -> str:
    return f"feedback:{event_id}:{participant_id}"


def reminder_key(event_id: int, participant_id: int) -> str:
    return f"feedback-reminder:{event_id}:{participant_id}"


async def invite_attendees(session: AsyncSession, now: datetime, event: Event) -> int:
    """Invite everyone who attended ``event`` to its survey, if it is sent, and queue the
    survey and its reminder (not committed: called by ``complete_past_events`` in the
    transaction that completes the event). People erased or who blocked the bot are not
    asked. Returns how many were invited (or offered, where the driver does not count)."""
    if not (await survey_row(session, event.id)).enabled:
        return 0
    rows = await session.execute(
        select(Registration.id, Participant.id)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.ATTENDED,
            Participant.erased_at.is_(None),
            Participant.is_reachable.is_(True),
            Participant.telegram_user_id.is_not(None),
        )
        .order_by(Registration.id)
    )
    attendees = [(registration_id, participant_id) for registration_id, participant_id in rows]
    if not attendees:
        return 0
    invitations = await record_invitations(
        session, now, event, [participant_id for _registration_id, participant_id in attendees]
    )
    messages = []
    for registration_id, participant_id in attendees:
        invitation_id = invitations.get(participant_id)
        if invitation_id is None:  # pragma: no cover - inserted just above
            continue
        for kind, key, due_at in (
            (Kind.FEEDBACK, survey_key(event.id, participant_id), now),
            (Kind.FEEDBACK_REMINDER, reminder_key(event.id, participant_id), now + REMINDER_AFTER),
        ):
            messages.append(
                Message(
                    participant_id=participant_id,
                    kind=kind,
                    dedupe_key=key,
                    params={"invitation_id": invitation_id},
                    event_id=event.id,
                    registration_id=registration_id,
                    due_at=due_at,
                )
            )
    return await enqueue(session, now, messages)


async def record_invitations(
    session: AsyncSession, now: datetime, event: Event, participant_ids: list[int]
) -> dict[int, int]:
    """Record that these people are asked about ``event`` (not committed; someone asked
    already is left as they are), with the survey's anonymity of now. Returns every
    invitation of the event: person → invitation id."""
    survey = await survey_row(session, event.id)
    statement = insert_for(session, FeedbackInvitation).on_conflict_do_nothing(
        index_elements=["event_id", "participant_id"]
    )
    if participant_ids:
        await session.execute(
            statement,
            [
                {
                    "event_id": event.id,
                    "participant_id": participant_id,
                    "anonymous": survey.anonymous,
                    "created_at": now,
                    "closes_at": now + OPEN_FOR,
                }
                for participant_id in participant_ids
            ],
        )
    rows = await session.execute(
        select(FeedbackInvitation.participant_id, FeedbackInvitation.id).where(
            FeedbackInvitation.event_id == event.id
        )
    )
    found: dict[int, int] = {}
    for participant_id, invitation_id in rows:
        found[participant_id] = invitation_id
    return found
