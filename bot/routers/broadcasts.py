"""Organisers write to their participants: /broadcast composes a broadcast.

Composing: the event, the audience (with the number of people it reaches), the text in
the event's main language, a preview, translations, then "Send now". The draft lives in
the conversation (``BROADCAST_DRAFT``); nothing is stored as a broadcast before "Send
now", and /cancel drops it. Every step re-checks through the use cases that the person
still manages the event, so a stale button or a lost role changes nothing. Following up
(/broadcasts, progress, stopping) is bot.routers.broadcast_reports.
"""

from contextlib import suppress
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcast_prompts import ask_for_text, review_keyboard, text_problem
from bot.broadcast_views import (
    AUDIENCE_KEYS,
    EVENT_BUTTONS,
    audience_label,
    audience_preset,
    only_organisers,
    report_keyboard,
)
from bot.callbacks import Compose
from bot.filters import HAS_TEXT, NOT_A_COMMAND
from bot.i18n import Translator
from bot.keyboards import LANGUAGE_NAMES, button, main_menu, rows
from bot.replies import edit_or_send
from bot.states import BROADCAST_DRAFT, BroadcastSteps
from bot.views import e, event_title
from bot.wording import refusal
from events.broadcast_inputs import BroadcastAudience, BroadcastDraft
from events.broadcasts import (
    broadcast_report,
    broadcastable_events,
    count_recipients,
    create_broadcast,
)
from events.editions import get_event
from events.errors import DomainError, InvalidInput
from events.languages import LANGUAGES
from events.models import Event
from events.principals import Principal

# Titles in button labels are cut: Telegram shows a long label truncated anyway.
_LABEL_TITLE = 40
# Steps at which the main text is written: translations may be added, or it may be sent
# (a translation asked for but not typed yet is simply left out).
_HAS_TEXT = (
    BroadcastSteps.review.state,
    BroadcastSteps.language.state,
    BroadcastSteps.translation.state,
)


def _shorten(text: str) -> str:
    return text if len(text) <= _LABEL_TITLE else text[: _LABEL_TITLE - 1].rstrip() + "…"


def _draft(data: dict[str, Any], event_id: int | None = None) -> dict[str, Any] | None:
    """The broadcast being written, if any (and if it is for ``event_id``)."""
    draft = data.get(BROADCAST_DRAFT)
    if not isinstance(draft, dict) or not isinstance(draft.get("event_id"), int):
        return None
    if event_id is not None and draft["event_id"] != event_id:
        return None
    return draft


async def _drop_draft(state: FSMContext) -> None:
    await state.set_state(None)
    await state.update_data({BROADCAST_DRAFT: None})


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
    await _drop_draft(state)
    if not events:
        await message.answer(t.gettext("You have no upcoming or recent events to write about."))
        return
    buttons = [
        button(
            f"{_shorten(event_title(t, event))} · {t.date(event.starts_at, event.timezone)}",
            Compose(action="event", event_id=event.id).pack(),
        )
        for event in events
    ]
    await message.answer(
        t.gettext("Which event's participants do you want to write to?"),
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
    if organiser is None:
        await query.answer(only_organisers(t), show_alert=True)
        return
    try:
        async with db() as session:
            event = await get_event(session, callback_data.event_id)
            # Counting checks that the event is theirs.
            await count_recipients(session, organiser, event.id, BroadcastAudience())
    except DomainError as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    await state.set_state(BroadcastSteps.audience)
    await state.update_data({BROADCAST_DRAFT: {"event_id": event.id, "texts": {}}})
    await query.answer()
    buttons = [
        button(
            audience_label(t, key),
            Compose(action="audience", event_id=event.id, value=key).pack(),
        )
        for key in AUDIENCE_KEYS
    ]
    buttons.append(button(t.gettext("Cancel"), Compose(action="drop", event_id=event.id).pack()))
    await edit_or_send(
        query,
        f"<b>{e(event_title(t, event))}</b>\n" + t.gettext("Who should receive the message?"),
        rows(*buttons),
    )


async def picked_audience(
    query: CallbackQuery,
    callback_data: Compose,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    draft = _draft(await state.get_data(), callback_data.event_id)
    audience = audience_preset(callback_data.value)
    step = await state.get_state()
    # The audience may still change until the text is typed.
    if (
        draft is None
        or audience is None
        or step not in (BroadcastSteps.audience.state, BroadcastSteps.text.state)
    ):
        await query.answer(t.gettext("This button is no longer active."))
        return
    if organiser is None:
        await query.answer(only_organisers(t), show_alert=True)
        return
    try:
        async with db() as session:
            event = await get_event(session, callback_data.event_id)
            count = await count_recipients(session, organiser, event.id, audience)
    except DomainError as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    draft |= {"audience": callback_data.value, "language": event.default_language}
    await state.set_state(BroadcastSteps.text)
    await state.update_data({BROADCAST_DRAFT: draft})
    await query.answer()
    reach = t.ngettext(
        "This will reach {count} person.", "This will reach {count} people.", count
    ).format(count=count)
    if isinstance(query.message, Message):
        await query.message.answer(
            "\n\n".join(
                [
                    t.gettext("Audience: {audience}").format(
                        audience=audience_label(t, callback_data.value)
                    ),
                    reach,
                    ask_for_text(t, event.default_language, main=True),
                ]
            )
        )


async def got_text(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    """The text (or a translation) as the organiser formatted it, shown as a preview."""
    draft = _draft(await state.get_data())
    if organiser is None or draft is None or not isinstance(draft.get("language"), str):
        await _drop_draft(state)
        await message.answer(only_organisers(t) if organiser is None else _lost(t))
        return
    # Telegram's entities as HTML, the user's own "<" and "&" escaped: formatting on purpose.
    html = message.html_text
    problem = text_problem(t, html)
    if problem is not None:
        await message.answer(problem)
        return
    try:
        async with db() as session:
            event = await get_event(session, draft["event_id"])
    except DomainError as error:
        await _drop_draft(state)
        await message.answer(refusal(t, error))
        return
    language = draft["language"]
    draft["texts"] = {**draft.get("texts", {}), language: html}
    await state.set_state(BroadcastSteps.review)
    await state.update_data({BROADCAST_DRAFT: draft})
    await _preview(message, t, event, draft["texts"], language)


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
                t.gettext("Preview in {language}. Participants read it below the heading:").format(
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
    draft = _draft(await state.get_data(), callback_data.event_id)
    if draft is None or await state.get_state() not in _HAS_TEXT:
        await query.answer(t.gettext("This button is no longer active."))
        return
    try:
        async with db() as session:
            event = await get_event(session, callback_data.event_id)
    except DomainError as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    await state.set_state(BroadcastSteps.language)
    await query.answer()
    texts = draft.get("texts", {})
    buttons = [
        button(
            ("✓ " if code in texts else "") + LANGUAGE_NAMES[code],
            Compose(action="language", event_id=event.id, value=code).pack(),
        )
        for code in LANGUAGES
        if code != event.default_language
    ]
    if isinstance(query.message, Message):
        await query.message.answer(
            t.gettext("Which language is the translation in? (✓ written already)"),
            reply_markup=rows(*buttons, width=2),
        )


async def picked_language(
    query: CallbackQuery, callback_data: Compose, state: FSMContext, t: Translator
) -> None:
    draft = _draft(await state.get_data(), callback_data.event_id)
    code = callback_data.value
    if draft is None or code not in LANGUAGES or await state.get_state() not in _HAS_TEXT:
        await query.answer(t.gettext("This button is no longer active."))
        return
    draft["language"] = code
    await state.set_state(BroadcastSteps.translation)
    await state.update_data({BROADCAST_DRAFT: draft})
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(ask_for_text(t, code, main=False))


async def send_now(
    query: CallbackQuery,
    callback_data: Compose,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    draft = _draft(await state.get_data(), callback_data.event_id)
    audience = audience_preset(str(draft.get("audience", ""))) if draft else None
    if draft is None or audience is None or await state.get_state() not in _HAS_TEXT:
        await query.answer(t.gettext("This button is no longer active."))
        return
    if organiser is None:
        await query.answer(only_organisers(t), show_alert=True)
        return
    texts: dict[str, str] = draft.get("texts", {})
    try:
        request = BroadcastDraft.model_validate({"texts": texts, "audience": audience})
        async with db() as session:
            broadcast = await create_broadcast(
                session, now, organiser, callback_data.event_id, request
            )
            report = await broadcast_report(session, organiser, broadcast.id)
    except InvalidInput as error:
        await _text_refused(query, state, t, draft, error)
        return
    except ValidationError:
        await query.answer(
            t.gettext("Sorry, that did not work. Please try again."), show_alert=True
        )
        return
    except DomainError as error:
        await _drop_draft(state)
        await query.answer(refusal(t, error), show_alert=True)
        return
    await _drop_draft(state)
    await query.answer()
    await _remove_buttons(query)
    if isinstance(query.message, Message):
        await query.message.answer(
            t.ngettext(
                "Queued for {count} person.", "Queued for {count} people.", report.recipients
            ).format(count=report.recipients),
            reply_markup=report_keyboard(t, report),
        )


async def _text_refused(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    draft: dict[str, Any],
    error: InvalidInput,
) -> None:
    """The use case refused one of the texts: ask for that one again."""
    language = error.field.removeprefix("texts.")
    texts: dict[str, str] = draft.get("texts", {})
    problem = text_problem(t, texts.get(language, "")) if language in texts else None
    if problem is None:
        await query.answer(refusal(t, error), show_alert=True)
        return
    draft["language"] = language
    await state.set_state(BroadcastSteps.translation)
    await state.update_data({BROADCAST_DRAFT: draft})
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(f"{problem}\n\n{ask_for_text(t, language, main=False)}")


async def _remove_buttons(query: CallbackQuery) -> None:
    """The preview's buttons would only answer "no longer active" now."""
    if isinstance(query.message, Message):
        # Too old to edit, or without buttons already: harmless.
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)


async def drop(
    query: CallbackQuery, callback_data: Compose, state: FSMContext, t: Translator
) -> None:
    if _draft(await state.get_data(), callback_data.event_id) is None:
        await query.answer(t.gettext("This button is no longer active."))
        return
    await _drop_draft(state)
    await query.answer()
    await _remove_buttons(query)
    if isinstance(query.message, Message):
        await query.message.answer(
            t.gettext("Stopped. Nothing was saved."), reply_markup=main_menu(t)
        )


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
