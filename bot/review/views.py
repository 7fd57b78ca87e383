"""What /review shows: an application with the person's profile and answers, the
balance against the event's targets, a page of the queue, a proposal; and their
buttons. Everything people wrote is escaped."""

from collections.abc import Mapping, Sequence

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import Review
from bot.choices import event_choice, numbered, shortened
from bot.i18n import Translator
from bot.keyboards import button, rows
from bot.views import e, event_title, profile_summary
from events.applicants import Application
from events.enums import QuestionKind
from events.inputs import Question
from events.models import Event
from events.proposals import ProposalView
from events.questions import questions_of
from events.review_queue import QueueEntry, QueuePage
from events.selection import FEMALE, MALE, TargetResult
from events.targets import SelectionTargets

PAGE_SIZE = 8
SCORES = range(1, 6)
DECISIONS = ("confirm", "waitlist", "reject")
# Names are the participants' own: cut in lists and on buttons, whole on the card.
_NAME_IN_LIST = 40
_NAME_ON_BUTTON = 22
# A proposal names this many people of each part; the rest are counted.
_LISTED_SELECTED = 40
_LISTED_WAITING = 15


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
    buttons.append(
        [
            button(
                t.gettext("Balanced proposal"), Review(action="propose", event_id=event_id).pack()
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=buttons)


# --- the balance ----------------------------------------------------------------------


def _off(t: Translator, result: TargetResult) -> str:
    if not result.missed_by:
        return " ✅"
    off = t.ngettext("off by {count} seat", "off by {count} seats", result.missed_by)
    return " ⚠️ " + off.format(count=result.missed_by)


def target_lines(
    t: Translator, targets: SelectionTargets, results: Sequence[TargetResult]
) -> list[str]:
    """Each target as the organiser set it, with the counts it looks at and whether the
    group meets it."""
    if targets.is_empty:
        return [t.gettext("No selection targets are set for this event.")]
    found = {result.name: result for result in results}
    lines = []
    parity = targets.gender_parity
    if parity is not None and "gender_parity" in found:
        result = found["gender_parity"]
        text = t.gettext(
            "Women {women}, men {men}, not stated {undisclosed} (parity ± {tolerance})"
        ).format(
            women=result.counts.get(FEMALE, 0),
            men=result.counts.get(MALE, 0),
            undisclosed=result.counts.get("undisclosed", 0),
            tolerance=parity.tolerance,
        )
        lines.append(text + _off(t, result))
    shares = targets.country_shares
    if shares is not None and "country_shares" in found:
        result = found["country_shares"]
        counts = ", ".join(
            f"{e(t.country(country))} {result.counts.get(country, 0)}/{seats}"
            for country, seats in sorted(shares.seats.items())
        )
        text = t.gettext("Countries (± {tolerance}): {counts}").format(
            tolerance=shares.tolerance, counts=counts
        )
        lines.append(text + _off(t, result))
    for band in targets.age_bands:
        if band.name in found:
            result = found[band.name]
            text = t.gettext("Aged {min_age}–{max_age}: {people} (at most {at_most})").format(
                min_age=band.min_age,
                max_age=band.max_age,
                people=result.counts.get("people", 0),
                at_most=band.at_most,
            )
            lines.append(text + _off(t, result))
    first = targets.first_timers
    if first is not None and "first_timers" in found:
        result = found["first_timers"]
        text = t.gettext("First-timers: {people} (at least {at_least})").format(
            people=result.counts.get("people", 0), at_least=first.at_least
        )
        lines.append(text + _off(t, result))
    return lines


def balance_lines(
    t: Translator,
    capacity: int,
    confirmed: int,
    proposed: int,
    targets: SelectionTargets,
    results: Sequence[TargetResult],
) -> list[str]:
    seats = t.gettext("Confirmed: {confirmed}, proposed: {proposed}, seats: {capacity}").format(
        confirmed=confirmed, proposed=proposed, capacity=capacity
    )
    heading = f"<b>{t.gettext('Balance so far (confirmed and proposed)')}</b>"
    return [heading, seats, *target_lines(t, targets, results)]


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
    balance = balance_lines(t, event.capacity, held, len(proposal.selected), targets, view.results)
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


def proposal_keyboard(t: Translator, event_id: int, proposal_id: int) -> InlineKeyboardMarkup:
    return rows(
        button(
            t.gettext("Accept the proposal"),
            Review(action="accept", event_id=event_id, id=proposal_id).pack(),
        ),
        button(t.gettext("Draw again"), Review(action="propose", event_id=event_id).pack()),
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
