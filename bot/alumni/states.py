"""The alumni network's typed steps; kept in the database like every conversation."""

from aiogram.fsm.state import State, StatesGroup


class AlumniSteps(StatesGroup):
    bio = State()
    city = State()
    tags = State()
    note = State()


# Conversation data: whom the note being written is for.
TARGET_KEY = "alumni_target"
