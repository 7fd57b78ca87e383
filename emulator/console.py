"""A terminal chat with the bot: type text, press inline buttons with ``#N``.

``redbridge sandbox`` (or anyone) runs ``await chat_in_terminal(user, lines, write)``
with a simulated user; everything the bot sends, edits or answers is printed as it
happens.
"""

import asyncio
import re
import sys
from collections.abc import AsyncIterator, Callable

from emulator.chats import ChatMessage
from emulator.markup import Button
from emulator.users import SimulatedUser

QUIT_COMMANDS = frozenset({"/quit", "/exit", ":q"})
# "#2" or "/press 2" presses button 2; a line of digits alone is text (a birth year).
PRESS = re.compile(r"^(?:#|/press\s+)(\d+)$")
HELP = (
    "Type a message and press Enter; it is sent as it is, numbers too (a birth year). "
    "#2 (or /press 2) presses button [2] under the newest message. /quit leaves.\n"
)


class _Screen:
    """What has been printed, so that only news is printed next time."""

    def __init__(self, user: SimulatedUser, write: Callable[[str], None]) -> None:
        self.user = user
        self.write = write
        self.edits_seen: dict[int, int] = {}
        self.deleted_seen: set[int] = set()
        self.answers_seen = 0
        self.keyboard_seen: list[list[str]] = []
        self.buttons: list[Button] = []
        self.buttons_message: ChatMessage | None = None

    def refresh(self) -> None:
        for message in self.user.messages:
            if message.message_id not in self.edits_seen:
                self.show(message, "")
            elif message.edits != self.edits_seen[message.message_id]:
                self.show(message, "(edited) ")
            if message.deleted and message.message_id not in self.deleted_seen:
                self.deleted_seen.add(message.message_id)
                self.write(f"   (message {message.message_id} was deleted)\n")
        for answer in self.user.callback_answers[self.answers_seen :]:
            if answer.text:
                kind = "alert" if answer.show_alert else "notice"
                self.write(f"   [{kind}] {answer.text}\n")
        self.answers_seen = len(self.user.callback_answers)
        if self.user.keyboard != self.keyboard_seen:
            self.keyboard_seen = self.user.keyboard
            rows = [" | ".join(row) for row in self.keyboard_seen]
            self.write(f"   keyboard: {' / '.join(rows) or '(hidden)'}\n")

    def show(self, message: ChatMessage, prefix: str) -> None:
        self.edits_seen[message.message_id] = message.edits
        if message.file is not None:
            size = len(message.file.data)
            self.write(f"bot> {prefix}[{message.file.kind}] {message.file.file_name} ({size} B)\n")
        body = message.text if message.text is not None else message.caption
        if body:
            self.write(f"bot> {prefix}{body}\n")
        if message.buttons and not message.deleted:
            self.buttons = [button for row in message.buttons for button in row]
            self.buttons_message = message
            for row in message.buttons:
                labels = [f"[{self.buttons.index(b) + 1}] {_label(b)}" for b in row]
                self.write("     " + "   ".join(labels) + "\n")


def _label(button: Button) -> str:
    return f"{button.text} -> {button.url}" if button.url else button.text


async def chat_in_terminal(
    user: SimulatedUser,
    lines: AsyncIterator[str],
    write: Callable[[str], None],
) -> None:
    """Relay ``lines`` to the bot as ``user`` and ``write`` what the bot does, until EOF
    or /quit."""
    screen = _Screen(user, write)
    write(HELP)

    async def watch() -> None:
        while True:
            screen.refresh()
            await user.wait_for_change(3600)

    watcher = asyncio.create_task(watch())
    try:
        async for raw in lines:
            line = raw.strip()
            if line in QUIT_COMMANDS:
                break
            if line:
                await _act(user, screen, line, write)
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
    screen.refresh()


async def _act(
    user: SimulatedUser, screen: _Screen, line: str, write: Callable[[str], None]
) -> None:
    pressed = PRESS.match(line)
    if pressed:
        number = int(pressed.group(1))
        if not 1 <= number <= len(screen.buttons):
            write(f"   there is no button {number}\n")
        elif screen.buttons[number - 1].callback_data is None:
            write(f"   button {number} opens {screen.buttons[number - 1].url}\n")
        else:
            button = screen.buttons[number - 1]
            try:
                await user.press(data=button.callback_data, message=screen.buttons_message)
            except LookupError:
                write(f"   button {number} is gone\n")
        return
    try:
        await user.send(line)
    except ValueError as error:
        write(f"   not sent: {error}\n")


async def stdin_lines() -> AsyncIterator[str]:
    """Lines typed on standard input, read without blocking the event loop."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    try:
        transport, _protocol = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
        )
    except (ValueError, OSError):
        # A regular file (``< script.txt``) cannot be watched by the event loop.
        while line := await asyncio.to_thread(sys.stdin.readline):
            yield line
        return
    try:
        while raw := await reader.readline():
            yield raw.decode("utf-8", errors="replace")
    finally:
        transport.close()
