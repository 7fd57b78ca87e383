"""Organisers' broadcasts: preview the audience, send or schedule, follow, cancel."""

from typing import Annotated

from fastapi import APIRouter, Body, status

from api.broadcast_schemas import BroadcastOut, RecipientCount
from api.dependencies import NowDep, PrincipalDep, SessionDep
from events import broadcasts
from events.broadcast_inputs import BroadcastAudience, BroadcastDraft
from events.inputs import Id

router = APIRouter(tags=["broadcasts"])


@router.post("/events/{event_id}/broadcasts/preview")
async def preview_broadcast(
    event_id: Id,
    session: SessionDep,
    viewer: PrincipalDep,
    audience: Annotated[BroadcastAudience | None, Body()] = None,
) -> RecipientCount:
    """How many people the audience reaches now (no body: the default audience)."""
    count = await broadcasts.count_recipients(
        session, viewer, event_id, audience or BroadcastAudience()
    )
    return RecipientCount(recipients=count)


@router.post("/events/{event_id}/broadcasts", status_code=status.HTTP_201_CREATED)
async def create_broadcast(
    event_id: Id, draft: BroadcastDraft, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> BroadcastOut:
    broadcast = await broadcasts.create_broadcast(session, now, actor, event_id, draft)
    return BroadcastOut.of(await broadcasts.report_of(session, broadcast))


@router.get("/events/{event_id}/broadcasts")
async def list_broadcasts(
    event_id: Id, session: SessionDep, viewer: PrincipalDep
) -> list[BroadcastOut]:
    reports = await broadcasts.list_broadcasts(session, viewer, event_id)
    return [BroadcastOut.of(report) for report in reports]


@router.get("/broadcasts/{broadcast_id}")
async def get_broadcast(
    broadcast_id: Id, session: SessionDep, viewer: PrincipalDep
) -> BroadcastOut:
    return BroadcastOut.of(await broadcasts.broadcast_report(session, viewer, broadcast_id))


@router.post("/broadcasts/{broadcast_id}/cancel")
async def cancel_broadcast(
    broadcast_id: Id, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> BroadcastOut:
    broadcast = await broadcasts.cancel_broadcast(session, now, actor, broadcast_id)
    return BroadcastOut.of(await broadcasts.report_of(session, broadcast))
