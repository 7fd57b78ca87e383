"""Organisers write to their participants: /broadcast composes a broadcast.

Composing: the event, the audience (with the number of people it reaches), the text in
the event's main language, a preview, translations, then "Send now". The draft lives in
the conversation (``Composition``); nothing is stored as a broadcast before "Send now",
and /cancel drops it. Every step re-checks through the use cases that the person still
manages the event, so a stale button or a lost role changes nothing. Following up
(/broadcasts, progress, stopping) is bot.broadcasts.reports.
"""

from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcasts.draft import Composition
from bot.broadcasts.prompts import ask_for_text, review_keyboard, text_problem
from bot.broadcasts.states import BroadcastSteps
from bot.broadcasts.views import (
    AUDIENCE_KEYS,
    EVENT_BUTTONS,
    audience_label,
    audience_preset,
    report_keyboard,
)
from bot.callbacks import Compose
from bot.choices import event_choice, numbered
from bot.filters import HAS_TEXT, NOT_A_COMMAND
from bot.guards import Refused, StaleButton, guarded, only_organisers, organiser_only
from bot.keyboards import button, main_menu, rows
from bot.replies import answer_below, edit_or_send
from bot.views import e, event_title
from bot.wording import refusal
from events.broadcast_inputs import BroadcastAudience, BroadcastDraft
from events.broadcasts import (
    BroadcastReport,
    broadcast_report,
    broadcastable_events,
    count_recipients,
    create_broadcast,
)
from events.editions import get_event
from events.errors import DomainError, InvalidInput
from events.languages import LANGUAGE_NAMES, LANGUAGES
from events.models import Event
from events.principals import Principal
from locales.translator import Translator

# Titles in button labels are cut: Telegram shows a long label truncated anyway.
_LABEL_TITLE = 40
# The audience may still change until the text is typed.
_CHOOSING_AUDIENCE = (BroadcastSteps.audience.state, BroadcastSteps.text.state)
# Steps at which the main text is written: translations may be added, or it may be sent
# (a translation asked for but not typed yet is simply left out).
_HAS_TEXT = (
    BroadcastSteps.review.state,
    BroadcastSteps.language.state,
    BroadcastSteps.translation.state,
)


async def _composing(
    state: FSMContext, event_id: int, steps: Sequence[str | None] | None = None
) -> Composition:
    """The draft a button was shown for; ``StaleButton`` if there is none, it is for
    another event, or the conversation is not at one of ``steps``."""
    draft = await Composition.load(state)
    if draft is None or draft.event_id != event_id:
        raise StaleButton
    if steps is not None and await state.get_state() not in steps:
        raise StaleButton
    return draft


# --- Composing ----------------------------------------------------------------------------


async def broadcast_command(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    if organiser is None:
        await message.answer(only_organisers(t))
        return
    async with db() as session:
        events = await broadcastable_events(session, organiser, now, EVENT_BUTTONS)
    # A new /broadcast starts over: an unfinished draft is dropped.
    await Composition.drop(state)
    if not events:
        await message.answer(t.gettext("You have no upcoming or recent events to write about."))
        return
    listing, buttons = numbered(
        [event_choice(t, event, Compose(action="event", event_id=event.id)) for event in events]
    )
    await message.answer(
        t.gettext("Which event's participants do you want to write to?") + "\n\n" + listing,
        reply_markup=rows(*buttons),
    )


async def picked_event(
    query: CallbackQuery,
    callback_data: Compose,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    async with guarded(query, t):
        manager = organiser_only(t, organiser)
        async with db() as session:
            event = await get_event(session, callback_data.event_id)
            # Counting checks that the event is theirs.
            await count_recipients(session, manager, event.id, BroadcastAudience())
        await state.set_state(BroadcastSteps.audience)
        await Composition(event_id=event.id, texts={}).save(state)
        await query.answer()
        await edit_or_send(
            query,
            f"<b>{e(event_title(t, event))}</b>\n" + t.gettext("Who should receive the message?"),
            _audience_keyboard(t, event.id),
        )


def _audience_keyboard(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    buttons = [
        button(
            audience_label(t, key), Compose(action="audience", event_id=event_id, value=key).pack()
        )
        for key in AUDIENCE_KEYS
    ]
    buttons.append(button(t.gettext("Cancel"), Compose(action="drop", event_id=event_id).pack()))
    return rows(*buttons)


async def picked_audience(
    query: CallbackQuery,
    callback_data: Compose,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    async with guarded(query, t):
        draft = await _composing(state, callback_data.event_id, _CHOOSING_AUDIENCE)
        audience = audience_preset(callback_data.value)
        if audience is None:
            raise StaleButton
        manager = organiser_only(t, organiser)
        async with db() as session:
            event = await get_event(session, callback_data.event_id)
            count = await count_recipients(session, manager, event.id, audience)
        draft.audience, draft.language = callback_data.value, event.default_language
        await state.set_state(BroadcastSteps.text)
        await draft.save(state)
        await query.answer()
        await answer_below(query, _audience_chosen(t, callback_data.value, count, event))


def _audience_chosen(t: Translator, key: str, count: int, event: Event) -> str:
    reach = t.ngettext(
        "This will reach {count} person.", "This will reach {count} people.", count
    ).format(count=count)
    return "\n\n".join(
        [
            t.gettext("Audience: {audience}").format(audience=audience_label(t, key)),
            reach,
            ask_for_text(t, event.default_language, main=True),
        ]
    )


async def got_text(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    """The text (or a translation) as the organiser formatted it, shown as a preview."""
    draft = await Composition.load(state)
    if organiser is None or draft is None or draft.language is None:
        await Composition.drop(state)
        await message.answer(only_organisers(t) if organiser is None else _lost(t))
        return
    # Telegram's entities as HTML, the user's own "<" and "&" escaped: formatting on purpose.
    html = message.html_text
    problem = text_problem(t, html)
    if problem is not None:
        await message.answer(problem)
        return
    event = await _event_or_refusal(message, state, t, db, draft.event_id)
    if event is not None:
        draft.write(html)
        await state.set_state(BroadcastSteps.review)
        await draft.save(state)
        await _preview(message, t, event, draft.texts, draft.language)


async def _event_or_refusal(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    event_id: int,
) -> Event | None:
    """The draft's event; None, with the draft dropped and the reason told, if it is gone."""
    try:
        async with db() as session:
            return await get_event(session, event_id)
    except DomainError as error:
        await Composition.drop(state)
        await message.answer(refusal(t, error))
        return None


async def _preview(
    message: Message, t: Translator, event: Event, texts: dict[str, str], language: str
) -> None:
    written = ", ".join(LANGUAGE_NAMES[code] for code in LANGUAGES if code in texts)
    heading = t.gettext("From the organisers of {title}:").format(
        title=f"<b>{e(event_title(t, event))}</b>"
    )
    await message.answer(
        "\n".join(
            [
                t.gettext("Preview ({language}). Participants read it below the heading:").format(
                    language=t.language_name(language)
                ),
                f"<i>{heading}</i>",
                t.gettext("Texts written: {languages}").format(languages=written),
            ]
        )
    )
    # The body alone, exactly as it will be sent (the heading is added per recipient).
    await message.answer(texts[language], reply_markup=review_keyboard(t, event.id))


def _lost(t: Translator) -> str:
    return t.gettext("Sorry, I lost track of this broadcast. Please start again with /broadcast.")


async def expected_text(message: Message, t: Translator) -> None:
    await message.answer(t.gettext("Please answer with a text message, or /cancel to stop."))


async def expected_a_button(message: Message, t: Translator) -> None:
    await message.answer(t.gettext("Please use the buttons above, or /cancel to stop."))


async def ask_language(
    query: CallbackQuery,
    callback_data: Compose,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
) -> None:
    async with guarded(query, t):
        draft = await _composing(state, callback_data.event_id, _HAS_TEXT)
        async with db() as session:
            event = await get_event(session, callback_data.event_id)
        await state.set_state(BroadcastSteps.language)
        await query.answer()
        await answer_below(
            query,
            t.gettext("Which language is the translation in? (✓ written already)"),
            _language_keyboard(event, draft.texts),
        )


def _language_keyboard(event: Event, texts: dict[str, str]) -> InlineKeyboardMarkup:
    buttons = [
        button(
            ("✓ " if code in texts else "") + LANGUAGE_NAMES[code],
            Compose(action="language", event_id=event.id, value=code).pack(),
        )
        for code in LANGUAGES
        if code != event.default_language
    ]
    return rows(*buttons, width=2)


async def picked_language(
    query: CallbackQuery, callback_data: Compose, state: FSMContext, t: Translator
) -> None:
    async with guarded(query, t):
        draft = await _composing(state, callback_data.event_id, _HAS_TEXT)
        code = callback_data.value
        if code not in LANGUAGES:
            raise StaleButton
        draft.language = code
        await state.set_state(BroadcastSteps.translation)
        await draft.save(state)
        await query.answer()
        await answer_below(query, ask_for_text(t, code, main=False))


async def send_now(
    query: CallbackQuery,
    callback_data: Compose,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    async with guarded(query, t):
        draft = await _composing(state, callback_data.event_id, _HAS_TEXT)
        audience = audience_preset(draft.audience or "")
        if audience is None:
            raise StaleButton
        manager = organiser_only(t, organiser)
        try:
            request = BroadcastDraft.model_validate({"texts": draft.texts, "audience": audience})
            report = await _queue(db, now, manager, draft.event_id, request)
        except InvalidInput as error:
            await _text_refused(query, state, t, draft, error)
            return
        except ValidationError:
            raise Refused(t.gettext("Sorry, that did not work. Please try again.")) from None
        except DomainError:
            await Composition.drop(state)
            raise
        await _queued(query, state, t, report)


async def _queue(
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal,
    event_id: int,
    request: BroadcastDraft,
) -> BroadcastReport:
    async with db() as session:
        broadcast = await create_broadcast(session, now, organiser, event_id, request)
        return await broadcast_report(session, organiser, broadcast.id)


async def _queued(
    query: CallbackQuery, state: FSMContext, t: Translator, report: BroadcastReport
) -> None:
    await Composition.drop(state)
    await query.answer()
    await _remove_buttons(query)
    await answer_below(
        query,
        t.ngettext(
            "Queued for {count} person.", "Queued for {count} people.", report.recipients
        ).format(count=report.recipients),
        report_keyboard(t, report),
    )


async def _text_refused(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    draft: Composition,
    error: InvalidInput,
) -> None:
    """The use case refused one of the texts: ask for that one again."""
    language = error.field.removeprefix("texts.")
    problem = text_problem(t, draft.texts[language]) if language in draft.texts else None
    if problem is None:
        raise error
    draft.language = language
    await state.set_state(BroadcastSteps.translation)
    await draft.save(state)
    await query.answer()
    await answer_below(query, f"{problem}\n\n{ask_for_text(t, language, main=False)}")


async def _remove_buttons(query: CallbackQuery) -> None:
    """The preview's buttons would only answer "no longer active" now."""
    if isinstance(query.message, Message):
        # Too old to edit, or without buttons already: harmless.
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)


async def drop(
    query: CallbackQuery, callback_data: Compose, state: FSMContext, t: Translator
) -> None:
    async with guarded(query, t):
        await _composing(state, callback_data.event_id)
        await Composition.drop(state)
        await query.answer()
        await _remove_buttons(query)
        await answer_below(query, t.gettext("Stopped. Nothing was saved."), main_menu(t))


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(broadcast_command, Command("broadcast"))
    for step in (BroadcastSteps.text, BroadcastSteps.translation):
        router.message.register(got_text, StateFilter(step), HAS_TEXT, NOT_A_COMMAND)
        router.message.register(expected_text, StateFilter(step), NOT_A_COMMAND)
    for step in (BroadcastSteps.audience, BroadcastSteps.review, BroadcastSteps.language):
        router.message.register(expected_a_button, StateFilter(step), NOT_A_COMMAND)
    router.callback_query.register(picked_event, Compose.filter(F.action == "event"))
    router.callback_query.register(picked_audience, Compose.filter(F.action == "audience"))
    router.callback_query.register(ask_language, Compose.filter(F.action == "translate"))
    router.callback_query.register(picked_language, Compose.filter(F.action == "language"))
    router.callback_query.register(send_now, Compose.filter(F.action == "send"))
    router.callback_query.register(drop, Compose.filter(F.action == "drop"))
    return router
