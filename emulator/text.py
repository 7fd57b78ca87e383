"""Plain text with entities, measured the way the Bot API measures it."""

from dataclasses import dataclass
from typing import Any

Entity = dict[str, Any]

_COMMAND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass(frozen=True)
class ParsedText:
    """Plain text and its entities (offsets and lengths in UTF-16 code units)."""

    text: str
    entities: list[Entity]


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: characters outside the BMP count twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _is_word_character(char: str) -> bool:
    return char.isalnum() or char == "_"


def bot_command_entities(text: str) -> list[Entity]:
    """The ``bot_command`` entities Telegram detects: ``/cmd`` or ``/cmd@botname``.

    Follows TDLib's matcher: 1-64 of ``[A-Za-z0-9_]``, an optional ``@`` and 3-32 more,
    not glued to a word character or to ``/``, ``<``, ``>`` on either side.
    """
    entities: list[Entity] = []
    start = text.find("/")
    while start != -1:
        end = _command_end(text, start)
        if end is not None:
            entities.append(
                {
                    "type": "bot_command",
                    "offset": utf16_length(text[:start]),
                    "length": utf16_length(text[start:end]),
                }
            )
        start = text.find("/", start + 1)
    return entities


def _command_end(text: str, start: int) -> int | None:
    if start > 0 and (_is_word_character(text[start - 1]) or text[start - 1] in "/<>"):
        return None
    end = start + 1
    while end < len(text) and text[end] in _COMMAND_CHARS:
        end += 1
    if not 1 <= end - start - 1 <= 64:
        return None
    if end < len(text) and text[end] == "@":
        mention_start = end + 1
        end = mention_start
        while end < len(text) and text[end] in _COMMAND_CHARS:
            end += 1
        if not 3 <= end - mention_start <= 32:
            return None
    if end < len(text) and (_is_word_character(text[end]) or text[end] in "/<>"):
        return None
    return end
