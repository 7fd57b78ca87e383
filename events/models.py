"""Tables of the domain, as SQLAlchemy 2 typed mappings.

Datetimes are stored in UTC and always come back timezone-aware (``UTCDateTime``);
each event also keeps its IANA zone for display. Translated content is a JSON
object of language code → text.
"""

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

from events.enums import (
    AttendanceMode,
    Participation,
    PublicationStatus,
    RegistrationMode,
    RegistrationStatus,
)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; SQLite keeps no zone, so it is re-attached on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Stable constraint names, so Alembic migrations can drop and alter them on both databases.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[dict[str, Any]]
    description: Mapped[dict[str, Any]]
    default_language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=PublicationStatus.DRAFT)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    events: Mapped[list["Event"]] = relationship(back_populates="programme")


def _new_calendar_uid() -> str:
    return str(uuid.uuid4())


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[dict[str, Any]]
    description: Mapped[dict[str, Any]]
    default_language: Mapped[str] = mapped_column(String(8))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # Allows an end up to a year after the start (events.date_bounds).
    multi_week: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str] = mapped_column(String(64))
    # Translated like the title (language code → text); the venue may have none.
    venue: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    city: Mapped[dict[str, Any]]
    country: Mapped[str] = mapped_column(String(2))
    capacity: Mapped[int] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    mode: Mapped[str] = mapped_column(String(16), default=RegistrationMode.OPEN)
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    # ISO 3166-1 alpha-2 codes; empty means every country is welcome.
    eligible_countries: Mapped[list[Any]]
    # Upper bounds of seat-holding registrations per country / per gender.
    country_quotas: Mapped[dict[str, Any]]
    gender_quotas: Mapped[dict[str, Any]]
    questions: Mapped[list[Any]]
    offer_valid_hours: Mapped[int] = mapped_column(Integer, default=48)
    # An ``events.targets.SelectionTargets`` document; empty when there are none.
    selection_targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=PublicationStatus.DRAFT)
    # Raised whenever date, time or place changes (calendar SEQUENCE, reminders).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    programme: Mapped[Programme] = relationship(back_populates="events")

    # The iCalendar UID: random, stored, so it never changes whatever else does.
    calendar_uid: Mapped[str] = mapped_column(String(64), unique=True, default=_new_calendar_uid)
    # When what a calendar shows of the event last changed (DTSTAMP, feed fingerprints);
    # kept by the mapper hook below, so capacity or quota edits leave feeds byte-identical.
    # (A bulk UPDATE statement bypasses the hook: set it there by hand.)
    calendar_revised_at: Mapped[datetime]
    # The recurring series this event is an occurrence of, and the date the rule gave it
    # (it stays when the occurrence is moved, so the rule never materialises it twice).
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    occurrence_on: Mapped[date | None]
    # Minutes before the start when confirmed participants are reminded.
    reminder_offsets: Mapped[list[Any]] = mapped_column(
        JSON, default=lambda: [7 * 24 * 60, 24 * 60, 120]
    )
    # In a room, online, or both. ``capacity`` and the quotas above are the seats of the
    # event's only part, or of the room of a hybrid event; the online part of a hybrid
    # event has its own (``events.seats.limits_of``).
    attendance_mode: Mapped[str] = mapped_column(String(16), default=AttendanceMode.IN_PERSON)
    online_capacity: Mapped[int | None] = mapped_column(Integer)
    online_country_quotas: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    online_gender_quotas: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The online part's own ``events.targets.SelectionTargets`` (a hybrid event only).
    online_selection_targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The stream or meeting URL: private. People with a confirmed online seat reach it only
    # through their own redirect (``events.online``); no public output carries it.
    join_url: Mapped[str | None] = mapped_column(String(500))
    # The Telegram group of this edition's alumni: given by the bot to them only.
    cohort_link: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        UniqueConstraint("series_id", "occurrence_on", name="uq_events_series_occurrence"),
    )


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    country: Mapped[str | None] = mapped_column(String(2))
    gender: Mapped[str | None] = mapped_column(String(16))
    birth_year: Mapped[int | None]
    consented_at: Mapped[datetime | None]
    is_reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set when the person asked to be forgotten; the row stays so counts stay right.
    erased_at: Mapped[datetime | None]
    # Secret of the personal calendar feed URL (see ``events.feeds.tokens``).
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "participant_id", name="uq_registrations_event_participant"),
        Index("ix_registrations_event_status", "event_id", "status"),
        # The dashboard's event page filters one event's registrations by country.
        Index("ix_registrations_event_country", "event_id", "country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]]
    # Snapshot taken at registration: quotas and statistics must not shift when a
    # profile is edited or erased later.
    country: Mapped[str | None] = mapped_column(String(2))
    gender: Mapped[str | None] = mapped_column(String(16))
    ticket_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    waitlisted_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    # The part of the event whose seat this registration holds or waits for.
    participation: Mapped[str] = mapped_column(String(16), default=Participation.IN_PERSON)
    # Secret of the person's join redirect (``/j/<token>``) for an online seat.
    join_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The organiser's private review (1-5 and a note); never shown to the applicant.
    review_score: Mapped[int | None]
    review_note: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship()
    participant: Mapped[Participant] = relationship()

    @property
    def status_enum(self) -> RegistrationStatus:
        return RegistrationStatus(self.status)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the secret: tokens are 256-bit random, so a slow hash adds nothing.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Updated at most once a minute (events.access.authenticate), so it is approximate.
    last_used_at: Mapped[datetime | None]
    # Set for an organiser who works in the bot: their Telegram account carries the role.
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)


class TokenProgramme(Base):
    """The programmes an organiser token may manage."""

    __tablename__ = "token_programmes"

    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"), primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), primary_key=True)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None]
    programme_id: Mapped[int | None] = mapped_column(index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")


class Series(Base):
    """A recurring event (a monthly town hall): an RRULE that materialises ``Event`` rows.

    ``template`` holds the fields every occurrence shares (venue, capacity, mode, …) as
    an ``EventFields`` subset; the rule runs from ``starts_on`` at ``start_time`` in
    ``timezone``, wall-clock time, with ``exceptions`` (ISO dates) left out.
    """

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[dict[str, Any]]
    description: Mapped[dict[str, Any]]
    default_language: Mapped[str] = mapped_column(String(8))
    rrule: Mapped[str] = mapped_column(String(500))
    starts_on: Mapped[date]
    start_time: Mapped[time]
    timezone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    exceptions: Mapped[list[Any]]
    template: Mapped[dict[str, Any]]
    horizon_months: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=PublicationStatus.DRAFT)
    # Occurrences up to this instant exist as events; the rule beyond it is not expanded yet.
    materialised_until: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ConversationState(Base):
    """Where a chat stands in a conversation (the bot's FSM), kept across restarts."""

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    state: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class Broadcast(Base):
    """An organiser's message to part of an event's participants, a text per language.

    ``audience`` is a ``BroadcastAudience`` (statuses, countries, languages, checked in,
    alumni); its recipients become outbox rows when the broadcast is released (at
    ``send_at``), so people who registered in between are included.
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    texts: Mapped[dict[str, Any]]
    audience: Mapped[dict[str, Any]]
    send_at: Mapped[datetime]
    # scheduled → sending (rows queued) → cancelled; delivery counts come from the outbox.
    state: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    released_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """One message Redbridge sends on its own. Rendered when sent, in the recipient's
    language of that moment; ``dedupe_key`` makes queueing the same message twice a no-op.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_due", "state", "priority", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    # What the message is about, so a cancellation or an erasure finds its messages.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"), index=True)
    # A template key (``events.outbox.queue.Kind``) and its parameters (ids, not texts).
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]]
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)


class SelectionProposal(Base):
    """A balanced proposal for an application-mode event (``events.selection``), with
    what is needed to re-run it: seed, algorithm version, targets and the inputs (and
    their digest). ``selected``/``waitlist``/``not_selected`` are registration ids in
    order; organisers' swaps change them and are listed in ``adjustments``.
    """

    __tablename__ = "selection_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    # The part of the event whose seats it fills (both parts of a hybrid event select
    # apart, each within its own capacity, quotas and targets).
    participation: Mapped[str] = mapped_column(String(16), default=Participation.IN_PERSON)
    # open → confirmed, or superseded by a newer proposal for the same part.
    state: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(BigInteger)
    algorithm: Mapped[str] = mapped_column(String(40))
    input_digest: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]]
    targets: Mapped[dict[str, Any]]
    selected: Mapped[list[Any]]
    waitlist: Mapped[list[Any]]
    not_selected: Mapped[list[Any]]
    adjustments: Mapped[list[Any]]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]


class DispatcherLease(Base):
    """Which process sends for a bot: exactly one holder at a time, until ``expires_at``."""

    __tablename__ = "dispatcher_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime]


class SenderShare(Base):
    """A process sending for a bot (``name``), alive until ``expires_at``: the processes
    alive split the bot's sending limit (see ``events.outbox.shares``)."""

    __tablename__ = "sender_shares"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime]


# What a calendar feed shows of an event: a change to any of these is a new revision.
CALENDAR_FIELDS = (
    "slug",
    "title",
    "description",
    "default_language",
    "starts_at",
    "ends_at",
    "timezone",
    "venue",
    "city",
    "country",
    "status",
    "sequence",
    "attendance_mode",
)


@sa_event.listens_for(Event, "before_insert")
def _stamp_new_event(_mapper: Mapper[Event], _connection: Any, event: Event) -> None:
    if event.calendar_revised_at is None:
        event.calendar_revised_at = event.updated_at


@sa_event.listens_for(Event, "before_update")
def _stamp_revised_event(_mapper: Mapper[Event], _connection: Any, event: Event) -> None:
    """Every use case sets ``updated_at``; the calendar revision follows it only when
    something a feed shows has changed, so DTSTAMP and the feed's ETag stay put."""
    state = sa_inspect(event)
    if any(state.attrs[name].history.has_changes() for name in CALENDAR_FIELDS):
        event.calendar_revised_at = event.updated_at


class Alumnus(Base):
    """A person's membership of one programme edition (an event) as an alumnus.

    Made when the event completes, for everyone checked in or marked attended (confirmed
    at once), or imported by an organiser for a past edition: then ``participant_id`` is
    empty and the row names a Telegram account until that person confirms in the bot
    (``confirmed_at``); before that nothing about them is visible to anyone.
    """

    __tablename__ = "alumni"
    __table_args__ = (
        UniqueConstraint("event_id", "participant_id", name="uq_alumni_event_participant"),
        Index("ix_alumni_participant_programme", "participant_id", "programme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    source: Mapped[str] = mapped_column(String(16))  # "attended" or "imported"
    # What an organiser's import said, until the person confirms (then cleared).
    name: Mapped[str] = mapped_column(String(100), default="")
    telegram_username: Mapped[str | None] = mapped_column(String(32), index=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime]
    invited_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]


class AlumniProfile(Base):
    """An alumnus's directory profile; each field has who may see it (``*_seen``: an
    ``events.alumni.visibility.Audience``, nobody by default). Lists are stored as
    ``|a|b|`` so a search is one ``LIKE`` on either database."""

    __tablename__ = "alumni_profiles"

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(60), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    languages: Mapped[str] = mapped_column(String(200), default="")
    interests: Mapped[str] = mapped_column(String(300), default="")
    tags: Mapped[str] = mapped_column(String(300), default="")
    name_seen: Mapped[int] = mapped_column(Integer, default=0)
    bio_seen: Mapped[int] = mapped_column(Integer, default=0)
    city_seen: Mapped[int] = mapped_column(Integer, default=0)
    country_seen: Mapped[int] = mapped_column(Integer, default=0)
    languages_seen: Mapped[int] = mapped_column(Integer, default=0)
    interests_seen: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AlumniConnection(Base):
    """A contact request between two alumni (double opt-in): pending → accepted or
    declined (or withdrawn when either is erased). Contacts are given only on accept;
    the usernames are the ones each had when they asked or accepted."""

    __tablename__ = "alumni_connections"
    __table_args__ = (
        UniqueConstraint("requester_id", "target_id", name="uq_alumni_connections_pair"),
        Index("ix_alumni_connections_requester_created", "requester_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))
    requester_username: Mapped[str | None] = mapped_column(String(32))
    target_username: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class AlumniBlock(Base):
    """``blocker`` blocked ``blocked``: neither finds the other, nor can write to them."""

    __tablename__ = "alumni_blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    created_at: Mapped[datetime]


class AlumniReport(Base):
    """A contact request reported as abuse, for the organisers of one programme."""

    __tablename__ = "alumni_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("alumni_connections.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    reported_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    # The note as it was sent, kept even if the sender is erased later.
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class FeedbackSurvey(Base):
    """How an event's feedback survey is set up; an event without a row has the defaults
    (``events.feedback.settings``). Frozen once the first survey of the event was queued."""

    __tablename__ = "feedback_surveys"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    # Keys of up to two of the event's own questions, asked after the rating.
    question_keys: Mapped[list[Any]]
    anonymous: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]


class FeedbackInvitation(Base):
    """Who was asked for feedback on an event, and whether they answered or declined —
    never what they answered (``FeedbackAnswer``), so that an anonymous answer has no link
    to its author while "once" and the reminder still work."""

    __tablename__ = "feedback_invitations"
    __table_args__ = (
        UniqueConstraint("event_id", "participant_id", name="uq_feedback_invitations_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    # The survey's anonymity when it was sent (settings are frozen from then on).
    anonymous: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    skipped_at: Mapped[datetime | None]


class FeedbackAnswer(Base):
    """One person's answer to an event's survey. Anonymous, it carries nothing that leads
    back to them: no participant, no time, and a random id, so that neither order nor
    time pairs it with an invitation."""

    __tablename__ = "feedback_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    # Only for a survey that is not anonymous; cleared when the person is forgotten.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    # Question key → the answer's stored form (``events.questions.normalise_answer``).
    answers: Mapped[dict[str, Any]]
    comment: Mapped[str] = mapped_column(Text, default="")


class DashboardSignInLink(Base):
    """A one-time link the bot sent an organiser to sign in to the dashboard: only its
    SHA-256 is kept (the secret is 256-bit random), it works once, until ``expires_at``."""

    __tablename__ = "dashboard_sign_in_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    # The language the bot spoke to the organiser: the pages start in it.
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class DashboardSession(Base):
    """A signed-in dashboard browser: the cookie holds the secret, the row its SHA-256,
    the Telegram account whose role applies, the CSRF secret of its forms and the page
    language the organiser chose."""

    __tablename__ = "dashboard_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    csrf_secret: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class UsedInitData(Base):
    """A Mini App ``initData`` (by its hash) that already opened a session: a second use
    is refused until it would be too old anyway."""

    __tablename__ = "dashboard_used_init_data"

    data_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
