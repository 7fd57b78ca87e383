"""The outbox bell: the commit of a transaction that queued messages rings it, once;
a rollback or a commit that queued nothing does not."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from events.outbox.queue import Kind, Message, enqueue
from events.store import OutboxBell, create_sessionmaker
from tests.factories import create_participant


def _message(participant_id: int, key: str) -> Message:
    return Message(participant_id=participant_id, kind=Kind.REMINDER, dedupe_key=key, params={})


async def test_a_commit_that_queued_rings_once_and_nothing_else_rings(
    engine: AsyncEngine, session: AsyncSession, now: datetime
) -> None:
    person = await create_participant(session, now)
    rings: list[str] = []
    bell = OutboxBell()
    bell.listen(lambda: rings.append("dispatcher"))
    bell.listen(lambda: rings.append("another listener"))
    sessions = create_sessionmaker(engine, bell)

    async with sessions() as writer:
        await enqueue(writer, now, [_message(person.id, "a"), _message(person.id, "b")])
        assert rings == []  # not before the commit: the dispatcher would find nothing
        await writer.commit()
        assert rings == ["dispatcher", "another listener"]

        await enqueue(writer, now, [_message(person.id, "c")])
        await writer.rollback()
        await create_participant(writer, now)  # commits, queues nothing
    assert rings == ["dispatcher", "another listener"]


async def test_a_sessionmaker_without_a_bell_queues_as_before(
    engine: AsyncEngine, session: AsyncSession, now: datetime
) -> None:
    person = await create_participant(session, now)
    async with create_sessionmaker(engine)() as writer:
        assert await enqueue(writer, now, [_message(person.id, "a")]) == 1
        await writer.commit()
