"""Every kind of message the bot and the feeds write, rendered with the demo data.

The guard-rail tests (``test_every_message``) read each of them in each language; the
same samples print the closing note's sentences (``python -m tests.bot.samples``). Rows
are built as the use cases build them, but not stored: the texts are the point here.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from aiogram.types import InlineKeyboardMarkup
from icalendar import Calendar

from bot.alumni import notices as alumni_notices
from bot.alumni.router import invitation_keyboard, invitation_text, menu_keyboard, menu_text
from bot.alumni.views import card_lines, own_profile_text
from bot.broadcasts.reports import _broadcast_list, _report_text
from bot.callbacks import Mine
from bot.choices import registration_choice
from bot.feedback import views as survey_views
from bot.notices import Rendered, render
from bot.organiser.router import _event_statistics, _programme_statistics
from bot.review.views import (
    PAGE_SIZE,
    accepted_text,
    application_keyboard,
    application_text,
    balance_lines,
    event_picker,
    page_keyboard,
    page_text,
    proposal_keyboard,
    proposal_text,
    take_in_view,
    take_out_view,
)
from bot.signup.draft import SignupDraft
from bot.signup.steps import summary
from bot.views import (
    event_card,
    my_data,
    profile_summary,
    programme_card,
    question_prompt,
    registration_card,
)
from bot.wording import count_label, refusal, status_label
from events import errors
from events.alumni.connections import Contact
from events.alumni.directory import Card
from events.alumni.notices import ConnectionNotice
from events.alumni.profiles import INTERESTS, SPOKEN
from events.alumni.visibility import Audience
from events.applicants import Application
from events.broadcasts import BroadcastReport, BroadcastState
from events.editions import build_event
from events.enums import (
    AttendanceMode,
    Gender,
    Participation,
    PublicationStatus,
    RegistrationStatus,
)
from events.feedback.errors import SurveyAnswered, SurveyClosed, SurveyUnavailable
from events.feedback.invitations import OPEN_FOR
from events.feedback.notices import SurveyNotice
from events.feedback.privacy import OwnFeedback
from events.feedback.results import EventFeedback, Ratings
from events.feedback.settings import SURVEY_KINDS
from events.feeds.render import (
    Attendance,
    EventSnapshot,
    FeedItem,
    Links,
    all_events_name,
    personal_name,
    render_calendar,
)
from events.languages import LANGUAGES, Language
from events.models import (
    AlumniProfile,
    Broadcast,
    Event,
    FeedbackAnswer,
    Participant,
    Programme,
    Registration,
    SelectionProposal,
)
from events.online.links import join_link
from events.outbox.delivery import Claimed
from events.outbox.queue import Kind
from events.outbox.verdicts import Ready
from events.proposals import ProposalView
from events.questions import questions_of
from events.review_queue import QueueEntry, QueuePage
from events.selection import TargetResult
from events.statistics import (
    AGE_BANDS,
    FIRST_TIMER,
    RETURNING,
    UNSPECIFIED,
    EventStatistics,
    ProgrammeStatistics,
)
from events.targets import AgeBand, CountryShares, FirstTimers, GenderParity, SelectionTargets
from locales.translator import Catalogues, Translator
from redbridge.demo.programmes import demo_programmes

# A fixed present: the demo dates every event from it.
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


# An organiser's broadcast, written in the five languages.
BROADCAST_TEXTS = {
    "en": "Doors open at 18:30. Please bring your ticket.",
    "hy": "Դռները բացվում են 18:30-ին։ Խնդրում ենք վերցնել Ձեր տոմսը։",
    "az": "Qapılar saat 18:30-da açılır. Zəhmət olmasa, biletinizi götürün.",
    "ka": "კარები 18:30-ზე გაიღება. გთხოვთ, თან იქონიოთ ბილეთი.",
    "ru": "Двери открываются в 18:30. Пожалуйста, возьмите с собой билет.",
}


@dataclass(frozen=True)
class Sample:
    """One rendered message: what it is, its text and its buttons."""

    name: str
    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Demo:
    programmes: list[Programme]
    events: list[Event]


def demo(now: datetime = NOW) -> Demo:
    """The demo programmes and events as rows (with ids), as ``redbridge demo`` makes them."""
    programmes: list[Programme] = []
    events: list[Event] = []
    for number, loaded in enumerate(demo_programmes(now), start=1):
        draft = loaded.programme
        programmes.append(
            Programme(
                id=number,
                slug=draft.slug,
                kind=draft.kind,
                title=draft.title,
                description=draft.description,
                default_language=draft.default_language,
                status=PublicationStatus.PUBLISHED,
            )
        )
        for event_draft in loaded.events:
            event = build_event(number, event_draft, now, PublicationStatus.PUBLISHED)
            event.id = len(events) + 1
            event.calendar_uid = f"demo-{event.id}"
            event.calendar_revised_at = now
            events.append(event)
    return Demo(programmes, events)


# Where join redirects point in the samples.
PUBLIC_URL = "https://redbridge.example"
JOIN_TOKEN = "Qx7dY2kP9sLmN4vB8cRt1wZe5hJg3fAa6uKo0iXyTq"


def online_variant(event: Event) -> Event:
    """The event held online only (as the demo's online town halls are)."""
    copy = Event(**{column.key: getattr(event, column.key) for column in Event.__table__.columns})
    copy.id = event.id + 1000
    copy.slug = f"{event.slug}-online"
    copy.attendance_mode = AttendanceMode.ONLINE
    copy.online_capacity = None
    copy.join_url = "https://meet.example.org/town-hall"
    return copy


def hybrid_events(data: Demo) -> list[Event]:
    return [event for event in data.events if event.attendance_mode == AttendanceMode.HYBRID]


def _registration(
    event: Event,
    status: RegistrationStatus,
    now: datetime,
    participation: Participation = Participation.IN_PERSON,
) -> Registration:
    return Registration(
        id=event.id * 10,
        event_id=event.id,
        participant_id=1,
        status=status,
        participation=participation,
        join_token=JOIN_TOKEN if participation == Participation.ONLINE else None,
        answers={},
        ticket_code="K7Q2M9" if status == RegistrationStatus.CONFIRMED else None,
        offer_expires_at=now + timedelta(hours=48)
        if status == RegistrationStatus.OFFERED
        else None,
    )


def _ready(
    kind: Kind,
    event: Event,
    registration: Registration,
    broadcast: Broadcast | None = None,
    params: Mapping[str, object] | None = None,
) -> Ready:
    message = Claimed(
        id=1,
        kind=kind,
        params=dict(params or {}),
        participant_id=1,
        chat_id=1,
        reachable=True,
        language="en",
        event_id=event.id,
        registration_id=registration.id,
        broadcast_id=broadcast.id if broadcast else None,
        due_at=NOW,
        attempts=0,
    )
    return Ready(message, event, registration, broadcast)


def notices(t: Translator, event: Event, now: datetime = NOW) -> Iterator[Sample]:
    """Every message the outbox sends, about ``event``."""
    confirmed = _registration(event, RegistrationStatus.CONFIRMED, now)
    offered = _registration(event, RegistrationStatus.OFFERED, now)
    for kind, registration in [
        (Kind.REMINDER, confirmed),
        (Kind.OFFER, offered),
        (Kind.OFFER_EXPIRING, offered),
        (Kind.OFFER_EXPIRED, _registration(event, RegistrationStatus.CANCELLED, now)),
        (Kind.EVENT_CHANGED, confirmed),
        (Kind.EVENT_CANCELLED, confirmed),
    ]:
        yield _sample(kind.value, render(t, _ready(kind, event, registration)))
    for kind in (Kind.DECISION, Kind.CONFIRMATION):
        for status in (
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITLISTED,
            RegistrationStatus.REJECTED if kind == Kind.DECISION else RegistrationStatus.APPLIED,
        ):
            rendered = render(t, _ready(kind, event, _registration(event, status, now)))
            yield _sample(f"{kind.value}/{status}", rendered)
    waiting = _registration(event, RegistrationStatus.WAITLISTED, now)
    placed = _ready(Kind.DECISION, event, waiting, params={"position": 3})
    yield _sample(f"{Kind.DECISION.value}/waitlisted-with-place", render(t, placed))
    broadcast = Broadcast(id=5, event_id=event.id, texts=BROADCAST_TEXTS)
    rendered = render(t, _ready(Kind.BROADCAST, event, confirmed, broadcast))
    yield _sample("broadcast", rendered)
    if event.attendance_mode != AttendanceMode.IN_PERSON:
        yield from _online_notices(t, event, now)


def _online_notices(t: Translator, event: Event, now: datetime) -> Iterator[Sample]:
    """The messages that carry a person's join link: the last reminder, a new link."""
    online = _registration(event, RegistrationStatus.CONFIRMED, now, Participation.ONLINE)
    last = {"offset": min(event.reminder_offsets)}
    reminder = _ready(Kind.REMINDER, event, online, params=last)
    yield _sample("reminder-online", render(t, reminder, PUBLIC_URL))
    changed = _ready(Kind.JOIN_LINK_CHANGED, event, online, params={"changed_at": 1})
    yield _sample(Kind.JOIN_LINK_CHANGED.value, render(t, changed, PUBLIC_URL))


def _sample(name: str, rendered: Rendered) -> Sample:
    return Sample(name, rendered.text, rendered.markup)


def _participant(language: Language, now: datetime) -> Participant:
    return Participant(
        id=1,
        telegram_user_id=4242,
        name="Ani",
        language=language,
        country="AM",
        gender=Gender.FEMALE,
        birth_year=None,
        consented_at=now,
    )


def _report(event: Event, state: BroadcastState, now: datetime) -> BroadcastReport:
    return BroadcastReport(
        id=7,
        event_id=event.id,
        state=state,
        send_at=now,
        created_at=now,
        recipients=12,
        queued=3,
        sent=9,
        failed=0,
        blocked=0,
        skipped=0,
        cancelled=0,
        texts={"en": "Hello"},
        audience={"custom": True},
        created_by="organiser",
        released_at=now,
        cancelled_at=None,
    )


def views(t: Translator, data: Demo, now: datetime = NOW) -> Iterator[Sample]:
    """The bot's composed messages: cards, summaries, lists, reports."""
    for programme in data.programmes:
        yield Sample(f"programme/{programme.slug}", programme_card(t, programme))
    for event in data.events:
        yield Sample(f"card/{event.slug}", event_card(t, event, 3, now))
        yield Sample(f"card-full/{event.slug}", event_card(t, event, 0, now))
        for status in RegistrationStatus:
            registration = _registration(event, status, now)
            yield Sample(f"registration/{status}", registration_card(t, registration, event))
            mine = registration_choice(t, registration, event, Mine(action="show", id=1))
            yield Sample(f"line/{status}", mine.line)
        for question in questions_of(event.questions):
            yield Sample(f"question/{question.key}", question_prompt(t, question, event))
        draft = SignupDraft(event_id=event.id, name="Ani", country="AM", gender=Gender.FEMALE)
        questions = questions_of(event.questions)
        yield Sample(f"summary/{event.slug}", summary(t, event, draft, questions))
        statistics = _statistics(event)
        yield Sample(f"stats/{event.slug}", _event_statistics(t, event, statistics))
    for programme in data.programmes:
        events = [event for event in data.events if event.programme_id == programme.id]
        total = ProgrammeStatistics(programme_id=programme.id, slug=programme.slug)
        for event in events:
            total.add(_statistics(event))
            total.events.append(_statistics(event))
        yield Sample(
            f"programme-stats/{programme.slug}", _programme_statistics(t, programme, total)
        )
    yield from review_views(t, data, now)
    yield from _online_views(t, data, now)
    yield from alumni_views(t, data, now)
    yield from feedback_views(t, data, now)
    event = data.events[0]
    participant = _participant(t.language, now)
    registrations = [(_registration(event, RegistrationStatus.CONFIRMED, now), event)]
    yield Sample("mydata", my_data(t, participant, registrations))
    for gender in (None, *Gender):
        yield Sample(f"profile/{gender}", profile_summary(t, "Ani", None, gender, None))
    for state in BroadcastState:
        yield Sample(f"report/{state}", _report_text(t, _report(event, state, now), event))
    text, markup = _broadcast_list(t, [(event, [_report(event, BroadcastState.DONE, now)])])
    yield Sample("broadcasts", text, markup)
    for status in RegistrationStatus:
        yield Sample(f"status/{status}", status_label(t, status))
        yield Sample(f"count/{status}", count_label(t, status))
    for error in _every_refusal():
        yield Sample(f"refusal/{type(error).__name__}", refusal(t, error))


def _statistics(event: Event) -> EventStatistics:
    """Two seats held, by people of every kind the balance lines name."""
    held = {RegistrationStatus.CONFIRMED.value: 1, RegistrationStatus.APPLIED.value: 1}
    return EventStatistics(
        event_id=event.id,
        capacity=event.capacity,
        seats_held=2,
        by_status=dict.fromkeys(RegistrationStatus, 1),
        by_country={"AM": held, "AZ": held, UNSPECIFIED: held},
        by_gender={"female": held, "male": held, UNSPECIFIED: held},
        by_age_band={band: held for band, _low, _high in AGE_BANDS} | {UNSPECIFIED: held},
        by_first_timer={FIRST_TIMER: held, RETURNING: held},
    )


def review_application(event: Event, now: datetime) -> QueueEntry:
    """An application of ``event`` with an answer to each of its questions."""
    answers: dict[str, object] = {}
    for question in questions_of(event.questions):
        if question.choices:
            answers[question.key] = question.choices[0].key
        elif question.kind == "yes_no":
            answers[question.key] = True
        elif question.kind == "number":
            answers[question.key] = question.min_value or 1
        else:
            answers[question.key] = "Ответ — 42"  # an applicant's words, not English
    registration = _registration(event, RegistrationStatus.APPLIED, now)
    registration.answers = answers
    registration.review_score = 4
    registration.country = "AM"
    registration.gender = Gender.FEMALE
    participant = _participant("en", now)
    participant.birth_year = 2001
    application = Application(registration, participant, 25, first_timer=True)
    return QueueEntry(event, application, 2, 14)


REVIEW_TARGETS = SelectionTargets(
    gender_parity=GenderParity(tolerance=2),
    country_shares=CountryShares(seats={"AM": 4, "AZ": 4, "GE": 4}, tolerance=1),
    age_bands=[AgeBand(min_age=18, max_age=21, at_most=3)],
    first_timers=FirstTimers(at_least=6),
)
REVIEW_RESULTS = [
    TargetResult("gender_parity", 0, {"female": 5, "male": 4, "undisclosed": 1}),
    TargetResult("country_shares", 3, {"AM": 4, "AZ": 2, "GE": 3}),
    TargetResult("age_band:18-21", 1, {"people": 4}),
    TargetResult("first_timers", 0, {"people": 7}),
]


def review_views(t: Translator, data: Demo, now: datetime = NOW) -> Iterator[Sample]:
    """/review: an application card, the empty queue, a page of it, a proposal."""
    event = next(e for e in data.events if e.mode == "application")
    entry = review_application(event, now)
    balance = balance_lines(t, 12, 3, 6, REVIEW_TARGETS, REVIEW_RESULTS)
    yield Sample(
        "review/card", application_text(t, entry, balance), application_keyboard(t, entry)
    )
    empty = QueueEntry(event, None, 0, 0)
    yield Sample(
        "review/empty", application_text(t, empty, balance), application_keyboard(t, empty)
    )
    none = balance_lines(t, 12, 0, 0, SelectionTargets(), [])
    yield Sample("review/no-targets", application_text(t, entry, none))
    assert entry.application is not None
    page = QueuePage(event, [entry.application] * PAGE_SIZE, 1, 3, 8, 20)
    yield Sample("review/page", page_text(t, page), page_keyboard(t, page))
    proposal = SelectionProposal(
        id=3,
        event_id=event.id,
        state="open",
        seed=12345,
        targets=REVIEW_TARGETS.model_dump(mode="json"),
        inputs={"held": [[1]]},
        selected=list(range(100, 150)),
        waitlist=list(range(200, 220)),
        not_selected=[300],
    )
    people = {100: entry.application}
    view = ProposalView(proposal, REVIEW_RESULTS)
    yield Sample(
        "review/proposal",
        proposal_text(t, event, view, people),
        proposal_keyboard(t, event.id, proposal.id),
    )
    yield Sample("review/accepted", accepted_text(t, view))
    people = dict.fromkeys(range(100, 301), entry.application)
    yield Sample("review/take-out", *take_out_view(t, event, view, people, 1))
    yield Sample("review/take-in", *take_in_view(t, event, view, people, 101, 2))
    listing, picker = event_picker(t, data.events[:3])
    yield Sample("review/picker", listing, picker)


def _online_views(t: Translator, data: Demo, now: datetime) -> Iterator[Sample]:
    """Cards of hybrid and online events, and registrations with a join link."""
    for event in [*hybrid_events(data), online_variant(data.events[-1])]:
        yield Sample(f"card/{event.slug}", event_card(t, event, 3, now, 5))
        yield Sample(f"card-full/{event.slug}", event_card(t, event, 0, now, 0))
        for participation in Participation:
            for status in RegistrationStatus:
                registration = _registration(event, status, now, participation)
                link = join_link(PUBLIC_URL, registration, event)
                yield Sample(
                    f"registration/{participation}/{status}",
                    registration_card(t, registration, event, link),
                )
            draft = SignupDraft(
                event_id=event.id, name="Ani", country="AM", participation=participation
            )
            questions = questions_of(event.questions)
            yield Sample(f"summary/{participation}", summary(t, event, draft, questions))
    yield Sample("participation-question", t.gettext("How would you like to take part?"))


def _every_refusal() -> Iterator[errors.DomainError]:
    for reason in ("age", "country", "birth_year_required", "country_required", "other"):
        yield errors.NotEligible(reason, reason)
    yield errors.EventCancelled("x")
    yield errors.NoSeatAvailable("x")
    yield errors.OfferExpired("x")
    yield errors.NotFound("event", 1)
    yield errors.TicketNotValid("x")
    yield errors.AlreadyCheckedIn("x")


# What a calendar app shows a person of a feed (the rest is codes, ids and zones).
FEED_TEXTS = ("NAME", "X-WR-CALNAME", "SUMMARY", "DESCRIPTION", "LOCATION")


def feeds(language: Language, data: Demo) -> Iterator[Sample]:
    """The calendar feeds' texts (names, summaries, locations, notes) in ``language``."""
    links = Links("https://redbridge.example", "redbridge_bot")
    cancelled = data.events[-1]
    online = online_variant(data.events[-1])
    items = [FeedItem(EventSnapshot.of(event)) for event in [*data.events, online]]
    items.append(FeedItem(replace(EventSnapshot.of(cancelled), status="cancelled", id=99)))
    personal = [
        FeedItem(EventSnapshot.of(event), attendance)
        for event, attendance in zip(data.events, Attendance, strict=False)
    ]
    personal.append(FeedItem(EventSnapshot.of(online), Attendance.CONFIRMED, JOIN_TOKEN))
    for name, calendar in [
        ("feed/all", render_calendar(all_events_name(language), items, language, links)),
        ("feed/personal", render_calendar(personal_name(language), personal, language, links)),
    ]:
        parsed = Calendar.from_ical(calendar)
        texts = [str(parsed[key]) for key in FEED_TEXTS if key in parsed]
        for component in parsed.walk("VEVENT"):
            texts += [str(component[key]) for key in FEED_TEXTS if key in component]
        yield Sample(name, "\n".join(texts))


def everything(t: Translator, data: Demo, now: datetime = NOW) -> Iterator[Sample]:
    yield from views(t, data, now)
    for event in data.events:
        for sample in notices(t, event, now):
            yield Sample(f"{sample.name}/{event.slug}", sample.text, sample.markup)
    yield from feeds(t.language, data)


def closing_note(now: datetime = NOW) -> str:
    """The five sentences of the closing note, in the five languages, as sent."""
    catalogues = Catalogues()
    data = demo(now)
    concert = next(event for event in data.events if event.slug.startswith("joint-concert"))
    forum = next(event for event in data.events if event.slug.startswith("economic-forum"))
    blocks = []
    for language in LANGUAGES:
        t = catalogues.translator(language)
        card = event_card(t, forum, 57, now)
        sent = {sample.name: sample.text for sample in notices(t, concert, now)}
        parts = [
            f"=== {language} ===",
            "--- event card ---",
            card,
            "--- confirmation ---",
            sent[f"{Kind.CONFIRMATION.value}/{RegistrationStatus.CONFIRMED}"],
            "--- seat offer ---",
            sent[Kind.OFFER.value],
            "--- reminder ---",
            sent[Kind.REMINDER.value],
            "--- cancellation ---",
            sent[Kind.EVENT_CANCELLED.value],
        ]
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks)


if __name__ == "__main__":
    print(closing_note())  # noqa: T201 - the point of running it


def alumni_views(t: Translator, data: Demo, now: datetime = NOW) -> Iterator[Sample]:
    """The alumni network: invitation, menu, a card, one's profile, a contact request and
    its acceptance (people's own words in them are Russian, not English)."""
    editions = data.events[:2]
    yield Sample("alumni/invitation", invitation_text(t, editions), invitation_keyboard(t))
    cohort = Event(
        id=99,
        title=editions[0].title,
        default_language=editions[0].default_language,
        cohort_link="https://t.me/+Cohort2026_ab",
    )
    yield Sample("alumni/menu", menu_text(t, [cohort]), menu_keyboard(t))
    card = Card(
        participant_id=7,
        name="Ani",
        editions=frozenset(event.id for event in editions),
        bio="Учусь в Ереване",
        city="Гюмри",
        country="AM",
        languages=tuple(SPOKEN[:3]),
        interests=tuple(INTERESTS[:3]),
        tags=(),
    )
    shown_editions = {event.id: event for event in editions}
    yield Sample("alumni/card", "\n".join(card_lines(t, card, shown_editions)))
    profile = AlumniProfile(
        participant_id=7,
        name_seen=Audience.ALL,
        bio_seen=Audience.PROGRAMME,
        city_seen=Audience.EDITION,
        country_seen=Audience.NOBODY,
        languages_seen=Audience.ALL,
        interests_seen=Audience.ALL,
        created_at=now,
        updated_at=now,
    )
    yield Sample("alumni/profile", own_profile_text(t, profile, card))
    for note in ("", "Помните Тбилиси?"):
        notice = ConnectionNotice(3, "Ani", note, None)
        yield Sample(
            f"alumni/request/{bool(note)}",
            alumni_notices.request_text(t, notice),
            alumni_notices.request_keyboard(t, notice),
        )
    for username in ("ani_p", None):
        contact = Contact("Ani", username, 123456)
        accepted = ConnectionNotice(3, "Ani", "", contact)
        yield Sample(f"alumni/accepted/{username}", alumni_notices.accepted_text(t, accepted))


def feedback_views(t: Translator, data: Demo, now: datetime = NOW) -> Iterator[Sample]:
    """Feedback surveys: the survey and its reminder (anonymous or not) as the outbox sends
    them, each kind of question, the comment step, the answers; /mydata's part and /stats'
    summary (shown, and held back below the threshold)."""
    event = data.events[0]
    confirmed = _registration(event, RegistrationStatus.ATTENDED, now)
    for kind in (Kind.FEEDBACK, Kind.FEEDBACK_REMINDER):
        for anonymous in (True, False):
            ready = _ready(kind, event, confirmed, params={"invitation_id": 5})
            survey = SurveyNotice(5, anonymous, now + OPEN_FOR, kind == Kind.FEEDBACK_REMINDER)
            rendered = render(t, replace(ready, survey=survey))
            yield Sample(f"{kind.value}/{anonymous}", rendered.text, rendered.markup)
    asked = [
        (item, question)
        for item in data.events
        for question in questions_of(item.questions)
        if question.kind in SURVEY_KINDS
    ]
    for item, question in asked:
        text, markup = survey_views.question_view(t, item, question, 5)
        yield Sample(f"survey-question/{item.slug}/{question.key}", text, markup)
    text, markup = survey_views.comment_view(t, 5)
    yield Sample("survey/comment", text, markup)
    yield Sample("survey/comment-too-long", survey_views.comment_too_long(t))
    yield Sample("survey/thanks", survey_views.thanks(t))
    yield Sample("survey/declined", survey_views.declined(t))
    for error in (
        SurveyAnswered(),
        SurveyClosed(),
        SurveyUnavailable(),
        errors.InvalidInput("rating", "?"),
        errors.DomainError(),
    ):
        yield Sample(
            f"survey/refusal/{type(error).__name__}", survey_views.survey_refusal(t, error)
        )
    item, question = asked[0]
    answers = {question.key: question.choices[0].key} if question.choices else {}
    named = FeedbackAnswer(rating=4, answers=answers, comment="Спасибо за организацию!")
    own = [OwnFeedback(item, named), OwnFeedback(data.events[1], None)]
    yield Sample("mydata/feedback", survey_views.my_feedback_data(t, own))
    for invited in (1, 3, 22):
        ratings = [5, 4, 4][:invited]
        shown = EventFeedback(
            event.id,
            event.slug,
            event.starts_at,
            invited < 3,
            invited,
            len(ratings),
            True,
            Ratings.of(ratings),
        )
        yield Sample(f"stats/feedback/{invited}", survey_views.feedback_summary(t, event, shown))
    hidden = EventFeedback(event.id, event.slug, event.starts_at, True, 5, 2, False, None)
    yield Sample("stats/feedback/hidden", survey_views.feedback_summary(t, event, hidden))
