"""/alumni: the menu, invitations of imported alumni, and one's own profile."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.alumni.states import AlumniSteps
from bot.alumni.views import (
    alumni_refusal,
    audience_label,
    field_label,
    interest_label,
    own_profile_text,
    spoken_language,
)
from bot.callbacks import AlumniMenu, Directory
from bot.filters import NOT_A_COMMAND
from bot.guards import Refused, guarded, message_of
from bot.keyboards import button, rows
from bot.replies import edit_or_send
from bot.signup.steps import NEIGHBOURS
from bot.views import e, event_title
from events.alumni.directory import own_card
from events.alumni.errors import NotAnAlumnus
from events.alumni.invitations import Account, open_invitations, settle_invitations
from events.alumni.membership import cohort_groups, memberships_of
from events.alumni.profiles import (
    INTERESTS,
    SPOKEN,
    create_profile,
    set_audience,
    set_country,
    set_text,
    toggle,
    unpacked,
)
from events.alumni.visibility import FIELDS, Audience
from events.errors import DomainError
from events.models import Event, Participant
from locales.translator import Translator

TEXT_FIELDS = {"bio": AlumniSteps.bio, "city": AlumniSteps.city, "tags": AlumniSteps.tags}


def account_of(user: User) -> Account:
    return Account(user.id, user.username)


def invitation_text(t: Translator, editions: list[Event]) -> str:
    titles = "\n".join(f"• {e(event_title(t, event))}" for event in editions)
    return "\n\n".join(
        [
            t.gettext("The organisers have listed you among the alumni of:"),
            titles,
            t.gettext(
                "Is that you? Until you confirm, nobody sees anything about you, and your "
                "profile stays hidden until you choose who may see it."
            ),
        ]
    )


def invitation_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return rows(
        button(t.gettext("Yes, that is me"), AlumniMenu(action="yes").pack()),
        button(t.gettext("No, that is not me"), AlumniMenu(action="no").pack()),
    )


def menu_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return rows(
        button(t.gettext("My alumni profile"), AlumniMenu(action="profile").pack()),
        button(t.gettext("Find alumni"), Directory(action="filters").pack()),
    )


def menu_text(t: Translator, cohorts: Sequence[Event] = ()) -> str:
    """The menu, with the group chat of each edition the reader is an alumnus of."""
    groups = [
        t.gettext("Group chat of the alumni of {event}: {link}").format(
            event=f"<b>{e(event_title(t, event))}</b>", link=e(event.cohort_link or "")
        )
        for event in cohorts
    ]
    return "\n\n".join(
        [
            t.gettext("<b>Alumni network</b>"),
            t.gettext(
                "Find people you met at Redbridge events and stay in touch. Your profile is "
                "hidden until you choose who may see each part of it, and contacts are "
                "exchanged only when both of you agree."
            ),
            *groups,
        ]
    )


async def alumni_command(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    participant: Participant | None,
) -> None:
    await state.set_state(None)
    if message.from_user is None:
        return
    async with db() as session:
        invited = list(await open_invitations(session, account_of(message.from_user)))
        member = (
            (await memberships_of(session, participant.id)).is_alumnus if participant else False
        )
        cohorts = await cohort_groups(session, participant.id) if member and participant else []
    if invited:
        await message.answer(invitation_text(t, invited), reply_markup=invitation_keyboard(t))
    elif member:
        await message.answer(menu_text(t, cohorts), reply_markup=menu_keyboard(t))
    else:
        await message.answer(
            t.gettext(
                "The alumni network is for people who took part in an event. Once an event "
                "you attended is over, you will find it here."
            )
        )


@asynccontextmanager
async def alumni_guard(query: CallbackQuery, t: Translator) -> AsyncIterator[None]:
    """``guarded``, with the alumni network's own refusals."""
    async with guarded(query, t):
        try:
            yield
        except DomainError as error:
            text = alumni_refusal(t, error)
            if text is None:
                raise
            raise Refused(text) from error


async def _profile_view(
    t: Translator, db: async_sessionmaker[AsyncSession], now: datetime, participant_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    async with db() as session:
        profile = await create_profile(session, now, participant_id)
        person = await session.get(Participant, participant_id)
        editions = (await memberships_of(session, participant_id)).editions
        card = own_card(profile, person.name if person else "", editions)
        text = own_profile_text(t, profile, card)
    edit = [
        ("bio", t.gettext("About me")),
        ("city", t.gettext("City")),
        ("country", t.gettext("Country")),
        ("languages", t.gettext("Languages")),
        ("interests", t.gettext("Interests")),
        ("tags", t.gettext("Tags")),
    ]
    buttons = [button(label, AlumniMenu(action="edit", field=f).pack()) for f, label in edit]
    buttons.append(button(t.gettext("Who sees what"), AlumniMenu(action="seen").pack()))
    buttons.append(button(t.gettext("« Alumni network"), AlumniMenu(action="menu").pack()))
    return text, rows(*buttons)


async def on_menu(
    query: CallbackQuery,
    callback_data: AlumniMenu,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    async with alumni_guard(query, t):
        action = callback_data.action
        if action in ("yes", "no"):
            await _answer_invitation(query, t, db, now, participant, confirm=action == "yes")
            return
        if participant is None:
            raise NotAnAlumnus("no participant")
        pid = participant.id
        if action == "menu":
            async with db() as session:
                if not (await memberships_of(session, pid)).is_alumnus:
                    raise NotAnAlumnus("not an alumnus")
                cohorts = await cohort_groups(session, pid)
            await query.answer()
            await edit_or_send(query, menu_text(t, cohorts), menu_keyboard(t))
        elif action == "profile":
            text, markup = await _profile_view(t, db, now, pid)
            await query.answer()
            await edit_or_send(query, text, markup)
        elif action == "edit":
            await _edit(query, callback_data.field, state, t, db, now, pid)
        elif action == "country":
            async with db() as session:
                await set_country(session, now, pid, callback_data.value or None)
            await _show_profile(query, t, db, now, pid)
        elif action == "toggle":
            async with db() as session:
                await toggle(session, now, pid, callback_data.field, callback_data.value)
            await query.answer()
            await edit_or_send(query, *await _choices(t, db, now, pid, callback_data.field))
        elif action == "seen":
            await _audiences(query, t, db, now, pid, callback_data)
        else:
            raise Refused(t.gettext("This button is no longer active."), alert=False)


async def _show_profile(
    query: CallbackQuery,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    pid: int,
) -> None:
    text, markup = await _profile_view(t, db, now, pid)
    await query.answer()
    await edit_or_send(query, text, markup)


async def _answer_invitation(
    query: CallbackQuery,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
    *,
    confirm: bool,
) -> None:
    language = participant.language if participant else t.language
    async with db() as session:
        answered = await settle_invitations(
            session, now, account_of(query.from_user), confirm=confirm, language=language
        )
    if not answered:
        raise Refused(t.gettext("This button is no longer active."), alert=False)
    await query.answer()
    if confirm:
        text = t.gettext(
            "Thank you: you are in the alumni network now. Your profile stays hidden until you "
            "choose who may see each part of it."
        )
        await edit_or_send(query, text, menu_keyboard(t))
    else:
        await edit_or_send(
            query, t.gettext("Understood: you will not be listed among the alumni.")
        )


async def _edit(
    query: CallbackQuery,
    field: str,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    pid: int,
) -> None:
    prompts = {
        "bio": t.gettext(
            "Please write a few words about yourself, up to 300 characters. A dash (-) clears it."
        ),
        "city": t.gettext("Which city do you live in? Up to 60 characters; a dash (-) clears it."),
        "tags": t.gettext(
            "Please write up to 5 tags of your own, separated by commas, each up to 30 "
            "characters. A dash (-) clears them."
        ),
    }
    if field in TEXT_FIELDS:
        async with db() as session:
            await create_profile(session, now, pid)
        await state.set_state(TEXT_FIELDS[field])
        await query.answer()
        await message_of(query).answer(prompts[field])
    elif field == "country":
        buttons = [
            button(t.country(code), AlumniMenu(action="country", value=code).pack())
            for code in NEIGHBOURS
        ]
        buttons.append(button(t.gettext("Not stated"), AlumniMenu(action="country").pack()))
        await query.answer()
        await edit_or_send(query, t.gettext("Which country do you live in?"), rows(*buttons))
    elif field in ("languages", "interests"):
        await query.answer()
        await edit_or_send(query, *await _choices(t, db, now, pid, field))
    else:
        raise Refused(t.gettext("This button is no longer active."), alert=False)


async def _choices(
    t: Translator, db: async_sessionmaker[AsyncSession], now: datetime, pid: int, field: str
) -> tuple[str, InlineKeyboardMarkup]:
    """Languages or interests to tick, with what is ticked marked."""
    async with db() as session:
        profile = await create_profile(session, now, pid)
    chosen = set(unpacked(getattr(profile, field)))
    if field == "languages":
        options = [(code, spoken_language(t, code)) for code in SPOKEN]
        text = t.gettext("Which languages do you speak? Press to choose or unchoose.")
    else:
        options = [(key, interest_label(t, key)) for key in INTERESTS]
        text = t.gettext("What are you interested in? Press to choose or unchoose.")
    buttons = [
        button(
            f"✓ {label}" if key in chosen else label,
            AlumniMenu(action="toggle", field=field, value=key).pack(),
        )
        for key, label in options
    ]
    buttons.append(button(t.gettext("Done"), AlumniMenu(action="profile").pack()))
    return text, rows(*buttons)


async def _audiences(
    query: CallbackQuery,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    pid: int,
    data: AlumniMenu,
) -> None:
    """Who sees what: a field's four audiences; a level chosen is saved."""
    if data.field and data.value:
        if not data.value.isdigit():
            raise Refused(t.gettext("This button is no longer active."), alert=False)
        async with db() as session:
            await set_audience(session, now, pid, data.field, int(data.value))
        await _show_profile(query, t, db, now, pid)
        return
    if data.field:
        if data.field not in FIELDS:
            raise Refused(t.gettext("This button is no longer active."), alert=False)
        text = t.gettext("Who may see this: {field}?").format(field=field_label(t, data.field))
        buttons = [
            button(
                audience_label(t, level),
                AlumniMenu(action="seen", field=data.field, value=str(int(level))).pack(),
            )
            for level in Audience
        ]
        await query.answer()
        await edit_or_send(query, text, rows(*buttons))
        return
    buttons = [
        button(field_label(t, field), AlumniMenu(action="seen", field=field).pack())
        for field in FIELDS
    ]
    buttons.append(button(t.gettext("« My alumni profile"), AlumniMenu(action="profile").pack()))
    await query.answer()
    await edit_or_send(
        query,
        t.gettext("Which part of your profile? Choose, then choose who may see it."),
        rows(*buttons),
    )


async def on_text(
    message: Message,
    state: FSMContext,
    raw_state: str | None,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    """What someone typed for their bio, city or tags."""
    field = {step.state: name for name, step in TEXT_FIELDS.items()}.get(raw_state)
    if field is None or participant is None:
        await state.set_state(None)
        return
    try:
        async with db() as session:
            await set_text(session, now, participant.id, field, message.text or "")
    except DomainError as error:
        text = alumni_refusal(t, error) or t.gettext("Sorry, that did not work. Please try again.")
        await message.answer(text)
        return
    await state.set_state(None)
    text, markup = await _profile_view(t, db, now, participant.id)
    await message.answer(t.gettext("Saved.") + "\n\n" + text, reply_markup=markup)


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(alumni_command, Command("alumni"))
    router.callback_query.register(on_menu, AlumniMenu.filter())
    router.message.register(
        on_text, StateFilter(AlumniSteps.bio, AlumniSteps.city, AlumniSteps.tags), NOT_A_COMMAND
    )
    return router
