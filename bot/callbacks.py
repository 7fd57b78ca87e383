"""Callback data of every inline button, as typed classes (≤ 64 bytes packed).

A button from an old message or a forged payload either fails to unpack (and is
answered by the fallback router) or names an id the use cases check.
"""

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Row ids are 32-bit integers in the database; anything else cannot name a row.
RowId = Annotated[int, Field(ge=0, le=2**31 - 1)]


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


class Browse(CallbackData, prefix="b"):
    """Open the programme list (id 0), one programme, or one event."""

    what: str  # "all", "programme", "event"
    id: RowId = 0


class Signup(CallbackData, prefix="s"):
    """A step of registering: start, a profile or answer button, consent."""

    # "start", "gender", "country", "skip", "choice", "yes_no", "part", "consent", "abort"
    action: str
    event_id: RowId
    value: str = ""


class Mine(CallbackData, prefix="m"):
    """Acting on one's own registrations."""

    # "list", "show", "ticket", "ics", "cancel", "cancel_yes", "accept", "decline",
    # "to_online", "to_room"
    action: str
    id: RowId = 0


class Forget(CallbackData, prefix="f"):
    confirm: bool


class Compose(CallbackData, prefix="bc"):
    """A step of writing a broadcast; ``event_id`` ties the button to the draft it was
    shown for, so a button of an earlier draft is refused."""

    action: str  # "event", "audience", "translate", "language", "send", "drop"
    event_id: RowId
    value: str = ""  # the audience key or the language code


class BroadcastControl(CallbackData, prefix="bq"):
    """A queued broadcast: show its progress (in a new message or in place), or stop it."""

    action: str  # "open", "progress", "stop", "stop_yes"
    id: RowId


# A position in a review queue, or a page of it.
QueueIndex = Annotated[int, Field(ge=0, le=1_000_000)]


class Review(CallbackData, prefix="rv"):
    """Reviewing an event's applications: open the queue at a position, score or decide
    one application, list a page of the queue, make or accept a balanced proposal. Every
    press is checked again by the use cases (the event must be the organiser's)."""

    # "show", "score", "decide", "list", "propose", "accept"; adjusting a proposal:
    # "adjust" (whom to take out), "out" (whom to take in), "in" (swap), "proposal"
    action: str
    event_id: RowId
    id: RowId = 0  # a registration, or a proposal
    at: QueueIndex = 0  # the position in the queue, or the page
    value: str = ""  # the score, the decision, or whom to swap ("out" or "out.in")


class AlumniMenu(CallbackData, prefix="al"):
    """The alumni network: the menu, invitations, one's own profile and its audiences."""

    # "menu", "yes", "no", "profile", "edit", "country", "toggle", "seen", "level"
    action: str
    field: str = ""
    value: str = ""


class Directory(CallbackData, prefix="ad"):
    """Searching the directory: the filters travel with every button, so a search needs
    no stored state; the use case checks every value (a forged one finds nobody)."""

    action: str  # "filters", "pick", "set", "page", "open"
    what: str = ""  # the filter being picked or set
    programme: RowId = 0
    edition: RowId = 0
    country: str = ""
    language: str = ""
    interest: str = ""
    page: Annotated[int, Field(ge=0, le=10_000)] = 0
    id: RowId = 0


class ContactAction(CallbackData, prefix="ac"):
    """A contact request: ask (``id`` a person), or answer one (``id`` the request)."""

    action: str  # "ask", "plain", "accept", "decline", "block", "report"
    id: RowId


class Survey(CallbackData, prefix="fb"):
    """A feedback survey: rate (``value`` 1-5), answer a question (``value`` the choice,
    or "yes"/"no"), skip a question, send without a comment, or decline the survey. ``id``
    is the invitation; the use cases check it belongs to the person pressing."""

    action: str  # "rate", "choice", "skipq", "send", "decline"
    id: RowId
    value: str = ""
