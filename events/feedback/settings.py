"""How an event's survey is set up: whether it is sent, up to two of the event's own
questions after the rating, and whether answers are anonymous.

Defaults (an event without a row): sent, anonymous, no extra questions. Sending is the
default because hearing from participants is how the programmes are judged, and a survey
nobody switched on is a survey nobody gets; anonymity is the default because people
from both sides of a conflict answer more freely when no answer carries their name, and
a named survey should be a deliberate choice of the organisers.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictBool, StringConstraints
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.audit import record
from events.enums import QuestionKind
from events.errors import InvalidInput, NotFound
from events.feedback.errors import SurveyFrozen
from events.inputs import Question, Strict
from events.models import Event, FeedbackInvitation, FeedbackSurvey
from events.principals import Principal
from events.questions import questions_of

MAX_QUESTIONS = 2
# Kinds answered with a button or a number: a second free text beside the comment would
# only add another way to recognise the author of an anonymous answer.
SURVEY_KINDS = (QuestionKind.CHOICE, QuestionKind.YES_NO, QuestionKind.NUMBER)

QuestionKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]


class SurveySetup(Strict):
    """An event's feedback survey as organisers set it."""

    rules_not_in_schema = {
        "questions.*": "names one of the event's own questions, of kind choice, yes_no or "
        "number, not chosen before it in the list",
    }
    schema_examples = ({"enabled": True, "questions": ["track"], "anonymous": True},)

    enabled: StrictBool = True
    questions: list[QuestionKey] = Field(default_factory=list, max_length=MAX_QUESTIONS)
    anonymous: StrictBool = True


@dataclass(frozen=True)
class Survey:
    """An event's survey as it stands, and whether it can still change."""

    event_id: int
    enabled: bool
    question_keys: tuple[str, ...]
    anonymous: bool
    sent: bool


def defaults(event_id: int) -> FeedbackSurvey:
    return FeedbackSurvey(event_id=event_id, enabled=True, question_keys=[], anonymous=True)


async def survey_row(session: AsyncSession, event_id: int) -> FeedbackSurvey:
    """The stored setup, or the defaults (not added to the session)."""
    return await session.get(FeedbackSurvey, event_id) or defaults(event_id)


async def was_sent(session: AsyncSession, event_id: int) -> bool:
    count = await session.scalar(
        select(func.count())
        .select_from(FeedbackInvitation)
        .where(FeedbackInvitation.event_id == event_id)
    )
    return bool(count)


async def managed_event(session: AsyncSession, viewer: Principal, event_id: int) -> Event:
    """An event whose programme the viewer manages (``NotFound``, ``Forbidden``)."""
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound("event", event_id)
    viewer.ensure_manages(event.programme_id)
    return event


async def survey_of(session: AsyncSession, viewer: Principal, event_id: int) -> Survey:
    """The event's survey setup, for the organisers of its programme (``NotFound``,
    ``Forbidden``)."""
    event = await managed_event(session, viewer, event_id)
    row = await survey_row(session, event.id)
    return _survey(row, await was_sent(session, event.id))


def _survey(row: FeedbackSurvey, sent: bool) -> Survey:
    return Survey(row.event_id, row.enabled, tuple(row.question_keys), row.anonymous, sent)


def survey_questions(event: Event, keys: list[str] | tuple[str, ...]) -> list[Question]:
    """The event's own questions named by ``keys``, in that order (unknown keys left out:
    the event's questions cannot change once it completed, but be safe)."""
    by_key = {question.key: question for question in questions_of(event.questions)}
    return [by_key[key] for key in keys if key in by_key]


def _check_questions(event: Event, keys: list[str]) -> None:
    by_key = {question.key: question for question in questions_of(event.questions)}
    for index, key in enumerate(keys):
        field = f"questions.{index}"
        if key in keys[:index]:
            raise InvalidInput(field, "this question is already chosen")
        question = by_key.get(key)
        if question is None:
            raise InvalidInput(field, f"the event has no question {key!r}")
        if question.kind not in SURVEY_KINDS:
            raise InvalidInput(
                field,
                f"a {question.kind.value} question cannot be asked in a survey; "
                "choose a choice, yes_no or number question",
            )


async def set_survey(
    session: AsyncSession, now: datetime, actor: Principal, event_id: int, setup: SurveySetup
) -> Survey:
    """Set an event's survey (its programme's organisers: ``NotFound``, ``Forbidden``).
    ``InvalidInput`` names a bad question (``questions.<i>``); ``SurveyFrozen`` once the
    first survey was queued."""
    event = await managed_event(session, actor, event_id)
    _check_questions(event, setup.questions)
    if await was_sent(session, event.id):
        raise SurveyFrozen(
            "the survey was already sent to participants; its questions and anonymity "
            "cannot change any more"
        )
    row = await session.get(FeedbackSurvey, event.id)
    if row is None:
        row = defaults(event.id)
        session.add(row)
    row.enabled = setup.enabled
    row.question_keys = list(setup.questions)
    row.anonymous = setup.anonymous
    row.updated_at = now
    await record(
        session,
        now,
        actor,
        "feedback.setup",
        "event",
        event.id,
        programme_id=event.programme_id,
        details={"enabled": setup.enabled, "anonymous": setup.anonymous},
    )
    await session.commit()
    return _survey(row, False)
