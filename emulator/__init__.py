"""A Telegram Bot API emulator for tests and for trying Redbridge without Telegram.

``TelegramEmulator`` serves the Bot API on 127.0.0.1 for one bot token; simulated users
(``tg.user(...)``) send text and press buttons, and read what the bot sent. Flood
limits (429) and faults (5xx, proxy error pages, 403 blocked) are switchable.
"""

from emulator.chats import CallbackAnswer, ChatMessage, ReceivedFile, StoredFile
from emulator.limits import FloodSettings
from emulator.markup import Button
from emulator.server import TelegramEmulator
from emulator.stats import Stats
from emulator.users import SimulatedUser

__all__ = [
    "Button",
    "CallbackAnswer",
    "ChatMessage",
    "FloodSettings",
    "ReceivedFile",
    "SimulatedUser",
    "Stats",
    "StoredFile",
    "TelegramEmulator",
]
