"""What /review shows: an application with the person's profile and answers, the
balance against the event's targets, a page of the queue, a proposal; and their
buttons. Everything people wrote is escaped."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Review
from bot.choices import choice_label, event_choice, numbered, shortened
from bot.keyboards import button, rows
from bot.views import e, event_title, participation_line, profile_summary
from bot.wording import status_label
from events.applicants import Application
from events.enums import Participation, QuestionKind, RegistrationStatus
from events.inputs import Question
from events.models import Event
from events.proposals import ProposalView
from events.questions import questions_of
from events.review_queue import QueueEntry, QueuePage
from events.reviews import Balance
from events.seats import parts_of
from events.selection import TargetResult
from events.targets import SelectionTargets
from locales.target_words import missed_text, target_texts
from locales.translator import Translator

PAGE_SIZE = 8
SCORES = range(1, 6)
DECISIONS = ("confirm", "waitlist", "reject")
# Names are the participants' own: cut in lists and on buttons, whole on the card.
_NAME_IN_LIST = 40
_NAME_ON_BUTTON = 22
# A proposal names this many people of each part; the rest are counted.
_LISTED_SELECTED = 40
_LISTED_WAITING = 15
# People on one page when adjusting a proposal (it may hold fifty and more).
SWAP_PAGE = 8


def event_picker(t: Translator, events: Sequence[Event]) -> tuple[str, InlineKeyboardMarkup]:
    """The events listed in full and numbered, and their buttons."""
    listing, buttons = numbered(
        [event_choice(t, event, Review(action="show", event_id=event.id)) for event in events]
    )
    return listing, rows(*buttons)


# --- one application ----------------------------------------------------------------


def _answer(t: Translator, question: Question | None, value: object) -> str:
    if question is not None and question.kind == QuestionKind.CHOICE:
        for choice in question.choices:
            if choice.key == value:
                return e(t.pick(choice.label))
    if isinstance(value, bool):
        return t.gettext("Yes") if value else t.gettext("No")
    return e(str(value))


def answers_block(t: Translator, event: Event, answers: Mapping[str, object]) -> list[str]:
    questions = {q.key: q for q in questions_of(event.questions)}
    lines = []
    for key, value in answers.items():
        question = questions.get(key)
        prompt = t.pick(question.prompt, event.default_language) if question else key
        lines.append(f"<i>{e(prompt)}</i>\n{_answer(t, question, value)}")
    return lines


def application_text(t: Translator, entry: QueueEntry, balance: list[str]) -> str:
    """The card of the queue's current application, or the news that it is empty."""
    event = entry.event
    heading = f"<b>{e(event_title(t, event))}</b>"
    application = entry.application
    if application is None:
        empty = t.gettext("No applications are waiting for a decision.")
        return "\n\n".join([heading, empty, "\n".join(balance)])
    participant = application.participant
    registration = application.registration
    position = t.gettext("Application {number} of {total}").format(
        number=entry.position + 1, total=entry.total
    )
    profile = profile_summary(
        t, participant.name, registration.country, registration.gender, participant.birth_year
    )
    facts = [
        profile,
        t.gettext("Has not taken part before")
        if application.first_timer
        else t.gettext("Has taken part before"),
        t.gettext("Score: {score} of 5").format(score=registration.review_score)
        if registration.review_score is not None
        else t.gettext("Score: not given yet"),
    ]
    if len(parts_of(event)) > 1:
        facts.append(participation_line(t, registration.participation))
    answers = answers_block(t, event, registration.answers)
    blocks = [f"{heading}\n{position}", "\n".join(facts)]
    if answers:
        blocks.append("\n".join(answers))
    blocks.append("\n".join(balance))
    return "\n\n".join(blocks)


def application_keyboard(t: Translator, entry: QueueEntry) -> InlineKeyboardMarkup:
    event_id = entry.event.id
    buttons = []
    application = entry.application
    if application is not None:
        registration = application.registration
        at = entry.position

        def act(action: str, value: str = "", position: int = at) -> str:
            return Review(
                action=action, event_id=event_id, id=registration.id, at=position, value=value
            ).pack()

        # The score given is marked, so the row says it without words.
        scores = [
            button(
                f"✓{score}" if score == registration.review_score else str(score),
                act("score", str(score)),
            )
            for score in SCORES
        ]
        buttons += [
            scores,
            [
                button(t.gettext("Confirm"), act("decide", "confirm")),
                button(t.gettext("Waiting list"), act("decide", "waitlist")),
            ],
            [
                button(t.gettext("Reject"), act("decide", "reject")),
                button(
                    t.gettext("Skip"),
                    Review(action="show", event_id=event_id, at=at + 1).pack(),
                ),
            ],
            [
                button(
                    t.gettext("List of applications"),
                    Review(action="list", event_id=event_id, at=at // PAGE_SIZE).pack(),
                )
            ],
        ]
    buttons += [[button] for button in propose_buttons(t, entry.event)]
    return InlineKeyboardMarkup(inline_keyboard=buttons)


def propose_buttons(t: Translator, event: Event) -> list[InlineKeyboardButton]:
    """A balanced proposal of the event's seats, or one per part of a hybrid event."""
    parts = parts_of(event)
    if len(parts) == 1:
        return [button(t.gettext("Balanced proposal"), _propose(event.id))]
    labels = {
        Participation.IN_PERSON: t.gettext("Balanced proposal: in person"),
        Participation.ONLINE: t.gettext("Balanced proposal: online"),
    }
    return [button(labels[part], _propose(event.id, part)) for part in parts]


def _propose(event_id: int, part: str = "") -> str:
    return Review(action="propose", event_id=event_id, value=part).pack()


# --- the balance ----------------------------------------------------------------------


def _off(t: Translator, result: TargetResult) -> str:
    missed = missed_text(t, result)
    return " ⚠️ " + missed if missed else " ✅"


def target_lines(
    t: Translator, targets: SelectionTargets, results: Sequence[TargetResult]
) -> list[str]:
    """Each target as the organiser set it, with the counts it looks at and whether the
    group meets it."""
    if targets.is_empty:
        return [t.gettext("No selection targets are set for this event.")]
    return [e(text) + _off(t, result) for text, result in target_texts(t, targets, results)]


def balance_lines(
    t: Translator,
    capacity: int,
    confirmed: int,
    proposed: int,
    targets: SelectionTargets,
    results: Sequence[TargetResult],
    part: str | None = None,
) -> list[str]:
    """The balance of the event's seats, or of one part (``part``) of a hybrid event."""
    return [
        _balance_heading(t),
        *_part_balance(t, capacity, confirmed, proposed, targets, results, part),
    ]


def _balance_heading(t: Translator) -> str:
    return f"<b>{t.gettext('Balance so far (confirmed and proposed)')}</b>"


def _part_balance(
    t: Translator,
    capacity: int,
    confirmed: int,
    proposed: int,
    targets: SelectionTargets,
    results: Sequence[TargetResult],
    part: str | None,
) -> list[str]:
    seats = t.gettext("Confirmed: {confirmed}, proposed: {proposed}, seats: {capacity}").format(
        confirmed=confirmed, proposed=proposed, capacity=capacity
    )
    named = [f"<i>{participation_line(t, part)}</i>"] if part is not None else []
    return [*named, seats, *target_lines(t, targets, results)]


def balances_text(t: Translator, balances: Sequence[Balance]) -> list[str]:
    """The balance of every part of the event: a hybrid event's room and stream are
    selected apart, so each is shown with its own seats and targets."""
    lines = [_balance_heading(t)]
    for balance in balances:
        part = balance.participation if len(balances) > 1 else None
        lines += _part_balance(
            t,
            balance.capacity,
            balance.confirmed,
            balance.proposed,
            balance.targets,
            balance.results,
            part,
        )
    return lines


# --- a page of the queue ----------------------------------------------------------------


def page_text(t: Translator, page: QueuePage) -> str:
    heading = f"<b>{e(event_title(t, page.event))}</b>"
    if not page.applications:
        return f"{heading}\n\n" + t.gettext("No applications are waiting for a decision.")
    count = t.gettext("Applications waiting for a decision: {count}").format(count=page.total)
    where = t.gettext("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages)
    return f"{heading}\n{count}\n{where}"


def page_keyboard(t: Translator, page: QueuePage) -> InlineKeyboardMarkup:
    event_id = page.event.id
    buttons = []
    for offset, application in enumerate(page.applications):
        position = page.first_position + offset
        score = application.registration.review_score
        label = f"{position + 1}. {shortened(application.participant.name, _NAME_ON_BUTTON)}"
        if score is not None:
            label += f" · {score}★"
        data = Review(
            action="show", event_id=event_id, id=application.registration.id, at=position
        ).pack()
        buttons.append([button(label, data)])
    moves = []
    if page.page > 0:
        moves.append(
            button("◀", Review(action="list", event_id=event_id, at=page.page - 1).pack())
        )
    if page.page + 1 < page.pages:
        moves.append(
            button("▶", Review(action="list", event_id=event_id, at=page.page + 1).pack())
        )
    if moves:
        buttons.append(moves)
    return InlineKeyboardMarkup(inline_keyboard=buttons)


# --- a proposal -------------------------------------------------------------------------


def _person(t: Translator, application: Application | None) -> str:
    if application is None:
        return "—"
    name = e(shortened(application.participant.name, _NAME_IN_LIST))
    country = application.registration.country
    return f"{name} — {e(t.country(country))}" if country else name


def _listed(
    t: Translator, keys: Sequence[int], people: Mapping[int, Application], limit: int
) -> list[str]:
    lines = [f"{n}. {_person(t, people.get(key))}" for n, key in enumerate(keys[:limit], 1)]
    if len(keys) > limit:
        more = len(keys) - limit
        lines.append(
            t.ngettext("… and {count} more", "… and {count} more", more).format(count=more)
        )
    return lines


def proposal_text(
    t: Translator, event: Event, view: ProposalView, people: Mapping[int, Application]
) -> str:
    proposal = view.proposal
    targets = SelectionTargets.model_validate(proposal.targets)
    held = len(proposal.inputs.get("held", []))
    blocks = [
        "\n".join(
            [
                t.gettext("Balanced proposal: {title}").format(
                    title=f"<b>{e(event_title(t, event))}</b>"
                ),
                t.gettext(
                    "Selected: {selected}, waiting list: {waitlisted}, not selected: {rejected}"
                ).format(
                    selected=len(proposal.selected),
                    waitlisted=len(proposal.waitlist),
                    rejected=len(proposal.not_selected),
                ),
                t.gettext("Draw number, for the record: {seed}").format(seed=proposal.seed),
            ]
        )
    ]
    if proposal.selected:
        selected = _listed(t, proposal.selected, people, _LISTED_SELECTED)
        blocks.append("\n".join([f"<b>{t.gettext('Selected')}</b>", *selected]))
    if proposal.waitlist:
        waiting = _listed(t, proposal.waitlist, people, _LISTED_WAITING)
        blocks.append("\n".join([f"<b>{t.gettext('Waiting list, in order')}</b>", *waiting]))
    part = proposal.participation if len(parts_of(event)) > 1 else None
    capacity = int(proposal.inputs.get("capacity", event.capacity))
    balance = balance_lines(t, capacity, held, len(proposal.selected), targets, view.results, part)
    blocks.append("\n".join(balance))
    if view.missed:
        blocks.append(t.gettext("Some targets cannot be met with the applications there are."))
    blocks.append(
        t.gettext(
            "Accepting decides all these applications at once and tells each person in "
            "their own language."
        )
    )
    return "\n\n".join(blocks)


def proposal_keyboard(
    t: Translator, event_id: int, proposal_id: int, *, adjustable: bool = True, part: str = ""
) -> InlineKeyboardMarkup:
    """Accept, adjust (while someone could be swapped in), draw again, or go back."""
    adjust = Review(action="adjust", event_id=event_id, id=proposal_id).pack()
    return rows(
        button(
            t.gettext("Accept the proposal"),
            Review(action="accept", event_id=event_id, id=proposal_id).pack(),
        ),
        *([button(t.gettext("Adjust"), adjust)] if adjustable else []),
        button(t.gettext("Draw again"), _propose(event_id, part)),
        button(t.gettext("Back to applications"), Review(action="show", event_id=event_id).pack()),
    )


def accepted_text(t: Translator, view: ProposalView) -> str:
    proposal = view.proposal
    return t.gettext(
        "The proposal is accepted. Confirmed: {confirmed}, waiting list: {waitlisted}, "
        "not selected: {rejected}. Everyone will be told in their own language."
    ).format(
        confirmed=len(proposal.selected),
        waitlisted=len(proposal.waitlist),
        rejected=len(proposal.not_selected),
    )


def adjustable(view: ProposalView) -> bool:
    """Someone is selected and someone could take their place."""
    proposal = view.proposal
    return bool(proposal.selected) and bool(proposal.waitlist or proposal.not_selected)


# --- adjusting a proposal: one out, one in ----------------------------------------------


@dataclass(frozen=True)
class SwapPage:
    """One page of the people to pick from, numbered across pages."""

    keys: list[int]
    first: int
    page: int
    pages: int


def swap_page(keys: Sequence[int], page: int) -> SwapPage:
    pages = max(1, -(-len(keys) // SWAP_PAGE))
    page = min(page, pages - 1)
    first = page * SWAP_PAGE
    return SwapPage(list(keys[first : first + SWAP_PAGE]), first, page, pages)


def _name(application: Application | None) -> str:
    return application.participant.name if application is not None else "—"


def _picking(t: Translator, event: Event, question: str, lines: list[str], page: SwapPage) -> str:
    heading = t.gettext("Balanced proposal: {title}").format(
        title=f"<b>{e(event_title(t, event))}</b>"
    )
    blocks = [heading, question, "\n".join(lines)]
    if page.pages > 1:
        blocks.append(
            t.gettext("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages)
        )
    return "\n\n".join(blocks)


def _pick_keyboard(
    people: Mapping[int, Application],
    page: SwapPage,
    pressed: Callable[[int], str],
    turned: Callable[[int], str],
    back: InlineKeyboardButton,
) -> InlineKeyboardMarkup:
    buttons = [
        [button(choice_label(page.first + n, _name(people.get(key))), pressed(key))]
        for n, key in enumerate(page.keys, 1)
    ]
    moves = []
    if page.page > 0:
        moves.append(button("◀", turned(page.page - 1)))
    if page.page + 1 < page.pages:
        moves.append(button("▶", turned(page.page + 1)))
    if moves:
        buttons.append(moves)
    buttons.append([back])
    return InlineKeyboardMarkup(inline_keyboard=buttons)


def take_out_view(
    t: Translator, event: Event, view: ProposalView, people: Mapping[int, Application], at: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The selected people, numbered, to pick the one to take out."""
    proposal = view.proposal
    page = swap_page(proposal.selected, at)
    lines = [
        f"{page.first + n}. {_person(t, people.get(key))}" for n, key in enumerate(page.keys, 1)
    ]
    question = t.gettext("Whom do you want to take out of the selection?")
    text = _picking(t, event, question, lines, page)

    def pressed(key: int) -> str:
        return Review(action="out", event_id=event.id, id=proposal.id, value=str(key)).pack()

    def turned(to: int) -> str:
        return Review(action="adjust", event_id=event.id, id=proposal.id, at=to).pack()

    back = Review(action="proposal", event_id=event.id, id=proposal.id).pack()
    return text, _pick_keyboard(
        people, page, pressed, turned, button(t.gettext("Back to the proposal"), back)
    )


def swap_value(take_out: int, take_in: int) -> str:
    return f"{take_out}.{take_in}"


def take_in_view(
    t: Translator,
    event: Event,
    view: ProposalView,
    people: Mapping[int, Application],
    take_out: int,
    at: int,
) -> tuple[str, InlineKeyboardMarkup]:
    """Who could take ``take_out``'s place: the waiting list first, in order, then the
    people not selected."""
    proposal = view.proposal
    places = {key: place for place, key in enumerate(proposal.waitlist, 1)}
    page = swap_page([*proposal.waitlist, *proposal.not_selected], at)
    rest = status_label(t, RegistrationStatus.REJECTED)
    lines = []
    for n, key in enumerate(page.keys, 1):
        place = places.get(key)
        where = t.gettext("waiting list, place {place}").format(place=place) if place else rest
        lines.append(f"{page.first + n}. {_person(t, people.get(key))} · {where}")
    leaving = t.gettext("Taking out: {name}").format(name=e(_name(people.get(take_out))))
    question = t.gettext("Whom do you want to take in instead?")
    text = _picking(t, event, f"{leaving}\n{question}", lines, page)

    def pressed(key: int) -> str:
        value = swap_value(take_out, key)
        return Review(action="in", event_id=event.id, id=proposal.id, value=value).pack()

    def turned(to: int) -> str:
        value = str(take_out)
        return Review(action="out", event_id=event.id, id=proposal.id, at=to, value=value).pack()

    back = Review(action="adjust", event_id=event.id, id=proposal.id).pack()
    return text, _pick_keyboard(
        people, page, pressed, turned, button(t.gettext("Take out someone else"), back)
    )
