"""What composing a broadcast (bot.broadcasts.compose) says: the prompts for its texts,
why a text is refused, and the review step's buttons."""

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import Compose
from bot.keyboards import button, rows
from events.broadcast_inputs import BROADCAST_TEXT_LIMIT
from events.errors import InvalidInput
from events.telegram_html import UnsafeLink, check_html, visible_text
from locales.translator import Translator


def text_problem(t: Translator, html: str) -> str | None:
    """Why this text cannot be broadcast, in the organiser's words; None if it can.

    ``check_html`` is what ``create_broadcast`` applies; the reason is then told apart
    from the visible text, so the organiser learns what to change.
    """
    try:
        check_html(html, limit=BROADCAST_TEXT_LIMIT)
    except UnsafeLink:
        return t.gettext(
            "A link may only lead to an http, https or tg address. Please change the link "
            "and send the text again, or /cancel to stop."
        )
    except InvalidInput:
        return _why_refused(t, html)
    return None


def _why_refused(t: Translator, html: str) -> str:
    try:
        shown = visible_text(html)
    except InvalidInput:
        return t.gettext(
            "Telegram cannot show this formatting. Please send the text again with simpler "
            "formatting, or /cancel to stop."
        )
    if len(shown) > BROADCAST_TEXT_LIMIT:
        return t.ngettext(
            "This text is {count} character long; a broadcast can have at most {limit}. "
            "Please shorten it and send it again, or /cancel to stop.",
            "This text is {count} characters long; a broadcast can have at most {limit}. "
            "Please shorten it and send it again, or /cancel to stop.",
            len(shown),
        ).format(count=len(shown), limit=BROADCAST_TEXT_LIMIT)
    return t.gettext("This text is empty. Please write the message, or /cancel to stop.")


def ask_for_text(t: Translator, language: str, main: bool) -> str:
    if main:
        return t.gettext(
            "Please type the message in the event's main language: {language}. Telegram's "
            "formatting (bold, italics, links) is kept."
        ).format(language=t.language_name(language))
    # The language's own name after a colon: no case ending needed in any language.
    return t.gettext("Please type the message in this language: {language}.").format(
        language=t.language_name(language)
    )


def review_keyboard(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    return rows(
        button(
            t.gettext("Add a translation"), Compose(action="translate", event_id=event_id).pack()
        ),
        button(t.gettext("Send now"), Compose(action="send", event_id=event_id).pack()),
        button(t.gettext("Cancel"), Compose(action="drop", event_id=event_id).pack()),
    )
