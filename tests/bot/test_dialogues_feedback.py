"""Feedback surveys in the chat, against the real ``redbridge serve``: an event
completes, and its attendee gets the survey through the outbox in her language, rates it,
answers the organisers' two questions (a choice and a number), writes a comment (too long
first) and is thanked; pressing again or forging another person's survey changes nothing;
a silent attendee gets the reminder and declines; one who answers after the survey
closed is told so; the organiser sees the summary in /stats. In every language."""

from datetime import UTC, datetime, timedelta

import pytest
from babel.numbers import format_decimal
from sqlalchemy import select, update

from bot.callbacks import Survey
from events.access import SYSTEM
from events.editions import complete_past_events
from events.feedback.answers import COMMENT_LIMIT, SurveyResponse, submit_answer
from events.feedback.settings import SurveySetup, set_survey
from events.inputs import ParticipantDetails
from events.models import Event, FeedbackAnswer, FeedbackInvitation, OutboxMessage, Participant
from events.outbox.queue import Kind, State
from events.registrations import check_in, sign_up
from tests.bot.conftest import Live, in_every_language
from tests.bot.process import (
    CITY,
    EVENT_TITLE,
    EXPERIENCE_RANGE,
    QUESTIONS,
    VENUE,
    Person,
    choice_label,
    labels,
    make_organiser,
    make_programme,
    prompt,
    shown,
    unique_slug,
)
from tests.factories import create_event

pytestmark = pytest.mark.asyncio(loop_scope="session")

GREETING = (
    "Welcome to Redbridge! Here you can find programmes that bring young people and civil "
    "society of the South Caucasus together, register or apply, and get reminders."
)
OPENING = "Thank you for taking part in {title}. How was it for you?"
REMINDER = (
    "A reminder: the organisers of {title} would like to know how it was for you. It takes "
    "a minute."
)
ANONYMOUS = (
    "Your answers are anonymous: they are stored without your name, and the organisers see "
    "them only once at least {count} person has answered.",
    "Your answers are anonymous: they are stored without your name, and the organisers see "
    "them only once at least {count} people have answered.",
)
COMMENT = (
    "Is there anything else you would like to tell the organisers? Please write it in one "
    "message, up to {limit} characters."
)
THANKS = "Thank you for your answers! They help the organisers make the next event better."
# Registration asks nothing of them here: the survey asks two of these questions.
OPTIONAL_QUESTIONS = [question | {"required": False} for question in QUESTIONS]


async def _completed_event(live: Live, programme: str, people: list[Person]) -> Event:
    """An event of ``programme`` that ended a day ago; everyone in ``people`` registered
    and checked in. Its survey (anonymous, the track and experience questions) is sent as
    it completes."""
    now = datetime.now(UTC)
    starts_at = now - timedelta(days=1, hours=4)
    before = starts_at - timedelta(days=7)
    async with live.sessionmaker() as session:
        event = await create_event(
            session,
            before,
            programme,
            slug=unique_slug("camp"),
            title=EVENT_TITLE,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            timezone="Asia/Yerevan",
            venue=VENUE,
            city=CITY,
            country="AM",
            questions=OPTIONAL_QUESTIONS,
        )
        event_id = event.id
        await set_survey(
            session, before, SYSTEM, event_id, SurveySetup(questions=["track", "experience"])
        )
        for person in people:
            details = ParticipantDetails(
                name=str(person.user.profile["first_name"]),
                language=person.language,
                country="GE",
                telegram_user_id=person.id,
            )
            registration = await sign_up(session, before, details, event_id)
            assert registration.ticket_code is not None
            await check_in(session, starts_at, SYSTEM, event_id, registration.ticket_code)
        await complete_past_events(session, now)
        found = await session.get(Event, event_id)
        assert found is not None
        return found


async def _invitation_of(live: Live, event_id: int, person: Person) -> FeedbackInvitation:
    async with live.sessionmaker() as session:
        found = await session.scalar(
            select(FeedbackInvitation)
            .join(Participant, Participant.id == FeedbackInvitation.participant_id)
            .where(
                FeedbackInvitation.event_id == event_id, Participant.telegram_user_id == person.id
            )
        )
        assert found is not None
        return found


@in_every_language
async def test_an_attendee_answers_the_survey_and_the_organiser_sees_the_summary(
    live: Live, language: str
) -> None:
    ani = live.person(language, "Ani")
    aram = live.person(language, "Aram")
    others = [live.person(language, name) for name in ("Nino", "Leyla")]
    late = live.person(language, "Giorgi")
    organiser = live.person(language, "Mariam")
    _ = ani._
    for person in (ani, aram, *others, late, organiser):
        await person.say("/start", person._(GREETING))
    programme = await make_programme(live.sessionmaker)
    await make_organiser(live.sessionmaker, organiser.id, programme)
    event = await _completed_event(live, programme, [ani, aram, *others, late])
    title = EVENT_TITLE[language]

    # The survey comes through the outbox, in her language, saying it is anonymous.
    survey = await ani.expect(
        _(OPENING).format(title=title), ani.n_(*ANONYMOUS, 3).format(count=3)
    )
    ratings = ["1", "2", "3", "4", "5"]
    assert labels(survey) == [*ratings, _("I would rather not answer")]

    # The rating, the organisers' two questions (a choice, then a number), the comment.
    question = await ani.tap_for("4", prompt("track", language))
    economy, culture = (choice_label("track", key, language) for key in ("economy", "culture"))
    assert labels(question) == [economy, culture, _("Skip")]
    await ani.tap_for(culture, prompt("experience", language))
    hint = _("Please write a whole number from {min} to {max}.").format(
        min=EXPERIENCE_RANGE[0], max=EXPERIENCE_RANGE[1]
    )
    await ani.say("many", hint, prompt("experience", language))
    limit = format_decimal(COMMENT_LIMIT, locale=ani.t.locale)
    await ani.say("3", _(COMMENT).format(limit=limit))
    too_long = _("Please keep your comment to {limit} characters.").format(limit=limit)
    await ani.say("x" * (COMMENT_LIMIT + 1), too_long)
    await ani.say("Great <b>days</b> & nights", _(THANKS))

    async with live.sessionmaker() as session:
        [stored] = await session.scalars(
            select(FeedbackAnswer).where(FeedbackAnswer.event_id == event.id)
        )
        assert stored.participant_id is None
        assert (stored.rating, stored.answers, stored.comment) == (
            4,
            {"track": "culture", "experience": 3},
            "Great <b>days</b> & nights",
        )

    # Pressing the survey's buttons again, and forged buttons, change nothing.
    again = await ani.tap("5", message=survey)
    assert again.text == _("You have already answered this survey. Thank you!")
    arams = await _invitation_of(live, event.id, aram)
    forged = await ani.forge(Survey(action="rate", id=arams.id, value="5").pack(), survey)
    assert forged.text == _("This survey is not available.")
    own = (await _invitation_of(live, event.id, ani)).id
    replayed = await ani.forge(Survey(action="send", id=own).pack(), survey)
    assert replayed.text == _("You have already answered this survey. Thank you!")
    stale = _("This button is no longer active.")
    assert (await ani.forge(Survey(action="rate", id=own, value="9").pack(), survey)).text in (
        stale,
        _("You have already answered this survey. Thank you!"),
    )
    assert (await ani.forge("fb:rate:x:9", survey)).text == stale
    assert (await _invitation_of(live, event.id, aram)).answered_at is None

    # Aram said nothing: three days on, his reminder comes; he declines.
    async with live.sessionmaker() as session:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.event_id == event.id,
                OutboxMessage.kind == Kind.FEEDBACK_REMINDER,
                OutboxMessage.state == State.PENDING,
                OutboxMessage.participant_id == arams.participant_id,
            )
            .values(due_at=datetime.now(UTC))
        )
        await session.commit()
    await aram.expect(aram._(OPENING).format(title=title))
    reminder = await aram.expect(aram._(REMINDER).format(title=title))
    assert labels(reminder) == [*ratings, aram._("I would rather not answer")]
    await aram.tap_for(
        aram._("I would rather not answer"),
        aram._("All right. We will not ask you about this event again."),
    )
    assert (await _invitation_of(live, event.id, aram)).skipped_at is not None

    # Giorgi answers after the survey closed (30 days on): he is told so, nothing is stored.
    lates = await _invitation_of(live, event.id, late)
    async with live.sessionmaker() as session:
        closed = await session.get(FeedbackInvitation, lates.id)
        assert closed is not None
        closed.closes_at = datetime.now(UTC) - timedelta(minutes=1)
        await session.commit()
    his = await late.expect(late._(OPENING).format(title=title))
    refused = await late.tap("3", message=his)
    assert refused.text == late._("This survey is closed. Thank you all the same.")
    assert (await _invitation_of(live, event.id, late)).answered_at is None

    # Two more answers: the anonymous results reach the threshold; /stats sums them up.
    now = datetime.now(UTC)
    for person, rating in zip(others, (5, 3), strict=True):
        invitation = await _invitation_of(live, event.id, person)
        async with live.sessionmaker() as session:
            await submit_answer(
                session, now, invitation.participant_id, invitation.id, SurveyResponse(rating, {})
            )
    summary = await organiser.say(
        "/stats",
        organiser._("Feedback on {title}").format(title=title),
        organiser.n_(
            "{answered} of {invited} person answered",
            "{answered} of {invited} people answered",
            5,
        ).format(answered=3, invited=5),
    )
    average = organiser._("Average rating: {average} of 5").split("{average}")[0]
    assert average in shown(summary)

    # /mydata says she answered, and that the answer is not linked to her.
    await ani.say(
        "/mydata",
        _(
            "{title}: you answered anonymously; your answer is not linked to you, so it "
            "cannot be shown here."
        ).format(title=title),
    )
