"""Sending and editing that tolerates Telegram's harmless refusals."""

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def edit_or_send(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the message a button was on; send a new one if it cannot be edited."""
    message = query.message
    if isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                return
    if query.from_user is not None and query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


# Telegram's limit is 4096 characters after entity parsing; the HTML we measure is never
# shorter than what Telegram counts, so chunks of this size always fit.
MESSAGE_LIMIT = 4096


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a long HTML message into parts Telegram accepts, between lines where possible.

    Tags never span lines in our messages, so a cut between lines keeps them whole; a
    single overlong line (a long answer) is cut outside any entity or tag.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = _safe_cut(line, limit)
            parts.extend(filter(None, [current]))
            current = ""
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts or [text]


def _safe_cut(line: str, limit: int) -> int:
    """The last position ≤ limit that is not inside ``&…;`` or ``<…>``."""
    cut = limit
    opening = max(line.rfind("&", 0, cut), line.rfind("<", 0, cut))
    closing = max(line.rfind(";", 0, cut), line.rfind(">", 0, cut))
    if opening > closing:
        cut = opening
    space = line.rfind(" ", 0, cut)
    return space + 1 if space > cut - 200 else cut


async def answer_long(
    message: Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send a possibly long message in parts; the buttons go with the last part."""
    parts = split_html(text)
    for part in parts[:-1]:
        await message.answer(part)
    await message.answer(parts[-1], reply_markup=markup)


async def answer_below(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A new message in the chat of the button's message. Nothing if Telegram no longer
    gives that message (older than 48 hours): the button was answered already."""
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=markup)
