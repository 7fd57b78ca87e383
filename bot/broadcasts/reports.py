"""/broadcasts and the buttons of a queued broadcast: its progress, and stopping it.

Composing is bot.broadcasts.compose; a broadcast it queues answers with the same report
buttons (bot.broadcasts.views.report_keyboard). Every button re-checks through the use cases
that the person still manages the event.
"""

from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcasts.views import (
    AUDIENCE_KEYS,
    EVENT_BUTTONS,
    audience_label,
    audience_preset,
    report_keyboard,
)
from bot.callbacks import BroadcastControl
from bot.guards import Refused, guarded, only_organisers
from bot.keyboards import button, rows
from bot.replies import answer_long, edit_or_send
from bot.views import e, event_title
from events.broadcasts import (
    BroadcastReport,
    BroadcastState,
    broadcast_report,
    broadcastable_events,
    cancel_broadcast,
    list_broadcasts,
)
from events.editions import get_event
from events.models import Event
from events.principals import Principal
from locales.translator import Translator

# /broadcasts shows this many of each event's broadcasts, newest first.
PER_EVENT = 3


def _audience_key(stored: dict[str, Any]) -> str | None:
    """Which preset a stored audience is (None for one made through the API)."""
    for key in AUDIENCE_KEYS:
        preset = audience_preset(key)
        if preset is not None and preset.model_dump(mode="json") == stored:
            return key
    return None


def _state_label(t: Translator, state: BroadcastState) -> str:
    labels = {
        BroadcastState.SCHEDULED: t.gettext("scheduled"),
        BroadcastState.SENDING: t.gettext("sending"),
        BroadcastState.CANCELLED: t.gettext("cancelled"),
        BroadcastState.DONE: t.gettext("finished"),
    }
    return labels[state]


def _report_text(t: Translator, report: BroadcastReport, event: Event) -> str:
    key = _audience_key(report.audience)
    audience = audience_label(t, key) if key else t.gettext("a custom selection")
    lines = [
        f"<b>{e(event_title(t, event))}</b>",
        t.gettext("Written: {date}").format(date=t.moment(report.created_at, event.timezone)),
        t.gettext("Audience: {audience}").format(audience=audience),
        t.gettext("State: {state}").format(state=_state_label(t, report.state)),
        t.gettext("Queued: {count}").format(count=report.queued),
        t.gettext("Sent: {count}").format(count=report.sent),
        t.gettext("Failed: {count}").format(count=report.failed),
        t.gettext("Blocked the bot: {count}").format(count=report.blocked),
    ]
    return "\n".join(lines)


async def show_report(
    query: CallbackQuery,
    callback_data: BroadcastControl,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    """Progress in place ("progress"), in a new message ("open"), or after stopping it."""
    async with guarded(query, t):
        if organiser is None:
            raise Refused(only_organisers(t))
        async with db() as session:
            if callback_data.action == "stop_yes":
                await cancel_broadcast(session, now, organiser, callback_data.id)
            report = await broadcast_report(session, organiser, callback_data.id)
            event = await get_event(session, report.event_id)
        await query.answer(_outcome(t, callback_data.action, report))
        text = _report_text(t, report, event)
        if callback_data.action == "open" and isinstance(query.message, Message):
            await query.message.answer(text, reply_markup=report_keyboard(t, report))
        else:
            await edit_or_send(query, text, report_keyboard(t, report))


def _outcome(t: Translator, action: str, report: BroadcastReport) -> str | None:
    """What the button says when pressed: only stopping has news."""
    if action != "stop_yes":
        return None
    if report.state is BroadcastState.CANCELLED:
        return t.gettext("The broadcast is cancelled.")
    # Nothing was left to stop: cancel_broadcast leaves a finished one as it is.
    return t.gettext("Every message of this broadcast was already sent.")


async def ask_to_stop(
    query: CallbackQuery,
    callback_data: BroadcastControl,
    t: Translator,
    organiser: Principal | None,
) -> None:
    async with guarded(query, t):
        if organiser is None:
            raise Refused(only_organisers(t))
        await query.answer()
        await edit_or_send(
            query,
            t.gettext(
                "Cancel this broadcast? Messages not sent yet will not be sent; those already "
                "sent stay sent."
            ),
            _stop_keyboard(t, callback_data.id),
        )


def _stop_keyboard(t: Translator, broadcast_id: int) -> InlineKeyboardMarkup:
    return rows(
        button(
            t.gettext("Yes, cancel the broadcast"),
            BroadcastControl(action="stop_yes", id=broadcast_id).pack(),
        ),
        button(
            t.gettext("No, keep sending"),
            BroadcastControl(action="progress", id=broadcast_id).pack(),
        ),
    )


async def broadcasts_command(
    message: Message,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    organiser: Principal | None,
) -> None:
    if organiser is None:
        await message.answer(only_organisers(t))
        return
    found: list[tuple[Event, list[BroadcastReport]]] = []
    async with db() as session:
        for event in await broadcastable_events(session, organiser, now, EVENT_BUTTONS):
            reports = await list_broadcasts(session, organiser, event.id)
            if reports:
                found.append((event, reports[:PER_EVENT]))
    if not found:
        await message.answer(t.gettext("No broadcasts yet. Write one with /broadcast."))
        return
    await answer_long(message, *_broadcast_list(t, found))


def _broadcast_list(
    t: Translator, found: list[tuple[Event, list[BroadcastReport]]]
) -> tuple[str, InlineKeyboardMarkup]:
    """Each event's recent broadcasts, numbered, with a progress button for each number."""
    blocks: list[str] = []
    buttons = []
    number = 0
    for event, reports in found:
        # The event's clock, named once for its block.
        clock = t.local_time(reports[0].created_at, event.timezone)
        lines = [
            f"<b>{e(event_title(t, event))}</b>",
            t.gettext("Times: {clock}").format(clock=clock),
        ]
        for report in reports:
            number += 1
            summary = t.gettext("{date} — {state}, {sent} of {total} sent").format(
                date=t.dates.short_date_time(report.created_at, event.timezone),
                state=_state_label(t, report.state),
                sent=report.sent,
                total=report.recipients,
            )
            lines.append(f"{number}. {summary}")
            # A chart and the number: no words, so three fit a row in every language.
            buttons.append(
                button(f"📊 {number}", BroadcastControl(action="open", id=report.id).pack())
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks), rows(*buttons, width=3)


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(broadcasts_command, Command("broadcasts"))
    router.callback_query.register(
        show_report, BroadcastControl.filter(F.action.in_({"open", "progress", "stop_yes"}))
    )
    router.callback_query.register(ask_to_stop, BroadcastControl.filter(F.action == "stop"))
    return router
