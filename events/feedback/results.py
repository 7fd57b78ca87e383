"""What organisers see of a survey: counts, the rating's average and distribution, the
answers to their questions, and comments.

An anonymous survey with fewer than ``ANONYMOUS_MINIMUM`` answers shows only how many
were invited and how many answered: with one or two answers an average, a tally or a
comment points at a person the organisers know answered (they met everyone who came).
The same holds for each question of an anonymous survey (people may skip one): with fewer
than ``ANONYMOUS_MINIMUM`` answers to it, only how many answered it is shown. A
programme's totals count only the events whose results are shown, so that a hidden
answer cannot be worked out by subtracting the others.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.enums import PublicationStatus, QuestionKind
from events.feedback.settings import managed_event, survey_questions, survey_row
from events.models import Event, FeedbackAnswer, FeedbackInvitation, Participant
from events.principals import Principal
from events.programmes import get_programme

ANONYMOUS_MINIMUM = 3


@dataclass(frozen=True)
class QuestionResult:
    key: str
    kind: str
    # The question's prompt per language, as the event has it.
    prompt: dict[str, str]
    answered: int
    # Choice key, "yes"/"no", or the number written → how many gave it.
    counts: dict[str, int]
    average: float | None


@dataclass(frozen=True)
class Comment:
    text: str
    # Only for a survey that is not anonymous, while the person is not erased.
    name: str | None


@dataclass(frozen=True)
class Ratings:
    answered: int
    average: float | None
    # "1".."5" → how many gave it.
    distribution: dict[str, int]

    @classmethod
    def of(cls, ratings: list[int]) -> "Ratings":
        counts = Counter(ratings)
        average = round(sum(ratings) / len(ratings), 2) if ratings else None
        return cls(len(ratings), average, {str(n): counts.get(n, 0) for n in range(1, 6)})


@dataclass(frozen=True)
class EventFeedback:
    event_id: int
    event_slug: str
    starts_at: datetime
    anonymous: bool
    invited: int
    answered: int
    # False: an anonymous survey below the threshold; nothing but the counts is shown.
    shown: bool
    ratings: Ratings | None
    questions: list[QuestionResult] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


@dataclass(frozen=True)
class ProgrammeFeedback:
    slug: str
    invited: int
    answered: int
    # Over the events whose results are shown.
    ratings: Ratings
    events: list[EventFeedback]


def _answer_key(kind: str, value: object) -> str:
    if kind == QuestionKind.YES_NO:
        return "yes" if value is True else "no"
    return str(value)


def _question_results(
    event: Event, keys: list[str], rows: list[FeedbackAnswer], anonymous: bool
) -> list[QuestionResult]:
    results = []
    for question in survey_questions(event, keys):
        values = [row.answers[question.key] for row in rows if question.key in row.answers]
        if anonymous and len(values) < ANONYMOUS_MINIMUM:
            # Others skipped it: the few who answered would be as good as named.
            values_shown: list[object] = []
        else:
            values_shown = list(values)
        answered = len(values)
        values = values_shown
        counts = Counter(_answer_key(question.kind, value) for value in values)
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        average = (
            round(sum(numbers) / len(numbers), 2)
            if question.kind == QuestionKind.NUMBER and numbers
            else None
        )
        if question.kind == QuestionKind.CHOICE:
            ordered = {choice.key: counts.get(choice.key, 0) for choice in question.choices}
        elif question.kind == QuestionKind.YES_NO:
            ordered = {"yes": counts.get("yes", 0), "no": counts.get("no", 0)}
        else:
            ordered = dict(sorted(counts.items(), key=lambda item: int(item[0])))
        results.append(
            QuestionResult(
                question.key,
                question.kind.value,
                dict(question.prompt),
                answered,
                ordered if values or not anonymous else {},
                average,
            )
        )
    return results


async def _invited(session: AsyncSession, event_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(FeedbackInvitation)
        .where(FeedbackInvitation.event_id == event_id)
    )
    return int(count or 0)


async def _comments(session: AsyncSession, rows: list[FeedbackAnswer]) -> list[Comment]:
    named = {row.participant_id for row in rows if row.participant_id is not None}
    names = (
        dict(
            (
                await session.execute(
                    select(Participant.id, Participant.name).where(
                        Participant.id.in_(sorted(named)), Participant.erased_at.is_(None)
                    )
                )
            ).all()
        )
        if named
        else {}
    )
    return [
        Comment(row.comment, names.get(row.participant_id) if row.participant_id else None)
        for row in rows
        if row.comment
    ]


async def _event_feedback(session: AsyncSession, event: Event) -> tuple[EventFeedback, list[int]]:
    """An event's results, and the ratings that count towards its programme's totals."""
    setup = await survey_row(session, event.id)
    invited = await _invited(session, event.id)
    # Ordered by the random id: the order says nothing about who answered when.
    rows = list(
        await session.scalars(
            select(FeedbackAnswer)
            .where(FeedbackAnswer.event_id == event.id)
            .order_by(FeedbackAnswer.id)
        )
    )
    shown = not setup.anonymous or len(rows) >= ANONYMOUS_MINIMUM
    base = EventFeedback(
        event.id, event.slug, event.starts_at, setup.anonymous, invited, len(rows), shown, None
    )
    if not shown:
        return base, []
    ratings = [row.rating for row in rows]
    return (
        EventFeedback(
            event.id,
            event.slug,
            event.starts_at,
            setup.anonymous,
            invited,
            len(rows),
            True,
            Ratings.of(ratings),
            _question_results(event, list(setup.question_keys), rows, setup.anonymous),
            await _comments(session, rows),
        ),
        ratings,
    )


async def event_feedback(session: AsyncSession, viewer: Principal, event_id: int) -> EventFeedback:
    """An event's survey results, for its programme's organisers and admins (``NotFound``,
    ``Forbidden``)."""
    event = await managed_event(session, viewer, event_id)
    found, _ratings = await _event_feedback(session, event)
    return found


async def programme_feedback(
    session: AsyncSession, viewer: Principal, slug: str
) -> ProgrammeFeedback:
    """Every surveyed event of a programme, oldest first, and totals over those whose
    results are shown. For its organisers and admins (``NotFound``, ``Forbidden``)."""
    programme = await get_programme(session, slug)
    viewer.ensure_manages(programme.id)
    events = await session.scalars(
        select(Event)
        .where(
            Event.programme_id == programme.id,
            Event.id.in_(select(FeedbackInvitation.event_id).distinct()),
        )
        .order_by(Event.starts_at, Event.id)
    )
    results: list[EventFeedback] = []
    ratings: list[int] = []
    for event in events:
        found, counted = await _event_feedback(session, event)
        results.append(found)
        ratings += counted
    return ProgrammeFeedback(
        programme.slug,
        sum(found.invited for found in results),
        sum(found.answered for found in results),
        Ratings.of(ratings),
        results,
    )


# Surveys are summed up in /stats for this long after they were sent.
RECENT_SURVEYS_DAYS = 60


async def recent_feedback(
    session: AsyncSession, viewer: Principal, now: datetime
) -> list[tuple[Event, EventFeedback]]:
    """The results of the surveys of the viewer's completed events sent in the last
    ``RECENT_SURVEYS_DAYS`` days, newest first (for /stats)."""
    since = now - timedelta(days=RECENT_SURVEYS_DAYS)
    events = await session.scalars(
        select(Event)
        .where(
            Event.status == PublicationStatus.COMPLETED,
            Event.id.in_(
                select(FeedbackInvitation.event_id)
                .where(FeedbackInvitation.created_at >= since)
                .distinct()
            ),
        )
        .order_by(Event.starts_at.desc(), Event.id)
    )
    found = []
    for event in events:
        if viewer.can_manage(event.programme_id):
            result, _ratings = await _event_feedback(session, event)
            found.append((event, result))
    return found
