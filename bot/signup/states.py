"""The steps of registering in chat; kept in the database so a restart loses no half-done
application."""

from aiogram.fsm.state import State, StatesGroup


class SignupSteps(StatesGroup):
    name = State()
    country = State()
    gender = State()
    birth_year = State()
    participation = State()
    question = State()
    consent = State()
