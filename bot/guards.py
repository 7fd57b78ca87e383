"""The checks every button handler makes, in one place: a button of something that is
over, a refusal the person should read, a domain error. Each ends the handler with an
answer on the button, so the spinner stops and nothing else happens."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram.types import CallbackQuery, Message

from bot.wording import refusal
from events.errors import DomainError
from events.principals import Principal
from locales.translator import Translator


class StaleButton(Exception):
    """The button belongs to something that is over: an earlier draft, another step, a
    value that is no longer offered."""


def only_organisers(t: Translator) -> str:
    return t.gettext("This is only for organisers.")


def organiser_only(t: Translator, organiser: Principal | None) -> Principal:
    """The organiser pressing; anyone else is told it is only for organisers."""
    if organiser is None:
        raise Refused(only_organisers(t))
    return organiser


class Refused(Exception):
    """Stop and tell the person why (``text`` is translated already), in an alert unless
    it is a short hint."""

    def __init__(self, text: str, *, alert: bool = True) -> None:
        super().__init__(text)
        self.text = text
        self.alert = alert


def message_of(query: CallbackQuery) -> Message:
    """The message the button is on; ``StaleButton`` if Telegram no longer gives it (older
    than 48 hours), since the step it belongs to cannot go on below it."""
    if not isinstance(query.message, Message):
        raise StaleButton
    return query.message


@asynccontextmanager
async def guarded(query: CallbackQuery, t: Translator) -> AsyncIterator[None]:
    """Run a button's work; ``StaleButton``, ``Refused`` or a ``DomainError`` raised inside
    is answered on the button and goes no further.

    Raise them before ``query.answer()``: a button is answered once.
    """
    try:
        yield
    except StaleButton:
        await query.answer(t.gettext("This button is no longer active."))
    except Refused as refused:
        await query.answer(refused.text, show_alert=refused.alert)
    except DomainError as error:
        await query.answer(refusal(t, error), show_alert=True)
