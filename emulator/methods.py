"""The method table: Bot API names (case-insensitive) to handlers."""

from typing import Any

from emulator import commands, media, messaging, polling
from emulator.errors import not_found
from emulator.params import Params
from emulator.state import EmulatorState, Handler

HANDLERS: dict[str, Handler] = {
    **commands.HANDLERS,
    **messaging.HANDLERS,
    **media.HANDLERS,
    **polling.HANDLERS,
}
_BY_LOWER_NAME = {name.lower(): (name, handler) for name, handler in HANDLERS.items()}


def canonical_name(method: str) -> str:
    """``sendmessage`` -> ``sendMessage``; unknown names come back unchanged."""
    entry = _BY_LOWER_NAME.get(method.lower())
    return entry[0] if entry else method


async def perform(state: EmulatorState, method: str, params: Params) -> Any:
    """Run one method and return its ``result``; raise ``ApiError`` for error answers."""
    entry = _BY_LOWER_NAME.get(method.lower())
    if entry is None:
        raise not_found()
    return await entry[1](state, params)
