"""The queue of updates waiting for the bot, shared by getUpdates and webhook delivery."""

from dataclasses import dataclass
from typing import Any

from emulator.signals import Signal

# Types Telegram leaves out unless a bot asks for them explicitly in allowed_updates.
_OPT_IN_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class WebhookConfig:
    """What setWebhook stored, plus the delivery errors getWebhookInfo reports."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class UpdateQueue:
    """Unconfirmed updates in ``update_id`` order, with Telegram's confirmation rules."""

    def __init__(self) -> None:
        self._pending: list[dict[str, Any]] = []
        self._last_update_id = 0
        self._allowed: frozenset[str] | None = None
        self._poll_ticket = 0
        self.changed = Signal()

    def __len__(self) -> int:
        return len(self._pending)

    @property
    def allowed_updates(self) -> list[str]:
        """The explicit allowed_updates (empty: Telegram's default selection)."""
        return sorted(self._allowed or ())

    def set_allowed(self, types: Any) -> None:
        """Apply an ``allowed_updates`` parameter: None keeps, ``[]`` restores the default."""
        if types is None:
            return
        if isinstance(types, list) and all(isinstance(kind, str) for kind in types):
            self._allowed = frozenset(types) or None

    def accepts(self, kind: str) -> bool:
        """Whether an update of this type is created at all (filtering happens at creation)."""
        if self._allowed is None:
            return kind not in _OPT_IN_TYPES
        return kind in self._allowed

    def push(self, kind: str, payload: dict[str, Any]) -> int | None:
        """Queue an update; its id, or None when allowed_updates filters it out."""
        if not self.accepts(kind):
            return None
        self._last_update_id += 1
        self._pending.append({"update_id": self._last_update_id, kind: payload})
        self.changed.notify()
        return self._last_update_id

    def confirm(self, offset: int) -> None:
        """getUpdates ``offset``: forget ids below it; negative keeps the last ``-offset``."""
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def first(self, limit: int) -> list[dict[str, Any]]:
        """The oldest ``limit`` unconfirmed updates, left in the queue."""
        return self._pending[:limit]

    def remove(self, update: dict[str, Any]) -> None:
        """Forget one update (delivered to the webhook or given up on)."""
        self._pending = [u for u in self._pending if u is not update]

    def clear(self) -> None:
        """drop_pending_updates."""
        self._pending.clear()

    def start_poll(self) -> int:
        """Register a getUpdates call; any call still waiting is woken and superseded."""
        self._poll_ticket += 1
        self.changed.notify()
        return self._poll_ticket

    def is_superseded(self, ticket: int) -> bool:
        """Whether a newer getUpdates call started after the one holding ``ticket``."""
        return ticket != self._poll_ticket
