"""Validated inputs of the programme, event, question and participant use cases, and the
field types they share. The API reuses them as request bodies, so a bad field is
refused with its name before anything is stored.

``CommonEventFields`` holds what an event and a series (``events.series_inputs``)
both have, so each of those fields is validated in one place.

Each rule the API's JSON schema can state is stated there too (lengths, patterns,
ranges, the languages of a translated text, the title in the default language); the
rest, a field compared with another or with the stored state or the clock, is listed
per model in ``rules_not_in_schema`` and shown in the document.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, ClassVar, Self

from annotated_types import MinLen
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from events.countries import CountryCode
from events.date_bounds import MAX_LENGTH, MAX_MULTI_WEEK_LENGTH
from events.enums import AttendanceMode, Gender, ProgrammeKind, QuestionKind, RegistrationMode
from events.field_errors import field_error
from events.json_schema import RULES_KEYWORD, Described
from events.languages import DEFAULT_LANGUAGE, LANGUAGES, Language
from events.text_fields import Text, clean_line, clean_text, text_pattern
from events.time_zones import TimeZoneName
from events.whole_numbers import MAX_SAFE_INT, Whole
from events.written_dates import Moment

# Whole numbers and ids as they enter (#12): nothing larger than its column gets past
# the edge. Row ids are INTEGER primary keys, 4 bytes on PostgreSQL. Telegram ids (52
# bits, Telegram says) and numeric answers stay within what JSON holds exactly. Path and
# query values are text by nature, so ``Id`` and ``TelegramUserId`` are lax
# (``/events/12``); body fields are ``Whole`` (strict) and use ``StrictTelegramUserId``.
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
TelegramUserId = Annotated[int, Field(ge=1, le=MAX_SAFE_INT)]
StrictTelegramUserId = Annotated[int, Whole(1, MAX_SAFE_INT)]
SafeInt = Annotated[int, Whole(-MAX_SAFE_INT, MAX_SAFE_INT)]

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$", max_length=60),
]


def _languages_only(texts: dict[str, str]) -> dict[str, str]:
    for code in texts:
        if code not in LANGUAGES:
            raise ValueError(f"{code!r} is not one of {', '.join(LANGUAGES)}")
    return texts


# Organiser-written content: language code (en, hy, az, ka, ru) → text. Every text given
# must show something; a title and a prompt need at least one.
_IN_LANGUAGES = Described({"propertyNames": {"enum": list(LANGUAGES)}})
TranslatedTitle = Annotated[
    dict[str, Annotated[str, Text(200)]],
    MinLen(1),
    AfterValidator(_languages_only),
    _IN_LANGUAGES,
]
TranslatedBody = Annotated[
    dict[str, Annotated[str, Text(4000, several_lines=True)]],
    AfterValidator(_languages_only),
    _IN_LANGUAGES,
]
TranslatedLabel = Annotated[
    dict[str, Annotated[str, Text(100)]], AfterValidator(_languages_only), _IN_LANGUAGES
]
TranslatedPrompt = Annotated[
    dict[str, Annotated[str, Text(500, several_lines=True)]],
    MinLen(1),
    AfterValidator(_languages_only),
    _IN_LANGUAGES,
]


def _describe(schema: dict[str, Any], model: type[Any]) -> None:
    """Add a model's own schema rules and list the rules the schema cannot state."""
    rules: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        rules.update(vars(cls).get("rules_not_in_schema", {}))
    if rules:
        schema[RULES_KEYWORD] = rules
    schema.update(model.schema_keywords)
    if examples := vars(model).get("schema_examples"):
        schema["examples"] = list(examples)


def _place_schema(text: Text) -> dict[str, Any]:
    """A place's documented shape: texts per language, or one text (the default language's)."""
    one: dict[str, Any] = {
        "type": "string",
        "maxLength": text.max_length,
        "pattern": text_pattern(several_lines=False, required=text.required),
    }
    if text.required:
        one["minLength"] = 1
    return {
        "anyOf": [
            {
                "type": "object",
                "propertyNames": {"enum": list(LANGUAGES)},
                "additionalProperties": one,
            },
            one,
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


def _without_empty(texts: dict[str, str]) -> dict[str, str]:
    return {code: text for code, text in _languages_only(texts).items() if text}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000, json_schema_extra=_describe)

    # Rules the JSON schema cannot state, by field (``*`` stands for any key or index);
    # a subclass adds to its bases'.
    rules_not_in_schema: ClassVar[Mapping[str, str]] = {}
    # Keywords added to the model's JSON schema, for rules that span fields.
    schema_keywords: ClassVar[Mapping[str, Any]] = {}
    # Valid bodies for the document (of this model only, not its subclasses): readers
    # see one, and fuzzers start from one that gets past every rule.
    schema_examples: ClassVar[Sequence[Mapping[str, Any]]] = ()


def _title_in_default_language(*, partial: bool) -> dict[str, Any]:
    """``title`` has a text in ``default_language`` (English when it is not sent), in JSON
    Schema: "if the default language is L, the title has L", once per language. In a
    partial update the rule binds only when both are sent; otherwise the stored one
    takes part (see ``rules_not_in_schema``)."""
    return {
        "allOf": [
            {
                "if": {
                    "properties": {"default_language": {"const": code}},
                    **(
                        {}
                        if code == DEFAULT_LANGUAGE and not partial
                        else {"required": ["default_language"]}
                    ),
                },
                "then": {"properties": {"title": {"required": [code]}}},
            }
            for code in LANGUAGES
        ]
    }


def _require_default(title: dict[str, str], default_language: str, field: str) -> None:
    if default_language not in title:
        raise field_error(
            f"{field}.{default_language}",
            f"{field} needs a text in the default language {default_language!r}",
        )


class ProgrammeDraft(Strict):
    schema_keywords = _title_in_default_language(partial=False)
    schema_examples = (
        {
            "slug": "youth-exchange",
            "kind": "exchange_visit",
            "title": {"en": "Youth exchange", "ka": "ახალგაზრდული გაცვლა"},
        },
    )

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
    """A partial update: only the fields that were sent change."""

    rules_not_in_schema = {
        "title.*": "the title, as sent or stored, has a text in the default language, "
        "as sent or stored",
    }
    schema_keywords = _title_in_default_language(partial=True)

    kind: ProgrammeKind | None = None
    title: TranslatedTitle | None = None
    description: TranslatedBody | None = None
    default_language: Language | None = None


class Choice(Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]
    label: TranslatedLabel


class Question(Strict):
    """A custom question an event asks on registration, with translated prompts."""

    rules_not_in_schema = {
        "choices": "the keys of the choices are unique",
        "max_value": "max_value is at least min_value",
    }
    # A choice question has two choices or more; the others have none.
    schema_keywords = {
        "anyOf": [
            {
                "properties": {"kind": {"const": "choice"}, "choices": {"minItems": 2}},
                "required": ["choices"],
            },
            {
                "properties": {
                    "kind": {
                        "enum": [
                            kind.value for kind in QuestionKind if kind is not QuestionKind.CHOICE
                        ]
                    },
                    "choices": {"maxItems": 0},
                }
            },
        ]
    }

    key: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]
    kind: QuestionKind
    prompt: TranslatedPrompt
    required: StrictBool = True
    choices: list[Choice] = Field(default_factory=list, max_length=12)
    max_length: Annotated[int, Whole(1, 2000)] = 500
    min_value: SafeInt | None = None
    max_value: SafeInt | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
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
Capacity = Annotated[int, Whole(1, 100_000)]
Age = Annotated[int, Whole(0, 120)]
Quota = Annotated[int, Whole(0, 100_000)]
OfferValidHours = Annotated[int, Whole(1, 720)]

# A stream or meeting link: https only (a link that travels in the clear could be read
# and reused on the way), a host of letters, digits, dots and hyphens (an international
# name in its xn-- form), an optional port, then no spaces or control characters.
JOIN_URL_PATTERN = r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][^\x00-\x20\x7f]*)?$"
JoinUrl = Annotated[str, StringConstraints(pattern=JOIN_URL_PATTERN, max_length=500)]
# A Telegram group's invite link, as Telegram makes them (t.me/+… or t.me/joinchat/…).
CohortLink = Annotated[
    str,
    StringConstraints(
        pattern=r"^https://t\.me/(?:\+|joinchat/)[A-Za-z0-9_-]{8,64}$", max_length=100
    ),
]

# The longest reminder offset an organiser may set: 30 days, in minutes.
MAX_REMINDER_OFFSET = 30 * 24 * 60


def _reminder_order(offsets: list[int]) -> list[int]:
    return sorted(set(offsets), reverse=True)


# Minutes before the start; duplicates are merged, the order does not matter.
ReminderOffsets = Annotated[
    list[Annotated[int, Whole(1, MAX_REMINDER_OFFSET)]],
    Field(max_length=5),
    AfterValidator(_reminder_order),
]
DEFAULT_REMINDER_OFFSETS = [7 * 24 * 60, 24 * 60, 120]


# Field types an event and its partial update share. A venue and a city are translated
# like a title; a plain string is accepted too, as the text in the default language
# (``CommonEventFields._place_as_text``): clients written before places were translated
# keep working.
_VENUE_TEXT = Text(200, required=False)
_CITY_TEXT = Text(100)
Venue = Annotated[
    dict[str, Annotated[str, _VENUE_TEXT]],
    AfterValidator(_without_empty),
    WithJsonSchema(_place_schema(_VENUE_TEXT)),
]
City = Annotated[
    dict[str, Annotated[str, _CITY_TEXT]],
    AfterValidator(_languages_only),
    WithJsonSchema(_place_schema(_CITY_TEXT)),
]


def _place_change(
    text: Text, translated: TypeAdapter[dict[str, str]]
) -> Callable[[Any], dict[str, str] | str]:
    """Texts per language, or one plain text kept as it is (see ``EventChanges``)."""

    def check(value: Any) -> dict[str, str] | str:
        if isinstance(value, str):
            if len(value) > text.max_length:
                raise ValueError(f"is longer than {text.max_length} characters")
            return text.validate(value)
        if isinstance(value, dict):
            try:
                return translated.validate_python(value)
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                raise ValueError(f"{where}: {first['msg']}" if where else first["msg"]) from None
        raise ValueError("must be an object of texts per language, or one text")

    return check


# In a partial update a plain string stays one until merged with the event, whose default
# language it is then the text of. One validator, so a bad value gets one clear error.
VenueChange = Annotated[
    dict[str, str] | str,
    PlainValidator(_place_change(_VENUE_TEXT, TypeAdapter(Venue))),
    WithJsonSchema(_place_schema(_VENUE_TEXT)),
]
CityChange = Annotated[
    dict[str, str] | str,
    PlainValidator(_place_change(_CITY_TEXT, TypeAdapter(City))),
    WithJsonSchema(_place_schema(_CITY_TEXT)),
]
# A date and time of an event, within the years feeds and reminders can handle.
EventMoment = Moment


class CommonEventFields(Strict):
    """The fields a single event and a series of events share, validated alike.

    Subclasses add their dates (and slug); their own model validators run after
    this one, so a missing default-language title is reported first.
    """

    rules_not_in_schema = {
        "max_age": "max_age is at least min_age",
        "questions": "the keys of the questions are unique",
        "city.*": "has a text in the default language (a plain string is that text)",
        # JSON Schema could say these three with if/then, but beside the title's rule
        # (one branch per language) the fuzzer's generator gives up on the whole body.
        "online_capacity": "set for a hybrid event (the seats of its online part), "
        "and only for one",
        "online_country_quotas": "only for a hybrid event",
        "online_gender_quotas": "only for a hybrid event",
    }
    schema_keywords = _title_in_default_language(partial=False)

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
    # In a room, online, or both: ``capacity`` and the quotas are then the room's, and
    # the online part has its own seats.
    attendance_mode: AttendanceMode = AttendanceMode.IN_PERSON
    online_capacity: Capacity | None = None
    online_country_quotas: dict[CountryCode, Quota] = Field(default_factory=dict)
    online_gender_quotas: dict[Gender, Quota] = Field(default_factory=dict)

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
        _ensure_parts_consistent(self)
        return self


def _ensure_parts_consistent(fields: "CommonEventFields") -> None:
    """A hybrid event has online seats of its own; other events have one set of seats."""
    if fields.attendance_mode == AttendanceMode.HYBRID:
        if fields.online_capacity is None:
            raise field_error("online_capacity", "a hybrid event needs its online seats")
        return
    for name in ("online_capacity", "online_country_quotas", "online_gender_quotas"):
        if getattr(fields, name):
            raise field_error(
                name,
                f"only a hybrid event has online seats of its own; "
                f"{fields.attendance_mode.value} events use capacity and the quotas",
            )


class EventFields(CommonEventFields):
    """Fields shared by a new event and a complete, merged update."""

    rules_not_in_schema = {
        "ends_at": "after starts_at, and at most 60 days after it (366 with multi_week)",
        "registration_closes_at": "after registration_opens_at, and by starts_at",
        "join_url": "only for an online or hybrid event",
    }

    slug: Slug
    starts_at: EventMoment
    ends_at: EventMoment
    # Allows an end up to a year after the start instead of 60 days.
    multi_week: StrictBool = False
    registration_opens_at: EventMoment | None = None
    registration_closes_at: EventMoment | None = None
    # The stream or meeting link, private: shown only to those who manage the event, and
    # reached by confirmed online participants through their own redirect.
    join_url: JoinUrl | None = None
    # The edition's alumni group, private too: the bot gives it to its alumni only.
    cohort_link: CohortLink | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.join_url is not None and self.attendance_mode == AttendanceMode.IN_PERSON:
            raise field_error("join_url", "an in-person event has no join link")
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
    rules_not_in_schema = {"starts_at": "at most 5 years after the server's current time"}
    schema_examples = (
        {
            "slug": "economic-forum-2027",
            "title": {"en": "Economic Forum 2027", "hy": "Տնտեսական ֆորում 2027"},
            "starts_at": "2027-10-07T09:00:00+04:00",
            "ends_at": "2027-10-08T18:00:00+04:00",
            "timezone": "Asia/Tbilisi",
            "venue": "Expo Georgia",
            "city": "Tbilisi",
            "country": "GE",
            "capacity": 300,
        },
    )


class EventChanges(Strict):
    """A partial update: only the fields that were sent change. The event as changed keeps
    every rule of a new one, with the stored fields standing for those not sent."""

    rules_not_in_schema = {
        "title.*": "the title, as sent or stored, has a text in the default language, "
        "as sent or stored",
        "starts_at": "at most 5 years after the server's current time",
        "ends_at": "after starts_at, and at most 60 days after it (366 with multi_week); "
        "each as sent or stored",
        "registration_closes_at": "after registration_opens_at, and by starts_at; "
        "each as sent or stored",
        "max_age": "at least min_age, as sent or stored",
        "questions": "the keys of the questions are unique",
        "capacity": "not below the seats already held",
        "country_quotas.*": "not below the seats already held by people of that country",
        "gender_quotas.*": "not below the seats already held by people of that gender",
        "mode": "unchanged once people have registered",
        "attendance_mode": "unchanged once people have registered, except from in_person "
        "to hybrid; not hybrid while the event has selection targets",
        "online_capacity": "set for a hybrid event, as sent or stored, and only for one; "
        "not below the online seats already held",
        "online_country_quotas": "only for a hybrid event; not below the online seats "
        "already held by people of that country",
        "online_gender_quotas": "only for a hybrid event; not below the online seats "
        "already held by people of that gender",
        "join_url": "only for an online or hybrid event, as sent or stored",
    }
    schema_keywords = _title_in_default_language(partial=True)

    title: TranslatedTitle | None = None
    description: TranslatedBody | None = None
    default_language: Language | None = None
    starts_at: EventMoment | None = None
    ends_at: EventMoment | None = None
    multi_week: StrictBool | None = None
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
    attendance_mode: AttendanceMode | None = None
    online_capacity: Capacity | None = None
    online_country_quotas: dict[CountryCode, Quota] | None = None
    online_gender_quotas: dict[Gender, Quota] | None = None
    join_url: JoinUrl | None = None
    cohort_link: CohortLink | None = None


# The year the process started, for the check and the document alike (a birth year
# from a New Year's Day is refused until the next start).
LATEST_BIRTH_YEAR = datetime.now().year  # noqa: DTZ005 - only the year matters
BirthYear = Annotated[int, Whole(1900, LATEST_BIRTH_YEAR)]


class ParticipantDetails(Strict):
    """What a participant tells about themselves; gender and birth year are optional."""

    name: Annotated[str, Text(100)]
    language: Language = "en"
    country: CountryCode | None = None
    gender: Gender | None = None
    birth_year: BirthYear | None = None
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
