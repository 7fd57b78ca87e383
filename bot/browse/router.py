"""Programmes → events → an event card with its register or apply button."""

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Browse, Mine, Signup
from bot.choices import Choice, event_choice, numbered
from bot.guards import Refused, guarded, only_organisers
from bot.keyboards import button, rows
from bot.qr import qr_png
from bot.replies import edit_or_send
from bot.views import e, event_card, event_title, programme_card
from events.deeplinks import deep_link, event_payload
from events.editions import get_event_by_slug, seats_left
from events.enums import AttendanceMode, Participation, PublicationStatus, RegistrationMode
from events.errors import NotFound
from events.listings import open_programmes, public_event, public_programme, upcoming_events
from events.models import Participant
from events.own_registrations import registration_for
from events.principals import Principal
from events.programmes import get_programme
from locales.translator import Translator


async def _programme_list(
    t: Translator, db: async_sessionmaker[AsyncSession]
) -> tuple[str, InlineKeyboardMarkup]:
    async with db() as session:
        programmes = await open_programmes(session)
    if not programmes:
        return t.gettext("There are no programmes yet. Please come back later."), rows()
    listing, buttons = numbered(
        [
            Choice(
                line=f"<b>{e(title)}</b>",
                title=title,
                data=Browse(what="programme", id=p.id).pack(),
            )
            for p in programmes
            for title in [t.pick(p.title, p.default_language)]
        ]
    )
    return t.gettext("Choose a programme:") + "\n\n" + listing, rows(*buttons)


async def _programme_view(
    t: Translator, db: async_sessionmaker[AsyncSession], now: datetime, programme_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    async with db() as session:
        programme = await public_programme(session, programme_id)
        events = await upcoming_events(session, now, programme.id)
    text = programme_card(t, programme)
    listing, buttons = numbered(
        [event_choice(t, event, Browse(what="event", id=event.id)) for event in events]
    )
    text += "\n\n" + (listing or t.gettext("No upcoming events yet."))
    buttons.append(button(t.gettext("« All programmes"), Browse(what="all").pack()))
    return text, rows(*buttons)


async def _event_view(
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    event_id: int,
    participant: Participant | None,
    organiser: Principal | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    async with db() as session:
        event = await public_event(session, event_id)
        left = await seats_left(session, event)
        online_left = (
            await seats_left(session, event, Participation.ONLINE)
            if event.attendance_mode == AttendanceMode.HYBRID
            else None
        )
        mine = await registration_for(session, participant.id, event.id) if participant else None
    text = event_card(t, event, left, now, online_left)
    buttons = []
    if mine is not None and mine.status != "cancelled":
        buttons.append(
            button(t.gettext("My registration"), Mine(action="show", id=mine.id).pack())
        )
    elif event.status == PublicationStatus.PUBLISHED and now < event.starts_at:
        label = (
            t.gettext("Apply")
            if event.mode == RegistrationMode.APPLICATION
            else t.gettext("Register")
        )
        buttons.append(button(label, Signup(action="start", event_id=event.id).pack()))
    if event.status == PublicationStatus.CANCELLED:
        text = t.gettext("This event has been cancelled.") + "\n\n" + text
    if organiser is not None and organiser.can_manage(event.programme_id):
        buttons.append(
            button(
                t.gettext("Link and QR code for posters"),
                Browse(what="poster", id=event.id).pack(),
            )
        )
    buttons.append(
        button(t.gettext("« Programme"), Browse(what="programme", id=event.programme_id).pack())
    )
    return text, rows(*buttons)


async def browse(
    query: CallbackQuery,
    callback_data: Browse,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
    organiser: Principal | None,
) -> None:
    async with guarded(query, t):
        if callback_data.what == "programme":
            text, markup = await _programme_view(t, db, now, callback_data.id)
        elif callback_data.what == "event":
            text, markup = await _event_view(t, db, now, callback_data.id, participant, organiser)
        else:
            text, markup = await _programme_list(t, db)
        await query.answer()
        await edit_or_send(query, text, markup)


async def show_event_message(
    message: Message,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
    organiser: Principal | None,
    slug: str,
) -> None:
    """Answer a deep link to an event with its card."""
    async with db() as session:
        try:
            event = await get_event_by_slug(session, slug)
        except NotFound:
            event = None
    if event is None or event.status == PublicationStatus.DRAFT:
        await message.answer(t.gettext("This event can't be found or is no longer available."))
        return
    text, markup = await _event_view(t, db, now, event.id, participant, organiser)
    await message.answer(text, reply_markup=markup)


async def show_programme_message(
    message: Message,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    slug: str,
) -> None:
    """Answer a deep link to a programme with its card and events."""
    async with db() as session:
        try:
            programme = await get_programme(session, slug)
        except NotFound:
            programme = None
    if programme is None or programme.status == PublicationStatus.DRAFT:
        await message.answer(t.gettext("This programme can't be found or is no longer available."))
        return
    text, markup = await _programme_view(t, db, now, programme.id)
    await message.answer(text, reply_markup=markup)


async def show_programmes_message(
    message: Message, t: Translator, db: async_sessionmaker[AsyncSession]
) -> None:
    text, markup = await _programme_list(t, db)
    await message.answer(text, reply_markup=markup)


async def poster(
    query: CallbackQuery,
    callback_data: Browse,
    bot: Bot,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    organiser: Principal | None,
) -> None:
    """Organisers get the event's deep link and its QR code (PNG) to print."""
    async with guarded(query, t):
        async with db() as session:
            try:
                event = await public_event(session, callback_data.id)
            except NotFound:
                event = None
        if event is None or organiser is None or not organiser.can_manage(event.programme_id):
            raise Refused(only_organisers(t))
        await query.answer()
        me = await bot.me()
        link = deep_link(me.username, event_payload(event.slug)) or event_payload(event.slug)
        await bot.send_photo(
            query.from_user.id,
            BufferedInputFile(qr_png(link), filename=f"{event.slug}.png"),
            caption=f"<b>{e(event_title(t, event))}</b>\n{e(link)}",
        )


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.callback_query.register(browse, Browse.filter(F.what != "poster"))
    router.callback_query.register(poster, Browse.filter(F.what == "poster"))
    return router
