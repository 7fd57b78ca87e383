"""The demo programmes and their events: which day each falls on, where, and for whom.

The words come from ``texts.toml`` (see ``texts.py``); this module decides everything else.
Dates are relative to ``now`` and always in the future; each event keeps its city's IANA zone.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from events.enums import AttendanceMode, Gender, ProgrammeKind, QuestionKind, RegistrationMode
from events.inputs import Choice, EventDraft, ProgrammeDraft, Question
from events.languages import LANGUAGES, Translated
from events.series_inputs import SeriesDraft
from redbridge.demo.texts import CitySlug, Texts, load_texts

MONDAY, WEDNESDAY, THURSDAY, SATURDAY = 0, 2, 3, 5

# Read once, when the demo is first imported, so a broken edit fails before anything is loaded.
TEXTS = load_texts()


def _fill(template: Texts, **parts: Mapping[str, str]) -> Translated:
    """Fill ``{name}`` placeholders of each language with that language's part."""
    return {
        language: text.format(**{key: part[language] for key, part in parts.items()})
        for language, text in template.translated().items()
    }


# --- Places -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class City:
    slug: CitySlug  # also its key in the texts file
    country: str
    timezone: str

    @property
    def name(self) -> Translated:
        """As stored in the event's city field, in the five languages."""
        return TEXTS.places.cities.of(self.slug)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


TBILISI = City(slug="tbilisi", country="GE", timezone="Asia/Tbilisi")
YEREVAN = City(slug="yerevan", country="AM", timezone="Asia/Yerevan")
BAKU = City(slug="baku", country="AZ", timezone="Asia/Baku")

# The forum's order of rotation (measure 12: first in Georgia, then in turn).
ROTATION: tuple[City, ...] = (TBILISI, YEREVAN, BAKU)


@dataclass(frozen=True, slots=True)
class University:
    city: City

    @property
    def venue(self) -> Translated:
        return TEXTS.places.universities.of(self.city.slug)


UNIVERSITIES: tuple[University, ...] = (University(TBILISI), University(YEREVAN), University(BAKU))


# --- Dates ------------------------------------------------------------------------------


def _local(day: date, hour: int, minute: int, city: City) -> datetime:
    """A wall-clock time in the city's zone (aware; the store keeps it as UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=city.zone)


def _today(now: datetime, city: City) -> date:
    return now.astimezone(city.zone).date()


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month, e.g. the second Thursday."""
    return _on_or_after(date(year, month, 1), weekday) + timedelta(weeks=n - 1)


def _month_after(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


# --- Questions --------------------------------------------------------------------------

# Inclusivity without prying: a yes/no that asks whether to get in touch, no details.
SUPPORT_QUESTION = Question(
    key="support",
    kind=QuestionKind.YES_NO,
    required=False,
    prompt=TEXTS.questions.support.prompt.translated(),
)

_school_questions = TEXTS.summer_school.questions
MOTIVATION_QUESTION = Question(
    key="motivation",
    kind=QuestionKind.TEXT,
    max_length=1000,
    prompt=_school_questions.motivation.prompt.translated(),
)

_tracks = _school_questions.track.choices
TRACK_QUESTION = Question(
    key="track",
    kind=QuestionKind.CHOICE,
    prompt=_school_questions.track.prompt.translated(),
    # The keys are stored in answers, the order is the keyboard's: both stay in the code.
    choices=[
        Choice(key="economy", label=_tracks.economy.translated()),
        Choice(key="culture_media", label=_tracks.culture_media.translated()),
        Choice(key="environment", label=_tracks.environment.translated()),
        Choice(key="education", label=_tracks.education.translated()),
    ],
)

_visit_questions = TEXTS.exchange_visits.questions
BACKGROUND_QUESTION = Question(
    key="background",
    kind=QuestionKind.TEXT,
    max_length=1000,
    prompt=_visit_questions.background.prompt.translated(),
)

PASSPORT_QUESTION = Question(
    key="passport",
    kind=QuestionKind.YES_NO,
    prompt=_visit_questions.passport.prompt.translated(),
)


# --- Programmes and their events --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoSeries:
    draft: SeriesDraft
    # The first occurrence is moved this many days later (0: none is), as an organiser
    # moves one date of a series; feeds and the bot then show the moved date.
    first_moved_days: int = 0
    # The meeting link every occurrence of an online series gets (organisers set it per
    # event; a series does not carry one).
    join_url: str | None = None


@dataclass(frozen=True, slots=True)
class DemoProgramme:
    programme: ProgrammeDraft
    events: tuple[EventDraft, ...]
    series: tuple[DemoSeries, ...] = ()


# Measure 15, with the inclusivity section: equal numbers of women and men and of each
# country; young people outside the capitals especially welcome.

SUMMER_SCHOOL = ProgrammeDraft(
    slug="youth-summer-school",
    kind=ProgrammeKind.SUMMER_SCHOOL,
    title=TEXTS.summer_school.title.translated(),
    description=TEXTS.summer_school.description.translated(),
)

SUMMER_SCHOOL_CAPACITY = 36  # 12 per country, 18 women and 18 men


def _summer_school(now: datetime) -> DemoProgramme:
    """Next summer's edition; this summer's while it is early enough (before March)."""
    today = _today(now, TBILISI)
    year = today.year if today < date(today.year, 3, 1) else today.year + 1
    first_day = _nth_weekday(year, 7, MONDAY, 2)
    last_day = first_day + timedelta(days=9)
    capacity = SUMMER_SCHOOL_CAPACITY
    edition = EventDraft(
        slug=f"youth-summer-school-{year}",
        title={language: f"{text} {year}" for language, text in SUMMER_SCHOOL.title.items()},
        description=TEXTS.summer_school.edition.translated(),
        starts_at=_local(first_day, 14, 0, TBILISI),
        ends_at=_local(last_day, 12, 0, TBILISI),
        timezone=TBILISI.timezone,
        city=TBILISI.name,
        country=TBILISI.country,
        capacity=capacity,
        registration_closes_at=_local(first_day - timedelta(days=45), 23, 59, TBILISI),
        mode=RegistrationMode.APPLICATION,
        min_age=18,
        max_age=30,
        eligible_countries=[city.country for city in ROTATION],
        country_quotas={city.country: capacity // len(ROTATION) for city in ROTATION},
        gender_quotas={Gender.FEMALE: capacity // 2, Gender.MALE: capacity // 2},
        questions=[MOTIVATION_QUESTION, TRACK_QUESTION, SUPPORT_QUESTION],
    )
    return DemoProgramme(SUMMER_SCHOOL, (edition,))


# Measure 12: an annual forum, first in Georgia, then rotating between the three countries.

ECONOMIC_FORUM = ProgrammeDraft(
    slug="economic-forum",
    kind=ProgrammeKind.ECONOMIC_FORUM,
    title=TEXTS.economic_forum.title.translated(),
    description=TEXTS.economic_forum.description.translated(),
)


def _forum_edition(year: int, city: City) -> EventDraft:
    first_day = _nth_weekday(year, 10, WEDNESDAY, 2)
    forum = TEXTS.economic_forum
    city_name = city.name
    return EventDraft(
        slug=f"economic-forum-{year}-{city.slug}",
        title={
            language: f"{ECONOMIC_FORUM.title[language]} {year}, {city_name[language]}"
            for language in LANGUAGES
        },
        description=_fill(forum.edition, in_city=forum.in_city.of(city.slug)),
        starts_at=_local(first_day, 9, 30, city),
        ends_at=_local(first_day + timedelta(days=1), 18, 0, city),
        timezone=city.timezone,
        city=city.name,
        country=city.country,
        capacity=400,
        mode=RegistrationMode.OPEN,
    )


def _economic_forum(now: datetime) -> DemoProgramme:
    """The next three years' editions: Tbilisi, Yerevan, Baku."""
    first_year = _today(now, TBILISI).year + 1
    editions = tuple(
        _forum_edition(first_year + offset, city) for offset, city in enumerate(ROTATION)
    )
    return DemoProgramme(ECONOMIC_FORUM, editions)


# Measure 8: two civil-society exchange visits, Baku→Yerevan and Yerevan→Baku.

EXCHANGE_VISITS = ProgrammeDraft(
    slug="civil-society-exchange-visits",
    kind=ProgrammeKind.EXCHANGE_VISIT,
    title=TEXTS.exchange_visits.title.translated(),
    description=TEXTS.exchange_visits.description.translated(),
)


@dataclass(frozen=True, slots=True)
class Visit:
    slug: str
    host: City
    delegation_from: str  # eligible country
    title: Translated
    description: Translated
    weeks_ahead: int


VISITS: tuple[Visit, ...] = (
    Visit(
        slug="exchange-visit-baku-yerevan",
        host=YEREVAN,
        delegation_from="AZ",
        weeks_ahead=13,
        title=TEXTS.exchange_visits.to_yerevan.title.translated(),
        description=TEXTS.exchange_visits.to_yerevan.description.translated(),
    ),
    Visit(
        slug="exchange-visit-yerevan-baku",
        host=BAKU,
        delegation_from="AM",
        weeks_ahead=17,
        title=TEXTS.exchange_visits.to_baku.title.translated(),
        description=TEXTS.exchange_visits.to_baku.description.translated(),
    ),
)

VISIT_CAPACITY = 8  # a small delegation: four women and four men


def _visit(now: datetime, visit: Visit) -> EventDraft:
    first_day = _on_or_after(_today(now, visit.host) + timedelta(weeks=visit.weeks_ahead), MONDAY)
    return EventDraft(
        slug=visit.slug,
        title=visit.title,
        description=visit.description,
        starts_at=_local(first_day, 9, 0, visit.host),
        ends_at=_local(first_day + timedelta(days=2), 18, 0, visit.host),
        timezone=visit.host.timezone,
        city=visit.host.name,
        country=visit.host.country,
        capacity=VISIT_CAPACITY,
        registration_closes_at=_local(first_day - timedelta(days=30), 23, 59, visit.host),
        mode=RegistrationMode.APPLICATION,
        min_age=18,
        eligible_countries=[visit.delegation_from],
        gender_quotas={Gender.FEMALE: VISIT_CAPACITY // 2, Gender.MALE: VISIT_CAPACITY // 2},
        questions=[BACKGROUND_QUESTION, PASSPORT_QUESTION, SUPPORT_QUESTION],
    )


def _exchange_visits(now: datetime) -> DemoProgramme:
    return DemoProgramme(EXCHANGE_VISITS, tuple(_visit(now, visit) for visit in VISITS))


# Measure 28: connecting through music; Tbilisi as a venue all three can reach.

CONCERT_STREAM_CAPACITY = 2000
# example.org is reserved for examples (RFC 2606): the demo's links lead nowhere real.
CONCERT_STREAM_URL = "https://stream.example.org/redbridge/joint-concert"

JOINT_CONCERTS = ProgrammeDraft(
    slug="joint-concerts",
    kind=ProgrammeKind.CONCERT,
    title=TEXTS.joint_concerts.title.translated(),
    description=TEXTS.joint_concerts.description.translated(),
)


def _joint_concert(now: datetime) -> DemoProgramme:
    day = _on_or_after(_today(now, TBILISI) + timedelta(days=60), SATURDAY)
    concert = EventDraft(
        slug=f"joint-concert-{day:%Y-%m}-tbilisi",
        title=TEXTS.joint_concerts.concert.title.translated(),
        description=TEXTS.joint_concerts.concert.description.translated(),
        starts_at=_local(day, 19, 0, TBILISI),
        ends_at=_local(day, 21, 30, TBILISI),
        timezone=TBILISI.timezone,
        venue=TEXTS.places.concert_hall.translated(),
        city=TBILISI.name,
        country=TBILISI.country,
        # A hall in Tbilisi and a stream: the report's "in-person concerts or, initially,
        # online".
        capacity=600,
        attendance_mode=AttendanceMode.HYBRID,
        online_capacity=CONCERT_STREAM_CAPACITY,
        join_url=CONCERT_STREAM_URL,
        mode=RegistrationMode.OPEN,
    )
    return DemoProgramme(JOINT_CONCERTS, (concert,))


# Measure 29: monthly town-hall debates with expert panels, preferably at universities.

TOWN_HALLS = ProgrammeDraft(
    slug="town-halls",
    kind=ProgrammeKind.TOWN_HALL,
    title=TEXTS.town_halls.title.translated(),
    description=TEXTS.town_halls.description.translated(),
)

_topics = TEXTS.town_halls.topics
TOWN_HALL_TOPICS: tuple[Translated, ...] = (
    _topics.tourism.translated(),
    _topics.student_exchanges.translated(),
    _topics.green_economy.translated(),
)

TOWN_HALL_HORIZON_MONTHS = 6  # occurrences created ahead (a job keeps them so)
TOWN_HALL_MOVED_DAYS = 7  # the next town hall moves a week later: its hall is taken
# The town halls two months ahead are held online only (a video meeting), the others in
# their university's hall.
TOWN_HALL_ONLINE_AHEAD = 2
TOWN_HALL_ONLINE_CAPACITY = 300


def _town_hall_series(now: datetime, ahead: int) -> DemoSeries:
    """The town halls of the host whose turn comes ``ahead`` months from now: a series
    every third month, second Thursday, 18:00 local time.

    A series has one place and one zone, so each host university has its own; the three
    take turns, and the programme has one town hall a month. Host and topic follow the
    calendar month, so the rotation is the same whenever the demo is loaded. The series
    whose first town hall is next month has it moved a week later (its exception).
    """
    year, month = _month_after(_today(now, TBILISI), ahead)
    turn = (year * 12 + month - 1) % len(UNIVERSITIES)
    university = UNIVERSITIES[turn]
    city = university.city
    halls = TEXTS.town_halls
    online = ahead == TOWN_HALL_ONLINE_AHEAD
    draft = SeriesDraft(
        slug=f"town-hall-{city.slug}",
        title=TOWN_HALL_TOPICS[turn % len(TOWN_HALL_TOPICS)],
        description=_fill(halls.edition, at=halls.at.of(city.slug)),
        rrule=f"FREQ=MONTHLY;INTERVAL={len(UNIVERSITIES)};BYDAY=2TH",
        starts_on=date(year, month, 1),
        start_time=time(18, 0),
        timezone=city.timezone,
        duration_minutes=120,
        horizon_months=TOWN_HALL_HORIZON_MONTHS,
        venue=university.venue,
        city=city.name,
        country=city.country,
        capacity=TOWN_HALL_ONLINE_CAPACITY if online else 200,
        attendance_mode=AttendanceMode.ONLINE if online else AttendanceMode.IN_PERSON,
        mode=RegistrationMode.OPEN,
    )
    return DemoSeries(
        draft,
        first_moved_days=TOWN_HALL_MOVED_DAYS if ahead == 1 else 0,
        join_url=f"https://meet.example.org/redbridge-{draft.slug}" if online else None,
    )


def _town_halls(now: datetime) -> DemoProgramme:
    """One series per host, the first from next month, so each town hall is still ahead."""
    series = tuple(_town_hall_series(now, ahead) for ahead in range(1, len(UNIVERSITIES) + 1))
    return DemoProgramme(TOWN_HALLS, events=(), series=series)


def demo_programmes(now: datetime) -> tuple[DemoProgramme, ...]:
    """Every demo programme with its events, dated relative to ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return (
        _summer_school(now),
        _economic_forum(now),
        _exchange_visits(now),
        _joint_concert(now),
        _town_halls(now),
    )
