"""One registration: read it, decide on it, cancel it, answer its waitlist offer."""

from fastapi import APIRouter

from api.dependencies import NowDep, PrincipalDep, SessionDep
from api.presenters import present_registration
from api.schemas import DecisionRequest, OffersOut, ParticipationRequest, RegistrationOut
from events import registrations, switching, waitlist
from events.inputs import Id

router = APIRouter(prefix="/registrations", tags=["registrations"])


@router.get("/{registration_id}")
async def get_registration(
    registration_id: Id, session: SessionDep, viewer: PrincipalDep
) -> RegistrationOut:
    registration = await registrations.visible_registration(session, viewer, registration_id)
    return await present_registration(session, registration)


@router.post("/{registration_id}/decision")
async def decide(
    registration_id: Id,
    body: DecisionRequest,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
) -> RegistrationOut:
    registration = await registrations.decide(session, now, actor, registration_id, body.decision)
    return await present_registration(session, registration)


@router.post("/{registration_id}/cancel")
async def cancel(
    registration_id: Id, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> OffersOut:
    offers = await registrations.cancel_registration(
        session, now, registration_id, actor=actor, reason="organiser"
    )
    return OffersOut(offered=[offer.id for offer in offers])


@router.post("/{registration_id}/offer/accept")
async def accept_offer(
    registration_id: Id, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> RegistrationOut:
    registration = await waitlist.accept_offer(session, now, registration_id, actor=actor)
    return await present_registration(session, registration)


@router.post("/{registration_id}/offer/decline")
async def decline_offer(
    registration_id: Id, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> OffersOut:
    offers = await waitlist.decline_offer(session, now, registration_id, actor=actor)
    return OffersOut(offered=[offer.id for offer in offers])


@router.post("/{registration_id}/participation")
async def switch_participation(
    registration_id: Id,
    body: ParticipationRequest,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
) -> RegistrationOut:
    """Move a registration of a hybrid event to the room or the stream, while seats allow
    (a freed seat is offered on)."""
    registration, _offers = await switching.switch_participation(
        session, now, registration_id, body.participation, actor=actor
    )
    return await present_registration(session, registration)
