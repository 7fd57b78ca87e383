"""Simulated people: they write to the bot, press its buttons and read what it sent."""

import asyncio
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from emulator.chats import CallbackAnswer, Chat, ChatMessage, ReceivedFile
from emulator.commands import visible_commands
from emulator.formatting import TEXT_LIMIT
from emulator.markup import Button
from emulator.state import CallbackQuery, EmulatorState
from emulator.text import bot_command_entities

_START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
T = TypeVar("T")


class SimulatedUser:
    """One person in a private chat with the bot.

    Whatever the user does becomes an update in the emulator's queue, exactly as
    Telegram would create it; whatever the bot sends shows up in :attr:`messages`.
    """

    def __init__(self, state: EmulatorState, chat: Chat) -> None:
        self._state = state
        self._chat = chat
        self._messages_read = _Cursor()
        self._answers_read = _Cursor()

    def __repr__(self) -> str:
        return f"<SimulatedUser {self.id} {self._chat.user.first_name!r}>"

    @property
    def id(self) -> int:
        """The user id, which is also the id of the private chat."""
        return self._chat.user.id

    @property
    def profile(self) -> dict[str, Any]:
        """The ``User`` object the bot receives in ``from``."""
        return self._chat.user.to_api()

    async def send(self, text: str) -> ChatMessage:
        """Type and send ``text``; a leading ``/command`` gets its ``bot_command`` entity.

        Like the Telegram app, sending to a blocked bot unblocks it first, and the text
        is trimmed; empty or over-long text raises ``ValueError`` (the app would not send).
        """
        text = text.strip()
        if not text or len(text) > TEXT_LIMIT:
            raise ValueError(f"a user can send 1-{TEXT_LIMIT} characters, not {len(text)}")
        if self._chat.blocked:
            self.unblock()
        chat = self._chat
        chat.started = True
        message = ChatMessage(
            chat_id=self.id,
            message_id=chat.next_message_id(),
            date=self._state.now(),
            from_bot=False,
            text=text,
            entities=bot_command_entities(text),
        )
        self._state.store(chat, message)
        keyboard = chat.reply_keyboard
        if keyboard and keyboard.get("one_time_keyboard") and text in _flat(self.keyboard):
            chat.reply_keyboard = None
        self._state.updates.push("message", self._state.message_api(message))
        await asyncio.sleep(0)  # let a waiting getUpdates see it before the caller goes on
        return message

    async def start(self, payload: str | None = None) -> ChatMessage:
        """Open ``t.me/<bot>?start=<payload>`` and tap Start: sends ``/start <payload>``.

        Telegram apps drop a payload that is not 1-64 of ``[A-Za-z0-9_-]``; so does this.
        """
        if payload is not None and _START_PAYLOAD.fullmatch(payload):
            return await self.send(f"/start {payload}")
        return await self.send("/start")

    async def press(
        self,
        label: str | int | None = None,
        column: int | None = None,
        *,
        data: str | None = None,
        message: ChatMessage | None = None,
    ) -> str:
        """Press an inline button and return the callback query id.

        ``press("Register")`` by label, ``press(row, column)`` by position (from 0) or
        ``press(data="...")`` by callback_data, on ``message`` or else the newest message
        that has such a button. URL buttons open a link and send nothing: ``ValueError``.
        """

        def matches(candidate: ChatMessage) -> Button | None:
            rows = candidate.buttons
            if isinstance(label, int):
                row_number, column_number = label, column or 0
                if row_number < len(rows) and column_number < len(rows[row_number]):
                    return rows[row_number][column_number]
                return None
            for button in (button for row in rows for button in row):
                if (label is None or button.text == label) and (
                    data is None or button.callback_data == data
                ):
                    return button
            return None

        candidates = [message] if message else reversed(self.messages)
        for candidate in candidates:
            button = None if candidate.deleted else matches(candidate)
            if button is not None:
                if button.callback_data is None:
                    raise ValueError(f"button {button.text!r} sends no callback query")
                return await self.send_callback(button.callback_data, candidate)
        raise LookupError(f"{self!r} sees no button {label!r} (data={data!r}) to press")

    async def send_callback(self, data: str, message: ChatMessage | None = None) -> str:
        """A callback query with any ``data``, as a modified client could forge it.

        It is attached to ``message`` or the newest message with an inline keyboard.
        """
        if message is None:
            message = next(
                (m for m in reversed(self.messages) if m.buttons and not m.deleted), None
            )
            if message is None:
                raise LookupError(f"{self!r} has no message with buttons")
        state = self._state
        query_id = f"{self.id}{state.serial():08d}"
        state.callback_queries[query_id] = CallbackQuery(
            query_id, self.id, message.message_id, data
        )
        state.updates.push(
            "callback_query",
            {
                "id": query_id,
                "from": self.profile,
                "message": state.message_api(message),
                "chat_instance": self._chat_instance(),
                "data": data,
            },
        )
        await asyncio.sleep(0)
        return query_id

    def _chat_instance(self) -> str:
        digest = hashlib.sha256(f"{self._state.identity.id}:{self.id}".encode()).digest()
        return str(int.from_bytes(digest[:8], "big", signed=True))

    async def next_message(self, timeout: float = 5.0) -> ChatMessage:
        """The next message the bot sent to this user that this method has not returned yet.

        Waits up to ``timeout`` seconds; ``TimeoutError`` if none comes. Edits change
        returned messages in place; they are not new messages.
        """
        return await self._next(self._chat.bot_messages, self._messages_read, "message", timeout)

    async def next_callback_answer(self, timeout: float = 5.0) -> CallbackAnswer:
        """The next answerCallbackQuery the bot made for this user's presses."""
        return await self._next(
            lambda: self._chat.callback_answers, self._answers_read, "callback answer", timeout
        )

    async def _next(
        self, items: Callable[[], Sequence[T]], cursor: "_Cursor", what: str, timeout: float
    ) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            current = items()
            if len(current) > cursor.position:
                cursor.position += 1
                return current[cursor.position - 1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{self!r} got no {what} from the bot within {timeout} s")
            await self._chat.changed.wait(remaining)

    async def wait_for_change(self, timeout: float) -> bool:
        """Wait until anything in this chat changes (new, edited or deleted message,
        callback answer, chat action); False if ``timeout`` seconds pass first."""
        return await self._chat.changed.wait(timeout)

    def drain(self) -> list[ChatMessage]:
        """Mark every message received so far as read; return the unread ones."""
        unread = self._chat.bot_messages()[self._messages_read.position :]
        self._messages_read.position += len(unread)
        return unread

    @property
    def messages(self) -> list[ChatMessage]:
        """Everything the bot sent, in order, edits applied (deleted ones have ``deleted``)."""
        return self._chat.bot_messages()

    @property
    def last_message(self) -> ChatMessage | None:
        """The newest message from the bot that is not deleted."""
        return next((m for m in reversed(self.messages) if not m.deleted), None)

    @property
    def documents(self) -> list[ReceivedFile]:
        """Files the bot sent with sendDocument, in order (name, bytes, caption, ...)."""
        return self._files("document")

    @property
    def photos(self) -> list[ReceivedFile]:
        """Images the bot sent with sendPhoto, in order."""
        return self._files("photo")

    def _files(self, kind: str) -> list[ReceivedFile]:
        files = (message.received_file() for message in self.messages)
        return [file for file in files if file is not None and file.kind == kind]

    @property
    def keyboard(self) -> list[list[str]]:
        """Labels of the reply keyboard the app shows now (empty when there is none)."""
        markup = self._chat.reply_keyboard or {}
        return [[button["text"] for button in row] for row in markup.get("keyboard", [])]

    @property
    def chat_actions(self) -> list[str]:
        """sendChatAction actions, in order."""
        return list(self._chat.chat_actions)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """Every answerCallbackQuery for this user's presses."""
        return list(self._chat.callback_answers)

    @property
    def menu_commands(self) -> list[dict[str, str]]:
        """The command menu this user sees (scope and language fallbacks applied)."""
        return visible_commands(self._state, self.id, self._chat.user.language_code or "")

    @property
    def menu_button(self) -> dict[str, Any]:
        """The chat's menu button as this user sees it (setChatMenuButton)."""
        buttons = self._state.menu_buttons
        return dict(buttons.get(self.id) or buttons.get(None) or {"type": "commands"})

    @property
    def blocked(self) -> bool:
        """Whether the user has blocked the bot."""
        return self._chat.blocked

    def block(self) -> None:
        """Block the bot: sends to this chat answer 403 and a my_chat_member update is queued."""
        if not self._chat.blocked:
            self._chat.blocked = True
            self._member_update("member", "kicked")

    def unblock(self) -> None:
        """Unblock the bot again (a my_chat_member update says so)."""
        if self._chat.blocked:
            self._chat.blocked = False
            self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        bot = self._state.identity.user_api()
        banned = {"until_date": 0}

        def member(status: str) -> dict[str, Any]:
            return {"status": status, "user": bot, **(banned if status == "kicked" else {})}

        self._state.updates.push(
            "my_chat_member",
            {
                "chat": self._chat.user.chat_api(),
                "from": self.profile,
                "date": self._state.now(),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )


@dataclass
class _Cursor:
    """How many items of a growing list a reader has taken."""

    position: int = 0


def _flat(rows: list[list[str]]) -> list[str]:
    return [label for row in rows for label in row]
