"""Contact requests in the chat: asking (with an optional note), and answering one."""

from datetime import datetime

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.alumni.router import alumni_guard
from bot.alumni.states import TARGET_KEY, AlumniSteps
from bot.alumni.views import alumni_refusal, contact_text
from bot.callbacks import ContactAction
from bot.filters import NOT_A_COMMAND
from bot.guards import Refused, message_of
from bot.keyboards import button, rows
from bot.replies import edit_or_send
from bot.views import e
from events.alumni.connections import (
    accept_request,
    block_requester,
    decline_request,
    ensure_may_ask,
    report_request,
    request_contact,
)
from events.alumni.directory import card_of
from events.alumni.errors import NotAnAlumnus
from events.errors import DomainError
from events.models import Participant
from locales.translator import Translator


def _sent(t: Translator, name: str) -> str:
    return t.gettext(
        "Your request has been sent. If {name} accepts, you will both receive each other's "
        "Telegram contact."
    ).format(name=f"<b>{e(name)}</b>")


async def on_contact(
    query: CallbackQuery,
    callback_data: ContactAction,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    async with alumni_guard(query, t):
        if participant is None:
            raise NotAnAlumnus("no participant")
        action, target = callback_data.action, callback_data.id
        username = query.from_user.username
        if action == "ask":
            async with db() as session:
                card = await card_of(session, participant.id, target)
                await ensure_may_ask(session, now, participant.id, target)
            await state.set_state(AlumniSteps.note)
            await state.update_data({TARGET_KEY: target})
            await query.answer()
            prompt = t.gettext(
                "Please write a short note for {name} (up to 300 characters), or send the "
                "request without one."
            ).format(name=f"<b>{e(card.name)}</b>")
            plain = ContactAction(action="plain", id=target).pack()
            await message_of(query).answer(
                prompt, reply_markup=rows(button(t.gettext("Send without a note"), plain))
            )
        elif action == "plain":
            async with db() as session:
                card = await card_of(session, participant.id, target)
                await request_contact(session, now, participant.id, target, "", username)
            await state.set_state(None)
            await state.update_data({TARGET_KEY: None})
            await query.answer()
            await edit_or_send(query, _sent(t, card.name))
        elif action == "accept":
            async with db() as session:
                contact = await accept_request(session, now, participant.id, target, username)
            await query.answer()
            text = t.gettext(
                "You accepted. This is how to reach {name} on Telegram: {contact}"
            ).format(name=f"<b>{e(contact.name)}</b>", contact=contact_text(contact))
            await edit_or_send(query, text)
        elif action == "decline":
            async with db() as session:
                await decline_request(session, now, participant.id, target)
            await query.answer()
            await edit_or_send(
                query,
                t.gettext(
                    "Declined. The sender is not told, and cannot send you another request."
                ),
            )
        elif action == "block":
            async with db() as session:
                await block_requester(session, now, participant.id, target)
            await query.answer()
            await edit_or_send(
                query, t.gettext("Blocked. This person can no longer find you or write to you.")
            )
        elif action == "report":
            async with db() as session:
                await report_request(session, now, participant.id, target)
            await query.answer()
            await edit_or_send(
                query,
                t.gettext(
                    "Thank you. The organisers will look at this request. This person can no "
                    "longer find you or write to you."
                ),
            )
        else:
            raise Refused(t.gettext("This button is no longer active."), alert=False)


async def on_note(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    """The note someone wrote for their request: the request goes with it."""
    target = await state.get_value(TARGET_KEY)
    if participant is None or not isinstance(target, int):
        await state.set_state(None)
        return
    from_user = message.from_user
    try:
        async with db() as session:
            card = await card_of(session, participant.id, target)
            await request_contact(
                session,
                now,
                participant.id,
                target,
                message.text or "",
                from_user.username if from_user else None,
            )
    except DomainError as error:
        text = alumni_refusal(t, error) or t.gettext("Sorry, that did not work. Please try again.")
        if getattr(error, "field", None) != "note":
            await state.set_state(None)  # only a note too long can be written again
        await message.answer(text)
        return
    await state.set_state(None)
    await state.update_data({TARGET_KEY: None})
    await message.answer(_sent(t, card.name))


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.callback_query.register(on_contact, ContactAction.filter())
    router.message.register(on_note, StateFilter(AlumniSteps.note), NOT_A_COMMAND)
    return router
