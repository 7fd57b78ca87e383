"""What organisers see of their programmes' alumni network: counts and reports.

Counts never read a profile field: countries are those people gave when they registered
(or that the import named), which organisers see anyway; profiles are only counted, as
made and as listed (a name shown to someone).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from events.alumni.visibility import Audience
from events.models import (
    AlumniConnection,
    AlumniProfile,
    AlumniReport,
    Alumnus,
    Event,
    Participant,
)
from events.principals import Principal
from events.programmes import get_programme


@dataclass(frozen=True)
class AlumniStatistics:
    alumni: int
    invitations_open: int
    profiles: int
    listed: int
    by_country: dict[str, int] = field(default_factory=dict)
    by_edition: dict[str, int] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    reports: int = 0


async def alumni_statistics(
    session: AsyncSession, viewer: Principal, programme_slug: str
) -> AlumniStatistics:
    """Counts for a programme the viewer manages (``Forbidden`` otherwise)."""
    programme = await get_programme(session, programme_slug)
    viewer.ensure_manages(programme.id)
    confirmed = (
        select(Alumnus.participant_id)
        .where(Alumnus.programme_id == programme.id, Alumnus.confirmed_at.is_not(None))
        .distinct()
    )
    members = list(await session.scalars(confirmed))
    invitations = await session.scalar(
        select(func.count())
        .select_from(Alumnus)
        .where(
            Alumnus.programme_id == programme.id,
            Alumnus.confirmed_at.is_(None),
            Alumnus.declined_at.is_(None),
        )
    )
    profiles = list(
        await session.scalars(
            select(AlumniProfile.name_seen).where(AlumniProfile.participant_id.in_(confirmed))
        )
    )
    countries = Counter(
        code or "unknown"
        for code in await session.scalars(
            select(Participant.country).where(Participant.id.in_(confirmed))
        )
    )
    by_edition = await session.execute(
        select(Event.slug, func.count(distinct(Alumnus.participant_id)))
        .join(Alumnus, Alumnus.event_id == Event.id)
        .where(Alumnus.programme_id == programme.id, Alumnus.confirmed_at.is_not(None))
        .group_by(Event.slug)
    )
    # Not dict(result): a Result has keys(), so dict() would take it for a mapping.
    editions = {slug: count for slug, count in by_edition}  # noqa: C416
    by_state = await session.execute(
        select(AlumniConnection.state, func.count())
        .where(
            or_(
                AlumniConnection.requester_id.in_(confirmed),
                AlumniConnection.target_id.in_(confirmed),
            )
        )
        .group_by(AlumniConnection.state)
    )
    requests = {state: count for state, count in by_state}  # noqa: C416 - as above
    reports = await session.scalar(
        select(func.count())
        .select_from(AlumniReport)
        .where(AlumniReport.programme_id == programme.id)
    )
    return AlumniStatistics(
        alumni=len(members),
        invitations_open=invitations or 0,
        profiles=len(profiles),
        listed=sum(1 for seen in profiles if seen != Audience.NOBODY),
        by_country=dict(sorted(countries.items())),
        by_edition=dict(sorted(editions.items())),
        requests=dict(sorted(requests.items())),
        reports=reports or 0,
    )


@dataclass(frozen=True)
class ReportedRequest:
    id: int
    created_at: datetime
    note: str
    reporter_id: int
    reporter_name: str
    reported_id: int
    reported_name: str


async def alumni_reports(
    session: AsyncSession, viewer: Principal, programme_slug: str
) -> list[ReportedRequest]:
    """Reported contact requests for a programme the viewer manages, newest first."""
    programme = await get_programme(session, programme_slug)
    viewer.ensure_manages(programme.id)
    reporter, reported = aliased(Participant), aliased(Participant)
    rows = await session.execute(
        select(AlumniReport, reporter.name, reported.name)
        .join(reporter, reporter.id == AlumniReport.reporter_id)
        .join(reported, reported.id == AlumniReport.reported_id)
        .where(AlumniReport.programme_id == programme.id)
        .order_by(AlumniReport.created_at.desc(), AlumniReport.id.desc())
    )
    return [
        ReportedRequest(
            id=report.id,
            created_at=report.created_at,
            note=report.note,
            reporter_id=report.reporter_id,
            reporter_name=reporter_name,
            reported_id=report.reported_id,
            reported_name=reported_name,
        )
        for report, reporter_name, reported_name in rows
    ]
