"""The feeds there are, and how one is asked for.

- ``event``: one event by slug (what the bot's "Add to calendar" sends as a file);
- ``programme``: every published, cancelled or completed event of a programme;
- ``all``: every event that is not a draft;
- ``personal``: the events a participant holds a seat for or waits for (tentative),
  found by the secret token of their feed URL.
"""

from dataclasses import dataclass
from enum import StrEnum


class FeedKind(StrEnum):
    EVENT = "event"
    PROGRAMME = "programme"
    ALL = "all"
    PERSONAL = "personal"


@dataclass(frozen=True, slots=True)
class FeedRequest:
    kind: FeedKind
    key: str = ""  # event or programme slug, personal token; empty for ``all``
    language: str | None = None  # as asked (``?lang=``); unknown values mean English
