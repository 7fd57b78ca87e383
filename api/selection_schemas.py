"""Bodies of the review and selection routes. Scores and notes appear only here, in
answers to organisers; nothing a participant reaches carries them."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from events.applicants import Application
from events.enums import Participation
from events.inputs import MAX_ID, Strict
from events.proposals import MAX_SEED, ProposalView
from events.reviews import MAX_NOTE_LENGTH, Balance
from events.selection import TargetResult
from events.targets import SelectionTargets
from events.whole_numbers import Whole


class ApplicationOut(BaseModel):
    """An application with the person's profile, answers and the private review."""

    registration_id: int
    participant_id: int
    name: str
    language: str
    status: str
    country: str | None
    gender: str | None
    birth_year: int | None
    age: int | None
    first_timer: bool
    answers: dict[str, Any]
    score: int | None
    note: str
    created_at: datetime

    @classmethod
    def of(cls, application: Application) -> "ApplicationOut":
        registration, participant = application.registration, application.participant
        return cls(
            registration_id=registration.id,
            participant_id=participant.id,
            name=participant.name,
            language=participant.language,
            status=registration.status,
            country=registration.country,
            gender=registration.gender,
            birth_year=participant.birth_year,
            age=application.age,
            first_timer=application.first_timer,
            answers=registration.answers,
            score=registration.review_score,
            note=registration.review_note,
            created_at=registration.created_at,
        )


class ReviewRequest(Strict):
    """The private score (1-5; null clears it) and note of an application."""

    score: Annotated[int, Whole(1, 5)] | None = None
    note: str = Field(default="", max_length=MAX_NOTE_LENGTH)


class ReviewOut(BaseModel):
    registration_id: int
    score: int | None
    note: str


class TargetOut(BaseModel):
    """One target against a group: the counts it looks at and the seats it misses by."""

    name: str
    met: bool
    missed_by: int
    counts: dict[str, int]

    @classmethod
    def of(cls, result: TargetResult) -> "TargetOut":
        return cls(
            name=result.name,
            met=result.missed_by == 0,
            missed_by=result.missed_by,
            counts=result.counts,
        )


class BalanceOut(BaseModel):
    """Seats held (confirmed) plus the open proposal's selection, against the targets."""

    event_id: int
    # The part of the event these seats are (a hybrid event's room or stream).
    participation: Participation
    capacity: int
    confirmed: int
    proposed: int
    proposal_id: int | None
    targets: SelectionTargets
    results: list[TargetOut]

    @classmethod
    def of(cls, balance: Balance) -> "BalanceOut":
        return cls(
            event_id=balance.event_id,
            participation=Participation(balance.participation),
            capacity=balance.capacity,
            confirmed=balance.confirmed,
            proposed=balance.proposed,
            proposal_id=balance.proposal_id,
            targets=balance.targets,
            results=[TargetOut.of(result) for result in balance.results],
        )


class ProposalRequest(Strict):
    """Without a seed, one is drawn (and recorded); ``waitlist_length`` caps the waitlist
    (null: everyone not selected waits; the others are told they were not selected).
    ``participation`` names the part a hybrid event's proposal fills (required for one):
    its room and stream are selected apart, each within its own seats and targets."""

    rules_not_in_schema = {
        "participation": "required for a hybrid event; one of the event's parts"
    }

    seed: Annotated[int, Whole(0, MAX_SEED)] | None = None
    waitlist_length: Annotated[int, Whole(0, 100_000)] | None = None
    participation: Participation | None = None


class SwapRequest(Strict):
    rules_not_in_schema = {
        "take_out": "a registration in the proposal's selection",
        "take_in": "an application of the proposal's waitlist or rest",
    }

    take_out: Annotated[int, Whole(1, MAX_ID)]
    take_in: Annotated[int, Whole(1, MAX_ID)]


class ProposalOut(BaseModel):
    """A proposal: registration ids in order, its balance, and what re-runs it."""

    id: int
    event_id: int
    participation: Participation
    state: str
    selected: list[int]
    waitlist: list[int]
    not_selected: list[int]
    results: list[TargetOut]
    missed: dict[str, int]
    seed: int
    algorithm: str
    input_digest: str
    targets: dict[str, Any]
    adjustments: list[dict[str, Any]]
    created_by: str
    created_at: datetime
    confirmed_at: datetime | None

    @classmethod
    def of(cls, view: ProposalView) -> "ProposalOut":
        proposal = view.proposal
        return cls(
            id=proposal.id,
            event_id=proposal.event_id,
            participation=Participation(proposal.participation),
            state=proposal.state,
            selected=proposal.selected,
            waitlist=proposal.waitlist,
            not_selected=proposal.not_selected,
            results=[TargetOut.of(result) for result in view.results],
            missed=view.missed,
            seed=proposal.seed,
            algorithm=proposal.algorithm,
            input_digest=proposal.input_digest,
            targets=proposal.targets,
            adjustments=proposal.adjustments,
            created_by=proposal.created_by,
            created_at=proposal.created_at,
            confirmed_at=proposal.confirmed_at,
        )
