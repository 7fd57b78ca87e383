"""Validated inputs of the programme, event, question and participant use cases, and the
field types they share. The API reuses them as request bodies, so a bad field is
refused with its name before anything is stored.

``CommonEventFields`` holds what an event and a series (``events.series_inputs``)
both have, so each of those fields is validated in one place.
"""

import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from events.countries import normalise_country
from events.date_bounds import MAX_LENGTH, MAX_MULTI_WEEK_LENGTH, in_fixed_years
from events.enums import Gender, ProgrammeKind, QuestionKind, RegistrationMode
from events.field_errors import field_error
from events.languages import DEFAULT_LANGUAGE, LANGUAGES, Language

# Characters that render invisibly or reorder text; harmless in prose, confusing in names.
_INVISIBLE = {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u202a",
    "\u202b",
    "\u202c",
}


def clean_line(value: str) -> str:
    """NFC-normalise, drop control and invisible characters, collapse whitespace."""
    value = unicodedata.normalize("NFC", value)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in value
        if ch not in _INVISIBLE and (ch.isspace() or unicodedata.category(ch) != "Cc")
    )
    return " ".join(kept.split())


def clean_text(value: str) -> str:
    """Like ``clean_line`` but keeps line breaks (descriptions, free-text answers)."""
    lines = (clean_line(line) for line in unicodedata.normalize("NFC", value).splitlines())
    return "\n".join(lines).strip()


def _non_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


# Whole numbers and ids as they enter (#12): nothing larger than its column gets past
# the edge. Row ids are INTEGER primary keys, 4 bytes on PostgreSQL; Telegram ids and
# numeric answers are 8 bytes. Body fields are strict: JSON ``true`` or ``"12"`` is
# refused, not read as 1 or 12. Path and query values are text by nature, so ``Id`` and
# ``TelegramUserId`` are lax (``/events/12``) and bodies use ``StrictTelegramUserId``.
MAX_ID = 2**31 - 1
MAX_INT64 = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
TelegramUserId = Annotated[int, Field(ge=1, le=MAX_INT64)]
StrictTelegramUserId = Annotated[StrictInt, Field(ge=1, le=MAX_INT64)]
Int64 = Annotated[StrictInt, Field(ge=-MAX_INT64 - 1, le=MAX_INT64)]

Line = Annotated[str, AfterValidator(clean_line), AfterValidator(_non_empty)]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$", max_length=60),
]
CountryCode = Annotated[str, AfterValidator(normalise_country)]


def _translations(
    max_length: int, *, keep_breaks: bool
) -> Callable[[dict[str, str]], dict[str, str]]:
    def check(value: dict[str, str]) -> dict[str, str]:
        cleaned: dict[str, str] = {}
        for language, text in value.items():
            if language not in LANGUAGES:
                raise ValueError(f"{language!r} is not one of {', '.join(LANGUAGES)}")
            text = clean_text(text) if keep_breaks else clean_line(text)
            if len(text) > max_length:
                raise ValueError(f"the {language} text is longer than {max_length} characters")
            if text:
                cleaned[language] = text
        return cleaned

    return check


# Organiser-written content: language code (en, hy, az, ka, ru) → text.
TranslatedTitle = Annotated[dict[str, str], AfterValidator(_translations(200, keep_breaks=False))]
TranslatedBody = Annotated[dict[str, str], AfterValidator(_translations(4000, keep_breaks=True))]
TranslatedLabel = Annotated[dict[str, str], AfterValidator(_translations(100, keep_breaks=False))]
TranslatedPrompt = Annotated[dict[str, str], AfterValidator(_translations(500, keep_breaks=True))]


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{name!r} is not an IANA time zone") from error
    return name


TimeZoneName = Annotated[str, AfterValidator(_zone)]


def _place_schema(max_length: int) -> dict[str, Any]:
    """A place's documented shape: texts per language, or one text (the default language's)."""
    text = {"type": "string", "maxLength": max_length}
    return {
        "anyOf": [
            {
                "type": "object",
                "propertyNames": {"enum": list(LANGUAGES)},
                "additionalProperties": text,
            },
            text,
        ]
    }


def _places_as_texts(data: Any, language: Any) -> Any:
    """A plain-string venue or city as the text in ``language`` (an empty venue: none)."""
    if not isinstance(data, dict):
        return data
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    converted = dict(data)
    for name in ("venue", "city"):
        if isinstance(converted.get(name), str):
            text = converted[name]
            converted[name] = {language: text} if text.strip() else {}
    return converted


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)


def _require_default(title: dict[str, str], default_language: str, field: str) -> None:
    if default_language not in title:
        raise field_error(
            f"{field}.{default_language}",
            f"{field} needs a text in the default language {default_language!r}",
        )


class ProgrammeDraft(Strict):
    slug: Slug
    kind: ProgrammeKind
    title: TranslatedTitle
    description: TranslatedBody = Field(default_factory=dict)
    default_language: Language = "en"

    @model_validator(mode="after")
    def _default_language_present(self) -> Self:
        _require_default(self.title, self.default_language, "title")
        return self


class ProgrammeChanges(Strict):
    kind: ProgrammeKind | None = None
    title: TranslatedTitle | None = None
    description: TranslatedBody | None = None
    default_language: Language | None = None


class Choice(Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]
    label: TranslatedLabel


class Question(Strict):
    """A custom question an event asks on registration, with translated prompts."""

    key: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]
    kind: QuestionKind
    prompt: TranslatedPrompt
    required: StrictBool = True
    choices: list[Choice] = Field(default_factory=list, max_length=12)
    max_length: StrictInt = Field(default=500, ge=1, le=2000)
    min_value: Int64 | None = None
    max_value: Int64 | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.prompt:
            raise field_error("prompt", "a question needs a prompt")
        if self.kind is QuestionKind.CHOICE and len(self.choices) < 2:
            raise field_error("choices", "a choice question needs at least two choices")
        if self.kind is not QuestionKind.CHOICE and self.choices:
            raise field_error("choices", "only choice questions have choices")
        if len({choice.key for choice in self.choices}) != len(self.choices):
            raise field_error("choices", "choice keys must be unique")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise field_error("max_value", "min_value is greater than max_value")
        return self


def _unique_questions(questions: list[Question]) -> list[Question]:
    if len({question.key for question in questions}) != len(questions):
        raise ValueError("question keys must be unique")
    return questions


Questions = Annotated[list[Question], Field(max_length=20), AfterValidator(_unique_questions)]
Capacity = Annotated[StrictInt, Field(ge=1, le=100_000)]
Age = Annotated[StrictInt, Field(ge=0, le=120)]
Quota = Annotated[StrictInt, Field(ge=0, le=100_000)]
OfferValidHours = Annotated[StrictInt, Field(ge=1, le=720)]

# The longest reminder offset an organiser may set: 30 days, in minutes.
MAX_REMINDER_OFFSET = 30 * 24 * 60


def _reminder_order(offsets: list[int]) -> list[int]:
    return sorted(set(offsets), reverse=True)


# Minutes before the start; duplicates are merged, the order does not matter.
ReminderOffsets = Annotated[
    list[Annotated[StrictInt, Field(ge=1, le=MAX_REMINDER_OFFSET)]],
    Field(max_length=5),
    AfterValidator(_reminder_order),
]
DEFAULT_REMINDER_OFFSETS = [7 * 24 * 60, 24 * 60, 120]


# Field types an event and its partial update share. A venue and a city are translated
# like a title; a plain string is accepted too, as the text in the default language
# (``CommonEventFields._place_as_text``): clients written before places were translated
# keep working.
Venue = Annotated[
    dict[str, str],
    AfterValidator(_translations(200, keep_breaks=False)),
    WithJsonSchema(_place_schema(200)),
]
City = Annotated[
    dict[str, str],
    AfterValidator(_translations(100, keep_breaks=False)),
    WithJsonSchema(_place_schema(100)),
]


def _place_change(max_length: int) -> Callable[[Any], dict[str, str] | str]:
    """Texts per language, or one plain text kept as it is (see ``EventChanges``)."""
    translations = _translations(max_length, keep_breaks=False)

    def check(value: Any) -> dict[str, str] | str:
        if isinstance(value, str):
            text = clean_line(value)
            if len(text) > max_length:
                raise ValueError(f"the text is longer than {max_length} characters")
            return text
        if isinstance(value, dict) and all(
            isinstance(key, str) and isinstance(text, str) for key, text in value.items()
        ):
            return translations(value)
        raise ValueError("must be an object of texts per language, or one text")

    return check


# In a partial update a plain string stays one until merged with the event, whose default
# language it is then the text of. One validator, so a bad value gets one clear error.
VenueChange = Annotated[
    dict[str, str] | str, PlainValidator(_place_change(200)), WithJsonSchema(_place_schema(200))
]
CityChange = Annotated[
    dict[str, str] | str, PlainValidator(_place_change(100)), WithJsonSchema(_place_schema(100))
]
# A date and time of an event, within the years feeds and reminders can handle.
EventMoment = Annotated[AwareDatetime, AfterValidator(in_fixed_years)]


class CommonEventFields(Strict):
    """The fields a single event and a series of events share, validated alike.

    Subclasses add their dates (and slug); their own model validators run after
    this one, so a missing default-language title is reported first.
    """

    title: TranslatedTitle
    description: TranslatedBody = Field(default_factory=dict)
    default_language: Language = "en"
    timezone: TimeZoneName
    venue: Venue = Field(default_factory=dict)
    city: City
    country: CountryCode
    capacity: Capacity
    mode: RegistrationMode = RegistrationMode.OPEN
    min_age: Age | None = None
    max_age: Age | None = None
    eligible_countries: list[CountryCode] = Field(default_factory=list, max_length=250)
    country_quotas: dict[CountryCode, Quota] = Field(default_factory=dict)
    gender_quotas: dict[Gender, Quota] = Field(default_factory=dict)
    questions: Questions = Field(default_factory=list)
    offer_valid_hours: OfferValidHours = 48
    reminder_offsets: ReminderOffsets = Field(
        default_factory=lambda: list(DEFAULT_REMINDER_OFFSETS)
    )

    @model_validator(mode="before")
    @classmethod
    def _place_as_text(cls, data: Any) -> Any:
        language = data.get("default_language") if isinstance(data, dict) else None
        return _places_as_texts(data, language or DEFAULT_LANGUAGE)

    @model_validator(mode="after")
    def _common_consistent(self) -> Self:
        _require_default(self.title, self.default_language, "title")
        _require_default(self.city, self.default_language, "city")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise field_error("max_age", "min_age is greater than max_age")
        return self


class EventFields(CommonEventFields):
    """Fields shared by a new event and a complete, merged update."""

    slug: Slug
    starts_at: EventMoment
    ends_at: EventMoment
    # Allows an end up to a year after the start instead of 60 days.
    multi_week: bool = False
    registration_opens_at: EventMoment | None = None
    registration_closes_at: EventMoment | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise field_error("ends_at", "ends_at must be after starts_at")
        longest = MAX_MULTI_WEEK_LENGTH if self.multi_week else MAX_LENGTH
        if self.ends_at - self.starts_at > longest:
            hint = "" if self.multi_week else "; set multi_week for a longer event"
            raise field_error(
                "ends_at", f"ends_at is more than {longest.days} days after starts_at{hint}"
            )
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            raise field_error(
                "registration_closes_at",
                "registration_closes_at must be after registration_opens_at",
            )
        if closes and closes > self.starts_at:
            raise field_error(
                "registration_closes_at", "registration must close by the start of the event"
            )
        return self


class EventDraft(EventFields):
    pass


class EventChanges(Strict):
    """A partial update: only the fields that were sent change."""

    title: TranslatedTitle | None = None
    description: TranslatedBody | None = None
    default_language: Language | None = None
    starts_at: EventMoment | None = None
    ends_at: EventMoment | None = None
    multi_week: bool | None = None
    timezone: TimeZoneName | None = None
    venue: VenueChange | None = None
    city: CityChange | None = None
    country: CountryCode | None = None
    capacity: Capacity | None = None
    registration_opens_at: EventMoment | None = None
    registration_closes_at: EventMoment | None = None
    mode: RegistrationMode | None = None
    min_age: Age | None = None
    max_age: Age | None = None
    eligible_countries: list[CountryCode] | None = None
    country_quotas: dict[CountryCode, Quota] | None = None
    gender_quotas: dict[Gender, Quota] | None = None
    questions: Questions | None = None
    offer_valid_hours: OfferValidHours | None = None
    reminder_offsets: ReminderOffsets | None = None


def _birth_year(value: int) -> int:
    if not 1900 <= value <= datetime.now().year:  # noqa: DTZ005 - only the year matters
        raise ValueError("birth_year is out of range")
    return value


class ParticipantDetails(Strict):
    """What a participant tells about themselves; gender and birth year are optional."""

    name: Annotated[Line, StringConstraints(max_length=100)]
    language: Language = "en"
    country: CountryCode | None = None
    gender: Gender | None = None
    birth_year: Annotated[StrictInt, AfterValidator(_birth_year)] | None = None
    telegram_user_id: StrictTelegramUserId | None = None


__all__ = [
    "LANGUAGES",
    "Choice",
    "CommonEventFields",
    "EventChanges",
    "EventDraft",
    "EventFields",
    "EventMoment",
    "ParticipantDetails",
    "ProgrammeChanges",
    "ProgrammeDraft",
    "Question",
    "clean_line",
    "clean_text",
]
