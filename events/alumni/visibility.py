"""Who may see which field of a profile: one rule, written twice side by side — in Python
for showing a profile, and in SQL for searching — and property-tested to agree.

A viewer is a confirmed alumnus; they see a field of another confirmed alumnus when
the field's audience is

- ``ALL``: any alumnus;
- ``PROGRAMME``: an alumnus of any edition of a programme both are alumni of;
- ``EDITION``: an alumnus of an edition both are alumni of;
- ``NOBODY`` (the default): nobody.

The name is the anchor of a listing: a person whose name the viewer may not see is not
listed at all, so a search never reveals that they exist. Which editions a listed person
is an alumnus of follows the name's audience: all of them for ``ALL``, those of shared
programmes for ``PROGRAMME``, the shared ones for ``EDITION`` (a programme or edition
filter matches only those). Nobody sees anything of a person they blocked or who
blocked them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from events.models import AlumniProfile, Alumnus


class Audience(IntEnum):
    NOBODY = 0
    EDITION = 1
    PROGRAMME = 2
    ALL = 3


# Every field with an audience of its own; tags go with interests.
FIELDS = ("name", "bio", "city", "country", "languages", "interests")


@dataclass(frozen=True)
class Memberships:
    """The confirmed editions of one person, as (event id, programme id) pairs."""

    pairs: frozenset[tuple[int, int]]

    @classmethod
    def of(cls, pairs: Iterable[tuple[int, int]]) -> "Memberships":
        return cls(frozenset(pairs))

    @property
    def editions(self) -> frozenset[int]:
        return frozenset(edition for edition, _ in self.pairs)

    @property
    def programmes(self) -> frozenset[int]:
        return frozenset(programme for _, programme in self.pairs)

    @property
    def is_alumnus(self) -> bool:
        return bool(self.editions)


def may_see(audience: int, viewer: Memberships, person: Memberships) -> bool:
    """Does a viewer see a field with this audience of this person (neither blocked)?"""
    if not viewer.is_alumnus or not person.is_alumnus:
        return False
    if audience == Audience.ALL:
        return True
    if audience == Audience.PROGRAMME:
        return bool(viewer.programmes & person.programmes)
    if audience == Audience.EDITION:
        return bool(viewer.editions & person.editions)
    return False


def visible_editions(
    name_audience: int, viewer: Memberships, person: Memberships
) -> frozenset[int]:
    """The editions of ``person`` the viewer may know of (given that they see the name)."""
    if not may_see(name_audience, viewer, person):
        return frozenset()
    if name_audience == Audience.ALL:
        return person.editions
    if name_audience == Audience.PROGRAMME:
        return frozenset(e for e, p in person.pairs if p in viewer.programmes)
    return person.editions & viewer.editions


def seen_column(field: str) -> ColumnElement[int]:
    column: ColumnElement[int] = getattr(AlumniProfile, f"{field}_seen")
    return column


def may_see_sql(field: str, viewer: Memberships) -> ColumnElement[bool]:
    """``may_see`` for a profile row's ``field``, as a condition on ``AlumniProfile``."""
    if not viewer.is_alumnus:
        return false()
    column = seen_column(field)
    shared_programme = exists(
        select(Alumnus.id).where(
            Alumnus.participant_id == AlumniProfile.participant_id,
            Alumnus.confirmed_at.is_not(None),
            Alumnus.programme_id.in_(sorted(viewer.programmes)),
        )
    )
    shared_edition = exists(
        select(Alumnus.id).where(
            Alumnus.participant_id == AlumniProfile.participant_id,
            Alumnus.confirmed_at.is_not(None),
            Alumnus.event_id.in_(sorted(viewer.editions)),
        )
    )
    return or_(
        column == int(Audience.ALL),
        and_(column == int(Audience.PROGRAMME), shared_programme),
        and_(column == int(Audience.EDITION), shared_edition),
    )


def _known(fact: bool) -> ColumnElement[bool]:
    """A fact known in Python, as a condition."""
    return true() if fact else false()


def _membership(**where: object) -> ColumnElement[bool]:
    conditions = [
        Alumnus.participant_id == AlumniProfile.participant_id,
        Alumnus.confirmed_at.is_not(None),
    ]
    for column, value in where.items():
        attribute = getattr(Alumnus, column.removesuffix("_in"))
        if column.endswith("_in"):
            assert isinstance(value, frozenset)
            conditions.append(attribute.in_(sorted(value)))
        else:
            conditions.append(attribute == value)
    return exists(select(Alumnus.id).where(*conditions))


def in_edition_sql(edition_id: int, programme_id: int, viewer: Memberships) -> ColumnElement[bool]:
    """The profile's person is an alumnus of this edition (of this programme), and the
    viewer may know it (``visible_editions``)."""
    name = seen_column("name")
    return and_(
        _membership(event_id=edition_id),
        or_(
            name == int(Audience.ALL),
            and_(name == int(Audience.PROGRAMME), _known(programme_id in viewer.programmes)),
            and_(name == int(Audience.EDITION), _known(edition_id in viewer.editions)),
        ),
    )


def in_programme_sql(programme_id: int, viewer: Memberships) -> ColumnElement[bool]:
    """The person has an edition of this programme that the viewer may know of."""
    name = seen_column("name")
    return and_(
        _membership(programme_id=programme_id),
        or_(
            name == int(Audience.ALL),
            and_(name == int(Audience.PROGRAMME), _known(programme_id in viewer.programmes)),
            and_(
                name == int(Audience.EDITION),
                _membership(programme_id=programme_id, event_id_in=viewer.editions),
            ),
        ),
    )
