"""The survey's typed steps; kept in the database like every conversation."""

from aiogram.fsm.state import State, StatesGroup


class SurveySteps(StatesGroup):
    number = State()  # a number question, answered by typing
    comment = State()


# Conversation data: the answers so far (``bot.feedback.draft.SurveyDraft``).
DRAFT_KEY = "survey"
