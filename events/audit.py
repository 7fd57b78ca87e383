"""The audit log of organiser actions: who did what, when, to which object."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from events.models import AuditEntry

if TYPE_CHECKING:
    from events.access import Principal


async def record(
    session: AsyncSession,
    now: datetime,
    actor: "Principal",
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
