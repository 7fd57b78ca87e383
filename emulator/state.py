"""Everything the emulator remembers: the bot, chats, files, queries, commands, updates."""

import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from emulator.chats import Chat, ChatMessage, StoredFile
from emulator.errors import bad_request, forbidden
from emulator.limits import Clock, FaultPlan, FloodLimiter
from emulator.params import Params
from emulator.stats import Stats
from emulator.updates import UpdateQueue, WebhookConfig

_TOKEN = re.compile(r"(\d{1,20}):[A-Za-z0-9_-]{1,100}")


@dataclass(frozen=True)
class BotIdentity:
    """The bot behind the token: its id is the token's number, as in Telegram."""

    token: str
    id: int
    username: str
    first_name: str

    @classmethod
    def from_token(cls, token: str, username: str, first_name: str) -> "BotIdentity":
        """Raise ``ValueError`` for a token that is not ``<digits>:<secret>``."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise ValueError("a bot token looks like 123456:ABC-def_ghi")
        return cls(token, int(match.group(1)), username, first_name)

    def user_api(self) -> dict[str, Any]:
        """The bot as ``from`` of its own messages."""
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def me_api(self) -> dict[str, Any]:
        """The answer of getMe."""
        return {
            **self.user_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }


@dataclass
class CallbackQuery:
    """A button press waiting for (or given) its answerCallbackQuery."""

    id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


class EmulatorState:
    """The shared state the method handlers and the simulated users work on."""

    def __init__(
        self,
        identity: BotIdentity,
        clock: Clock = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.identity = identity
        self.wall_clock = wall_clock
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        # (scope key, language_code) -> BotCommand objects
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        # setChatMenuButton: per chat id, and None for the default of every chat.
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        # (setting, language_code) -> text, for setMyDescription and friends
        self.profile_texts: dict[tuple[str, str], str] = {}
        self.updates = UpdateQueue()
        self.webhook: WebhookConfig | None = None
        self.limiter = FloodLimiter(clock)
        self.faults = FaultPlan()
        self.stats = Stats()
        self.closing = False  # set on shutdown: waiting polls return at once
        self._serial = 0

    def now(self) -> int:
        """Unix time for ``date`` fields."""
        return int(self.wall_clock())

    def serial(self) -> int:
        """A fresh number for ids that only need to be unique."""
        self._serial += 1
        return self._serial

    def lookup_user(self, user_id: int) -> dict[str, Any] | None:
        """The ``User`` object of a user the bot has seen, for text mentions."""
        chat = self.chats.get(user_id)
        return chat.user.to_api() if chat and chat.started else None

    def chat_for_bot(self, chat_id: int) -> Chat:
        """The chat the bot addresses, or the 400/403 Telegram would answer instead."""
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat

    def find_message(self, chat: Chat, message_id: int | None) -> ChatMessage | None:
        """A message of the chat that still exists."""
        message = chat.messages.get(message_id or 0)
        return None if message is None or message.deleted else message

    def store(self, chat: Chat, message: ChatMessage) -> None:
        """Add a new message to the chat and wake whoever waits for it."""
        chat.messages[message.message_id] = message
        if message.from_bot:
            self.stats.messages_delivered += 1
        chat.changed.notify()

    def message_api(self, message: ChatMessage, nested: bool = False) -> dict[str, Any]:
        """The ``Message`` object, with the replied-to message one level deep."""
        chat = self.chats[message.chat_id]
        sender = self.identity.user_api() if message.from_bot else chat.user.to_api()
        result = {"from": sender, "chat": chat.user.chat_api(), **message.content_api()}
        replied = chat.messages.get(message.reply_to_message_id or 0)
        if replied is not None and not nested:
            result["reply_to_message"] = self.message_api(replied, nested=True)
        return result

    def new_file_ids(self, kind: str) -> tuple[str, str]:
        """An opaque ``file_id`` and ``file_unique_id``, prefixed like Telegram's by kind."""
        prefix = {"photo": "AgAC", "document": "BQAC"}.get(kind, "CAAC")
        return f"{prefix}{secrets.token_urlsafe(24)}", f"AQAD{secrets.token_urlsafe(8)}"


# A Bot API method: reads its parameters, changes the state, returns the ``result``.
Handler = Callable[[EmulatorState, Params], Awaitable[Any]]
