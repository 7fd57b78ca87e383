"""Organisers and the alumni of their programmes: import past alumni."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import NowDep, PrincipalDep, SessionDep
from events.alumni import imports

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
