"""Answering a survey in the bot: open it from its message, send the answers once, or
decline it. Every call names the invitation and is checked against the person asking,
so a forged or replayed button changes nothing.

What is answered and who answered are stored apart: the invitation records only that
the person answered; the answer (``FeedbackAnswer``) carries the person only when the
survey is not anonymous.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from events.errors import InvalidInput
from events.feedback.errors import SurveyAnswered, SurveyClosed, SurveyUnavailable
from events.feedback.settings import survey_questions, survey_row
from events.inputs import Question, clean_text
from events.models import Event, FeedbackAnswer, FeedbackInvitation
from events.outbox.queue import Kind, withdraw
from events.questions import normalise_answer

RATINGS = range(1, 6)
COMMENT_LIMIT = 1000


@dataclass(frozen=True)
class SurveyForm:
    """What the bot asks: the rating, then ``questions``, then a comment."""

    invitation_id: int
    event: Event
    questions: list[Question]
    anonymous: bool
    closes_at: datetime


@dataclass(frozen=True)
class SurveyResponse:
    rating: int
    # Question key → the answer as typed or pressed; skipped questions are left out.
    answers: Mapping[str, object]
    comment: str = ""


async def _open_invitation(
    session: AsyncSession, now: datetime, participant_id: int | None, invitation_id: int
) -> FeedbackInvitation:
    invitation = await session.get(FeedbackInvitation, invitation_id)
    if invitation is None or participant_id is None or invitation.participant_id != participant_id:
        raise SurveyUnavailable("there is no such survey for this person")
    if invitation.answered_at is not None or invitation.skipped_at is not None:
        raise SurveyAnswered("this survey was already answered or declined")
    if now >= invitation.closes_at:
        raise SurveyClosed("this survey is closed")
    return invitation


async def open_survey(
    session: AsyncSession, now: datetime, participant_id: int | None, invitation_id: int
) -> SurveyForm:
    """The survey of one invitation, for the person it was sent to. Raises
    ``SurveyUnavailable`` (not theirs, or no such survey), ``SurveyAnswered``,
    ``SurveyClosed``."""
    invitation = await _open_invitation(session, now, participant_id, invitation_id)
    event = await session.get(Event, invitation.event_id)
    if event is None:  # pragma: no cover - events are never deleted
        raise SurveyUnavailable("the event is gone")
    setup = await survey_row(session, event.id)
    return SurveyForm(
        invitation.id,
        event,
        survey_questions(event, setup.question_keys),
        invitation.anonymous,
        invitation.closes_at,
    )


def check_comment(text: str) -> str:
    """The comment as stored; ``InvalidInput`` when longer than ``COMMENT_LIMIT``."""
    comment = clean_text(text)
    if len(comment) > COMMENT_LIMIT:
        raise InvalidInput("comment", f"the comment is longer than {COMMENT_LIMIT} characters")
    return comment


def check_response(form: SurveyForm, response: SurveyResponse) -> FeedbackAnswer:
    """The answer row for a response (without id or person); ``InvalidInput`` names the
    first bad part."""
    if isinstance(response.rating, bool) or response.rating not in RATINGS:
        raise InvalidInput("rating", "the rating is a whole number from 1 to 5")
    asked = {question.key: question for question in form.questions}
    answers: dict[str, str | int | bool] = {}
    for key, raw in response.answers.items():
        question = asked.get(key)
        if question is None:
            raise InvalidInput(f"answers.{key}", "this survey has no such question")
        try:
            answers[key] = normalise_answer(question, raw)
        except ValueError as error:
            raise InvalidInput(f"answers.{key}", str(error)) from error
    return FeedbackAnswer(
        event_id=form.event.id,
        rating=response.rating,
        answers=answers,
        comment=check_comment(response.comment),
    )


async def submit_answer(
    session: AsyncSession,
    now: datetime,
    participant_id: int | None,
    invitation_id: int,
    response: SurveyResponse,
) -> None:
    """Store a person's answer to their survey, once, and drop its pending reminder.
    Raises what ``open_survey`` raises, and ``InvalidInput`` for a bad answer (nothing is
    stored then)."""
    form = await open_survey(session, now, participant_id, invitation_id)
    answer = check_response(form, response)
    await _settle(session, now, invitation_id, answered=True)
    answer.id = secrets.token_hex(16)
    answer.participant_id = None if form.anonymous else participant_id
    session.add(answer)
    await _drop_reminder(session, form.event.id, participant_id)
    await session.commit()


async def decline_survey(
    session: AsyncSession, now: datetime, participant_id: int | None, invitation_id: int
) -> None:
    """The person would rather not answer: no reminder, and the survey's buttons stop
    working. Raises what ``open_survey`` raises."""
    invitation = await _open_invitation(session, now, participant_id, invitation_id)
    await _settle(session, now, invitation.id, answered=False)
    await _drop_reminder(session, invitation.event_id, participant_id)
    await session.commit()


async def _settle(
    session: AsyncSession, now: datetime, invitation_id: int, *, answered: bool
) -> None:
    """Mark the invitation answered or declined, unless a concurrent press did first."""
    values = {"answered_at": now} if answered else {"skipped_at": now}
    result = await session.execute(
        update(FeedbackInvitation)
        .where(
            FeedbackInvitation.id == invitation_id,
            FeedbackInvitation.answered_at.is_(None),
            FeedbackInvitation.skipped_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        await session.rollback()
        raise SurveyAnswered("this survey was already answered or declined")


async def _drop_reminder(session: AsyncSession, event_id: int, participant_id: int | None) -> None:
    await withdraw(
        session,
        event_id=event_id,
        participant_id=participant_id,
        kinds=[Kind.FEEDBACK, Kind.FEEDBACK_REMINDER],
    )
