"""Register or apply in chat: profile once, the event's questions, a summary, consent.

The draft lives in the conversation state (in the database), so it survives a restart;
nothing is stored as a registration until the person agrees.
"""

from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Mine, Signup
from bot.filters import HAS_TEXT
from bot.i18n import Translator
from bot.keyboards import button, main_menu, rows
from bot.signup_steps import (
    DRAFT,
    PROFILE_ONLY,
    PROFILE_TEXT,
    ask_question,
    country_keyboard,
    current_draft,
    hint_for,
    lost_track,
    next_step,
)
from bot.states import SignupSteps
from bot.views import e, event_title
from bot.wording import refusal, status_label
from events.countries import country_codes
from events.eligibility import needs_birth_year
from events.enums import Gender, QuestionKind, RegistrationMode, RegistrationStatus
from events.errors import DomainError
from events.inputs import ParticipantDetails
from events.listings import public_event
from events.models import Participant
from events.own_registrations import registration_for
from events.questions import normalise_answer, questions_of
from events.registrations import ensure_open, sign_up


async def begin_profile(
    query: CallbackQuery, state: FSMContext, t: Translator, participant: Participant | None
) -> None:
    # Only a stored profile is edited: a stale button after /forget must not recreate one.
    if participant is None or participant.erased_at is not None:
        await query.answer(t.gettext("This button is no longer active."))
        return
    await edit_profile(query, state, t)


async def begin(
    query: CallbackQuery,
    callback_data: Signup,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    try:
        async with db() as session:
            event = await public_event(session, callback_data.event_id)
            ensure_open(event, now)
            existing = (
                await registration_for(session, participant.id, event.id) if participant else None
            )
    except DomainError as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        await query.answer(
            t.gettext("You are already registered for this event."), show_alert=True
        )
        return
    await query.answer()
    draft: dict[str, Any] = {"event_id": event.id, "answers": {}, "index": 0}
    if participant is not None and participant.name:
        draft |= {
            "name": participant.name,
            "country": participant.country,
            "gender": participant.gender,
            "birth_year": participant.birth_year,
            "known": True,
        }
    await state.update_data({DRAFT: draft})
    if not isinstance(query.message, Message):
        return
    heading = (
        t.gettext("Application for: {title}")
        if event.mode == RegistrationMode.APPLICATION
        else t.gettext("Registration for: {title}")
    )
    await query.message.answer(heading.format(title=e(event_title(t, event))))
    await next_step(query.message, state, t, event, db, now)


async def got_profile_text(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    """A typed name, country (code or name) or birth year: stored, or asked again."""
    current = await current_draft(state, db)
    step = await state.get_state()
    if current is None or step not in PROFILE_TEXT:
        await lost_track(message, state, t)
        return
    draft, event = current
    field, parse = PROFILE_TEXT[step]
    try:
        draft[field] = parse(t, message.text or "", now)
    except ValueError as hint:
        markup = country_keyboard(t, event) if field == "country" else None
        await message.answer(str(hint), reply_markup=markup)
        return
    await state.update_data({DRAFT: draft})
    await next_step(message, state, t, event, db, now)


async def got_button(
    query: CallbackQuery,
    callback_data: Signup,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    current = await current_draft(state, db, callback_data.event_id)
    step = await state.get_state()
    if current is None or not isinstance(query.message, Message):
        await query.answer(t.gettext("This button is no longer active."))
        return
    draft, event = current
    action, value = callback_data.action, callback_data.value
    if action == "country" and step == SignupSteps.country.state and value in country_codes():
        draft["country"] = value
    elif action == "gender" and step == SignupSteps.gender.state and value in {*Gender, "-"}:
        draft["gender"] = None if value == "-" else value
    elif (
        action == "skip"
        and step == SignupSteps.birth_year.state
        and (event is None or not needs_birth_year(event))
    ):
        draft["birth_year"] = None
    elif event is not None and step == SignupSteps.question.state and action in ("choice", "skip"):
        questions = questions_of(event.questions)
        index = int(draft.get("index", 0))
        if index >= len(questions):
            await query.answer(t.gettext("This button is no longer active."))
            return
        question = questions[index]
        if action == "skip" and question.required:
            await query.answer(t.gettext("This question needs an answer."))
            return
        if action == "choice":
            try:
                draft["answers"][question.key] = normalise_answer(question, value)
            except ValueError:
                await query.answer(t.gettext("This button is no longer active."))
                return
        draft["index"] = index + 1
    else:
        await query.answer(t.gettext("This button is no longer active."))
        return
    await query.answer()
    await state.update_data({DRAFT: draft})
    await next_step(query.message, state, t, event, db, now)


async def got_answer(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    current = await current_draft(state, db)
    if current is None:
        await lost_track(message, state, t)
        return
    draft, event = current
    if event is None:
        await lost_track(message, state, t)
        return
    questions = questions_of(event.questions)
    index = int(draft.get("index", 0))
    if index >= len(questions):
        await next_step(message, state, t, event, db, now)
        return
    question = questions[index]
    if question.kind in (QuestionKind.CHOICE, QuestionKind.YES_NO):
        await ask_question(
            message, t, event, question, hint=t.gettext("Please use the buttons below.")
        )
        return
    try:
        draft["answers"][question.key] = normalise_answer(question, message.text or "")
    except ValueError:
        await ask_question(message, t, event, question, hint=hint_for(t, question))
        return
    draft["index"] = index + 1
    await state.update_data({DRAFT: draft})
    await next_step(message, state, t, event, db, now)


async def expected_a_button(message: Message, t: Translator) -> None:
    await message.answer(t.gettext("Please use the buttons above, or /cancel to stop."))


async def expected_text(message: Message, t: Translator) -> None:
    await message.answer(t.gettext("Please answer with a text message, or /cancel to stop."))


async def abort(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.set_state(None)
    await state.update_data({DRAFT: None})
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            t.gettext("Stopped. Nothing was saved."), reply_markup=main_menu(t)
        )


async def consent(
    query: CallbackQuery,
    callback_data: Signup,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    current = await current_draft(state, db, callback_data.event_id)
    if (
        current is None
        or await state.get_state() != SignupSteps.consent.state
        or query.from_user is None
    ):
        await query.answer(t.gettext("This button is no longer active."))
        return
    draft, event = current
    if event is None:
        await query.answer(t.gettext("This button is no longer active."))
        return
    try:
        details = ParticipantDetails(
            name=draft["name"],
            language=t.language,
            country=draft.get("country"),
            gender=draft.get("gender"),
            birth_year=draft.get("birth_year"),
            telegram_user_id=query.from_user.id,
        )
        async with db() as session:
            registration = await sign_up(session, now, details, event.id, draft.get("answers", {}))
    except (DomainError, ValidationError) as error:
        await state.set_state(None)
        await state.update_data({DRAFT: None})
        text = (
            refusal(t, error)
            if isinstance(error, DomainError)
            else t.gettext("Sorry, that did not work. Please try again.")
        )
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.answer(text, reply_markup=main_menu(t))
        return
    await state.set_state(None)
    await state.update_data({DRAFT: None})
    await query.answer()
    outcome = {
        RegistrationStatus.CONFIRMED: t.gettext("You are registered. See you there!"),
        RegistrationStatus.WAITLISTED: t.gettext(
            "The event is full, so you are on the waiting list. We will message you if a "
            "seat becomes free."
        ),
        RegistrationStatus.APPLIED: t.gettext(
            "Your application has been received. The organisers will let you know their decision."
        ),
    }.get(RegistrationStatus(registration.status), status_label(t, registration.status))
    if isinstance(query.message, Message):
        await query.message.answer(
            outcome,
            reply_markup=rows(
                button(
                    t.gettext("My registration"), Mine(action="show", id=registration.id).pack()
                )
            ),
        )


async def edit_profile(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    """Ask the profile questions again; the answers replace the stored ones."""
    await query.answer()
    await state.update_data({DRAFT: {"event_id": PROFILE_ONLY}})
    if isinstance(query.message, Message):
        await next_step(query.message, state, t, None)


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.callback_query.register(
        begin_profile, Signup.filter((F.action == "start") & (F.event_id == PROFILE_ONLY))
    )
    router.callback_query.register(begin, Signup.filter(F.action == "start"))
    router.message.register(got_profile_text, StateFilter(SignupSteps.birth_year), HAS_TEXT)
    router.message.register(got_profile_text, StateFilter(SignupSteps.country), HAS_TEXT)
    router.message.register(got_profile_text, StateFilter(SignupSteps.name), HAS_TEXT)
    router.callback_query.register(
        got_button, Signup.filter(F.action.in_({"country", "gender", "skip", "choice"}))
    )
    router.message.register(got_answer, StateFilter(SignupSteps.question), HAS_TEXT)
    router.message.register(expected_a_button, StateFilter(SignupSteps.consent))
    router.message.register(expected_a_button, StateFilter(SignupSteps.gender))
    router.message.register(expected_a_button, StateFilter(SignupSteps.country))
    router.message.register(expected_text, StateFilter(SignupSteps.question))
    router.message.register(expected_text, StateFilter(SignupSteps.birth_year))
    router.message.register(expected_text, StateFilter(SignupSteps.name))
    router.callback_query.register(abort, Signup.filter(F.action == "abort"))
    router.callback_query.register(consent, Signup.filter(F.action == "consent"))
    return router
