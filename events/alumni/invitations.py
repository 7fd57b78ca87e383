"""Imported alumni confirm in the bot before anything about them is visible.

An organiser's import names a Telegram account (username or id). The first time that
account writes to the bot it is invited (``take_new_invitations``); ``/alumni`` shows
open invitations again. Confirming links the rows to the person (a participant record
is made if they have none); declining keeps only the account's name on Telegram, so a
second import does not ask again, and forgets the name and country the organiser gave.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from events.models import Alumnus, Event, Participant
from events.participants import find_by_telegram_id


@dataclass(frozen=True)
class Account:
    """Who writes to the bot, as Telegram names them."""

    telegram_user_id: int
    username: str | None

    def matches(self) -> ColumnElement[bool]:
        conditions = [Alumnus.telegram_user_id == self.telegram_user_id]
        if self.username:
            conditions.append(Alumnus.telegram_username == self.username.lower())
        return or_(*conditions)


def _open(account: Account) -> list[ColumnElement[bool]]:
    return [
        account.matches(),
        Alumnus.participant_id.is_(None),
        Alumnus.confirmed_at.is_(None),
        Alumnus.declined_at.is_(None),
    ]


async def open_invitations(session: AsyncSession, account: Account) -> Sequence[Event]:
    """The editions an organiser listed this account for, not yet answered."""
    listed = select(Alumnus.event_id).where(*_open(account))
    rows = await session.scalars(
        select(Event).where(Event.id.in_(listed)).order_by(Event.starts_at, Event.id)
    )
    return rows.all()


async def take_new_invitations(
    session: AsyncSession, now: datetime, account: Account
) -> Sequence[Event]:
    """Open invitations never shown yet, marked shown now (and committed): the bot
    invites once on its own; after that ``/alumni`` shows them."""
    fresh = await session.scalars(
        select(Alumnus.id).where(*_open(account), Alumnus.invited_at.is_(None))
    )
    ids = fresh.all()
    if not ids:
        return []
    await session.execute(update(Alumnus).where(Alumnus.id.in_(ids)).values(invited_at=now))
    events = await open_invitations(session, account)
    await session.commit()
    return events


async def settle_invitations(
    session: AsyncSession, now: datetime, account: Account, *, confirm: bool, language: str
) -> int:
    """Confirm (or decline) every open invitation of this account; returns how many.

    Confirming makes a participant record from the import if the person has none (their
    name as the organiser wrote it, which they can change in /profile).
    """
    rows = list(await session.scalars(select(Alumnus).where(*_open(account))))
    if not rows:
        return 0
    if not confirm:
        for row in rows:
            row.declined_at = now
            row.name = ""
            row.country = None
        await session.commit()
        return len(rows)
    participant = await find_by_telegram_id(session, account.telegram_user_id)
    if participant is None:
        participant = Participant(
            telegram_user_id=account.telegram_user_id,
            name=rows[0].name,
            language=language,
            country=rows[0].country,
            consented_at=now,
            created_at=now,
            updated_at=now,
        )
        session.add(participant)
        await session.flush()
    already = set(
        await session.scalars(
            select(Alumnus.event_id).where(Alumnus.participant_id == participant.id)
        )
    )
    for row in rows:
        if row.event_id in already:
            await session.delete(row)  # listed twice (imported, and attended): one is kept
            continue
        already.add(row.event_id)
        row.participant_id = participant.id
        row.confirmed_at = now
        # The account is known by the participant now; the import's copy is not needed.
        row.name = ""
        row.telegram_username = None
        row.telegram_user_id = None
        row.country = None
    await session.commit()
    return len(rows)
