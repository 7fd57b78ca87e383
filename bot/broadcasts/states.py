"""The steps of writing a broadcast; kept in the database like every conversation."""

from aiogram.fsm.state import State, StatesGroup


class BroadcastSteps(StatesGroup):
    """An organiser writing a broadcast; nothing is stored until they press "Send now"."""

    audience = State()
    text = State()  # the text in the event's default language
    review = State()  # the preview is shown: add a translation, send, or cancel
    language = State()  # choosing the language of a translation
    translation = State()  # typing the translation
