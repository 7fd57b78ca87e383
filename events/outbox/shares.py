"""Splitting one bot's sending limit between the processes that send for it.

Telegram's limits are per bot token. Each process that sends for a bot (it answers
updates, and one of them also sends the outbox) holds a row here, renewed while it runs;
the processes alive share the limit equally. Joining is serialised (a table lock on
PostgreSQL; SQLite's writers are serialised anyway), so a process that finds itself alone
truly is; one that finds others must wait until each of them has counted it (see
``scheduler.shares``).
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from events.dialects import dialect_of, insert_for
from events.models import SenderShare


async def hold_share(
    session: AsyncSession, now: datetime, name: str, holder: str, seconds: float
) -> int:
    """Take or renew ``holder``'s share of ``name`` until ``seconds`` from now; return how
    many processes hold one now, this one included. Forgets shares that ran out."""
    if dialect_of(session) == "postgresql":
        # Two processes joining at once would each count only itself.
        await session.execute(text("LOCK TABLE sender_shares IN SHARE ROW EXCLUSIVE MODE"))
    await session.execute(
        delete(SenderShare).where(SenderShare.name == name, SenderShare.expires_at <= now)
    )
    until = now + timedelta(seconds=seconds)
    statement = insert_for(session, SenderShare).values(name=name, holder=holder, expires_at=until)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["name", "holder"], set_={"expires_at": until}
        )
    )
    holders = await session.scalar(
        select(func.count()).select_from(SenderShare).where(SenderShare.name == name)
    )
    await session.commit()
    return int(holders or 1)


async def drop_share(session: AsyncSession, name: str, holder: str) -> None:
    """A clean stop: the others may take the whole limit at their next renewal."""
    await session.execute(
        delete(SenderShare).where(SenderShare.name == name, SenderShare.holder == holder)
    )
    await session.commit()
