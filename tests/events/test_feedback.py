"""Feedback surveys' use cases on SQLite and PostgreSQL: setup rules, one survey and one
reminder per person however often completion runs, answering once, anonymity (nothing
links an anonymous answer to its author), the results' threshold, and /forget."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM, create_token, principal_of_token
from events.editions import complete_past_events
from events.enums import Role
from events.errors import Forbidden, InvalidInput
from events.feedback.answers import (
    COMMENT_LIMIT,
    SurveyResponse,
    decline_survey,
    open_survey,
    submit_answer,
)
from events.feedback.errors import SurveyAnswered, SurveyClosed, SurveyFrozen, SurveyUnavailable
from events.feedback.invitations import OPEN_FOR, REMINDER_AFTER, invite_attendees
from events.feedback.privacy import own_feedback
from events.feedback.results import ANONYMOUS_MINIMUM, event_feedback, programme_feedback
from events.feedback.settings import SurveySetup, set_survey, survey_of
from events.models import (
    Base,
    FeedbackAnswer,
    FeedbackInvitation,
    OutboxMessage,
    Participant,
)
from events.outbox.delivery import claim_due
from events.outbox.queue import Kind
from events.outbox.verdicts import Obsolete, Ready, examine
from events.participants import erase_participant
from tests.factories import create_participant, create_programme
from tests.feedback_support import attended_event

NAMED = SurveySetup(questions=["track", "nights"], anonymous=False)
ANONYMOUS = SurveySetup(questions=["track"], anonymous=True)


async def _invitation(session: AsyncSession, event_id: int, participant_id: int) -> int:
    found = await session.scalar(
        select(FeedbackInvitation.id).where(
            FeedbackInvitation.event_id == event_id,
            FeedbackInvitation.participant_id == participant_id,
        )
    )
    assert found is not None
    return found


async def _survey_rows(session: AsyncSession, event_id: int) -> list[OutboxMessage]:
    rows = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.event_id == event_id,
            OutboxMessage.kind.in_([Kind.FEEDBACK, Kind.FEEDBACK_REMINDER]),
        )
        .order_by(OutboxMessage.id)
    )
    return list(rows)


async def test_attendees_get_one_survey_and_one_reminder_however_often_completion_runs(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    blocked = await create_participant(session, now)
    blocked_id = blocked.id
    erased = (await create_participant(session, now)).id
    people = [(await create_participant(session, now)).id for _ in range(2)]
    found = await attended_event(
        session, now, "school", people=[*people, blocked_id, erased], complete=False
    )
    event_id = found.event.id
    blocked.is_reachable = False
    await session.commit()
    await erase_participant(session, now, None, erased)
    assert await complete_past_events(session, found.completed_at) == 1
    # A second run, a run after a restart, and the invitation step again: nothing new.
    assert await complete_past_events(session, found.completed_at + timedelta(hours=1)) == 0
    event = await session.get(type(found.event), event_id)
    assert event is not None
    await invite_attendees(session, found.completed_at, event)
    await session.commit()

    invited = list(
        await session.scalars(
            select(FeedbackInvitation.participant_id).where(
                FeedbackInvitation.event_id == event_id
            )
        )
    )
    # The absent, the one who blocked the bot and the erased are not asked.
    assert sorted(invited) == sorted(people)
    rows = await _survey_rows(session, event_id)
    assert sorted((row.participant_id, row.kind) for row in rows) == sorted(
        (person, kind) for person in people for kind in (Kind.FEEDBACK, Kind.FEEDBACK_REMINDER)
    )
    due = {(row.kind, row.due_at) for row in rows}
    assert due == {
        (Kind.FEEDBACK, found.completed_at),
        (Kind.FEEDBACK_REMINDER, found.completed_at + REMINDER_AFTER),
    }


async def test_the_reminder_goes_after_three_days_only_to_those_who_did_not_answer(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    found = await attended_event(session, now, "school", attendees=3, setup=NAMED)
    answers, declines, silent = found.attended
    sent_at = found.completed_at
    event_id = found.event.id

    surveys = await claim_due(session, sent_at, 100)
    assert sorted(c.participant_id for c in surveys if c.event_id == event_id) == sorted(
        found.attended
    )
    for claimed in surveys:
        verdict = await examine(session, sent_at, claimed)
        assert isinstance(verdict, Ready)
        assert verdict.survey is not None
        assert (verdict.survey.reminder, verdict.survey.anonymous) == (False, False)
    later = sent_at + timedelta(hours=1)
    await submit_answer(
        session,
        later,
        answers,
        await _invitation(session, event_id, answers),
        SurveyResponse(4, {}),
    )
    await decline_survey(session, later, declines, await _invitation(session, event_id, declines))

    # Nothing more is due before three days have passed; then only the silent one's.
    assert [
        c
        for c in await claim_due(session, sent_at + REMINDER_AFTER - timedelta(minutes=1), 100)
        if c.event_id == event_id
    ] == []
    reminders = [
        c
        for c in await claim_due(session, sent_at + REMINDER_AFTER, 100)
        if c.event_id == event_id
    ]
    assert [(c.participant_id, c.kind) for c in reminders] == [(silent, Kind.FEEDBACK_REMINDER)]
    verdict = await examine(session, sent_at + REMINDER_AFTER, reminders[0])
    assert isinstance(verdict, Ready)
    assert verdict.survey is not None
    assert verdict.survey.reminder
    # Had they answered meanwhile, the reminder would not go.
    await submit_answer(
        session,
        sent_at + REMINDER_AFTER,
        silent,
        await _invitation(session, event_id, silent),
        SurveyResponse(2, {}),
    )
    assert isinstance(await examine(session, sent_at + REMINDER_AFTER, reminders[0]), Obsolete)


async def test_an_answer_is_taken_once_checked_and_only_from_its_own_person(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    found = await attended_event(session, now, "school", attendees=2, setup=NAMED)
    ani, aram = found.attended
    event_id = found.event.id
    at = found.completed_at + timedelta(hours=1)
    mine = await _invitation(session, event_id, ani)

    with pytest.raises(SurveyUnavailable):  # someone else's button
        await open_survey(session, at, aram, mine)
    with pytest.raises(SurveyUnavailable):
        await submit_answer(session, at, None, mine, SurveyResponse(5, {}))
    with pytest.raises(SurveyUnavailable):
        await open_survey(session, at, ani, 2**31 - 1)
    form = await open_survey(session, at, ani, mine)
    assert [q.key for q in form.questions] == ["track", "nights"]
    bad = [
        (SurveyResponse(0, {}), "rating"),
        (SurveyResponse(6, {}), "rating"),
        (SurveyResponse(3, {"track": "sports"}), "answers.track"),
        (SurveyResponse(3, {"nights": "11"}), "answers.nights"),
        (SurveyResponse(3, {"visa": "yes"}), "answers.visa"),
        (SurveyResponse(3, {}, "x" * (COMMENT_LIMIT + 1)), "comment"),
    ]
    for response, field in bad:
        with pytest.raises(InvalidInput) as refused:
            await submit_answer(session, at, ani, mine, response)
        assert refused.value.field == field
    assert await session.scalar(select(func.count()).select_from(FeedbackAnswer)) == 0

    good = SurveyResponse(5, {"track": "culture", "nights": "4"}, "  Thank <you>  ")
    await submit_answer(session, at, ani, mine, good)
    with pytest.raises(SurveyAnswered):
        await submit_answer(session, at, ani, mine, good)
    with pytest.raises(SurveyAnswered):
        await decline_survey(session, at, ani, mine)
    [stored] = await session.scalars(select(FeedbackAnswer))
    assert (stored.participant_id, stored.rating, stored.answers, stored.comment) == (
        ani,
        5,
        {"track": "culture", "nights": 4},
        "Thank <you>",
    )
    # The survey closes after OPEN_FOR.
    other = await _invitation(session, event_id, aram)
    with pytest.raises(SurveyClosed):
        await submit_answer(
            session, found.completed_at + OPEN_FOR, aram, other, SurveyResponse(3, {})
        )


def test_nothing_in_an_answer_row_can_lead_to_its_author() -> None:
    """Apart from the person (kept only when not anonymous), an answer has no time, no
    sequence and no reference to an invitation, registration or outbox row."""
    table = Base.metadata.tables["feedback_answers"]
    assert set(table.columns.keys()) == {
        "id",
        "event_id",
        "participant_id",
        "rating",
        "answers",
        "comment",
    }
    assert {fk.column.table.name for fk in table.foreign_keys} == {"events", "participants"}
    assert str(table.c.id.type).startswith("VARCHAR")


async def test_anonymous_answers_are_not_linked_and_results_wait_for_enough_answers(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    found = await attended_event(
        session, now, "school", attendees=ANONYMOUS_MINIMUM + 1, setup=ANONYMOUS
    )
    event_id = found.event.id
    at = found.completed_at + timedelta(hours=1)
    ratings = [5, 4, 2]
    for person, rating in zip(found.attended, ratings, strict=False):
        invitation = await _invitation(session, event_id, person)
        if rating != 2:
            response = SurveyResponse(rating, {"track": "economy"}, f"Comment {rating}")
            await submit_answer(session, at, person, invitation, response)
    rows = list(await session.scalars(select(FeedbackAnswer)))
    assert [row.participant_id for row in rows] == [None, None]
    # Who answered is known (for "once" and the reminder), what they answered is not.
    assert (
        await session.scalar(
            select(func.count())
            .select_from(FeedbackInvitation)
            .where(FeedbackInvitation.answered_at.is_not(None))
        )
        == 2
    )

    below = await event_feedback(session, SYSTEM, event_id)
    assert (below.invited, below.answered, below.shown) == (ANONYMOUS_MINIMUM + 1, 2, False)
    assert (below.ratings, below.questions, below.comments) == (None, [], [])
    programme = await programme_feedback(session, SYSTEM, "school")
    # Hidden results do not leak into the programme's totals either.
    assert (programme.answered, programme.ratings.answered) == (2, 0)

    third = found.attended[2]
    response = SurveyResponse(2, {}, "Comment 2")
    await submit_answer(session, at, third, await _invitation(session, event_id, third), response)
    shown = await event_feedback(session, SYSTEM, event_id)
    assert shown.shown
    assert shown.ratings is not None
    assert shown.ratings.average == round(11 / 3, 2)
    assert shown.ratings.distribution == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    [track] = shown.questions
    # Only two answered the question (the third skipped it): how they answered stays hidden.
    assert (track.answered, track.counts, track.average) == (2, {}, None)
    assert sorted(c.text for c in shown.comments) == ["Comment 2", "Comment 4", "Comment 5"]
    assert {c.name for c in shown.comments} == {None}
    programme = await programme_feedback(session, SYSTEM, "school")
    assert programme.ratings.distribution == shown.ratings.distribution


async def test_named_answers_show_names_and_forget_keeps_the_numbers_only(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    named = await attended_event(session, now, "school", attendees=1, setup=NAMED)
    [ani] = named.attended
    named_id = named.event.id
    at = named.completed_at + timedelta(hours=1)
    response = SurveyResponse(4, {"track": "economy", "nights": 3}, "Great <b>week</b>")
    await submit_answer(session, at, ani, await _invitation(session, named_id, ani), response)
    anonymous = await attended_event(session, now, "school", people=[ani], setup=ANONYMOUS)
    anonymous_id = anonymous.event.id
    secret = SurveyResponse(1, {}, "Private words")
    invitation = await _invitation(session, anonymous_id, ani)
    await submit_answer(session, at, ani, invitation, secret)

    person = await session.get(Participant, ani)
    assert person is not None
    results = await event_feedback(session, SYSTEM, named_id)
    assert results.shown  # named: shown from the first answer
    assert [(c.text, c.name) for c in results.comments] == [("Great <b>week</b>", person.name)]
    mine = await own_feedback(session, ani)
    assert [(own.event.id, own.answer is not None) for own in mine] == [
        (named_id, True),
        (anonymous_id, False),
    ]

    before = {row.id: row.comment for row in await session.scalars(select(FeedbackAnswer))}
    await erase_participant(session, at, None, ani)
    session.expire_all()
    rows = {row.id: row for row in await session.scalars(select(FeedbackAnswer))}
    assert {row.participant_id for row in rows.values()} == {None}
    kept = [row for row in rows.values() if row.rating == 4]
    assert [(row.answers, row.comment) for row in kept] == [
        ({"track": "economy", "nights": 3}, "")
    ]
    # The anonymous answer is exactly as it was.
    untouched = [row for row in rows.values() if row.rating == 1]
    assert [row.comment for row in untouched] == [before[untouched[0].id]]
    assert all(own.answer is None for own in await own_feedback(session, ani))
    results = await event_feedback(session, SYSTEM, named_id)
    assert results.ratings is not None
    assert results.ratings.average == 4
    assert results.comments == []


async def test_setup_is_checked_scoped_and_frozen_once_sent(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now, "school")
    await create_programme(session, now, "forum")
    found = await attended_event(session, now, "school", complete=False)
    event_id = found.event.id
    defaults = await survey_of(session, SYSTEM, event_id)
    assert (defaults.enabled, defaults.anonymous, defaults.question_keys, defaults.sent) == (
        True,
        True,
        (),
        False,
    )
    refused = [
        (["nowhere"], "questions.0"),
        (["track", "about"], "questions.1"),  # a text question
        (["track", "track"], "questions.1"),
    ]
    for keys, field in refused:
        with pytest.raises(InvalidInput) as error:
            await set_survey(session, now, SYSTEM, event_id, SurveySetup(questions=keys))
        assert error.value.field == field
    other, _secret = await create_token(
        session, now, role=Role.ORGANISER, name="forum organiser", programme_slugs=["forum"]
    )
    outsider = await principal_of_token(session, other.id)
    with pytest.raises(Forbidden):
        await set_survey(session, now, outsider, event_id, NAMED)
    with pytest.raises(Forbidden):
        await event_feedback(session, outsider, event_id)
    with pytest.raises(Forbidden):
        await programme_feedback(session, outsider, "school")

    saved = await set_survey(session, now, SYSTEM, event_id, NAMED)
    assert (saved.question_keys, saved.anonymous) == (("track", "nights"), False)
    await complete_past_events(session, found.completed_at)
    assert (await survey_of(session, SYSTEM, event_id)).sent
    with pytest.raises(SurveyFrozen):
        await set_survey(session, now, SYSTEM, event_id, ANONYMOUS)
    assert (await survey_of(session, SYSTEM, event_id)).anonymous is False


async def test_a_survey_switched_off_is_not_sent(session: AsyncSession, now: datetime) -> None:
    await create_programme(session, now, "school")
    found = await attended_event(session, now, "school", setup=SurveySetup(enabled=False))
    assert await _survey_rows(session, found.event.id) == []
    count = await session.scalar(select(func.count()).select_from(FeedbackInvitation))
    assert count == 0
