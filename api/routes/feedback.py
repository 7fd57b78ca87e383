"""Feedback surveys: an event's setup, and the results per event and per programme, for
the organisers of the programme and admins."""

import dataclasses
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import NowDep, PrincipalDep, SessionDep
from events.feedback import results, settings
from events.inputs import Id

router = APIRouter(tags=["feedback"])


class SurveyOut(BaseModel):
    """``sent``: the survey went out to the attendees; from then on it cannot change."""

    event_id: int
    enabled: bool
    questions: list[str]
    anonymous: bool
    sent: bool

    @classmethod
    def of(cls, survey: settings.Survey) -> "SurveyOut":
        return cls(
            event_id=survey.event_id,
            enabled=survey.enabled,
            questions=list(survey.question_keys),
            anonymous=survey.anonymous,
            sent=survey.sent,
        )


@router.get("/events/{event_id}/survey")
async def get_survey(event_id: Id, session: SessionDep, viewer: PrincipalDep) -> SurveyOut:
    """The event's feedback survey (defaults: sent, anonymous, no extra questions)."""
    return SurveyOut.of(await settings.survey_of(session, viewer, event_id))


@router.put("/events/{event_id}/survey")
async def put_survey(
    event_id: Id,
    body: settings.SurveySetup,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
) -> SurveyOut:
    """Set whether the survey is sent when the event completes, up to two of the event's
    own questions (choice, yes_no or number) after the 1–5 rating, and whether answers
    are anonymous. 409 once the survey was sent."""
    return SurveyOut.of(await settings.set_survey(session, now, actor, event_id, body))


class QuestionResultOut(BaseModel):
    key: str
    kind: str
    prompt: dict[str, str]
    answered: int
    counts: dict[str, int]
    average: float | None


class CommentOut(BaseModel):
    text: str
    name: str | None


class RatingsOut(BaseModel):
    answered: int
    average: float | None
    distribution: dict[str, int]


class EventFeedbackOut(BaseModel):
    """``shown`` is false for an anonymous survey with fewer than three answers: then only
    the counts are given, so that nobody's answer can be recognised."""

    event_id: int
    event_slug: str
    starts_at: datetime
    anonymous: bool
    invited: int
    answered: int
    shown: bool
    ratings: RatingsOut | None
    questions: list[QuestionResultOut]
    comments: list[CommentOut]


class ProgrammeFeedbackOut(BaseModel):
    """Totals count the events whose results are shown."""

    slug: str
    invited: int
    answered: int
    ratings: RatingsOut
    events: list[EventFeedbackOut]


@router.get("/events/{event_id}/feedback")
async def event_feedback(
    event_id: Id, session: SessionDep, viewer: PrincipalDep
) -> EventFeedbackOut:
    found = await results.event_feedback(session, viewer, event_id)
    return EventFeedbackOut.model_validate(dataclasses.asdict(found))


@router.get("/programmes/{slug}/feedback")
async def programme_feedback(
    slug: str, session: SessionDep, viewer: PrincipalDep
) -> ProgrammeFeedbackOut:
    found = await results.programme_feedback(session, viewer, slug)
    return ProgrammeFeedbackOut.model_validate(dataclasses.asdict(found))
