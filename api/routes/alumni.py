"""Organisers and the alumni of their programmes: import past alumni, directory
statistics and reported contact requests."""

import dataclasses
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import NowDep, PrincipalDep, SessionDep
from events.alumni import imports, statistics

router = APIRouter(prefix="/programmes/{slug}/alumni", tags=["alumni"])


class RejectedRowOut(BaseModel):
    """A row left out: its line (the header is line 1), ``csv.<line>.<column>``, why."""

    line: int
    field: str
    message: str


class AlumniImportOut(BaseModel):
    imported: int
    already_listed: int
    rejected: list[RejectedRowOut]


@router.post("/import")
async def import_alumni(
    slug: str, body: imports.AlumniImport, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> AlumniImportOut:
    """Import past alumni from CSV: the good rows are imported and each bad row is listed
    in ``rejected`` with its line and column; send the corrected file again (people
    already listed are counted, not listed twice). With ``all_or_nothing``, any bad row
    refuses the whole file (422 naming every one); a bad header or a file without a good
    row always does. Imported people are visible to nobody until they confirm in the bot."""
    result = await imports.import_alumni(
        session, now, actor, slug, body.csv, all_or_nothing=body.all_or_nothing
    )
    return AlumniImportOut(
        imported=result.imported,
        already_listed=result.already_listed,
        rejected=[RejectedRowOut(**dataclasses.asdict(row)) for row in result.rejected],
    )


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
