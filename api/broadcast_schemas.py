"""Response bodies of the broadcast routes (the request bodies are the use-case inputs)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from events.broadcasts import BroadcastReport


class RecipientCount(BaseModel):
    """How many people a broadcast with this audience would reach now."""

    recipients: int


class BroadcastOut(BaseModel):
    """A broadcast and its delivery so far.

    ``state``: scheduled, sending, done (released and nothing left queued) or cancelled.
    ``recipients`` counts the messages queued at release; ``queued`` those not sent yet.
    """

    id: int
    event_id: int
    state: str
    send_at: datetime
    created_at: datetime
    released_at: datetime | None
    cancelled_at: datetime | None
    created_by: str
    texts: dict[str, str]
    audience: dict[str, Any]
    recipients: int
    queued: int
    sent: int
    failed: int
    blocked: int
    skipped: int
    cancelled: int

    @classmethod
    def of(cls, report: BroadcastReport) -> "BroadcastOut":
        return cls(
            id=report.id,
            event_id=report.event_id,
            state=report.state.value,
            send_at=report.send_at,
            created_at=report.created_at,
            released_at=report.released_at,
            cancelled_at=report.cancelled_at,
            created_by=report.created_by,
            texts=report.texts,
            audience=report.audience,
            recipients=report.recipients,
            queued=report.queued,
            sent=report.sent,
            failed=report.failed,
            blocked=report.blocked,
            skipped=report.skipped,
            cancelled=report.cancelled,
        )
