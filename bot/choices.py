"""Lists of things organisers named (programmes, events, registrations) to choose from.

Telegram cuts a button label that does not fit, and an organiser's title often does not
(in Armenian, Georgian or Russian especially). So the message lists every entry in full,
numbered, and each button carries the entry's number and as much of its title as fits,
cut at a word with "…". The full names are never lost, and the number ties a button to
its line.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton

from bot.keyboards import button
from bot.views import e, event_title
from bot.wording import status_label
from events.models import Event, Registration
from locales.translator import Translator

# Characters of one full-width button on a narrow phone (tests/bot/test_buttons.py).
FULL_WIDTH = 30
# Fewer characters of a title than this tell the reader nothing: the number says it all.
_SHORTEST_TITLE = 6
_ELLIPSIS = "…"


def shortened(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: cut at the last word that fits (or mid
    word for one long word), with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(_ELLIPSIS)]
    word_end = cut.rfind(" ")
    if word_end >= limit // 2:
        cut = cut[:word_end]
    return cut.rstrip(" ,.;:-–—·") + _ELLIPSIS


@dataclass(frozen=True)
class Choice:
    """One entry: its full ``line`` for the message (HTML, escaped by the caller), the
    ``title`` for its button (plain text), an optional ``tag`` the button keeps whole (a
    date, say: two events of a series share a title), and the button's callback data."""

    line: str
    title: str
    data: str
    tag: str = ""


def choice_label(number: int, title: str, tag: str = "", limit: int = FULL_WIDTH) -> str:
    """E.g. "2. 14 Jan · Town hall debate o…": the number, the tag, what fits of the title."""
    head = f"{number}. "
    tail = f" · {tag}" if tag else ""
    room = limit - len(head) - len(tail)
    if room < _SHORTEST_TITLE:
        return head + shortened(tag or title, limit - len(head))
    return head + shortened(title, room) + tail


def numbered(choices: Sequence[Choice]) -> tuple[str, list[InlineKeyboardButton]]:
    """The numbered lines for the message and one button per entry, in the same order."""
    lines = [f"{number}. {choice.line}" for number, choice in enumerate(choices, start=1)]
    buttons = [
        button(choice_label(number, choice.title, choice.tag), choice.data)
        for number, choice in enumerate(choices, start=1)
    ]
    return "\n".join(lines), buttons


def event_choice(t: Translator, event: Event, data: CallbackData, status: str = "") -> Choice:
    """An event in a list: its title, date (and a status) in full, its day in the button."""
    title = event_title(t, event)
    line = f"<b>{e(title)}</b> — {t.date(event.starts_at, event.timezone)}"
    return Choice(
        line=f"{line} — {status}" if status else line,
        title=title,
        data=data.pack(),
        tag=t.dates.day_and_month(event.starts_at, event.timezone),
    )


def registration_choice(
    t: Translator, registration: Registration, event: Event, data: CallbackData
) -> Choice:
    """One of a person's registrations: the event, and where they stand."""
    return event_choice(t, event, data, status_label(t, registration.status))
