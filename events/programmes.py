"""Use cases for programmes: the summer school, the forum, the town halls, …"""

from collections.abc import Sequence
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from events.audit import record
from events.enums import PublicationStatus
from events.errors import Conflict, InvalidTransition, NotFound
from events.field_errors import invalid_input
from events.inputs import ProgrammeChanges, ProgrammeDraft
from events.models import Event, Programme
from events.principals import Principal


async def get_programme(session: AsyncSession, slug: str) -> Programme:
    programme = await session.scalar(select(Programme).where(Programme.slug == slug))
    if programme is None:
        raise NotFound("programme", slug)
    return programme


def is_visible(programme: Programme, viewer: Principal | None) -> bool:
    """Drafts are seen only by the people who manage them."""
    if programme.status != PublicationStatus.DRAFT:
        return True
    return viewer is not None and viewer.can_manage(programme.id)


async def get_visible_programme(
    session: AsyncSession, viewer: Principal | None, slug: str
) -> Programme:
    """A programme as this viewer may see it; drafts of others are ``NotFound``."""
    programme = await get_programme(session, slug)
    if not is_visible(programme, viewer):
        raise NotFound("programme", slug)
    return programme


async def list_programmes(
    session: AsyncSession, *, viewer: Principal | None = None
) -> Sequence[Programme]:
    """Every programme but the drafts of others."""
    programmes = await session.scalars(select(Programme).order_by(Programme.id))
    return [programme for programme in programmes if is_visible(programme, viewer)]


async def create_programme(
    session: AsyncSession, now: datetime, actor: Principal, draft: ProgrammeDraft
) -> Programme:
    """Create a draft programme. Admins only; raises ``Conflict`` if the slug is taken."""
    actor.ensure_admin()
    if await session.scalar(select(Programme.id).where(Programme.slug == draft.slug)):
        raise Conflict(f"the slug {draft.slug!r} is taken")
    programme = Programme(
        slug=draft.slug,
        kind=draft.kind,
        title=draft.title,
        description=draft.description,
        default_language=draft.default_language,
        status=PublicationStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )
    session.add(programme)
    try:
        await session.flush()
    except IntegrityError as error:  # the same slug, created a moment ago
        raise Conflict(f"the slug {draft.slug!r} is taken") from error
    await record(
        session,
        now,
        actor,
        "programme.create",
        "programme",
        programme.id,
        programme_id=programme.id,
    )
    await session.commit()
    return programme


async def update_programme(
    session: AsyncSession, now: datetime, actor: Principal, slug: str, changes: ProgrammeChanges
) -> Programme:
    """Change the sent fields of a programme its organiser manages; ``InvalidInput`` when
    the result breaks a rule (no title in the default language: field ``title.<lang>``)."""
    programme = await get_programme(session, slug)
    actor.ensure_manages(programme.id)
    sent = changes.model_dump(exclude_unset=True, exclude_none=True)
    title = sent.get("title", programme.title)
    default_language = sent.get("default_language", programme.default_language)
    # Re-validate the merged programme so cross-field rules hold after a partial update.
    try:
        merged = ProgrammeDraft.model_validate(
            {
                "slug": programme.slug,
                "kind": sent.get("kind", programme.kind),
                "title": title,
                "description": sent.get("description", programme.description),
                "default_language": default_language,
            }
        )
    except ValidationError as error:
        raise invalid_input(error) from error
    programme.kind = merged.kind
    programme.title = merged.title
    programme.description = merged.description
    programme.default_language = merged.default_language
    programme.updated_at = now
    await record(
        session,
        now,
        actor,
        "programme.update",
        "programme",
        programme.id,
        programme_id=programme.id,
        details={"fields": sorted(sent)},
    )
    await session.commit()
    return programme


async def publish_programme(
    session: AsyncSession, now: datetime, actor: Principal, slug: str
) -> Programme:
    programme = await get_programme(session, slug)
    actor.ensure_manages(programme.id)
    if programme.status == PublicationStatus.CANCELLED:
        raise InvalidTransition("a cancelled programme cannot be published again")
    programme.status = PublicationStatus.PUBLISHED
    programme.updated_at = now
    await record(
        session,
        now,
        actor,
        "programme.publish",
        "programme",
        programme.id,
        programme_id=programme.id,
    )
    await session.commit()
    return programme


async def cancel_programme(
    session: AsyncSession, now: datetime, actor: Principal, slug: str
) -> Programme:
    """Cancel a programme and every event of it that has not ended yet."""
    programme = await get_programme(session, slug)
    actor.ensure_manages(programme.id)
    if programme.status == PublicationStatus.CANCELLED:
        return programme
    programme.status = PublicationStatus.CANCELLED
    programme.updated_at = now
    events = await session.scalars(
        select(Event).where(
            Event.programme_id == programme.id,
            Event.ends_at > now,
            Event.status.in_([PublicationStatus.DRAFT, PublicationStatus.PUBLISHED]),
        )
    )
    for event in events:
        event.status = PublicationStatus.CANCELLED
        event.sequence += 1
        event.updated_at = now
    await record(
        session,
        now,
        actor,
        "programme.cancel",
        "programme",
        programme.id,
        programme_id=programme.id,
    )
    await session.commit()
    return programme
