"""Register or apply in chat: profile once, the event's questions, a summary, consent.

The draft lives in the conversation state (in the database), so it survives a restart;
nothing is stored as a registration until the person agrees.
"""

from collections.abc import Callable
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Mine, Signup
from bot.filters import HAS_TEXT
from bot.guards import Refused, StaleButton, guarded, message_of
from bot.keyboards import button, main_menu, rows
from bot.replies import answer_below
from bot.signup.draft import PROFILE_ONLY, SignupDraft
from bot.signup.states import SignupSteps
from bot.signup.steps import (
    PROFILE_TEXT,
    ask_question,
    country_keyboard,
    current_draft,
    hint_for,
    lost_track,
    next_step,
)
from bot.views import e, event_title
from bot.wording import refusal, status_label
from events.countries import country_codes
from events.eligibility import needs_birth_year
from events.enums import (
    AttendanceMode,
    Gender,
    Participation,
    QuestionKind,
    RegistrationMode,
    RegistrationStatus,
)
from events.errors import DomainError
from events.inputs import Question
from events.listings import public_event
from events.models import Event, Participant, Registration
from events.own_registrations import registration_for
from events.questions import normalise_answer, questions_of
from events.registrations import ensure_open, sign_up
from events.seats import Limit, held_back_by
from locales.translator import Translator


async def begin_profile(
    query: CallbackQuery, state: FSMContext, t: Translator, participant: Participant | None
) -> None:
    async with guarded(query, t):
        # Only a stored profile is edited: a stale button after /forget must not recreate one.
        if participant is None or participant.erased_at is not None:
            raise StaleButton
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
    async with guarded(query, t):
        async with db() as session:
            event = await public_event(session, callback_data.event_id)
            ensure_open(event, now)
            mine = (
                await registration_for(session, participant.id, event.id) if participant else None
            )
        if mine is not None and mine.status != RegistrationStatus.CANCELLED:
            raise Refused(t.gettext("You are already registered for this event."))
        await query.answer()
        await SignupDraft.starting(event.id, participant).save(state)
        if isinstance(query.message, Message):
            await query.message.answer(_heading(t, event))
            await next_step(query.message, state, t, event, db, now)


def _heading(t: Translator, event: Event) -> str:
    heading = (
        t.gettext("Application for: {title}")
        if event.mode == RegistrationMode.APPLICATION
        else t.gettext("Registration for: {title}")
    )
    return heading.format(title=e(event_title(t, event)))


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
    take = PROFILE_TEXT.get(step)
    if current is None or take is None:
        await lost_track(message, state, t)
        return
    draft, event = current
    try:
        take(draft, t, message.text or "", now)
    except ValueError as hint:
        markup = country_keyboard(t, event) if step == SignupSteps.country.state else None
        await message.answer(str(hint), reply_markup=markup)
        return
    await draft.save(state)
    await next_step(message, state, t, event, db, now)


# What a button does to the draft, by (button action, step): it raises ``StaleButton``
# for a value no longer offered, or ``Refused`` with a hint.
ButtonStep = Callable[[SignupDraft, Event | None, Signup, Translator], None]


def _take_country(
    draft: SignupDraft, _event: Event | None, pressed: Signup, _t: Translator
) -> None:
    if pressed.value not in country_codes():
        raise StaleButton
    draft.country = pressed.value


def _take_gender(
    draft: SignupDraft, _event: Event | None, pressed: Signup, _t: Translator
) -> None:
    if pressed.value not in {*Gender, "-"}:
        raise StaleButton
    draft.gender = None if pressed.value == "-" else pressed.value


def _skip_birth_year(
    draft: SignupDraft, event: Event | None, _pressed: Signup, _t: Translator
) -> None:
    if event is not None and needs_birth_year(event):
        raise StaleButton
    draft.birth_year = None


def _take_participation(
    draft: SignupDraft, event: Event | None, pressed: Signup, _t: Translator
) -> None:
    if event is None or event.attendance_mode != AttendanceMode.HYBRID:
        raise StaleButton
    if pressed.value not in set(Participation):
        raise StaleButton
    draft.participation = pressed.value


def _answer_question(
    draft: SignupDraft, event: Event | None, pressed: Signup, t: Translator
) -> None:
    """A choice, or skipping an optional question."""
    questions = questions_of(event.questions) if event is not None else []
    if draft.index >= len(questions):
        raise StaleButton
    question = questions[draft.index]
    if pressed.action == "skip":
        if question.required:
            raise Refused(t.gettext("This question needs an answer."), alert=False)
        draft.index += 1
        return
    try:
        draft.answer(question.key, normalise_answer(question, pressed.value))
    except ValueError:
        raise StaleButton from None


_BUTTONS: dict[tuple[str, str | None], ButtonStep] = {
    ("country", SignupSteps.country.state): _take_country,
    ("gender", SignupSteps.gender.state): _take_gender,
    ("skip", SignupSteps.birth_year.state): _skip_birth_year,
    ("part", SignupSteps.participation.state): _take_participation,
    ("choice", SignupSteps.question.state): _answer_question,
    ("skip", SignupSteps.question.state): _answer_question,
}


async def got_button(
    query: CallbackQuery,
    callback_data: Signup,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    async with guarded(query, t):
        current = await current_draft(state, db, callback_data.event_id)
        take = _BUTTONS.get((callback_data.action, await state.get_state()))
        message = message_of(query)
        if current is None or take is None:
            raise StaleButton
        draft, event = current
        take(draft, event, callback_data, t)
        await query.answer()
        await draft.save(state)
        await next_step(message, state, t, event, db, now)


async def got_answer(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    current = await current_draft(state, db)
    event = current[1] if current is not None else None
    if current is None or event is None:
        await lost_track(message, state, t)
        return
    draft = current[0]
    questions = questions_of(event.questions)
    if draft.index < len(questions):
        question = questions[draft.index]
        hint = _read_answer(t, draft, question, message.text or "")
        if hint is not None:
            await ask_question(message, t, event, question, hint=hint)
            return
        await draft.save(state)
    await next_step(message, state, t, event, db, now)


def _read_answer(t: Translator, draft: SignupDraft, question: Question, text: str) -> str | None:
    """Take a typed answer into the draft; the hint to show instead if it cannot be."""
    if question.kind in (QuestionKind.CHOICE, QuestionKind.YES_NO):
        return t.gettext("Please use the buttons below.")
    try:
        draft.answer(question.key, normalise_answer(question, text))
    except ValueError:
        return hint_for(t, question)
    return None


async def expected_a_button(message: Message, t: Translator) -> None:
    await message.answer(t.gettext("Please use the buttons above, or /cancel to stop."))


async def expected_text(message: Message, t: Translator) -> None:
    await message.answer(t.gettext("Please answer with a text message, or /cancel to stop."))


async def abort(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await SignupDraft.drop(state)
    await query.answer()
    await answer_below(query, t.gettext("Stopped. Nothing was saved."), main_menu(t))


async def consent(
    query: CallbackQuery,
    callback_data: Signup,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    async with guarded(query, t):
        draft = await _agreed_draft(state, callback_data.event_id)
        await SignupDraft.drop(state)
        try:
            details = draft.participant_details(t.language, query.from_user.id)
            async with db() as session:
                registration = await sign_up(
                    session, now, details, draft.event_id, draft.answers, draft.participation
                )
                held_back = await held_back_by(session, registration)
                event = await public_event(session, registration.event_id)
        except (DomainError, ValidationError) as error:
            await query.answer()
            await answer_below(query, _not_signed_up(t, error), main_menu(t))
            return
        await query.answer()
        await answer_below(
            query,
            _outcome(t, registration, held_back, event),
            _registration_button(t, registration),
        )


async def _agreed_draft(state: FSMContext, event_id: int) -> SignupDraft:
    """The draft whose summary the button was under; ``StaleButton`` for any other."""
    draft = await SignupDraft.load(state)
    if draft is None or draft.profile_only or draft.event_id != event_id:
        raise StaleButton
    if await state.get_state() != SignupSteps.consent.state:
        raise StaleButton
    return draft


def _not_signed_up(t: Translator, error: DomainError | ValidationError) -> str:
    if isinstance(error, DomainError):
        return refusal(t, error)
    return t.gettext("Sorry, that did not work. Please try again.")


def _outcome(
    t: Translator, registration: Registration, held_back: Limit | None, event: Event
) -> str:
    # Held back by a quota, the event card still shows seats left: "the event is full"
    # would be untrue.
    if held_back == Limit.COUNTRY_QUOTA:
        return t.gettext(
            "The seats for participants from your country are all taken, so you are on the "
            "waiting list. We will message you if a seat becomes free."
        )
    if held_back == Limit.GENDER_QUOTA:
        return t.gettext(
            "The seats for participants of your gender are all taken, so you are on the "
            "waiting list. We will message you if a seat becomes free."
        )
    online = registration.participation == Participation.ONLINE
    hybrid = event.attendance_mode == AttendanceMode.HYBRID
    if registration.status == RegistrationStatus.CONFIRMED and online:
        return t.gettext(
            "You are registered to take part online. Your personal link to join is in "
            "your registration."
        )
    if registration.status == RegistrationStatus.WAITLISTED and hybrid:
        if online:
            return t.gettext(
                "The online seats are all taken, so you are on the waiting list for them. "
                "We will message you if one becomes free."
            )
        return t.gettext(
            "The seats in the hall are all taken, so you are on the waiting list for them. "
            "We will message you if one becomes free."
        )
    outcome = {
        RegistrationStatus.CONFIRMED: t.gettext("You are registered. See you there!"),
        RegistrationStatus.WAITLISTED: t.gettext(
            "The event is full, so you are on the waiting list. We will message you if a "
            "seat becomes free."
        ),
        RegistrationStatus.APPLIED: t.gettext(
            "Your application has been received. The organisers will let you know their decision."
        ),
    }
    return outcome.get(
        RegistrationStatus(registration.status), status_label(t, registration.status)
    )


def _registration_button(t: Translator, registration: Registration) -> InlineKeyboardMarkup:
    return rows(
        button(t.gettext("My registration"), Mine(action="show", id=registration.id).pack())
    )


async def edit_profile(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    """Ask the profile questions again; the answers replace the stored ones."""
    await query.answer()
    await SignupDraft(event_id=PROFILE_ONLY).save(state)
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
        got_button,
        Signup.filter(F.action.in_({"country", "gender", "skip", "choice", "part"})),
    )
    router.message.register(got_answer, StateFilter(SignupSteps.question), HAS_TEXT)
    router.message.register(expected_a_button, StateFilter(SignupSteps.consent))
    router.message.register(expected_a_button, StateFilter(SignupSteps.gender))
    router.message.register(expected_a_button, StateFilter(SignupSteps.participation))
    router.message.register(expected_a_button, StateFilter(SignupSteps.country))
    router.message.register(expected_text, StateFilter(SignupSteps.question))
    router.message.register(expected_text, StateFilter(SignupSteps.birth_year))
    router.message.register(expected_text, StateFilter(SignupSteps.name))
    router.callback_query.register(abort, Signup.filter(F.action == "abort"))
    router.callback_query.register(consent, Signup.filter(F.action == "consent"))
    return router
