"""Answering a feedback survey: the rating from the survey's message, the organisers'
questions, a comment, then the answers are stored at once. Every press names the
invitation, and the use cases check it is the presser's, still open and unanswered."""

from datetime import datetime

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import Survey
from bot.feedback.draft import SurveyDraft
from bot.feedback.states import SurveySteps
from bot.feedback.views import (
    comment_too_long,
    comment_view,
    declined,
    question_view,
    survey_refusal,
    thanks,
)
from bot.filters import HAS_TEXT, NOT_A_COMMAND
from bot.guards import Refused, StaleButton, guarded, message_of
from bot.signup.steps import hint_for
from events.enums import QuestionKind
from events.errors import DomainError, InvalidInput
from events.feedback.answers import (
    RATINGS,
    SurveyForm,
    SurveyResponse,
    check_comment,
    decline_survey,
    open_survey,
    submit_answer,
)
from events.models import Participant
from events.questions import normalise_answer
from locales.translator import Translator


def _participant_id(participant: Participant | None) -> int | None:
    return participant.id if participant is not None else None


async def _form(
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
    invitation_id: int,
) -> SurveyForm:
    """The survey, or ``Refused`` with the reason in the reader's words."""
    try:
        async with db() as session:
            return await open_survey(session, now, _participant_id(participant), invitation_id)
    except DomainError as error:
        raise Refused(survey_refusal(t, error)) from error


async def _ask_next(
    message: Message, state: FSMContext, t: Translator, form: SurveyForm, draft: SurveyDraft
) -> None:
    """Ask the next question, or for the comment once they are all asked."""
    await draft.save(state)
    if draft.index < len(form.questions):
        question = form.questions[draft.index]
        typed = question.kind is QuestionKind.NUMBER
        await state.set_state(SurveySteps.number if typed else None)
        text, markup = question_view(t, form.event, question, form.invitation_id)
    else:
        await state.set_state(SurveySteps.comment)
        text, markup = comment_view(t, form.invitation_id)
    await message.answer(text, reply_markup=markup)


async def _submit(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
    draft: SurveyDraft,
    comment: str,
) -> None:
    response = SurveyResponse(draft.rating, draft.answers, comment)
    try:
        async with db() as session:
            await submit_answer(
                session, now, _participant_id(participant), draft.invitation_id, response
            )
    except DomainError as error:
        await SurveyDraft.drop(state)
        await message.answer(survey_refusal(t, error))
        return
    await SurveyDraft.drop(state)
    await message.answer(thanks(t))


async def on_survey(
    query: CallbackQuery,
    callback_data: Survey,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    async with guarded(query, t):
        message = message_of(query)
        invitation_id = callback_data.id
        action = callback_data.action
        if action == "decline":
            try:
                async with db() as session:
                    await decline_survey(session, now, _participant_id(participant), invitation_id)
            except DomainError as error:
                raise Refused(survey_refusal(t, error)) from error
            await SurveyDraft.drop(state)
            await query.answer()
            await message.answer(declined(t))
            return
        form = await _form(t, db, now, participant, invitation_id)
        if action == "rate":
            if not callback_data.value.isdigit() or int(callback_data.value) not in RATINGS:
                raise StaleButton
            await query.answer()
            started = SurveyDraft(invitation_id, int(callback_data.value))
            await _ask_next(message, state, t, form, started)
            return
        draft = await SurveyDraft.load(state, invitation_id)
        if draft is None:
            raise StaleButton
        if action == "send":
            await query.answer()
            await _submit(message, state, t, db, now, participant, draft, "")
            return
        if action not in ("choice", "skipq") or draft.index >= len(form.questions):
            raise StaleButton
        if action == "choice":
            question = form.questions[draft.index]
            if question.kind not in (QuestionKind.CHOICE, QuestionKind.YES_NO):
                raise StaleButton
            try:
                normalise_answer(question, callback_data.value)
            except ValueError as error:
                raise StaleButton from error
            draft.answers[question.key] = callback_data.value
        draft.index += 1
        await query.answer()
        await _ask_next(message, state, t, form, draft)


async def on_number(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    draft = await SurveyDraft.load(state)
    if draft is None:
        await state.set_state(None)
        return
    try:
        form = await _form(t, db, now, participant, draft.invitation_id)
    except Refused as refused:
        await SurveyDraft.drop(state)
        await message.answer(refused.text)
        return
    if draft.index >= len(form.questions):
        await _ask_next(message, state, t, form, draft)
        return
    question = form.questions[draft.index]
    try:
        normalise_answer(question, message.text or "")
    except ValueError:
        text, markup = question_view(
            t, form.event, question, form.invitation_id, hint_for(t, question)
        )
        await message.answer(text, reply_markup=markup)
        return
    draft.answers[question.key] = (message.text or "").strip()
    draft.index += 1
    await _ask_next(message, state, t, form, draft)


async def on_comment(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    draft = await SurveyDraft.load(state)
    if draft is None:
        await state.set_state(None)
        return
    try:
        comment = check_comment(message.text or "")
    except InvalidInput:
        await message.answer(comment_too_long(t))
        return
    await _submit(message, state, t, db, now, participant, draft, comment)


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.callback_query.register(on_survey, Survey.filter())
    # Text only: a photo or a sticker is not an answer (the fallback says what to send).
    typed = (HAS_TEXT, NOT_A_COMMAND)
    router.message.register(on_number, StateFilter(SurveySteps.number), *typed)
    router.message.register(on_comment, StateFilter(SurveySteps.comment), *typed)
    return router
