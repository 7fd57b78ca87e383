"""Inline keyboards, labelled in the reader's language."""

from functools import cache, lru_cache

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Browse, LanguageChoice, Mine
from events.languages import LANGUAGE_NAMES
from locales.translator import Translator


def button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def rows(*buttons: InlineKeyboardButton, width: int = 1) -> InlineKeyboardMarkup:
    grid = [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]
    return InlineKeyboardMarkup(inline_keyboard=grid)


@cache
def language_picker() -> InlineKeyboardMarkup:
    return rows(
        *(button(name, LanguageChoice(code=code).pack()) for code, name in LANGUAGE_NAMES.items()),
        width=2,
    )


# Keyboards are immutable and translators live as long as their catalogues: built once.
@lru_cache(maxsize=64)
def main_menu(t: Translator) -> InlineKeyboardMarkup:
    return rows(
        button(t.gettext("Programmes"), Browse(what="all").pack()),
        button(t.gettext("My registrations"), Mine(action="list").pack()),
        button(t.gettext("Language"), LanguageChoice(code="").pack()),
    )


@lru_cache(maxsize=64)
def first_menu(t: Translator) -> InlineKeyboardMarkup:
    """The first /start: the languages (two a row), then the menu without its Language."""
    menu = main_menu(t).inline_keyboard[:-1]
    return InlineKeyboardMarkup(inline_keyboard=[*language_picker().inline_keyboard, *menu])
