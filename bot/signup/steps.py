"""The steps of registering in chat and what each one asks: a profile (once), the event's
questions, a summary to agree to. The draft (``SignupDraft``) lives in the conversation
state."""

from collections.abc import Callable
from datetime import datetime

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Signup
from bot.choices import FULL_WIDTH, Choice, numbered
from bot.keyboards import button, main_menu, rows
from bot.replies import answer_long
from bot.signup.draft import PROFILE_ONLY, SignupDraft
from bot.signup.states import SignupSteps
from bot.views import e, event_title, participation_line, profile_summary, question_prompt
from bot.wording import refusal
from events.countries import country_codes, normalise_country
from events.eligibility import ensure_eligible, needs_birth_year
from events.enums import AttendanceMode, Gender, Participation, QuestionKind
from events.errors import DomainError, NotEligible
from events.inputs import Question, clean_line
from events.listings import public_event
from events.models import Event, Participant
from events.participants import save_participant
from events.questions import questions_of
from locales.translator import Translator

NEIGHBOURS = ("AM", "AZ", "GE")
NAME_LIMIT = 100


async def load_event(db: async_sessionmaker[AsyncSession], event_id: int) -> Event:
    async with db() as session:
        return await public_event(session, event_id)


async def next_step(
    message: Message,
    state: FSMContext,
    t: Translator,
    event: Event | None,
    db: async_sessionmaker[AsyncSession] | None = None,
    now: datetime | None = None,
) -> None:
    """Ask for the first thing the draft still lacks (``event`` None: editing the profile)."""
    draft = await SignupDraft.load(state) or SignupDraft(event_id=PROFILE_ONLY)
    if await _asked_for_profile(message, state, t, event, draft):
        return
    if event is None:
        await save_profile(message, state, t, draft, db, now)
        return
    if not await _still_eligible(message, state, t, event, draft):
        return
    if event.attendance_mode == AttendanceMode.HYBRID and draft.participation is None:
        await state.set_state(SignupSteps.participation)
        await message.answer(
            t.gettext("How would you like to take part?"),
            reply_markup=participation_keyboard(t, event),
        )
        return
    questions = questions_of(event.questions)
    if draft.index < len(questions):
        await state.set_state(SignupSteps.question)
        await ask_question(message, t, event, questions[draft.index])
        return
    await state.set_state(SignupSteps.consent)
    await answer_long(message, summary(t, event, draft, questions), consent_keyboard(t, event))


async def _asked_for_profile(
    message: Message, state: FSMContext, t: Translator, event: Event | None, draft: SignupDraft
) -> bool:
    """Ask for the first profile detail the draft lacks; False if it has them all."""
    required = event is not None and needs_birth_year(event)
    markup: InlineKeyboardMarkup | None = None
    if not draft.name:
        step, text = SignupSteps.name, t.gettext("What name should the organisers see?")
    elif not draft.asked("country"):
        step, text = SignupSteps.country, t.gettext("Which country do you live in?")
        markup = country_keyboard(t, event)
    elif not draft.asked("gender"):
        step, markup = SignupSteps.gender, gender_keyboard(t, event)
        text = t.gettext(
            "Telling us your gender helps organisers keep groups balanced. This is optional."
        )
    elif not draft.asked("birth_year") or (required and not draft.birth_year):
        step = SignupSteps.birth_year
        if required:
            text = t.gettext(
                "In which year were you born? Please write it as a number, e.g. 2001."
            )
        else:
            text = t.gettext(
                "In which year were you born? Please write it as a number, e.g. 2001. "
                "This is optional."
            )
            markup = rows(button(t.gettext("Skip"), button_data("skip", event).pack()))
    else:
        return False
    await state.set_state(step)
    await message.answer(text, reply_markup=markup)
    return True


async def _still_eligible(
    message: Message, state: FSMContext, t: Translator, event: Event, draft: SignupDraft
) -> bool:
    """Refuse right after the profile, not after every question, if the rules exclude them."""
    profile = Participant(country=draft.country, birth_year=draft.birth_year)
    try:
        ensure_eligible(event, profile)
    except NotEligible as error:
        await SignupDraft.drop(state)
        await message.answer(refusal(t, error), reply_markup=main_menu(t))
        return False
    return True


def button_data(action: str, event: Event | None, value: str = "") -> Signup:
    return Signup(action=action, event_id=event.id if event else PROFILE_ONLY, value=value)


def country_keyboard(t: Translator, event: Event | None) -> InlineKeyboardMarkup:
    eligible = event.eligible_countries if event else []
    codes = [code for code in NEIGHBOURS if not eligible or code in eligible]
    buttons = [
        button(t.country(code), button_data("country", event, code).pack()) for code in codes
    ]
    # One a row: "Azerbaijan" is eleven letters or more in four of the languages.
    return rows(*buttons)


def gender_keyboard(t: Translator, event: Event | None) -> InlineKeyboardMarkup:
    labels = {
        Gender.FEMALE: t.gettext("Female"),
        Gender.MALE: t.gettext("Male"),
        Gender.OTHER: t.gettext("Other"),
    }
    buttons = [
        button(label, button_data("gender", event, gender.value).pack())
        for gender, label in labels.items()
    ]
    buttons.append(
        button(t.gettext("Prefer not to say"), button_data("gender", event, "-").pack())
    )
    return rows(*buttons, width=3)


def participation_keyboard(t: Translator, event: Event) -> InlineKeyboardMarkup:
    return rows(
        button(
            t.gettext("In person"),
            button_data("part", event, Participation.IN_PERSON.value).pack(),
        ),
        button(t.gettext("Online"), button_data("part", event, Participation.ONLINE.value).pack()),
    )


def consent_keyboard(t: Translator, event: Event) -> InlineKeyboardMarkup:
    return rows(
        button(t.gettext("Agree and send"), Signup(action="consent", event_id=event.id).pack()),
        button(t.gettext("Cancel"), Signup(action="abort", event_id=event.id).pack()),
    )


def choice_buttons(
    t: Translator,
    event: Event,
    question: Question,
    data: Callable[[str], str] | None = None,
) -> tuple[str, list[InlineKeyboardButton]]:
    """A choice question's buttons: the organiser's labels as they are when every one
    fits a button; else the labels in full for the message, numbered, and numbered
    buttons (the listing is empty when not needed). ``data`` makes a button's callback
    data from the choice's key (default: a registration's answer; a survey has its own)."""

    def signup_choice(key: str) -> str:
        return Signup(action="choice", event_id=event.id, value=key).pack()

    pressed = data or signup_choice
    choices = [
        Choice(
            line=e(label),
            title=label,
            data=pressed(choice.key),
        )
        for choice in question.choices
        for label in [t.pick(choice.label, event.default_language)]
    ]
    if all(len(choice.title) <= FULL_WIDTH for choice in choices):
        return "", [button(choice.title, choice.data) for choice in choices]
    return numbered(choices)


async def ask_question(
    message: Message, t: Translator, event: Event, question: Question, hint: str = ""
) -> None:
    buttons: list[InlineKeyboardButton] = []
    listing = ""
    if question.kind is QuestionKind.CHOICE:
        listing, buttons = choice_buttons(t, event, question)
    elif question.kind is QuestionKind.YES_NO:
        buttons = [
            button(
                t.gettext("Yes"), Signup(action="choice", event_id=event.id, value="yes").pack()
            ),
            button(t.gettext("No"), Signup(action="choice", event_id=event.id, value="no").pack()),
        ]
    if not question.required:
        buttons.append(button(t.gettext("Skip"), Signup(action="skip", event_id=event.id).pack()))
    text = question_prompt(t, question, event, hint)
    await message.answer(
        f"{text}\n\n{listing}" if listing else text,
        reply_markup=rows(*buttons) if buttons else None,
    )


def summary(t: Translator, event: Event, draft: SignupDraft, questions: list[Question]) -> str:
    lines = [
        t.gettext("Please check your registration for {title}:").format(
            title=e(event_title(t, event))
        ),
        "",
        profile_summary(t, draft.name, draft.country, draft.gender, draft.birth_year),
    ]
    if event.attendance_mode == AttendanceMode.HYBRID and draft.participation is not None:
        lines.append(participation_line(t, draft.participation))
    for question in questions:
        if question.key in draft.answers:
            prompt = t.pick(question.prompt, event.default_language)
            answer = answer_text(t, event, question, draft.answers[question.key])
            lines.append(f"{e(prompt)}\n→ {e(answer)}")
    lines += [
        "",
        t.gettext(
            "Redbridge stores these details to organise this event. Only its organisers see them. "
            "You can see or erase your data at any time with /mydata and /forget."
        ),
    ]
    return "\n".join(lines)


def answer_text(t: Translator, event: Event, question: Question, value: object) -> str:
    if question.kind is QuestionKind.CHOICE:
        for choice in question.choices:
            if choice.key == value:
                return t.pick(choice.label, event.default_language)
    if question.kind is QuestionKind.YES_NO:
        return t.gettext("Yes") if value is True else t.gettext("No")
    return str(value)


async def current_draft(
    state: FSMContext, db: async_sessionmaker[AsyncSession], event_id: int | None = None
) -> tuple[SignupDraft, Event | None] | None:
    """The draft and its event (None while editing the profile), or None if there is no
    draft or a stale button names another event."""
    draft = await SignupDraft.load(state)
    if draft is None or (event_id is not None and draft.event_id != event_id):
        return None
    if draft.profile_only:
        return draft, None
    try:
        return draft, await load_event(db, draft.event_id)
    except DomainError:
        return None


def parse_name(t: Translator, text: str, _now: datetime) -> str:
    name = clean_line(text)
    if not name or len(name) > NAME_LIMIT:
        raise ValueError(
            t.ngettext(
                "Please write a name of at most {limit} character.",
                "Please write a name of at most {limit} characters.",
                NAME_LIMIT,
            ).format(limit=NAME_LIMIT)
        )
    return name


def parse_country(t: Translator, text: str, _now: datetime) -> str:
    """A two-letter code, or a country's name as the reader's language or English writes it."""
    typed = clean_line(text)
    try:
        return normalise_country(typed)
    except ValueError:
        pass
    for code in country_codes():
        if typed in (t.country(code), code):
            return code
    raise ValueError(
        t.gettext(
            "I don't recognise this country. Please use a button or write the two-letter "
            "code, e.g. AM, AZ or GE."
        )
    )


def parse_birth_year(t: Translator, text: str, now: datetime) -> int:
    typed = text.strip()
    year = int(typed) if typed.isascii() and typed.isdigit() and len(typed) == 4 else 0
    if not 1900 <= year <= now.year:
        raise ValueError(t.gettext("Please write the year as four digits, e.g. 2001."))
    return year


def _take_name(draft: SignupDraft, t: Translator, text: str, now: datetime) -> None:
    draft.name = parse_name(t, text, now)


def _take_country(draft: SignupDraft, t: Translator, text: str, now: datetime) -> None:
    draft.country = parse_country(t, text, now)


def _take_birth_year(draft: SignupDraft, t: Translator, text: str, now: datetime) -> None:
    draft.birth_year = parse_birth_year(t, text, now)


# The profile steps answered by typing: how the text is read into the draft (a
# ``ValueError`` carries the hint to show).
PROFILE_TEXT: dict[str | None, Callable[[SignupDraft, Translator, str, datetime], None]] = {
    SignupSteps.name.state: _take_name,
    SignupSteps.country.state: _take_country,
    SignupSteps.birth_year.state: _take_birth_year,
}


def hint_for(t: Translator, question: Question) -> str:
    if question.kind is QuestionKind.NUMBER:
        if question.min_value is not None and question.max_value is not None:
            return t.gettext("Please write a whole number from {min} to {max}.").format(
                min=question.min_value, max=question.max_value
            )
        return t.gettext("Please write a whole number.")
    return t.ngettext(
        "Please write an answer of up to {limit} character.",
        "Please write an answer of up to {limit} characters.",
        question.max_length,
    ).format(limit=question.max_length)


async def lost_track(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(None)
    await message.answer(
        t.gettext("Sorry, I lost track of this registration. Please start again."),
        reply_markup=main_menu(t),
    )


async def save_profile(
    message: Message,
    state: FSMContext,
    t: Translator,
    draft: SignupDraft,
    db: async_sessionmaker[AsyncSession] | None,
    now: datetime | None,
) -> None:
    await SignupDraft.drop(state)
    user = message.chat.id  # a private chat's id is the person's Telegram id
    if db is None or now is None:
        await lost_track(message, state, t)
        return
    try:
        details = draft.participant_details(t.language, user)
        async with db() as session:
            await save_participant(session, now, details)
    except ValidationError:
        await message.answer(t.gettext("Sorry, that did not work. Please try again."))
        return
    await message.answer(
        t.gettext("Your profile is saved.")
        + "\n\n"
        + profile_summary(t, details.name, details.country, details.gender, details.birth_year),
        reply_markup=main_menu(t),
    )
