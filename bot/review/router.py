"""/review: an organiser picks one of their application-mode events (when they have
several) and goes through its open applications one at a time: score, confirm, put on
the waiting list, reject or skip, with the balance so far beside each; or pages through
the queue. A balanced proposal is made and accepted in one step through the same use
cases as the API (events.proposals), so accepting twice decides and tells nobody twice.

Every press goes through the use cases again, which check that the event is the
organiser's: a forged or stale button changes nothing.
"""

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Review
from bot.guards import Refused, StaleButton, guarded
from bot.i18n import Translator
from bot.replies import edit_or_send, split_html
from bot.review.views import (
    DECISIONS,
    PAGE_SIZE,
    SCORES,
    accepted_text,
    application_keyboard,
    application_text,
    balance_lines,
    event_picker,
    page_keyboard,
    page_text,
    proposal_keyboard,
    proposal_text,
)
from events import proposals, reviews
from events.enums import Decision
from events.errors import Conflict
from events.principals import Principal
from events.registrations import decide
from events.review_queue import (
    QueueEntry,
    applications_by_id,
    queue_entry,
    queue_page,
    reviewable_events,
)


def _only_organisers(t: Translator) -> str:
    return t.gettext("This is only for organisers.")


def _manager(t: Translator, organiser: Principal | None) -> Principal:
    if organiser is None:
        raise Refused(_only_organisers(t))
    return organiser


async def review_command(
    message: Message,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    if organiser is None:
        await message.answer(_only_organisers(t))
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
    balance = await reviews.balance(session, organiser, event_id)
    lines = balance_lines(
        t, balance.capacity, balance.confirmed, balance.proposed, balance.targets, balance.results
    )
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
        manager = _manager(t, organiser)
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
        manager = _manager(t, organiser)
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
        manager = _manager(t, organiser)
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
        manager = _manager(t, organiser)
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
        manager = _manager(t, organiser)
        async with db() as session:
            view = await proposals.create_proposal(session, now, manager, callback_data.event_id)
            people = await applications_by_id(session, manager, callback_data.event_id)
            event = await queue_entry(session, manager, callback_data.event_id, 0)
        await query.answer()
        parts = split_html(proposal_text(t, event.event, view, people))
        markup = proposal_keyboard(t, event.event.id, view.proposal.id)
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
        manager = _manager(t, organiser)
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
    return router
