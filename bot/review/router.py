"""/review: an organiser picks one of their application-mode events (when they have
several) and goes through its open applications one at a time: score, confirm, put on
the waiting list, reject or skip, with the balance so far beside each; or pages through
the queue. A balanced proposal is made, adjusted (one selected person swapped for one from
the waiting list or the rest, the balance recomputed) and accepted in one step through
the same use cases as the API (events.proposals), so accepting twice decides and tells
nobody twice.

Every press goes through the use cases again, which check that the event is the
organiser's: a forged or stale button changes nothing.
"""

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Review
from bot.guards import Refused, StaleButton, guarded, only_organisers, organiser_only
from bot.i18n import Translator
from bot.replies import answer_below, edit_or_send, split_html
from bot.review.views import (
    DECISIONS,
    PAGE_SIZE,
    SCORES,
    accepted_text,
    adjustable,
    application_keyboard,
    application_text,
    balances_text,
    event_picker,
    page_keyboard,
    page_text,
    proposal_keyboard,
    proposal_text,
    take_in_view,
    take_out_view,
)
from events import proposals, reviews
from events.applicants import Application
from events.enums import Decision, Participation
from events.errors import Conflict, InvalidInput, InvalidTransition
from events.models import Event
from events.principals import Principal
from events.registrations import decide
from events.review_queue import (
    QueueEntry,
    applications_by_id,
    queue_entry,
    queue_page,
    reviewable_events,
)
from events.reviews import OPEN
from events.seats import parts_of


async def review_command(
    message: Message,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    if organiser is None:
        await message.answer(only_organisers(t))
        return
    async with db() as session:
        events = await reviewable_events(session, organiser, now)
        shown = await _card(session, t, organiser, events[0].id, 0) if len(events) == 1 else None
    if not events:
        await message.answer(t.gettext("You have no events that take applications."))
    elif shown is not None:
        text, markup = shown
        await message.answer(text, reply_markup=markup)
    else:
        listing, picker = event_picker(t, events)
        await message.answer(
            t.gettext("Which event's applications do you want to review?") + "\n\n" + listing,
            reply_markup=picker,
        )


async def _card(
    session: AsyncSession,
    t: Translator,
    organiser: Principal,
    event_id: int,
    position: int,
    registration_id: int | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    entry: QueueEntry = await queue_entry(session, organiser, event_id, position, registration_id)
    balances = [
        await reviews.balance(session, organiser, event_id, part) for part in parts_of(entry.event)
    ]
    lines = balances_text(t, balances)
    return application_text(t, entry, lines), application_keyboard(t, entry)


async def show(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    """An application of the queue: the one pressed in a list (while it is open), or the
    one at the button's position."""
    async with guarded(query, t):
        manager = organiser_only(t, organiser)
        async with db() as session:
            text, markup = await _card(
                session,
                t,
                manager,
                callback_data.event_id,
                callback_data.at,
                callback_data.id or None,
            )
        await query.answer()
        await edit_or_send(query, text, markup)


async def score(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    async with guarded(query, t):
        if callback_data.value not in {str(n) for n in SCORES}:
            raise StaleButton
        manager = organiser_only(t, organiser)
        given = int(callback_data.value)
        async with db() as session:
            registration = await reviews.set_score(session, now, manager, callback_data.id, given)
            if registration.event_id != callback_data.event_id:
                raise StaleButton
            text, markup = await _card(
                session, t, manager, registration.event_id, callback_data.at, registration.id
            )
        await query.answer(t.gettext("Score saved: {score} of 5").format(score=given))
        await edit_or_send(query, text, markup)


async def decision(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    """Decide one application; the card then shows the next one at the same position."""
    async with guarded(query, t):
        if callback_data.value not in DECISIONS:
            raise StaleButton
        manager = organiser_only(t, organiser)
        async with db() as session:
            # The event of the button first: a decision is for the queue it was shown in.
            await queue_entry(session, manager, callback_data.event_id, 0)
            registration = await decide(
                session, now, manager, callback_data.id, Decision(callback_data.value)
            )
            text, markup = await _card(
                session, t, manager, registration.event_id, callback_data.at
            )
        done = {
            "confirm": t.gettext("Confirmed. The person will be told."),
            "waitlist": t.gettext("On the waiting list. The person will be told."),
            "reject": t.gettext("Not selected. The person will be told."),
        }[callback_data.value]
        await query.answer(done)
        await edit_or_send(query, text, markup)


async def page(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    async with guarded(query, t):
        manager = organiser_only(t, organiser)
        async with db() as session:
            found = await queue_page(
                session, manager, callback_data.event_id, callback_data.at, PAGE_SIZE
            )
        await query.answer()
        await edit_or_send(query, page_text(t, found), page_keyboard(t, found))


async def propose(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    """A new balanced proposal (replacing an open one), in new messages."""
    async with guarded(query, t):
        manager = organiser_only(t, organiser)
        async with db() as session:
            view = await proposals.create_proposal(
                session,
                now,
                manager,
                callback_data.event_id,
                participation=_part(callback_data.value),
            )
            people = await applications_by_id(session, manager, callback_data.event_id)
            event = await queue_entry(session, manager, callback_data.event_id, 0)
        await query.answer()
        parts = split_html(proposal_text(t, event.event, view, people))
        markup = proposal_keyboard(
            t,
            event.event.id,
            view.proposal.id,
            adjustable=adjustable(view),
            part=view.proposal.participation,
        )
        if isinstance(query.message, Message):
            for part in parts[:-1]:
                await query.message.answer(part)
            await query.message.answer(parts[-1], reply_markup=markup)


async def accept(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    """Accept a proposal as it is: every application decided and every person told,
    once, however often the button is pressed."""
    async with guarded(query, t):
        manager = organiser_only(t, organiser)
        async with db() as session:
            before = await proposals.get_proposal(session, manager, callback_data.id)
            if before.proposal.event_id != callback_data.event_id:
                raise StaleButton
            if before.proposal.state == proposals.CONFIRMED:
                raise Refused(t.gettext("This proposal was accepted already."))
            try:
                view = await proposals.confirm_proposal(session, now, manager, callback_data.id)
            except Conflict as error:
                stale = t.gettext(
                    "Some applications changed since this proposal was made. "
                    "Please make a new proposal."
                )
                raise Refused(stale) from error
        await query.answer()
        await edit_or_send(query, accepted_text(t, view))


# --- adjusting a proposal before accepting it ---------------------------------------------


def _closed(t: Translator, state: str) -> Refused:
    if state == proposals.CONFIRMED:
        return Refused(t.gettext("This proposal was accepted already."))
    return Refused(t.gettext("A newer proposal replaced this one. Please use the newest one."))


def _gone_out(t: Translator) -> Refused:
    return Refused(t.gettext("This person is no longer in the selection."))


def _part(value: str) -> Participation | None:
    """The part of a hybrid event a proposal button is for; ``StaleButton`` for a value
    that names none (the use case then checks it is one of the event's)."""
    if not value:
        return None
    try:
        return Participation(value)
    except ValueError:
        raise StaleButton from None


def _key(value: str) -> int:
    """A registration id from a button; ``StaleButton`` for anything else."""
    if not (value.isascii() and value.isdigit()) or len(value) > 10:
        raise StaleButton
    return int(value)


async def _adjusting(
    session: AsyncSession, t: Translator, manager: Principal, callback_data: Review
) -> tuple[proposals.ProposalView, Event, dict[int, Application]]:
    """The open proposal of the button's event, its event and its people; a refusal
    saying why when it was accepted or replaced since."""
    view = await proposals.get_proposal(session, manager, callback_data.id)
    if view.proposal.event_id != callback_data.event_id:
        raise StaleButton
    if view.proposal.state != OPEN:
        raise _closed(t, view.proposal.state)
    event = (await queue_entry(session, manager, callback_data.event_id, 0)).event
    people = await applications_by_id(session, manager, callback_data.event_id)
    return view, event, dict(people)


async def _show_proposal(
    query: CallbackQuery,
    t: Translator,
    event: Event,
    view: proposals.ProposalView,
    people: dict[int, Application],
) -> None:
    """The proposal in place of the button's message, its buttons on the last part."""
    parts = split_html(proposal_text(t, event, view, people))
    markup = proposal_keyboard(
        t,
        event.id,
        view.proposal.id,
        adjustable=adjustable(view),
        part=view.proposal.participation,
    )
    if len(parts) == 1:
        await edit_or_send(query, parts[0], markup)
        return
    await edit_or_send(query, parts[0])
    for part in parts[1:-1]:
        await answer_below(query, part)
    await answer_below(query, parts[-1], markup)


async def adjust(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    """A page of the selected people, to pick whom to take out."""
    async with guarded(query, t):
        manager = organiser_only(t, organiser)
        async with db() as session:
            view, event, people = await _adjusting(session, t, manager, callback_data)
        await query.answer()
        text, markup = take_out_view(t, event, view, people, callback_data.at)
        await edit_or_send(query, text, markup)


async def take_out(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    """A page of who could take the chosen person's place."""
    async with guarded(query, t):
        manager = organiser_only(t, organiser)
        leaving = _key(callback_data.value)
        async with db() as session:
            view, event, people = await _adjusting(session, t, manager, callback_data)
        if leaving not in view.proposal.selected:
            raise _gone_out(t)
        await query.answer()
        text, markup = take_in_view(t, event, view, people, leaving, callback_data.at)
        await edit_or_send(query, text, markup)


async def take_in(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    """Swap the two through the use case, then show the proposal with its new balance."""
    async with guarded(query, t):
        manager = organiser_only(t, organiser)
        leaving, dot, coming = callback_data.value.partition(".")
        if not dot:
            raise StaleButton
        out_key, in_key = _key(leaving), _key(coming)
        async with db() as session:
            _view, event, people = await _adjusting(session, t, manager, callback_data)
            try:
                view = await proposals.swap(
                    session, now, manager, callback_data.id, out_key, in_key
                )
            except InvalidInput as error:
                if error.field == "take_out":
                    raise _gone_out(t) from error
                gone = t.gettext("This person can no longer be taken in.")
                raise Refused(gone) from error
            except InvalidTransition as error:
                again = await proposals.get_proposal(session, manager, callback_data.id)
                raise _closed(t, again.proposal.state) from error
        await query.answer(t.gettext("Swapped. The balance is recalculated."))
        await _show_proposal(query, t, event, view, people)


async def back_to_proposal(
    query: CallbackQuery,
    callback_data: Review,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    async with guarded(query, t):
        manager = organiser_only(t, organiser)
        async with db() as session:
            view, event, people = await _adjusting(session, t, manager, callback_data)
        await query.answer()
        await _show_proposal(query, t, event, view, people)


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(review_command, Command("review"))
    router.callback_query.register(show, Review.filter(F.action == "show"))
    router.callback_query.register(score, Review.filter(F.action == "score"))
    router.callback_query.register(decision, Review.filter(F.action == "decide"))
    router.callback_query.register(page, Review.filter(F.action == "list"))
    router.callback_query.register(propose, Review.filter(F.action == "propose"))
    router.callback_query.register(accept, Review.filter(F.action == "accept"))
    router.callback_query.register(adjust, Review.filter(F.action == "adjust"))
    router.callback_query.register(take_out, Review.filter(F.action == "out"))
    router.callback_query.register(take_in, Review.filter(F.action == "in"))
    router.callback_query.register(back_to_proposal, Review.filter(F.action == "proposal"))
    return router
