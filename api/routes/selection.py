"""Reviewing applications and selecting with balance: targets, applications with a
private score and note, the balance so far, proposals (make, adjust, confirm)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from api.dependencies import NowDep, PrincipalDep, SessionDep
from api.selection_schemas import (
    ApplicationOut,
    BalanceOut,
    ProposalOut,
    ProposalRequest,
    ReviewOut,
    ReviewRequest,
    SwapRequest,
)
from events import proposals, reviews
from events.countries import CountryCode
from events.enums import Participation, RegistrationStatus
from events.inputs import Id
from events.json_schema import RULES_KEYWORD
from events.targets import SelectionTargets

router = APIRouter(tags=["selection"])

Age = Annotated[int | None, Query(ge=0, le=130)]
Score = Annotated[int | None, Query(ge=1, le=5)]
GenderFilter = Annotated[
    str | None,
    Query(
        pattern="^(female|male|other|undisclosed)$",
        description="a gender, or `undisclosed` for people who did not state one",
    ),
]
# A hybrid event's room and stream each have their own targets, balance and proposals.
PartQuery = Annotated[
    Participation | None,
    Query(
        description="the part of a hybrid event (required for one): `in_person` or `online`",
        json_schema_extra={
            RULES_KEYWORD: {
                "participation": "required for a hybrid event; one of the event's parts"
            }
        },
    ),
]
AnswerFilter = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z0-9_]{1,32}=.{0,200}$",
        description="`key=value`: only applications whose answer to `key` is `value` "
        "(yes/no answers as `yes` and `no`)",
    ),
]


@router.get("/events/{event_id}/selection-targets")
async def get_targets(
    event_id: Id, session: SessionDep, viewer: PrincipalDep, participation: PartQuery = None
) -> SelectionTargets:
    return await reviews.get_targets(session, viewer, event_id, participation)


@router.put("/events/{event_id}/selection-targets")
async def set_targets(
    event_id: Id,
    targets: SelectionTargets,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
    participation: PartQuery = None,
) -> SelectionTargets:
    return await reviews.set_targets(session, now, actor, event_id, targets, participation)


@router.get("/events/{event_id}/applications")
async def list_applications(
    event_id: Id,
    session: SessionDep,
    viewer: PrincipalDep,
    status: Annotated[RegistrationStatus | None, Query()] = None,
    country: Annotated[CountryCode | None, Query()] = None,
    gender: GenderFilter = None,
    min_age: Age = None,
    max_age: Age = None,
    min_score: Score = None,
    max_score: Score = None,
    unscored: bool = False,
    answer: AnswerFilter = None,
    sort: reviews.SortBy = reviews.SortBy.APPLIED,
    limit: Annotated[int | None, Query(ge=1, le=1000, description="a page of this many")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ApplicationOut]:
    where = reviews.ApplicationFilter(
        status=status,
        country=country,
        gender=gender,
        min_age=min_age,
        max_age=max_age,
        min_score=min_score,
        max_score=max_score,
        unscored=unscored,
        answer=_answer(answer),
    )
    found = await reviews.list_applications(session, viewer, event_id, where, sort)
    page = found[offset:] if limit is None else found[offset : offset + limit]
    return [ApplicationOut.of(application) for application in page]


def _answer(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    key, _, value = text.partition("=")
    return key, value


@router.put("/registrations/{registration_id}/review")
async def review(
    registration_id: Id,
    body: ReviewRequest,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
) -> ReviewOut:
    registration = await reviews.review(
        session, now, actor, registration_id, body.score, body.note
    )
    return ReviewOut(
        registration_id=registration.id,
        score=registration.review_score,
        note=registration.review_note,
    )


@router.get("/events/{event_id}/balance")
async def balance(
    event_id: Id, session: SessionDep, viewer: PrincipalDep, participation: PartQuery = None
) -> BalanceOut:
    return BalanceOut.of(await reviews.balance(session, viewer, event_id, participation))


@router.post("/events/{event_id}/proposals", status_code=status.HTTP_201_CREATED)
async def create_proposal(
    event_id: Id,
    body: ProposalRequest,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
) -> ProposalOut:
    view = await proposals.create_proposal(
        session,
        now,
        actor,
        event_id,
        seed=body.seed,
        waitlist_length=body.waitlist_length,
        participation=body.participation,
    )
    return ProposalOut.of(view)


@router.get("/proposals/{proposal_id}")
async def get_proposal(proposal_id: Id, session: SessionDep, viewer: PrincipalDep) -> ProposalOut:
    return ProposalOut.of(await proposals.get_proposal(session, viewer, proposal_id))


@router.get("/proposals/{proposal_id}/inputs")
async def proposal_inputs(
    proposal_id: Id, session: SessionDep, viewer: PrincipalDep
) -> dict[str, Any]:
    """What the proposal saw (its audit record): ``events.selection.rerun`` of this
    document gives the proposal again, before any swaps, with the same digest."""
    view = await proposals.get_proposal(session, viewer, proposal_id)
    return view.proposal.inputs


@router.post("/proposals/{proposal_id}/swap")
async def swap(
    proposal_id: Id,
    body: SwapRequest,
    session: SessionDep,
    now: NowDep,
    actor: PrincipalDep,
) -> ProposalOut:
    view = await proposals.swap(session, now, actor, proposal_id, body.take_out, body.take_in)
    return ProposalOut.of(view)


@router.post("/proposals/{proposal_id}/confirm")
async def confirm(
    proposal_id: Id, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> ProposalOut:
    return ProposalOut.of(await proposals.confirm_proposal(session, now, actor, proposal_id))
