"""The audit log of organiser actions: who did what, when, to which object."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.models import AuditEntry
from events.principals import Principal


async def record(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    action: str,
    subject_type: str,
    subject_id: int | None,
    *,
    programme_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry to the caller's transaction (it commits with the change)."""
    session.add(
        AuditEntry(
            at=now,
            actor=actor.actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            programme_id=programme_id,
            details=details or {},
        )
    )


async def audit_trail(
    session: AsyncSession, viewer: Principal, *, limit: int = 100, before_id: int | None = None
) -> list[AuditEntry]:
    """Newest entries first: all of them for admins, their programmes' for organisers."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if not viewer.is_admin:
        query = query.where(AuditEntry.programme_id.in_(viewer.programme_ids))
    return list(await session.scalars(query))
