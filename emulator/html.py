"""Telegram's HTML parse mode: a port of TDLib's ``parse_html`` rules.

Telegram is strict about ``<`` and lenient about ``&``, and the emulator copies both:

- every ``<`` starts a tag; a tag outside the supported set, an unclosed or mismatched
  tag, a ``span`` without ``class="tg-spoiler"`` or an attribute without ``=`` (except
  ``blockquote expandable``) fails the whole call with 400 "can't parse entities";
- ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` and numeric references (``&#60;`` ``&#x3c;``,
  the ``;`` optional) are decoded; any other ``&`` is kept as a literal character,
  so ``<b>Ani</b> & co`` is accepted and shows a bold "Ani" followed by " & co";
- a bare ``>`` is literal text;
- start tags are case-insensitive, end tags are compared as written (``<B>x</B>``
  fails with "Unmatched end tag"), ``</>`` closes the innermost tag;
- an ``<a>`` whose href is not a usable link silently loses its entity.

Error texts follow TDLib ("Unsupported start tag \\"x\\" at byte offset N", byte
offsets in UTF-8); entity offsets and lengths are in UTF-16 code units, as in the API.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.errors import ApiError, bad_request
from emulator.links import checked_url, mentioned_user_id
from emulator.text import Entity, ParsedText, utf16_length

UserLookup = Callable[[int], dict[str, Any] | None]

_SUPPORTED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler"}
    | {"tg-emoji", "span", "pre", "code", "blockquote"}
)
_SIMPLE_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# TDLib's is_space(); NUL doubles as the end of the text, as in its C string scanning.
_SPACE = " \t\r\n\0\v\f"
_DIGITS = "0123456789"
_HEX_DIGITS = "0123456789abcdefABCDEF"
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def parse_html(source: str, lookup_user: UserLookup | None = None) -> ParsedText:
    """Parse Telegram HTML, or raise a 400 ``ApiError`` worded like Telegram's."""
    return _Parser(source, lookup_user or (lambda _user_id: None)).run()


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_position: int


class _Parser:
    def __init__(self, source: str, lookup_user: UserLookup) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.open: list[_OpenTag] = []
        self.entities: list[Entity] = []
        self.lookup_user = lookup_user

    def at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else "\0"

    def fail(self, reason: str) -> ApiError:
        return bad_request(f"can't parse entities: {reason}")

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8", "surrogatepass"))

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.utf16 += utf16_length(char)

    def run(self) -> ParsedText:
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == "&":
                decoded = self.decode_reference(self.pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.pos = decoded[1]
                    continue
            if char != "<":
                self.emit(char)
                self.pos += 1
            elif self.at(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.open:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.open[-1].name}"'
            )
        text = "".join(self.out)
        if any("\ud800" <= char <= "\udfff" for char in text):
            raise self.fail(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return ParsedText(text, self.entities)

    def decode_reference(self, start: int) -> tuple[str, int] | None:
        """``(character, position after the reference)``, or None if it is no reference."""
        end = start + 1
        if self.at(end) == "#":
            end += 1
            base, digits = (16, _HEX_DIGITS) if self.at(end) == "x" else (10, _DIGITS)
            end += base == 16
            value = 0
            while self.at(end) in digits:
                value = value * base + int(self.at(end), base)
                end += 1
            if value == 0 or value >= 0x10FFFF or end - start >= 10:
                return None
            char = chr(value)
        else:
            while self.at(end) in _LETTERS:
                end += 1
            named = _NAMED_REFERENCES.get(self.src[start + 1 : end])
            if named is None:
                return None
            char = named
        if self.at(end) == ";":
            end += 1
        return char, end

    def skip_spaces(self, index: int) -> int:
        while self.at(index) != "\0" and self.at(index) in _SPACE:
            index += 1
        return index

    def start_tag(self) -> None:
        begin = self.pos
        index = begin + 1
        while self.at(index) not in _SPACE and self.at(index) != ">":
            index += 1
        if self.at(index) == "\0":
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = _ascii_lower(self.src[begin + 1 : index])
        if name not in _SUPPORTED_TAGS:
            raise self.fail(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        argument = ""
        while self.at(index) != ">":
            index = self.skip_spaces(index)
            if self.at(index) == ">":
                break
            attribute_begin = index
            # Stopping at ">" too lets a value-less attribute end the tag, as in the
            # documented <blockquote expandable>.
            while self.at(index) not in _SPACE and self.at(index) not in "=>":
                index += 1
            attribute = self.src[attribute_begin:index]
            if not attribute:
                raise self.fail(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            index = self.skip_spaces(index)
            if self.at(index) != "=":
                if name == "blockquote" and attribute == "expandable":
                    argument = "expandable"
                    continue
                raise self.fail(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {self.byte_offset(begin)}'
                )
            index = self.skip_spaces(index + 1)
            if self.at(index) == "\0":
                raise self.fail(
                    f'Unclosed start tag "{name}" at byte offset {self.byte_offset(begin)}'
                )
            value, index = self.attribute_value(index)
            if self.at(index) == "\0":
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            argument = _tag_argument(name, attribute, value, argument)
        if name == "span" and argument != "spoiler":
            raise self.fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.open.append(_OpenTag(name, argument, self.utf16, len(self.out)))
        self.pos = index + 1

    def attribute_value(self, index: int) -> tuple[str, int]:
        quote = self.at(index)
        if quote not in ("'", '"'):
            # An unquoted value is an HTML name token: letters, digits, "." and "-".
            token_begin = index
            while self.at(index).isascii() and (
                self.at(index).isalnum() or self.at(index) in ".-"
            ):
                index += 1
            if self.at(index) not in _SPACE and self.at(index) != ">":
                raise self.fail(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_begin)}"
                )
            return _ascii_lower(self.src[token_begin:index]), index
        index += 1
        value: list[str] = []
        while self.at(index) != quote and self.at(index) != "\0":
            if self.at(index) == "&":
                decoded = self.decode_reference(index)
                if decoded is not None:
                    value.append(decoded[0])
                    index = decoded[1]
                    continue
            value.append(self.at(index))
            index += 1
        if self.at(index) == quote:
            index += 1
        return "".join(value), index

    def end_tag(self) -> None:
        begin = self.pos
        if not self.open:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        index = begin + 2
        while self.at(index) not in _SPACE and self.at(index) != ">":
            index += 1
        end_name = self.src[begin + 2 : index]
        while self.at(index) != "\0" and self.at(index) in _SPACE:
            index += 1
        if self.at(index) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        tag = self.open[-1]
        if end_name and end_name != tag.name:
            raise self.fail(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{end_name}>"'
            )
        if self.utf16 > tag.utf16_offset:
            self.close_entity(tag)
        self.open.pop()
        self.pos = index + 1

    def close_entity(self, tag: _OpenTag) -> None:
        offset, length = tag.utf16_offset, self.utf16 - tag.utf16_offset
        span: Entity = {"offset": offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag.name in _SIMPLE_ENTITIES:
            self.entities.append({"type": _SIMPLE_ENTITIES[tag.name], **span})
        elif tag.name == "tg-emoji":
            if not _is_custom_emoji_id(tag.argument):
                raise self.fail("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.argument else "blockquote"
            self.entities.append({"type": kind, **span})
        elif tag.name == "a":
            link = self.link_entity(tag.argument or "".join(self.out[tag.text_position :]))
            if link is not None:
                self.entities.append({**link, **span})
        elif tag.name == "pre" and same_span and last and last["type"] == "code":
            # <pre><code class="language-x">...</code></pre> is one pre entity with a language.
            if last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        elif tag.name == "pre":
            self.entities.append({"type": "pre", **span})
        elif same_span and last and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument
        else:
            self.entities.append({"type": "code", **span, "language": tag.argument})

    def link_entity(self, url: str) -> Entity | None:
        user_id = mentioned_user_id(url)
        if user_id is not None:
            user = self.lookup_user(user_id)
            return None if user is None else {"type": "text_mention", "user": user}
        checked = checked_url(url)
        return None if checked is None else {"type": "text_link", "url": checked}


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "expandable"
    return current


def _ascii_lower(value: str) -> str:
    return "".join(char.lower() if char.isascii() else char for char in value)


def _is_custom_emoji_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**63
