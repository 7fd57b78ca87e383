"""Private chats between the bot and simulated users, and what is stored in them."""

import html
from dataclasses import dataclass, field
from typing import Any

from emulator.markup import Button, Markup, inline_buttons
from emulator.signals import Signal
from emulator.text import Entity


@dataclass(frozen=True)
class UserProfile:
    """A Telegram user as the bot sees it in ``from`` and ``chat``."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The ``User`` object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        optional = ("last_name", "username", "language_code")
        user.update({key: getattr(self, key) for key in optional if getattr(self, key)})
        return user

    def chat_api(self) -> dict[str, Any]:
        """The ``Chat`` object of the private chat with this user."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        optional = ("last_name", "username")
        chat.update({key: getattr(self, key) for key in optional if getattr(self, key)})
        return chat


@dataclass(frozen=True)
class StoredFile:
    """A file the bot uploaded, reusable by ``file_id`` and downloadable by ``file_path``."""

    file_id: str
    file_unique_id: str
    kind: str  # "document" or "photo"
    file_name: str
    mime_type: str
    data: bytes
    file_path: str
    width: int = 0
    height: int = 0

    def to_api(self) -> Any:
        """A ``Document``, or for photos the list of ``PhotoSize`` (one size here)."""
        base = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.kind == "photo":
            return [{**base, "width": self.width, "height": self.height}]
        return {**base, "file_name": self.file_name, "mime_type": self.mime_type}


@dataclass(frozen=True)
class ReceivedFile:
    """A file as the user received it: the file plus the caption of that message."""

    file_name: str
    data: bytes
    mime_type: str
    caption: str | None
    kind: str  # "document" or "photo"
    file_id: str
    message_id: int


@dataclass
class ChatMessage:
    """A message in a chat; edits change it in place, deletion only marks it.

    ``text`` is the plain text a person reads (``None`` for files), ``source`` the
    text or caption exactly as the bot sent it, ``parse_mode`` the mode it used.
    """

    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    text: str | None = None
    entities: list[Entity] = field(default_factory=list)
    source: str | None = None
    parse_mode: str | None = None
    file: StoredFile | None = None
    caption: str | None = None
    caption_entities: list[Entity] = field(default_factory=list)
    reply_markup: Markup | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    edits: int = 0
    deleted: bool = False
    # Telegram shows a preview of the first link (fetching it from its servers) unless
    # the sender turned it off (``link_preview_options.is_disabled``).
    link_preview: bool = True

    @property
    def html(self) -> str:
        """The text (or caption) as Telegram HTML: the bot's own source when it sent HTML."""
        if self.source is not None and (self.parse_mode or "").lower() == "html":
            return self.source
        return html.escape(self.text or self.caption or "", quote=False)

    @property
    def buttons(self) -> list[list[Button]]:
        """Rows of inline buttons under the message."""
        return inline_buttons(self.reply_markup)

    def button(self, text: str) -> Button:
        """The inline button labelled ``text``; ``LookupError`` if there is none."""
        for row in self.buttons:
            for candidate in row:
                if candidate.text == text:
                    return candidate
        raise LookupError(f"no button {text!r} on message {self.message_id}")

    @property
    def document(self) -> StoredFile | None:
        """The file of a sendDocument message."""
        return self.file if self.file and self.file.kind == "document" else None

    @property
    def photo(self) -> StoredFile | None:
        """The file of a sendPhoto message."""
        return self.file if self.file and self.file.kind == "photo" else None

    def received_file(self) -> ReceivedFile | None:
        """The file of this message with its caption, if it has one."""
        if self.file is None:
            return None
        return ReceivedFile(
            file_name=self.file.file_name,
            data=self.file.data,
            mime_type=self.file.mime_type,
            caption=self.caption,
            kind=self.file.kind,
            file_id=self.file.file_id,
            message_id=self.message_id,
        )

    def content_api(self) -> dict[str, Any]:
        """Everything of the ``Message`` object except sender, chat and replies."""
        content: dict[str, Any] = {"message_id": self.message_id, "date": self.date}
        if self.text is not None:
            content["text"] = self.text
            if self.entities:
                content["entities"] = self.entities
        if self.file is not None:
            content[self.file.kind] = self.file.to_api()
        if self.caption:
            content["caption"] = self.caption
            if self.caption_entities:
                content["caption_entities"] = self.caption_entities
        # Only inline keyboards belong to the message; reply keyboards live in the client.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            content["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            content["edit_date"] = self.edit_date
        return content


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a button press (answerCallbackQuery)."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass
class Chat:
    """The private chat with one user: messages in order and what the client shows."""

    user: UserProfile
    started: bool = False
    blocked: bool = False
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    reply_keyboard: Markup | None = None
    chat_actions: list[str] = field(default_factory=list)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    changed: Signal = field(default_factory=Signal)
    _last_message_id: int = 0

    def next_message_id(self) -> int:
        """Message ids count up per chat, shared by both sides as in private chats."""
        self._last_message_id += 1
        return self._last_message_id

    def bot_messages(self) -> list[ChatMessage]:
        """Every message the bot sent here, in order, deleted ones included."""
        return [message for message in self.messages.values() if message.from_bot]
