"""My registrations: status, ticket with QR code, cancelling, answering a waitlist offer."""

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Browse, Mine
from bot.choices import numbered, registration_choice
from bot.guards import Refused, guarded
from bot.keyboards import button, main_menu, rows
from bot.qr import qr_png
from bot.replies import answer_below, edit_or_send
from bot.services import BotServices
from bot.views import e, registration_card
from events.calendar_links import CalendarLinks, calendar_links
from events.deeplinks import deep_link, ticket_payload
from events.enums import ACTIVE, AttendanceMode, Participation, RegistrationStatus
from events.errors import NotFound
from events.listings import public_event
from events.models import Event, Participant, Registration
from events.online.links import join_link
from events.own_registrations import own_registration, own_registrations
from events.registrations import cancel_registration
from events.switching import switch_participation
from events.waitlist import accept_offer, decline_offer
from locales.translator import Translator


async def _list(
    t: Translator, db: async_sessionmaker[AsyncSession], participant: Participant | None
) -> tuple[str, InlineKeyboardMarkup]:
    if participant is None:
        return t.gettext("You have no registrations yet."), main_menu(t)
    async with db() as session:
        registrations = await own_registrations(session, participant.id)
    if not registrations:
        return t.gettext("You have no registrations yet."), main_menu(t)
    listing, buttons = numbered(
        [
            registration_choice(t, registration, event, Mine(action="show", id=registration.id))
            for registration, event in registrations
        ]
    )
    buttons.append(button(t.gettext("Programmes"), Browse(what="all").pack()))
    return t.gettext("Your registrations:") + "\n\n" + listing, rows(*buttons)


async def my_command(
    message: Message,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    participant: Participant | None,
) -> None:
    text, markup = await _list(t, db, participant)
    await message.answer(text, reply_markup=markup)


def _owner(participant: Participant | None, registration_id: int) -> int:
    """The person's participant id; someone without a record owns no registration."""
    if participant is None:
        raise NotFound("registration", registration_id)
    return participant.id


async def _own(
    db: async_sessionmaker[AsyncSession], participant: Participant | None, registration_id: int
) -> tuple[Registration, Event]:
    owner = _owner(participant, registration_id)
    async with db() as session:
        registration = await own_registration(session, owner, registration_id)
        event = await public_event(session, registration.event_id)
    return registration, event


# Switching between the room and the stream of a hybrid event: button action → part.
_SWITCHES = {"to_online": Participation.ONLINE, "to_room": Participation.IN_PERSON}


def _switch_button(
    t: Translator, registration: Registration, now: datetime, event: Event
) -> list[InlineKeyboardButton]:
    """ "Switch to online" (or "to in person") while the event is ahead and the person
    holds, waits for or applied for a seat of a hybrid event."""
    status = RegistrationStatus(registration.status)
    if (
        event.attendance_mode != AttendanceMode.HYBRID
        or now >= event.starts_at
        or status
        not in (
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITLISTED,
            RegistrationStatus.APPLIED,
        )
    ):
        return []
    if registration.participation == Participation.ONLINE:
        label, action = t.gettext("Switch to in person"), "to_room"
    else:
        label, action = t.gettext("Switch to online"), "to_online"
    return [button(label, Mine(action=action, id=registration.id).pack())]


def _join_link(services: BotServices, registration: Registration, event: Event) -> str | None:
    return join_link(services.public_url, registration, event)


def _card_buttons(
    t: Translator, registration: Registration, now: datetime, event: Event
) -> InlineKeyboardMarkup:
    buttons = []
    status = RegistrationStatus(registration.status)
    if status is RegistrationStatus.OFFERED:
        buttons += [
            button(t.gettext("Accept the seat"), Mine(action="accept", id=registration.id).pack()),
            button(t.gettext("Decline"), Mine(action="decline", id=registration.id).pack()),
        ]
    if status is RegistrationStatus.CONFIRMED and registration.ticket_code:
        buttons.append(
            button(t.gettext("Show ticket"), Mine(action="ticket", id=registration.id).pack())
        )
    if status is not RegistrationStatus.CANCELLED and status is not RegistrationStatus.REJECTED:
        buttons.append(
            button(t.gettext("Add to calendar"), Mine(action="ics", id=registration.id).pack())
        )
    buttons += _switch_button(t, registration, now, event)
    if status in ACTIVE and now < event.starts_at:
        buttons.append(
            button(
                t.gettext("Cancel registration"), Mine(action="cancel", id=registration.id).pack()
            )
        )
    buttons.append(button(t.gettext("« My registrations"), Mine(action="list").pack()))
    return rows(*buttons)


async def show_list(
    query: CallbackQuery,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    participant: Participant | None,
) -> None:
    await query.answer()
    text, markup = await _list(t, db, participant)
    await edit_or_send(query, text, markup)


async def show_one(
    query: CallbackQuery,
    callback_data: Mine,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
    services: BotServices,
) -> None:
    async with guarded(query, t):
        registration, event = await _own(db, participant, callback_data.id)
        await query.answer()
        await edit_or_send(
            query,
            registration_card(t, registration, event, _join_link(services, registration, event)),
            _card_buttons(t, registration, now, event),
        )


async def switch(
    query: CallbackQuery,
    callback_data: Mine,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
    services: BotServices,
) -> None:
    """Take part the other way at a hybrid event; the card shows where the person stands."""
    async with guarded(query, t):
        registration, _event = await _own(db, participant, callback_data.id)
        async with db() as session:
            registration, _offers = await switch_participation(
                session, now, registration.id, _SWITCHES[callback_data.action]
            )
        registration, event = await _own(db, participant, registration.id)
        await query.answer()
        text = t.gettext("Done: your choice is saved.") + "\n\n"
        await answer_below(
            query,
            text
            + registration_card(t, registration, event, _join_link(services, registration, event)),
            _card_buttons(t, registration, now, event),
        )


async def show_ticket(
    query: CallbackQuery,
    callback_data: Mine,
    bot: Bot,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    participant: Participant | None,
    services: BotServices,
) -> None:
    async with guarded(query, t):
        registration, event = await _own(db, participant, callback_data.id)
        code = registration.ticket_code
        if registration.status != RegistrationStatus.CONFIRMED or not code:
            raise Refused(t.gettext("This is no longer possible."))
        await query.answer()
        link = deep_link((await bot.me()).username, ticket_payload(code))
        await bot.send_photo(
            query.from_user.id,
            BufferedInputFile(qr_png(link or code), filename=f"ticket-{code}.png"),
            caption=registration_card(
                t, registration, event, _join_link(services, registration, event)
            )
            + "\n"
            + t.gettext("Show this code at the entrance."),
        )


async def ask_cancel(query: CallbackQuery, callback_data: Mine, t: Translator) -> None:
    await query.answer()
    await answer_below(
        query,
        t.gettext("Cancel this registration? Your seat will be offered to someone else."),
        rows(
            button(
                t.gettext("Yes, cancel it"), Mine(action="cancel_yes", id=callback_data.id).pack()
            ),
            button(t.gettext("No, keep it"), Mine(action="show", id=callback_data.id).pack()),
        ),
    )


async def act(
    query: CallbackQuery,
    callback_data: Mine,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    async with guarded(query, t):
        registration, _event = await _own(db, participant, callback_data.id)
        async with db() as session:
            if callback_data.action == "cancel_yes":
                await cancel_registration(session, now, registration.id)
                text = t.gettext("Your registration is cancelled.")
            elif callback_data.action == "accept":
                await accept_offer(session, now, registration.id)
                text = t.gettext("The seat is yours. See you there!")
            else:
                await decline_offer(session, now, registration.id)
                text = t.gettext("You declined the seat. Thank you for letting us know.")
        await query.answer()
        await answer_below(
            query, text, rows(button(t.gettext("« My registrations"), Mine(action="list").pack()))
        )


async def add_to_calendar(
    query: CallbackQuery,
    callback_data: Mine,
    bot: Bot,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
    services: BotServices,
) -> None:
    """The event as an .ics file, and subscription links that keep calendars current."""
    async with guarded(query, t):
        owner = _owner(participant, callback_data.id)
        links = services.links((await bot.me()).username)
        async with db() as session:
            found = await calendar_links(
                session,
                now,
                services.feed_cache,
                links,
                owner,
                callback_data.id,
                t.language,
                new_private_link=callback_data.action == "rotate",
            )
        await query.answer()
        await _send_calendar(bot, query.from_user.id, t, found, callback_data)


async def _send_calendar(
    bot: Bot, chat_id: int, t: Translator, found: CalendarLinks, pressed: Mine
) -> None:
    """The .ics file ("Add to calendar" only), then the subscription links."""
    rotated = pressed.action == "rotate"
    if not rotated:
        await bot.send_document(
            chat_id,
            BufferedInputFile(found.event_file.body, filename=found.event_file.filename),
            caption=t.gettext("Open this file to add the event to your calendar."),
        )
    await bot.send_message(
        chat_id,
        _subscribe_text(t, found, rotated=rotated),
        reply_markup=_new_link_button(t, pressed.id),
    )


def _subscribe_text(t: Translator, found: CalendarLinks, *, rotated: bool) -> str:
    intro = (
        t.gettext("Done: the old private link no longer works.")
        if rotated
        else t.gettext("To keep your calendar up to date, subscribe instead:")
    )
    return "\n\n".join(
        [
            intro,
            t.gettext("All your registrations (a private link, keep it to yourself):")
            + f"\n{e(found.personal.webcal)}",
            t.gettext("Every event of this programme:") + f"\n{e(found.programme.webcal)}",
            t.gettext(
                "Google Calendar: use “From URL” with the same link starting with https:// "
                "instead of webcal://."
            ),
        ]
    )


def _new_link_button(t: Translator, registration_id: int) -> InlineKeyboardMarkup:
    rotate = Mine(action="rotate", id=registration_id)
    return rows(button(t.gettext("Make a new private link"), rotate.pack()))


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(my_command, Command("my"))
    router.callback_query.register(show_list, Mine.filter(F.action == "list"))
    router.callback_query.register(show_one, Mine.filter(F.action == "show"))
    router.callback_query.register(show_ticket, Mine.filter(F.action == "ticket"))
    router.callback_query.register(switch, Mine.filter(F.action.in_(set(_SWITCHES))))
    router.callback_query.register(ask_cancel, Mine.filter(F.action == "cancel"))
    router.callback_query.register(
        act, Mine.filter(F.action.in_({"cancel_yes", "accept", "decline"}))
    )
    router.callback_query.register(add_to_calendar, Mine.filter(F.action.in_({"ics", "rotate"})))
    return router
