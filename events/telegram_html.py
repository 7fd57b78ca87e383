"""Will Telegram take a text with ``parse_mode=HTML``? Checked when an organiser writes it.

Telegram parses the whole message before sending it (TDLib's ``parse_html``) and refuses
it outright for one markup error, so a broadcast is checked when it is written, not
discovered broken at delivery to thousands of people. The rules, as TDLib applies them:

- ``<`` always starts a tag: a bare ``<`` is an error (write ``&lt;``); ``>`` alone is
  plain text;
- tags: b, strong, i, em, u, ins, s, strike, del, tg-spoiler, span (only with
  ``class="tg-spoiler"``), a, code, pre, blockquote (``expandable`` allowed) and
  tg-emoji (``emoji-id``); anything else, an unclosed tag or a mismatched end tag fails;
  start tag names ignore case, end tags must repeat them as written, ``</>`` closes the
  innermost tag; attributes need ``=`` (except ``expandable``);
- ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` and numeric references (``&#60;``, ``&#x3c;``,
  the ``;`` optional) are decoded; any other ``&`` stays a literal character;
- an ``<a>`` whose link is unusable is kept as plain text (not an error);
- what remains (references decoded, tags removed, surrounding whitespace trimmed) must
  be 1-4096 characters (code points).

Stricter than Telegram on one point: a link (an ``<a>``'s href, or its text when it has
none) may only be ``http``, ``https`` or ``tg``. Telegram would drop a ``javascript:``
link silently, but other clients of the same text (a preview, a future web view) may not,
and an organiser who wrote one should be told rather than have it vanish.
"""

from dataclasses import dataclass

from events.errors import InvalidInput

TEXT_LIMIT = 4096

_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span"}
    | {"code", "pre", "blockquote", "tg-emoji"}
)
_ALLOWED = (
    'b, strong, i, em, u, ins, s, strike, del, tg-spoiler, span class="tg-spoiler", '
    "a href, code, pre, blockquote, tg-emoji"
)
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# TDLib's is_space(). NUL counts too: TDLib reads a C string, where NUL is the end.
_SPACE = frozenset(" \t\r\n\v\f\0")
_END = "\0"
_TRIMMED = " \t\r\n\v\f"
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_TAG_NAME = frozenset("abcdefghijklmnopqrstuvwxyz-")
_DIGITS = frozenset("0123456789")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
LINK_SCHEMES = frozenset({"http", "https", "tg"})
# Browsers drop tabs and line breaks anywhere in a URL and C0 controls around it
# (WHATWG URL parsing), so "java\tscript:" is still javascript.
_URL_IGNORED = dict.fromkeys(map(ord, "\t\n\r"))
_URL_TRIMMED = "".join(map(chr, range(0x21)))


class UnsafeLink(InvalidInput):
    """A link that is neither http, https nor tg; the rest of the text is valid."""


def check_html(text: str, field: str = "text", *, limit: int = TEXT_LIMIT) -> None:
    """Raise ``InvalidInput(field, …)`` unless Telegram would send ``text`` as HTML.

    ``limit`` may be lowered below Telegram's 4096 characters for texts that are sent
    with something added (a heading).
    """
    scanner = _Scanner(text, field)
    shown = _visible(scanner)
    if not shown:
        raise InvalidInput(field, "the text is empty once the formatting is removed")
    if len(shown) > limit:
        raise InvalidInput(
            field,
            f"the text is {len(shown)} characters long once the formatting is removed; "
            f"at most {limit} are allowed",
        )
    for link, at in scanner.links:
        scheme = link_scheme(link)
        if scheme is not None and scheme not in LINK_SCHEMES:
            raise UnsafeLink(
                field,
                "a link may only lead to an http, https or tg address "
                f"(the link at character {at + 1})",
            )


def link_scheme(url: str) -> str | None:
    """The scheme a browser would read in ``url``, lower-cased; None when it has none.

    Anything before the first ``:`` that comes before any ``/ ? #`` counts, so
    ``localhost:8080`` reads as a scheme too: refusing it is the safe side.
    """
    cleaned = url.strip(_URL_TRIMMED).translate(_URL_IGNORED)
    head, colon, _ = cleaned.partition(":")
    if not colon or any(char in head for char in "/?#"):
        return None
    return _ascii_lower(head)


def visible_text(text: str, field: str = "text") -> str:
    """The text a recipient reads: references decoded, tags removed, whitespace trimmed.

    Raises ``InvalidInput`` for markup Telegram refuses.
    """
    return _visible(_Scanner(text, field))


def _visible(scanner: "_Scanner") -> str:
    if any("\ud800" <= char <= "\udfff" for char in scanner.source):
        raise InvalidInput(
            scanner.field, "the text contains an unpaired surrogate (invalid Unicode)"
        )
    return scanner.run().strip(_TRIMMED)


@dataclass
class _Open:
    name: str
    argument: str
    starts_at: int  # position in the source, for messages
    shown_from: int  # how many characters were shown before it


class _Scanner:
    def __init__(self, source: str, field: str) -> None:
        self.source = source
        self.field = field
        self.pos = 0
        self.shown: list[str] = []
        self.open: list[_Open] = []
        self.links: list[tuple[str, int]] = []  # each <a>'s link and where its tag starts

    def char(self, index: int) -> str:
        return self.source[index] if index < len(self.source) else _END

    def refuse(self, detail: str, at: int | None = None) -> InvalidInput:
        where = "" if at is None else f" (at character {at + 1})"
        return InvalidInput(self.field, f"Telegram would refuse this HTML: {detail}{where}")

    def run(self) -> str:
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if char == "&":
                reference = self.reference(self.pos)
                if reference is not None:
                    self.shown.append(reference[0])
                    self.pos = reference[1]
                    continue
            if char != "<":
                self.shown.append(char)
                self.pos += 1
            elif self.char(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.open:
            tag = self.open[-1]
            raise self.refuse(f"<{tag.name}> is never closed", tag.starts_at)
        shown = "".join(self.shown)
        if any("\ud800" <= char <= "\udfff" for char in shown):
            raise self.refuse("a numeric reference stands for an unpaired surrogate")
        return shown

    def reference(self, start: int) -> tuple[str, int] | None:
        """The character an ``&…`` reference stands for and where it ends, or None."""
        end = start + 1
        if self.char(end) == "#":
            end += 1
            hexadecimal = self.char(end) == "x"
            end += hexadecimal
            digits_from = end
            while _is_digit(self.char(end), hexadecimal):
                end += 1
            digits = self.source[digits_from:end]
            value = int(digits, 16 if hexadecimal else 10) if digits else 0
            # TDLib keeps "&#0;", "&#x110000;" and references of 10+ characters literally.
            if value == 0 or value >= 0x10FFFF or end - start >= 10:
                return None
            decoded = chr(value)
        else:
            while self.char(end) in _ASCII_LETTERS:
                end += 1
            named = _NAMED.get(self.source[start + 1 : end])
            if named is None:
                return None
            decoded = named
        if self.char(end) == ";":
            end += 1
        return decoded, end

    def skip_spaces(self, index: int) -> int:
        while self.char(index) != _END and self.char(index) in _SPACE:
            index += 1
        return index

    def start_tag(self) -> None:
        begin = self.pos
        index = begin + 1
        while self.char(index) not in _SPACE and self.char(index) != ">":
            index += 1
        if self.char(index) == _END:
            raise self.refuse("a tag is not closed with “>” (write &lt; to show a “<”)", begin)
        name = _ascii_lower(self.source[begin + 1 : index])
        if name not in _TAGS:
            if not name or not set(name) <= _TAG_NAME:
                raise self.refuse("“<” starts a tag; write &lt; to show a “<”", begin)
            raise self.refuse(f"<{name}> is not a tag Telegram supports ({_ALLOWED})", begin)
        argument = ""
        while self.char(index) != ">":
            index = self.skip_spaces(index)
            if self.char(index) == ">":
                break
            attribute_from = index
            while self.char(index) not in _SPACE and self.char(index) not in "=>":
                index += 1
            attribute = self.source[attribute_from:index]
            if not attribute:
                raise self.refuse(f"the tag <{name}> is not closed with “>”", begin)
            index = self.skip_spaces(index)
            if self.char(index) != "=":
                if name == "blockquote" and attribute == "expandable":
                    argument = "expandable"
                    continue
                raise self.refuse(
                    f'the attribute {attribute} of <{name}> needs a value ({attribute}="…")',
                    begin,
                )
            index = self.skip_spaces(index + 1)
            if self.char(index) == _END:
                raise self.refuse(f"the tag <{name}> is not closed with “>”", begin)
            value, index = self.attribute_value(index)
            if self.char(index) == _END:
                raise self.refuse(f"the tag <{name}> is not closed with “>”", begin)
            argument = _argument(name, attribute, value, argument)
        if name == "span" and argument != "spoiler":
            raise self.refuse('<span> is only allowed as <span class="tg-spoiler">', begin)
        self.open.append(_Open(name, argument, begin, len(self.shown)))
        self.pos = index + 1

    def attribute_value(self, index: int) -> tuple[str, int]:
        quote = self.char(index)
        if quote not in ("'", '"'):
            # Unquoted, a value is a name token: ASCII letters, digits, "." and "-".
            token_from = index
            while self.char(index).isascii() and (
                self.char(index).isalnum() or self.char(index) in ".-"
            ):
                index += 1
            if self.char(index) not in _SPACE and self.char(index) != ">":
                raise self.refuse("an attribute value with other characters needs quotes", index)
            return _ascii_lower(self.source[token_from:index]), index
        index += 1
        value: list[str] = []
        while self.char(index) not in (quote, _END):
            if self.char(index) == "&":
                reference = self.reference(index)
                if reference is not None:
                    value.append(reference[0])
                    index = reference[1]
                    continue
            value.append(self.char(index))
            index += 1
        if self.char(index) == quote:
            index += 1
        return "".join(value), index

    def end_tag(self) -> None:
        begin = self.pos
        if not self.open:
            raise self.refuse("a closing tag has no opening tag", begin)
        index = begin + 2
        while self.char(index) not in _SPACE and self.char(index) != ">":
            index += 1
        name = self.source[begin + 2 : index]
        index = self.skip_spaces(index)
        if self.char(index) != ">":
            raise self.refuse("a closing tag is not closed with “>”", begin)
        tag = self.open.pop()
        if name and name != tag.name:
            raise self.refuse(f"</{name}> closes <{tag.name}>, which needs </{tag.name}>", begin)
        if tag.name == "a":
            # Without an href, Telegram takes the text inside as the link.
            link = tag.argument or "".join(self.shown[tag.shown_from :])
            self.links.append((link, tag.starts_at))
        # A tag around nothing makes no entity, so its attributes are never looked at.
        has_content = len(self.shown) > tag.shown_from
        if tag.name == "tg-emoji" and has_content and not _is_custom_emoji_id(tag.argument):
            raise self.refuse("<tg-emoji> needs a numeric emoji-id", tag.starts_at)
        self.pos = index + 1


def _is_digit(char: str, hexadecimal: bool) -> bool:
    return char in (_HEX_DIGITS if hexadecimal else _DIGITS)


def _argument(tag: str, attribute: str, value: str, current: str) -> str:
    """The one attribute value each tag keeps (TDLib ignores the others)."""
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
