"""The audit log of organiser actions."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.dependencies import PrincipalDep, SessionDep
from events.audit import audit_trail
from events.inputs import Id

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    subject_type: str
    subject_id: int | None
    programme_id: int | None
    details: dict[str, Any]


@router.get("")
async def list_audit_entries(
    session: SessionDep,
    viewer: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[Id | None, Query(description="page: entries older than this")] = None,
) -> list[AuditEntryOut]:
    entries = await audit_trail(session, viewer, limit=limit, before_id=before_id)
    return [
        AuditEntryOut(
            id=entry.id,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            programme_id=entry.programme_id,
            details=entry.details,
        )
        for entry in entries
    ]
