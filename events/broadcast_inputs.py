"""What an organiser gives to write to an event's participants: texts, audience, time."""

from collections.abc import Sequence
from typing import Annotated, TypeVar

from pydantic import AfterValidator, Field, StrictBool, StringConstraints

from events.countries import CountryCode
from events.enums import RegistrationStatus
from events.inputs import Strict
from events.languages import Language
from events.written_dates import Moment

_T = TypeVar("_T")

# The dispatcher puts a heading above the text ("From the organisers of <title>:", the
# title up to 200 characters) and the whole message must fit Telegram's 4096.
BROADCAST_TEXT_LIMIT = 3800

# People holding a seat (or who held it and came): the usual readers of a broadcast.
DEFAULT_STATUSES: tuple[RegistrationStatus, ...] = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.OFFERED,
    RegistrationStatus.ATTENDED,
)


def _unique(values: Sequence[_T]) -> list[_T]:
    # Stored as given, minus repeats, so the audience reads back the way it was written.
    return list(dict.fromkeys(values))


class BroadcastAudience(Strict):
    """Who among the event's registrations receives a broadcast.

    Every filter narrows the audience: ``statuses`` (default: confirmed, offered,
    attended); ``countries`` as registered (empty: every country); ``languages``, the
    person's current language (empty: every language); ``checked_in`` (None: either);
    ``alumni`` True keeps only people who attended (checked in, or marked attended) and
    False does not filter. Erased people, people without Telegram and people who blocked
    the bot never receive one, and nobody receives it twice.
    """

    statuses: Annotated[
        list[RegistrationStatus],
        Field(min_length=1, max_length=20),
        AfterValidator(_unique),
    ] = Field(default_factory=lambda: list(DEFAULT_STATUSES))
    countries: Annotated[list[CountryCode], Field(max_length=250), AfterValidator(_unique)] = (
        Field(default_factory=list)
    )
    languages: Annotated[list[Language], Field(max_length=20), AfterValidator(_unique)] = Field(
        default_factory=list
    )
    checked_in: StrictBool | None = None
    alumni: StrictBool = False


class BroadcastDraft(Strict):
    """A broadcast to write: Telegram HTML per language, an audience and a time.

    At least one text; the event's default language is not required. Each person gets
    the text in their language at the time of sending, else the one in the event's
    default language, else English, else the first text given (``events.languages.pick``,
    as the dispatcher renders it). Each text is checked as Telegram HTML when the
    broadcast is created. ``send_at`` None means now; otherwise it must be aware, at
    most a minute in the past and at most a year ahead.
    """

    rules_not_in_schema = {
        "texts.*": "Telegram HTML (only the tags Telegram allows, links to http, https "
        f"or tg addresses) showing 1 to {BROADCAST_TEXT_LIMIT} characters",
        "send_at": "from a minute before the server's current time to a year after it",
    }
    schema_examples = (
        {"texts": {"en": "<b>Doors open at 9:00.</b> Bring your ticket.", "ru": "Вход с 9:00."}},
    )

    texts: Annotated[
        dict[Language, Annotated[str, StringConstraints(min_length=1, max_length=10_000)]],
        Field(min_length=1),
    ]
    audience: BroadcastAudience = Field(default_factory=BroadcastAudience)
    send_at: Moment | None = None
