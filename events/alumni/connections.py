"""Contact requests between alumni, with a double opt-in, and what stops abuse.

A request (with an optional short note) goes to the other person through the outbox;
only if they accept do both get each other's Telegram contact. Nobody can ask someone
they cannot find in the directory, ask twice (a declined request is never repeated),
ask more than ``DAILY_REQUESTS`` people a day, or reach someone who blocked them. A
report sends the request and its note to the organisers of the programmes the two share
(or, if they share none, of the sender's programmes) and blocks the sender.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from events.alumni.directory import card_of
from events.alumni.errors import AlreadyAsked, OwnProfile, PersonUnavailable, RequestLimitReached
from events.alumni.membership import alumnus_memberships, memberships_of
from events.dialects import insert_for
from events.errors import InvalidInput, InvalidTransition, NotFound
from events.models import (
    AlumniBlock,
    AlumniConnection,
    AlumniProfile,
    AlumniReport,
    Alumnus,
    Participant,
)
from events.outbox.queue import Kind, Message, enqueue
from events.text_fields import Text

DAILY_REQUESTS = 5
NOTE = Text(300, several_lines=True)


class ConnectionState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    # One of the two was erased before an answer.
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Contact:
    """How to reach a person on Telegram, given only with their consent."""

    name: str
    username: str | None
    telegram_user_id: int | None


def _clean_username(username: str | None) -> str | None:
    if username is None:
        return None
    username = username.strip().removeprefix("@")
    return username[:32] or None


async def _blocked_between(session: AsyncSession, one: int, other: int) -> bool:
    found = await session.scalar(
        select(AlumniBlock.blocker_id).where(
            or_(
                and_(AlumniBlock.blocker_id == one, AlumniBlock.blocked_id == other),
                and_(AlumniBlock.blocker_id == other, AlumniBlock.blocked_id == one),
            )
        )
    )
    return found is not None


async def ensure_may_ask(
    session: AsyncSession, now: datetime, requester_id: int | None, target_id: int
) -> None:
    """Could ``requester_id`` ask ``target_id`` now? The refusals of ``request_contact``
    (but the note's), so the bot can say so before anyone writes a note."""
    await alumnus_memberships(session, requester_id)
    assert requester_id is not None
    if target_id == requester_id:
        raise OwnProfile("this is your own profile")
    await card_of(session, requester_id, target_id)  # PersonUnavailable unless findable
    existing = await session.scalar(
        select(AlumniConnection.state).where(
            or_(
                and_(
                    AlumniConnection.requester_id == requester_id,
                    AlumniConnection.target_id == target_id,
                ),
                and_(
                    AlumniConnection.requester_id == target_id,
                    AlumniConnection.target_id == requester_id,
                ),
            )
        )
    )
    if existing is not None:
        raise AlreadyAsked(existing)
    sent_today = await session.scalar(
        select(func.count())
        .select_from(AlumniConnection)
        .where(
            AlumniConnection.requester_id == requester_id,
            AlumniConnection.created_at > now - timedelta(days=1),
        )
    )
    if (sent_today or 0) >= DAILY_REQUESTS:
        raise RequestLimitReached(f"at most {DAILY_REQUESTS} requests a day")


async def request_contact(
    session: AsyncSession,
    now: datetime,
    requester_id: int | None,
    target_id: int,
    note: str,
    username: str | None,
) -> AlumniConnection:
    """Ask ``target_id`` to exchange contacts; the request is queued to them (committed).

    Raises ``NotAnAlumnus``, ``OwnProfile``, ``PersonUnavailable`` (hidden from the
    requester, blocked either way, erased), ``AlreadyAsked``, ``RequestLimitReached``,
    or ``InvalidInput("note")`` for a note over 300 characters.
    """
    try:
        cleaned = NOTE.validate(note) if note.strip() else ""
    except ValueError as error:
        raise InvalidInput("note", str(error)) from error
    await ensure_may_ask(session, now, requester_id, target_id)
    assert requester_id is not None
    connection = AlumniConnection(
        requester_id=requester_id,
        target_id=target_id,
        note=cleaned,
        state=ConnectionState.PENDING,
        requester_username=_clean_username(username),
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(connection)
    except IntegrityError as error:  # the same request, made a moment ago
        raise AlreadyAsked(ConnectionState.PENDING) from error
    await enqueue(
        session,
        now,
        [
            Message(
                participant_id=target_id,
                kind=Kind.CONTACT_REQUEST,
                dedupe_key=f"contact-request:{connection.id}",
                params={"connection_id": connection.id},
            )
        ],
    )
    await session.commit()
    return connection


async def _incoming(
    session: AsyncSession, target_id: int | None, connection_id: int
) -> AlumniConnection:
    """A request to this person (else ``NotFound``: a forged or someone else's button)."""
    connection = await session.get(AlumniConnection, connection_id, with_for_update=True)
    if connection is None or target_id is None or connection.target_id != target_id:
        raise NotFound("contact request", connection_id)
    return connection


async def accept_request(
    session: AsyncSession,
    now: datetime,
    target_id: int | None,
    connection_id: int,
    username: str | None,
) -> Contact:
    """Accept a pending request: the requester's contact for the accepter, and the
    accepter's contact queued to the requester (committed). A second press of Accept
    gives the contact again and queues nothing new; ``InvalidTransition`` if the
    request was declined or withdrawn; ``PersonUnavailable`` if the requester is gone."""
    connection = await _incoming(session, target_id, connection_id)
    requester = await session.get(Participant, connection.requester_id)
    if requester is None or requester.erased_at is not None:
        raise PersonUnavailable("this person cannot be found")
    if connection.state == ConnectionState.PENDING:
        if await _blocked_between(session, connection.requester_id, connection.target_id):
            raise PersonUnavailable("this person cannot be found")
        connection.state = ConnectionState.ACCEPTED
        connection.target_username = _clean_username(username)
        connection.decided_at = now
        await enqueue(
            session,
            now,
            [
                Message(
                    participant_id=connection.requester_id,
                    kind=Kind.CONTACT_ACCEPTED,
                    dedupe_key=f"contact-accepted:{connection.id}",
                    params={"connection_id": connection.id},
                )
            ],
        )
    elif connection.state != ConnectionState.ACCEPTED:
        raise InvalidTransition(f"this request is {connection.state}")
    contact = Contact(requester.name, connection.requester_username, requester.telegram_user_id)
    await session.commit()
    return contact


async def decline_request(
    session: AsyncSession, now: datetime, target_id: int | None, connection_id: int
) -> None:
    """Decline a pending request (the requester is not told, and may not ask again).
    Declining again changes nothing; ``InvalidTransition`` once it was accepted or
    withdrawn (contacts given cannot be taken back; a block still can)."""
    connection = await _incoming(session, target_id, connection_id)
    if connection.state == ConnectionState.PENDING:
        connection.state = ConnectionState.DECLINED
        connection.decided_at = now
    elif connection.state != ConnectionState.DECLINED:
        raise InvalidTransition(f"this request is {connection.state}")
    await session.commit()


async def block_requester(
    session: AsyncSession, now: datetime, target_id: int | None, connection_id: int
) -> None:
    """Block whoever sent this request: the request is declined, and neither finds or
    writes to the other any more."""
    connection = await _incoming(session, target_id, connection_id)
    await _block(session, now, connection)
    await session.commit()


async def _block(session: AsyncSession, now: datetime, connection: AlumniConnection) -> None:
    if connection.state == ConnectionState.PENDING:
        connection.state = ConnectionState.DECLINED
        connection.decided_at = now
    statement = insert_for(session, AlumniBlock).on_conflict_do_nothing(
        index_elements=["blocker_id", "blocked_id"]
    )
    await session.execute(
        statement,
        [
            {
                "blocker_id": connection.target_id,
                "blocked_id": connection.requester_id,
                "created_at": now,
            }
        ],
    )


async def report_request(
    session: AsyncSession, now: datetime, target_id: int | None, connection_id: int
) -> int:
    """Report a request to the organisers (with its note) and block its sender; returns
    how many programmes' organisers get it. Reporting twice adds nothing."""
    connection = await _incoming(session, target_id, connection_id)
    already = await session.scalar(
        select(AlumniReport.id).where(AlumniReport.connection_id == connection.id).limit(1)
    )
    programmes: frozenset[int] = frozenset()
    if already is None:
        sender = await memberships_of(session, connection.requester_id)
        receiver = await memberships_of(session, connection.target_id)
        programmes = (sender.programmes & receiver.programmes) or sender.programmes
        for programme_id in sorted(programmes):
            session.add(
                AlumniReport(
                    programme_id=programme_id,
                    connection_id=connection.id,
                    reporter_id=connection.target_id,
                    reported_id=connection.requester_id,
                    note=connection.note,
                    created_at=now,
                )
            )
    await _block(session, now, connection)
    await session.commit()
    return len(programmes)


async def forget_alumnus(
    session: AsyncSession, participant_id: int, telegram_user_id: int | None
) -> None:
    """Part of erasing a person (not committed): the profile goes, every pending request
    from or to them is withdrawn (its queued message then says nothing), the notes and
    usernames of their requests are forgotten, and so are imports naming their Telegram
    id that they never answered. Memberships stay, without a name, so organisers' counts
    stay right."""
    if telegram_user_id is not None:
        await session.execute(
            delete(Alumnus).where(
                Alumnus.participant_id.is_(None), Alumnus.telegram_user_id == telegram_user_id
            )
        )
    await session.execute(
        delete(AlumniProfile).where(AlumniProfile.participant_id == participant_id)
    )
    involved = or_(
        AlumniConnection.requester_id == participant_id,
        AlumniConnection.target_id == participant_id,
    )
    await session.execute(
        update(AlumniConnection)
        .where(involved, AlumniConnection.state == ConnectionState.PENDING)
        .values(state=ConnectionState.WITHDRAWN)
    )
    await session.execute(
        update(AlumniConnection)
        .where(involved)
        .values(note="", requester_username=None, target_username=None)
    )
