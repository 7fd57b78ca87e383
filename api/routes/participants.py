"""Participants: look-up and erasure on request."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.dependencies import NowDep, PrincipalDep, SessionDep
from api.schemas import ParticipantOut, RegistrationOut
from events import participants
from events.inputs import Id, TelegramUserId
from events.models import Participant

router = APIRouter(prefix="/participants", tags=["participants"])


async def _present(
    session: SessionDep, viewer: PrincipalDep, participant: Participant
) -> ParticipantOut:
    visible = await participants.visible_registrations_of(session, viewer, participant.id)
    return ParticipantOut.of(
        participant, [RegistrationOut.of(registration, participant) for registration in visible]
    )


@router.get("")
async def find_participants(
    session: SessionDep,
    viewer: PrincipalDep,
    telegram_user_id: Annotated[TelegramUserId, Query()],
) -> list[ParticipantOut]:
    """Look a person up by their Telegram id (an empty list if not visible to you)."""
    found = await participants.find_visible_by_telegram_id(session, viewer, telegram_user_id)
    return [await _present(session, viewer, participant) for participant in found]


@router.get("/{participant_id}")
async def get_participant(
    participant_id: Id, session: SessionDep, viewer: PrincipalDep
) -> ParticipantOut:
    participant = await participants.visible_participant(session, viewer, participant_id)
    return await _present(session, viewer, participant)


@router.delete("/{participant_id}", status_code=status.HTTP_204_NO_CONTENT)
async def erase_participant(
    participant_id: Id, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> Response:
    """Erase a person's data (admins only); their registrations stay as anonymous counts."""
    await participants.erase_participant(session, now, actor, participant_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
