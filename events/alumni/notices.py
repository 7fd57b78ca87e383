"""What the outbox needs to send a contact request or an accepted request, at send time.

A request still holds while it is pending and its sender is not erased; an acceptance
holds unless the accepter was erased since. Each carries the other person's name and,
only for an acceptance, their contact.
"""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from events.alumni.connections import ConnectionState, Contact
from events.models import AlumniConnection, Participant
from events.outbox.queue import Kind


@dataclass(frozen=True)
class ConnectionNotice:
    connection_id: int
    other_name: str
    note: str
    # Only when the other person accepted: their consent to be reached.
    contact: Contact | None


async def connection_notice(
    session: AsyncSession, kind: Kind, connection_id: object
) -> ConnectionNotice | str:
    """The notice to render, or why it no longer holds."""
    connection = (
        await session.get(AlumniConnection, connection_id)
        if isinstance(connection_id, int)
        else None
    )
    if connection is None:
        return "the contact request is gone"
    if kind == Kind.CONTACT_REQUEST:
        if connection.state != ConnectionState.PENDING:
            return f"the contact request is {connection.state}"
        sender = await session.get(Participant, connection.requester_id)
        if sender is None or sender.erased_at is not None:
            return "the sender was erased"
        return ConnectionNotice(connection.id, sender.name, connection.note, None)
    if connection.state != ConnectionState.ACCEPTED:
        return f"the contact request is {connection.state}"
    accepter = await session.get(Participant, connection.target_id)
    if accepter is None or accepter.erased_at is not None:
        return "the person who accepted was erased"
    contact = Contact(accepter.name, connection.target_username, accepter.telegram_user_id)
    return ConnectionNotice(connection.id, accepter.name, "", contact)
