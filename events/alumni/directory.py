"""The directory as one viewer sees it: search, a page at a time, and one person's card.

Only what ``visibility`` lets the viewer see leaves this module: a card's hidden fields
are None, a person whose name is hidden to the viewer is not listed, and a filter on a
field matches only where the viewer may see that field, so a search cannot probe a
hidden value either.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from events.alumni.errors import PersonUnavailable
from events.alumni.membership import alumnus_memberships, memberships_of_many
from events.alumni.profiles import INTERESTS, SPOKEN, unpacked
from events.alumni.visibility import (
    Memberships,
    in_edition_sql,
    in_programme_sql,
    may_see,
    may_see_sql,
    visible_editions,
)
from events.enums import PublicationStatus
from events.models import (
    AlumniBlock,
    AlumniConnection,
    AlumniProfile,
    Alumnus,
    Event,
    Participant,
)

PAGE_SIZE = 5
MAX_PAGE = 10_000


@dataclass(frozen=True)
class DirectoryFilter:
    programme_id: int = 0
    edition_id: int = 0
    country: str = ""
    language: str = ""
    interest: str = ""


@dataclass(frozen=True)
class Card:
    """A person as the viewer may see them; None (or empty) where hidden."""

    participant_id: int
    name: str
    editions: frozenset[int]
    bio: str | None
    city: str | None
    country: str | None
    languages: tuple[str, ...] | None
    interests: tuple[str, ...] | None
    tags: tuple[str, ...] | None


@dataclass(frozen=True)
class DirectoryPage:
    cards: list[Card]
    page: int
    has_more: bool


def _not_blocked(viewer_id: int) -> ColumnElement[bool]:
    return ~exists(
        select(AlumniBlock.blocker_id).where(
            or_(
                and_(
                    AlumniBlock.blocker_id == viewer_id,
                    AlumniBlock.blocked_id == AlumniProfile.participant_id,
                ),
                and_(
                    AlumniBlock.blocked_id == viewer_id,
                    AlumniBlock.blocker_id == AlumniProfile.participant_id,
                ),
            )
        )
    )


def _member_of(**where: int) -> ColumnElement[bool]:
    conditions = [
        Alumnus.participant_id == AlumniProfile.participant_id,
        Alumnus.confirmed_at.is_not(None),
    ]
    conditions += [getattr(Alumnus, column) == value for column, value in where.items()]
    return exists(select(Alumnus.id).where(*conditions))


async def search(
    session: AsyncSession, viewer_id: int | None, where: DirectoryFilter, page: int = 0
) -> DirectoryPage:
    """A page of the people the viewer may find with this filter, in a stable order.

    ``NotAnAlumnus`` if the viewer is none. An unknown filter value finds nobody.
    """
    viewer = await alumnus_memberships(session, viewer_id)
    assert viewer_id is not None
    page = min(max(page, 0), MAX_PAGE)
    conditions = [
        AlumniProfile.participant_id != viewer_id,
        Participant.erased_at.is_(None),
        _member_of(),
        may_see_sql("name", viewer),
        _not_blocked(viewer_id),
    ]
    if where.programme_id:
        conditions.append(in_programme_sql(where.programme_id, viewer))
    if where.edition_id:
        programme_id = await session.scalar(
            select(Event.programme_id).where(Event.id == where.edition_id)
        )
        if programme_id is None:
            return DirectoryPage([], page, False)
        conditions.append(in_edition_sql(where.edition_id, programme_id, viewer))
    if where.country:
        conditions += [AlumniProfile.country == where.country, may_see_sql("country", viewer)]
    if where.language:
        if where.language not in SPOKEN:
            return DirectoryPage([], page, False)
        conditions += [
            AlumniProfile.languages.contains(f"|{where.language}|"),
            may_see_sql("languages", viewer),
        ]
    if where.interest:
        if where.interest not in INTERESTS:
            return DirectoryPage([], page, False)
        conditions += [
            AlumniProfile.interests.contains(f"|{where.interest}|"),
            may_see_sql("interests", viewer),
        ]
    rows = await session.execute(
        select(AlumniProfile, Participant.name)
        .join(Participant, Participant.id == AlumniProfile.participant_id)
        .where(*conditions)
        .order_by(AlumniProfile.participant_id)
        .limit(PAGE_SIZE + 1)
        .offset(page * PAGE_SIZE)
    )
    found = [(profile, name) for profile, name in rows]
    shown = found[:PAGE_SIZE]
    memberships = await memberships_of_many(session, [p.participant_id for p, _ in shown])
    cards = [
        _card(profile, name, viewer, memberships[profile.participant_id])
        for profile, name in shown
    ]
    return DirectoryPage(cards, page, len(found) > PAGE_SIZE)


def _card(profile: AlumniProfile, name: str, viewer: Memberships, person: Memberships) -> Card:
    def seen(field: str) -> bool:
        return may_see(getattr(profile, f"{field}_seen"), viewer, person)

    interests = seen("interests")
    return Card(
        participant_id=profile.participant_id,
        name=name,
        editions=visible_editions(profile.name_seen, viewer, person),
        bio=profile.bio if seen("bio") else None,
        city=profile.city if seen("city") else None,
        country=profile.country if seen("country") else None,
        languages=unpacked(profile.languages) if seen("languages") else None,
        interests=unpacked(profile.interests) if interests else None,
        tags=unpacked(profile.tags) if interests else None,
    )


async def card_of(session: AsyncSession, viewer_id: int | None, person_id: int) -> Card:
    """One person's card as the viewer may see it; ``PersonUnavailable`` if the viewer
    may not find them (hidden, blocked, erased, no profile, or unknown)."""
    viewer = await alumnus_memberships(session, viewer_id)
    assert viewer_id is not None
    row = (
        await session.execute(
            select(AlumniProfile, Participant.name)
            .join(Participant, Participant.id == AlumniProfile.participant_id)
            .where(
                AlumniProfile.participant_id == person_id,
                AlumniProfile.participant_id != viewer_id,
                Participant.erased_at.is_(None),
                _not_blocked(viewer_id),
            )
        )
    ).first()
    if row is None:
        raise PersonUnavailable("this person cannot be found")
    profile, name = row
    person = (await memberships_of_many(session, [person_id]))[person_id]
    if not may_see(profile.name_seen, viewer, person):
        raise PersonUnavailable("this person cannot be found")
    return _card(profile, name, viewer, person)


def own_card(profile: AlumniProfile, name: str, editions: frozenset[int]) -> Card:
    """The person's own profile, every field (they see what they wrote)."""
    return Card(
        participant_id=profile.participant_id,
        name=name,
        editions=editions,
        bio=profile.bio,
        city=profile.city,
        country=profile.country,
        languages=unpacked(profile.languages),
        interests=unpacked(profile.interests),
        tags=unpacked(profile.tags),
    )


# Editions offered as a filter: the latest ended ones (a longer list is a search).
FILTER_EDITIONS = 20


async def ended_events(session: AsyncSession, now: datetime, programme_id: int = 0) -> list[Event]:
    """Editions a search can be narrowed to: events that have ended (not cancelled, not
    drafts), newest first. Whether anyone is listed for them is not what decides, so the
    list reveals nobody."""
    query = (
        select(Event)
        .where(
            Event.ends_at <= now,
            Event.status.in_([PublicationStatus.PUBLISHED, PublicationStatus.COMPLETED]),
        )
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(FILTER_EDITIONS)
    )
    if programme_id:
        query = query.where(Event.programme_id == programme_id)
    return list(await session.scalars(query))


@dataclass(frozen=True)
class OwnAlumniData:
    """Everything the alumni network stores about one person, for /mydata."""

    editions: frozenset[int]
    profile: AlumniProfile | None
    # (the other person's name, "sent" or "received", the request's state)
    requests: list[tuple[str, str, str]]


async def own_alumni_data(session: AsyncSession, participant_id: int) -> OwnAlumniData:
    memberships = await memberships_of_many(session, [participant_id])
    profile = await session.get(AlumniProfile, participant_id)
    other = aliased(Participant)
    rows = await session.execute(
        select(AlumniConnection, other.name)
        .join(
            other,
            other.id
            == case(
                (AlumniConnection.requester_id == participant_id, AlumniConnection.target_id),
                else_=AlumniConnection.requester_id,
            ),
        )
        .where(
            or_(
                AlumniConnection.requester_id == participant_id,
                AlumniConnection.target_id == participant_id,
            )
        )
        .order_by(AlumniConnection.created_at, AlumniConnection.id)
    )
    requests = [
        (name, "sent" if c.requester_id == participant_id else "received", c.state)
        for c, name in rows
    ]
    return OwnAlumniData(memberships[participant_id].editions, profile, requests)
