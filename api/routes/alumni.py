"""Organisers and the alumni of their programmes: import past alumni, directory
statistics and reported contact requests."""

import dataclasses
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import NowDep, PrincipalDep, SessionDep
from events.alumni import imports, statistics

router = APIRouter(prefix="/programmes/{slug}/alumni", tags=["alumni"])


class AlumniImportOut(BaseModel):
    imported: int
    already_listed: int


@router.post("/import")
async def import_alumni(
    slug: str, body: imports.AlumniImport, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> AlumniImportOut:
    """Import past alumni from CSV (all rows or none; each bad row is named
    ``csv.<line>.<column>``). They are visible to nobody until they confirm in the bot."""
    result = await imports.import_alumni(session, now, actor, slug, body.csv)
    return AlumniImportOut(imported=result.imported, already_listed=result.already_listed)


class AlumniStatisticsOut(BaseModel):
    """Counts only: countries as registered (never a profile's), profiles made and listed
    (a name shown to someone), contact requests by state, reports."""

    alumni: int
    invitations_open: int
    profiles: int
    listed: int
    by_country: dict[str, int]
    by_edition: dict[str, int]
    requests: dict[str, int]
    reports: int


@router.get("/statistics")
async def alumni_statistics(
    slug: str, session: SessionDep, viewer: PrincipalDep
) -> AlumniStatisticsOut:
    found = await statistics.alumni_statistics(session, viewer, slug)
    return AlumniStatisticsOut(**dataclasses.asdict(found))


class ReportedRequestOut(BaseModel):
    id: int
    created_at: datetime
    note: str
    reporter_id: int
    reporter_name: str
    reported_id: int
    reported_name: str


@router.get("/reports")
async def alumni_reports(
    slug: str, session: SessionDep, viewer: PrincipalDep
) -> list[ReportedRequestOut]:
    """Contact requests alumni reported, with the note that was sent, newest first."""
    found = await statistics.alumni_reports(session, viewer, slug)
    return [ReportedRequestOut(**dataclasses.asdict(report)) for report in found]
