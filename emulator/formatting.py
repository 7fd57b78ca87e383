"""Message text and captions as Telegram stores them: parsed, trimmed and length-checked."""

from typing import Any

from emulator.errors import bad_request
from emulator.html import UserLookup, parse_html
from emulator.params import Params
from emulator.text import Entity, ParsedText, utf16_length

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
# Telegram drops leading and trailing whitespace from every text it stores.
_TRIMMED = " \t\r\n\v\f"


def format_text(
    source: str, parse_mode: str | None, entities: Any, lookup_user: UserLookup
) -> ParsedText:
    """Apply ``parse_mode`` (HTML or none, with optional explicit entities) and trim."""
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        parsed = parse_html(source, lookup_user)
    elif mode in ("markdown", "markdownv2"):
        # Refuse loudly rather than deliver text Telegram would have formatted differently.
        raise bad_request(f"the emulator implements parse_mode HTML only, not {parse_mode}")
    elif mode:
        raise bad_request("unsupported parse_mode")
    else:
        parsed = ParsedText(source, _explicit_entities(entities))
    return _trimmed(parsed)


def message_text(params: Params, lookup_user: UserLookup) -> ParsedText:
    """The ``text`` of sendMessage/editMessageText: 1-4096 characters after parsing."""
    source = params.text("text") or ""
    if not source:
        raise bad_request("message text is empty")
    parsed = format_text(
        source, params.text("parse_mode"), params.structure("entities"), lookup_user
    )
    if not parsed.text:
        raise bad_request("message text is empty")
    # Telegram counts Unicode code points here (TDLib's utf8_length), not UTF-16 units.
    if len(parsed.text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return parsed


def caption(params: Params, lookup_user: UserLookup) -> ParsedText | None:
    """The optional ``caption`` of a file: at most 1024 characters after parsing."""
    source = params.text("caption") or ""
    if not source:
        return None
    parsed = format_text(
        source, params.text("parse_mode"), params.structure("caption_entities"), lookup_user
    )
    if len(parsed.text) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    return parsed if parsed.text else None


def _explicit_entities(entities: Any) -> list[Entity]:
    if entities is None:
        return []
    valid = isinstance(entities, list) and all(
        isinstance(entity, dict)
        and isinstance(entity.get("type"), str)
        and isinstance(entity.get("offset"), int)
        and isinstance(entity.get("length"), int)
        for entity in entities
    )
    if not valid:
        raise bad_request("can't parse entities JSON object")
    return [dict(entity) for entity in entities if entity["length"] > 0]


def _trimmed(parsed: ParsedText) -> ParsedText:
    text = parsed.text.strip(_TRIMMED)
    if text == parsed.text:
        return parsed
    shift = utf16_length(parsed.text[: len(parsed.text) - len(parsed.text.lstrip(_TRIMMED))])
    limit = utf16_length(text)
    entities: list[Entity] = []
    for entity in parsed.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(text, entities)
