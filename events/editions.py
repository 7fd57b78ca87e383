"""Use cases for events: the editions and occurrences of a programme."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from events.alumni.membership import record_attendees
from events.audit import record
from events.date_bounds import ensure_within_reach
from events.enums import AttendanceMode, Participation, PublicationStatus, RegistrationStatus
from events.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from events.field_errors import invalid_input
from events.inputs import EventChanges, EventDraft, EventFields
from events.models import Event, Programme, Registration
from events.outbox.notices import (
    queue_event_cancelled,
    queue_event_changed,
    queue_join_link_changed,
)
from events.outbox.queue import withdraw
from events.outbox.reminders import reschedule_reminders
from events.principals import Principal
from events.programmes import get_programme
from events.seats import held_in_part, held_seats, limits_of, parts_of
from events.store import lock_event
from events.targets import PartSeats, SelectionTargets, ensure_fits, targets_of
from events.waitlist import cap_offers, fill_vacancies

# A change of any of these moves the event in people's calendars (SEQUENCE goes up); an
# event in person that becomes hybrid also takes place somewhere new.
_SCHEDULE_FIELDS = (
    "starts_at",
    "ends_at",
    "timezone",
    "venue",
    "city",
    "country",
    "attendance_mode",
)


async def get_event(session: AsyncSession, event_id: int) -> Event:
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound("event", event_id)
    return event


async def get_event_by_slug(session: AsyncSession, slug: str) -> Event:
    event = await session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound("event", slug)
    return event


def is_visible(event: Event, viewer: Principal | None) -> bool:
    """Drafts are seen only by the people who manage their programme."""
    if event.status != PublicationStatus.DRAFT:
        return True
    return viewer is not None and viewer.can_manage(event.programme_id)


async def get_visible_event(
    session: AsyncSession, viewer: Principal | None, event_id: int
) -> Event:
    """An event as this viewer may see it; drafts of others are ``NotFound``."""
    event = await get_event(session, event_id)
    if not is_visible(event, viewer):
        raise NotFound("event", event_id)
    return event


async def list_events(
    session: AsyncSession,
    *,
    viewer: Principal | None = None,
    programme_slug: str | None = None,
    upcoming_after: datetime | None = None,
) -> Sequence[Event]:
    query = select(Event).order_by(Event.starts_at, Event.id)
    if programme_slug is not None:
        programme = await get_programme(session, programme_slug)
        query = query.where(Event.programme_id == programme.id)
    if upcoming_after is not None:
        query = query.where(Event.ends_at > upcoming_after)
    return [event for event in await session.scalars(query) if is_visible(event, viewer)]


async def seats_left(session: AsyncSession, event: Event, part: str | None = None) -> int:
    """Free seats of one part (``part`` None: the part ``capacity`` is for)."""
    counts = await held_in_part(session, event, part or parts_of(event)[0])
    return max(limits_of(event, part).capacity - counts.total, 0)


async def create_event(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    programme_slug: str,
    draft: EventDraft,
) -> Event:
    """Create a draft event in a programme the actor manages; ``Conflict`` on a taken slug,
    ``InvalidInput`` for a start too far ahead."""
    programme = await get_programme(session, programme_slug)
    actor.ensure_manages(programme.id)
    ensure_within_reach("starts_at", draft.starts_at, now)
    if await session.scalar(select(Event.id).where(Event.slug == draft.slug)):
        raise Conflict(f"the slug {draft.slug!r} is taken")
    event = build_event(programme.id, draft, now)
    session.add(event)
    try:
        await session.flush()
    except IntegrityError as error:  # the same slug, created a moment ago
        raise Conflict(f"the slug {draft.slug!r} is taken") from error
    await record(session, now, actor, "event.create", "event", event.id, programme_id=programme.id)
    await session.commit()
    return event


def build_event(
    programme_id: int,
    draft: EventDraft,
    now: datetime,
    status: PublicationStatus = PublicationStatus.DRAFT,
) -> Event:
    """A new event row from validated fields (not added to any session)."""
    return Event(
        programme_id=programme_id,
        slug=draft.slug,
        status=status,
        sequence=0,
        created_at=now,
        updated_at=now,
        **_columns(draft),
    )


def _columns(fields: EventFields) -> dict[str, Any]:
    values = fields.model_dump(mode="python", exclude={"slug"})
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = value.astimezone(UTC)  # as it will read back from the database
    values["questions"] = [q.model_dump(mode="json") for q in fields.questions]
    values["eligible_countries"] = sorted(set(fields.eligible_countries))
    values["gender_quotas"] = {str(k): v for k, v in fields.gender_quotas.items()}
    values["mode"] = fields.mode.value
    values["attendance_mode"] = fields.attendance_mode.value
    values["online_gender_quotas"] = {str(k): v for k, v in fields.online_gender_quotas.items()}
    return values


def _current_fields(event: Event) -> dict[str, Any]:
    return {name: getattr(event, name) for name in EventFields.model_fields}


def _ensure_targets_still_fit(event: Event, merged: EventFields) -> None:
    """Capacity, quotas and countries may not change under the selection targets (of
    either part of a hybrid event) so that no selection could meet them any more; the
    422 names the event's field."""
    room = PartSeats(
        merged.capacity, merged.eligible_countries, merged.country_quotas, merged.gender_quotas
    )
    room_fields = ("capacity", "country_quotas", "gender_quotas", "eligible_countries")
    _ensure_part_still_fits(event, merged, targets_of(event), room, room_fields)
    if merged.attendance_mode == AttendanceMode.HYBRID:
        stream = PartSeats(
            merged.online_capacity or 0,
            merged.eligible_countries,
            merged.online_country_quotas,
            merged.online_gender_quotas,
        )
        stream_fields = (
            "online_capacity",
            "online_country_quotas",
            "online_gender_quotas",
            "eligible_countries",
        )
        online = SelectionTargets.model_validate(event.online_selection_targets or {})
        _ensure_part_still_fits(event, merged, online, stream, stream_fields)


def _ensure_part_still_fits(
    event: Event,
    merged: EventFields,
    targets: SelectionTargets,
    seats: PartSeats,
    fields: tuple[str, ...],
) -> None:
    if targets.is_empty:
        return
    try:
        ensure_fits(targets, seats)
    except InvalidInput as error:
        changed = (name for name in fields if getattr(merged, name) != getattr(event, name))
        detail = f"the selection targets would no longer fit: {error.detail}"
        raise InvalidInput(next(changed, fields[0]), detail) from error


async def update_event(
    session: AsyncSession, now: datetime, actor: Principal, event_id: int, changes: EventChanges
) -> Event:
    """Change the sent fields of an event.

    The merged event must pass every rule a new one does (``InvalidInput`` names the
    field). Capacity and quotas cannot drop below the seats already held; the mode
    cannot change once people have registered. More room offers seats to the waitlist.
    A change of date, time or place raises the calendar sequence.
    """
    event = await lock_event(session, event_id)
    actor.ensure_manages(event.programme_id)
    if event.status in (PublicationStatus.CANCELLED, PublicationStatus.COMPLETED):
        raise InvalidTransition(f"a {event.status} event cannot be changed")
    sent = changes.model_dump(exclude_unset=True)
    # Explicit nulls clear the optional fields; nulls for required ones are ignored.
    merged_input = _current_fields(event) | {
        key: value
        for key, value in sent.items()
        if value is not None or EventFields.model_fields[key].default is None
    }
    try:
        merged = EventFields.model_validate(merged_input)
    except ValidationError as error:
        raise invalid_input(error) from error
    if merged.starts_at != event.starts_at:
        ensure_within_reach("starts_at", merged.starts_at, now)
    await _ensure_room_for_holders(session, event, merged)
    _ensure_targets_still_fit(event, merged)
    if merged.mode != event.mode and await _has_registrations(session, event.id):
        raise InvalidInput("mode", "the mode cannot change once people have registered")
    await _ensure_attendance_change_allowed(session, event, merged)
    link_changed = merged.join_url != event.join_url
    new_values = _columns(merged)
    moved = any(new_values[name] != getattr(event, name) for name in _SCHEDULE_FIELDS)
    changed = sorted(name for name, value in new_values.items() if value != getattr(event, name))
    for name, value in new_values.items():
        setattr(event, name, value)
    # Before any query: an autoflush must already carry the new updated_at.
    event.updated_at = now
    if moved:
        event.sequence += 1
        await cap_offers(session, event)
    await session.flush()
    if moved:
        await queue_event_changed(session, now, event)
        await reschedule_reminders(session, now, event)
    await fill_vacancies(session, event, now)
    if link_changed:
        await queue_join_link_changed(session, now, event)
    await record(
        session,
        now,
        actor,
        "event.update",
        "event",
        event.id,
        programme_id=event.programme_id,
        details={"fields": changed},
    )
    await session.commit()
    return event


async def _has_registrations(session: AsyncSession, event_id: int) -> bool:
    count = await session.scalar(
        select(func.count()).select_from(Registration).where(Registration.event_id == event_id)
    )
    return bool(count)


async def _ensure_attendance_change_allowed(
    session: AsyncSession, event: Event, merged: EventFields
) -> None:
    """People hold seats of the parts the event has: once they have registered, the only
    change is to add an online part to an event in person (everyone stays in the room)."""
    if merged.attendance_mode == event.attendance_mode:
        return
    if event.online_selection_targets and merged.attendance_mode != AttendanceMode.HYBRID:
        raise InvalidInput(
            "attendance_mode",
            "the online part has selection targets of its own; remove them first",
        )
    widening = (event.attendance_mode, merged.attendance_mode) == (
        AttendanceMode.IN_PERSON,
        AttendanceMode.HYBRID,
    )
    if not widening and await _has_registrations(session, event.id):
        raise InvalidInput(
            "attendance_mode",
            "once people have registered, an event in person can only become hybrid",
        )


async def _ensure_room_for_holders(
    session: AsyncSession, event: Event, merged: EventFields
) -> None:
    """No part's capacity or quota below the seats its people already hold."""
    hybrid = merged.attendance_mode == AttendanceMode.HYBRID
    parts = [
        ("", merged.capacity, merged.country_quotas, merged.gender_quotas, Participation.IN_PERSON)
    ]
    if hybrid:
        parts.append(
            (
                "online_",
                merged.online_capacity or 0,
                merged.online_country_quotas,
                merged.online_gender_quotas,
                Participation.ONLINE,
            )
        )
    for prefix, capacity, country_quotas, gender_quotas, part in parts:
        counts = await held_seats(session, event.id, part if hybrid else None)
        if capacity < counts.total:
            raise InvalidInput(f"{prefix}capacity", f"{counts.total} seats are already taken")
        for country, quota in country_quotas.items():
            if quota < counts.by_country[country]:
                raise InvalidInput(
                    f"{prefix}country_quotas.{country}",
                    f"{counts.by_country[country]} seats are taken",
                )
        for gender, quota in gender_quotas.items():
            if quota < counts.by_gender[gender]:
                raise InvalidInput(
                    f"{prefix}gender_quotas.{gender}",
                    f"{counts.by_gender[gender]} seats are taken",
                )


async def publish_event(
    session: AsyncSession, now: datetime, actor: Principal, event_id: int
) -> Event:
    """Open a draft event to participants; its programme must be published first."""
    event = await lock_event(session, event_id)
    actor.ensure_manages(event.programme_id)
    programme = await get_programme_of(session, event)
    if programme.status != PublicationStatus.PUBLISHED:
        raise InvalidTransition("publish the programme before its events")
    if event.status == PublicationStatus.PUBLISHED:
        return event
    if event.status != PublicationStatus.DRAFT:
        raise InvalidTransition(f"a {event.status} event cannot be published")
    event.status = PublicationStatus.PUBLISHED
    event.updated_at = now
    await record(
        session, now, actor, "event.publish", "event", event.id, programme_id=event.programme_id
    )
    await session.commit()
    return event


async def get_programme_of(session: AsyncSession, event: Event) -> Programme:
    programme = await session.get(Programme, event.programme_id)
    if programme is None:
        raise NotFound("programme", event.programme_id)
    return programme


async def cancel_event(
    session: AsyncSession, now: datetime, actor: Principal, event_id: int
) -> Event:
    """Cancel an event. Registrations keep their status for the record; nothing more
    can be registered, decided or accepted for it."""
    event = await lock_event(session, event_id)
    actor.ensure_manages(event.programme_id)
    if event.status == PublicationStatus.CANCELLED:
        return event
    if event.status == PublicationStatus.COMPLETED:
        raise InvalidTransition("a completed event cannot be cancelled")
    event.status = PublicationStatus.CANCELLED
    event.sequence += 1
    event.updated_at = now
    await queue_event_cancelled(session, now, event)
    await record(
        session, now, actor, "event.cancel", "event", event.id, programme_id=event.programme_id
    )
    await session.commit()
    return event


# Organisers may still check people in for a day after the end (late scans, paper lists).
COMPLETION_GRACE = timedelta(days=1)


async def complete_past_events(session: AsyncSession, now: datetime) -> int:
    """Close events a day after they ended: confirmed people who never checked in become
    no-shows, open offers lapse, and everyone who attended becomes an alumnus of the
    edition. Returns how many events were completed."""
    ended = (
        await session.scalars(
            select(Event.id).where(
                Event.status == PublicationStatus.PUBLISHED,
                Event.ends_at <= now - COMPLETION_GRACE,
            )
        )
    ).all()
    await session.rollback()
    for event_id in ended:
        # One short transaction per event, as the other housekeeping does.
        event = await lock_event(session, event_id)
        if event.status != PublicationStatus.PUBLISHED:
            await session.rollback()
            continue
        event.status = PublicationStatus.COMPLETED
        event.updated_at = now
        registrations = await session.scalars(
            select(Registration).where(
                Registration.event_id == event_id,
                Registration.status.in_(
                    [RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED]
                ),
            )
        )
        for registration in registrations:
            if registration.status == RegistrationStatus.CONFIRMED:
                registration.status = RegistrationStatus.NO_SHOW
            else:
                registration.status = RegistrationStatus.CANCELLED
                registration.cancel_reason = "offer_expired"
                registration.cancelled_at = now
                registration.offer_expires_at = None
            registration.updated_at = now
        await record_attendees(session, now, event)
        await withdraw(session, event_id=event_id)
        await session.commit()
    return len(ended)
