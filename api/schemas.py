"""Response bodies and the request bodies that are not use-case inputs themselves."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from events.deeplinks import deep_link, event_payload, programme_payload
from events.enums import Decision, Participation
from events.inputs import ParticipantDetails, SafeInt, Strict
from events.json_schema import Described
from events.models import Event, Participant, Programme, Registration
from events.statistics import EventStatistics, ProgrammeStatistics


class ProgrammeOut(BaseModel):
    slug: str
    kind: str
    title: dict[str, str]
    description: dict[str, str]
    default_language: str
    status: str
    start_payload: str
    deep_link: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, programme: Programme, bot_username: str | None) -> "ProgrammeOut":
        payload = programme_payload(programme.slug)
        return cls(
            slug=programme.slug,
            kind=programme.kind,
            title=programme.title,
            description=programme.description,
            default_language=programme.default_language,
            status=programme.status,
            start_payload=payload,
            deep_link=deep_link(bot_username, payload),
            created_at=programme.created_at,
            updated_at=programme.updated_at,
        )


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    programme_slug: str
    slug: str
    title: dict[str, str]
    description: dict[str, str]
    default_language: str
    starts_at: datetime
    ends_at: datetime
    multi_week: bool
    timezone: str
    venue: dict[str, str]
    city: dict[str, str]
    country: str
    capacity: int
    seats_left: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    mode: str
    min_age: int | None
    max_age: int | None
    eligible_countries: list[str]
    country_quotas: dict[str, int]
    gender_quotas: dict[str, int]
    questions: list[dict[str, Any]]
    offer_valid_hours: int
    reminder_offsets: list[int]
    attendance_mode: str
    online_capacity: int | None
    online_seats_left: int | None = Field(
        description="free seats of the online part of a hybrid event; null for other events"
    )
    online_country_quotas: dict[str, int]
    online_gender_quotas: dict[str, int]
    join_url: str | None = Field(
        description="the private stream or meeting link: only for those who manage the "
        "event's programme, null for everyone else"
    )
    cohort_link: str | None = Field(
        description="the Telegram group of the edition's alumni: only for those who manage "
        "the event's programme, null for everyone else"
    )
    status: str
    sequence: int
    start_payload: str
    deep_link: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(
        cls,
        event: Event,
        programme_slug: str,
        seats_left: tuple[int, int | None],
        bot_username: str | None,
        *,
        shows_private_links: bool = False,
    ) -> "EventOut":
        """``seats_left``: the free seats of ``capacity`` and of ``online_capacity``."""
        payload = event_payload(event.slug)
        return cls.model_validate(
            {
                **{name: getattr(event, name) for name in _EVENT_COLUMNS},
                "programme_slug": programme_slug,
                "seats_left": seats_left[0],
                "online_seats_left": seats_left[1],
                "join_url": event.join_url if shows_private_links else None,
                "cohort_link": event.cohort_link if shows_private_links else None,
                "start_payload": payload,
                "deep_link": deep_link(bot_username, payload),
            }
        )


_EVENT_COLUMNS = [
    name
    for name in EventOut.model_fields
    if name
    not in {
        "programme_slug",
        "seats_left",
        "online_seats_left",
        "join_url",
        "cohort_link",
        "start_payload",
        "deep_link",
    }
]


class RegistrationOut(BaseModel):
    id: int
    event_id: int
    participant_id: int
    participant_name: str
    status: str
    answers: dict[str, Any]
    country: str | None
    gender: str | None
    ticket_code: str | None
    participation: str
    created_at: datetime
    confirmed_at: datetime | None
    waitlisted_at: datetime | None
    offer_expires_at: datetime | None
    checked_in_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None

    @classmethod
    def of(cls, registration: Registration, participant: Participant) -> "RegistrationOut":
        return cls(
            id=registration.id,
            event_id=registration.event_id,
            participant_id=registration.participant_id,
            participant_name=participant.name,
            status=registration.status,
            answers=registration.answers,
            country=registration.country,
            gender=registration.gender,
            ticket_code=registration.ticket_code,
            participation=registration.participation,
            created_at=registration.created_at,
            confirmed_at=registration.confirmed_at,
            waitlisted_at=registration.waitlisted_at,
            offer_expires_at=registration.offer_expires_at,
            checked_in_at=registration.checked_in_at,
            cancelled_at=registration.cancelled_at,
            cancel_reason=registration.cancel_reason,
        )


class ParticipantOut(BaseModel):
    id: int
    telegram_user_id: int | None
    name: str
    language: str
    country: str | None
    gender: str | None
    birth_year: int | None
    is_reachable: bool
    created_at: datetime
    erased_at: datetime | None
    registrations: list[RegistrationOut] = Field(default_factory=list)

    @classmethod
    def of(
        cls, participant: Participant, registrations: list[RegistrationOut]
    ) -> "ParticipantOut":
        return cls(
            id=participant.id,
            telegram_user_id=participant.telegram_user_id,
            name=participant.name,
            language=participant.language,
            country=participant.country,
            gender=participant.gender,
            birth_year=participant.birth_year,
            is_reachable=participant.is_reachable,
            created_at=participant.created_at,
            erased_at=participant.erased_at,
            registrations=registrations,
        )


Split = Annotated[
    dict[str, dict[str, int]],
    Field(description="for each value (or `unspecified`): registrations by status"),
]


class BalanceCounts(BaseModel):
    by_status: dict[str, int]
    by_country: Split
    by_gender: Split
    by_age_band: Split = Field(
        description="age reached in the event's year: `under_18`, `18_24`, `25_30`, "
        "`31_35`, `36_and_over` or `unspecified`"
    )
    by_first_timer: Split = Field(
        description="`first_timer` (never took part in an earlier event) or `returning`"
    )


class StatisticsOut(BalanceCounts):
    event_id: int
    capacity: int
    seats_held: int
    seats_left: int

    @classmethod
    def of(cls, statistics: EventStatistics) -> "StatisticsOut":
        return cls(
            event_id=statistics.event_id,
            capacity=statistics.capacity,
            seats_held=statistics.seats_held,
            seats_left=statistics.seats_left,
            by_status=statistics.by_status,
            by_country=statistics.by_country,
            by_gender=statistics.by_gender,
            by_age_band=statistics.by_age_band,
            by_first_timer=statistics.by_first_timer,
        )


class ProgrammeStatisticsOut(BalanceCounts):
    """Every event of the programme that was not cancelled, past ones too: counted
    together, and each in ``events``."""

    programme: str
    capacity: int
    seats_held: int
    events: list[StatisticsOut]

    @classmethod
    def of(cls, statistics: ProgrammeStatistics) -> "ProgrammeStatisticsOut":
        return cls(
            programme=statistics.slug,
            capacity=statistics.capacity,
            seats_held=statistics.seats_held,
            by_status=statistics.by_status,
            by_country=statistics.by_country,
            by_gender=statistics.by_gender,
            by_age_band=statistics.by_age_band,
            by_first_timer=statistics.by_first_timer,
            events=[StatisticsOut.of(event) for event in statistics.events],
        )


# An answer's key is a question's key; a text answer is at most 2,000 characters (the
# longest ``max_length`` a question may set).
AnswerKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]
AnswerText = Annotated[str, StringConstraints(max_length=2000)]


class RegistrationRequest(Strict):
    """An organiser registers a person: their details and answers to the event's questions."""

    rules_not_in_schema = {
        "answers.*": "an answer to each required question of the event, of the question's "
        "kind and within its limits; no other keys",
        "participant.birth_year": "within the event's age range, when it has one",
        "participant.country": "one of the event's eligible countries, when it has some",
        "participation": "required for a hybrid event; otherwise, when sent, the event's "
        "only way to take part",
    }
    schema_examples = ({"participant": {"name": "Ani", "language": "hy", "country": "AM"}},)

    participant: ParticipantDetails
    # In the room or online: a hybrid event needs the choice.
    participation: Participation | None = None
    # pydantic writes the key pattern as ``patternProperties``, which alone lets any
    # other key through; the keys that do not match it are refused.
    answers: Annotated[
        dict[AnswerKey, AnswerText | SafeInt | bool],
        Described({"additionalProperties": False}),
    ] = Field(default_factory=dict, max_length=40)


class ParticipationRequest(Strict):
    """Take part the other way at a hybrid event."""

    rules_not_in_schema = {
        "participation": "the registration's event is hybrid, and the other part has a seat "
        "for a confirmed person"
    }

    participation: Participation


class DecisionRequest(Strict):
    decision: Decision


class CheckInRequest(Strict):
    rules_not_in_schema = {
        "ticket_code": "the ticket of a confirmed registration for this event, not yet used"
    }

    # Codes are URL-safe (``new_ticket_code``): anything else is refused at the edge.
    ticket_code: Annotated[
        str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    ]


class OffersOut(BaseModel):
    """The offers a freed seat produced."""

    offered: list[int]
