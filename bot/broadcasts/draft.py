"""The broadcast being written, in the conversation: nothing is stored as a broadcast
before "Send now"."""

from pydantic import Field

from bot.drafts import ConversationDraft


class Composition(ConversationDraft):
    """For which event, to whom, and the texts written so far by language."""

    key = "broadcast"

    event_id: int
    texts: dict[str, str] = Field(default_factory=dict)
    audience: str | None = None  # a key of bot.broadcasts.views.AUDIENCE_KEYS
    language: str | None = None  # of the text being typed now

    def write(self, html: str) -> None:
        """The text being typed now, in ``language``."""
        if self.language is not None:
            # A new dict, not an update in place: assigning marks the field as set (stored).
            self.texts = {**self.texts, self.language: html}
