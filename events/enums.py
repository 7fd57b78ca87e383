"""Closed sets of values the domain relies on; stored as their string values."""

from enum import StrEnum


class ProgrammeKind(StrEnum):
    SUMMER_SCHOOL = "summer_school"
    ECONOMIC_FORUM = "economic_forum"
    EXCHANGE_VISIT = "exchange_visit"
    CONCERT = "concert"
    TOWN_HALL = "town_hall"
    OTHER = "other"


class PublicationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class RegistrationMode(StrEnum):
    OPEN = "open"  # first come, first served
    APPLICATION = "application"  # organisers select


class AttendanceMode(StrEnum):
    """How an event is attended: in a room, online only, or both (two sets of seats)."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class Participation(StrEnum):
    """How one person takes part: the part of the event whose seat they hold or wait for."""

    IN_PERSON = "in_person"
    ONLINE = "online"


class RegistrationStatus(StrEnum):
    APPLIED = "applied"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


# Statuses that hold one of the event's seats. An offer holds its seat until it is
# accepted, declined or expires, so the invariant is on all of them together.
SEAT_HOLDING: frozenset[RegistrationStatus] = frozenset(
    {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.OFFERED,
        RegistrationStatus.ATTENDED,
        RegistrationStatus.NO_SHOW,
    }
)

# Statuses from which a participant may still cancel.
ACTIVE: frozenset[RegistrationStatus] = frozenset(
    {
        RegistrationStatus.APPLIED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.OFFERED,
    }
)


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class Decision(StrEnum):
    CONFIRM = "confirm"
    WAITLIST = "waitlist"
    REJECT = "reject"


class Role(StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    CHECKER = "checker"  # a volunteer at the door: checks tickets in, nothing else


class QuestionKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"
    NUMBER = "number"
