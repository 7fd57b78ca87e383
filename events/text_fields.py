"""Text as people type it: one line (a name, a city, a title) or several (a description,
a question's prompt).

Such a text is refused (422, naming the field) when it is longer than its limit, or holds
a control character (one line: any; several lines: any but tab, line feed and carriage
return), or, where one is required, holds nothing visible. Then it is cleaned: NFC,
characters that render invisibly or reorder text dropped, runs of white space made one
space (line breaks kept where several lines are allowed).

The JSON schema of each text says the same with ``maxLength`` and a ``pattern`` built
from the same character classes as the checks, written as ``\\uXXXX`` escapes so that
ECMA-262, Python's ``re`` and the Rust engines read them alike.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

# Characters that render invisibly or reorder text; harmless in prose, confusing in names.
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Unicode category Cc: C0, DEL and C1.
CONTROL = frozenset(chr(code) for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)))
# Line breaks and tabs a text of several lines may hold (a pasted paragraph).
LINE_CONTROLS = frozenset("\t\n\r")
# The white space ``str.split`` collapses that is not a control character.
SPACES = frozenset(
    "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _class(characters: Iterable[str]) -> str:
    """The characters as the inside of a regex class, in ranges of ``\\uXXXX`` escapes."""
    codes = sorted(ord(character) for character in characters)
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    )


@cache
def text_pattern(*, several_lines: bool, required: bool) -> str:
    """The ``pattern`` of a text: no refused control character, and where the text is
    required, at least one character that stays visible once it is cleaned."""
    refused = CONTROL - LINE_CONTROLS if several_lines else CONTROL
    allowed = f"[^{_class(refused)}]*"
    if not required:
        return f"^{allowed}$"
    visible = f"[^{_class(CONTROL | SPACES | INVISIBLE)}]"
    return f"^{allowed}{visible}{allowed}$"


def clean_line(value: str) -> str:
    """NFC-normalise, drop control and invisible characters, collapse whitespace."""
    value = unicodedata.normalize("NFC", value)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in value
        if ch not in INVISIBLE and (ch.isspace() or unicodedata.category(ch) != "Cc")
    )
    return " ".join(kept.split())


def clean_text(value: str) -> str:
    """Like ``clean_line`` but keeps line breaks (descriptions, free-text answers)."""
    lines = (clean_line(line) for line in unicodedata.normalize("NFC", value).splitlines())
    return "\n".join(lines).strip()


@dataclass(frozen=True)
class Text:
    """A text field of at most ``max_length`` characters as sent: ``Annotated[str, Text(100)]``."""

    max_length: int
    several_lines: bool = False
    required: bool = True

    @property
    def refused(self) -> frozenset[str]:
        return CONTROL - LINE_CONTROLS if self.several_lines else CONTROL

    def __get_pydantic_core_schema__(
        self, _source: Any, _handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(
            self.validate, core_schema.str_schema(max_length=self.max_length)
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        described = handler(schema)
        described["pattern"] = text_pattern(
            several_lines=self.several_lines, required=self.required
        )
        if self.required:
            described["minLength"] = 1
        return described

    def validate(self, value: str) -> str:
        if _controls(self.refused).search(value):
            raise ValueError(
                "must not contain control characters other than tabs and line breaks"
                if self.several_lines
                else "must be one line, without line breaks, tabs or other control characters"
            )
        value = clean_text(value) if self.several_lines else clean_line(value)
        if self.required and not value:
            raise ValueError("must not be empty (or only spaces and invisible characters)")
        # Rare: NFC decomposes a few characters (such as U+0958) into two.
        if len(value) > self.max_length:
            raise ValueError(f"is longer than {self.max_length} characters once normalised")
        return value


@cache
def _controls(refused: frozenset[str]) -> re.Pattern[str]:
    return re.compile(f"[{_class(refused)}]")
