"""The input types' JSON schema says exactly what their validators accept.

For each rule the document states, both ways: a value the schema accepts is accepted,
and one it refuses is refused. The schema side is judged by ``jsonschema_rs``, the
validator Schemathesis uses, so these hold for the fuzzer too (``tests/api/test_fuzz.py``
checks the same through HTTP, less exhaustively).
"""

import string
import sys
from datetime import UTC, datetime
from typing import Annotated, Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from api.schemas import RegistrationRequest
from events.broadcast_inputs import BroadcastDraft
from events.countries import CountryCode, country_codes
from events.enums import QuestionKind
from events.inputs import (
    EventChanges,
    EventDraft,
    JoinUrl,
    ProgrammeChanges,
    ProgrammeDraft,
    Question,
    SafeInt,
    TranslatedTitle,
)
from events.json_schema import RULES_KEYWORD
from events.languages import LANGUAGES
from events.series_inputs import SeriesDraft
from events.text_fields import Text
from events.time_zones import TimeZoneName, time_zone_names
from events.written_dates import Day, Moment, WallClock


def _agree(adapter: TypeAdapter[Any], value: object) -> tuple[bool, bool]:
    """(the schema accepts ``value``, the validator accepts it)."""
    schema_says = jsonschema_rs.validator_for(adapter.json_schema()).is_valid(value)
    try:
        adapter.validate_python(value)
    except ValidationError:
        return schema_says, False
    return schema_says, True


TEXTS: dict[tuple[bool, bool], TypeAdapter[str]] = {
    (several_lines, required): TypeAdapter(
        Annotated[str, Text(20, several_lines=several_lines, required=required)]
    )
    for several_lines in (False, True)
    for required in (False, True)
}
# Every character of the Basic Multilingual Plane and a spread of the others (none of
# which is a control, a space or an invisible character).
CHARACTERS = [
    chr(code)
    for code in (*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, sys.maxunicode, 97))
]


@pytest.mark.parametrize(("several_lines", "required"), list(TEXTS))
def test_every_character_is_judged_alike_by_the_schema_and_the_validator(
    several_lines: bool, required: bool
) -> None:
    adapter = TEXTS[several_lines, required]
    validator = jsonschema_rs.validator_for(adapter.json_schema())
    disagree = []
    for character in CHARACTERS:
        for value in (character, f"a{character}b"):
            try:
                adapter.validate_python(value)
                accepted = True
            except ValidationError:
                accepted = False
            if validator.is_valid(value) != accepted:
                disagree.append(value)
    assert not disagree, [f"U+{ord(value[len(value) // 2]):04X}" for value in disagree[:20]]


TRICKY = "a \t\n\r\u00a0\u200b\u200d\u202e\u2028\u3000\x00\x85\u0958é"


@settings(max_examples=300)
@given(
    text=st.text(alphabet=st.sampled_from(TRICKY), max_size=30) | st.text(max_size=30),
    kind=st.sampled_from(list(TEXTS)),
)
def test_texts_of_any_length_are_judged_alike(text: str, kind: tuple[bool, bool]) -> None:
    """Lengths count as sent; whitespace collapsed by cleaning does not make room."""
    schema_says, accepted = _agree(TEXTS[kind], text)
    assert schema_says == accepted, (text, kind)


def test_a_text_that_normalises_past_its_limit_is_the_one_rule_the_schema_misses() -> None:
    """NFC writes U+0958 as two characters: a 20-character text of them no longer fits.
    Known and left outside the schema (it is a 422 for a text the schema accepts)."""
    schema_says, accepted = _agree(TEXTS[False, True], "\u0958" * 20)
    assert (schema_says, accepted) == (True, False)


COUNTRIES = TypeAdapter(CountryCode)


def test_country_codes_in_any_letter_case_and_nothing_else() -> None:
    letters = string.ascii_letters
    for first in letters:
        for second in letters:
            code = first + second
            schema_says, accepted = _agree(COUNTRIES, code)
            assert schema_says == accepted == (code.upper() in country_codes()), code
    for other in ("", "GEO", " GE", "GE ", "g", "ＧＥ", "12"):
        assert _agree(COUNTRIES, other) == (False, False), other
    assert COUNTRIES.validate_python("ge") == "GE"


ZONES = TypeAdapter(TimeZoneName)


@given(
    name=st.sampled_from(sorted(time_zone_names()))
    | st.text(alphabet="AEGTUaeist/_-+0123456789", max_size=12)
)
def test_time_zones_are_the_iana_names(name: str) -> None:
    schema_says, accepted = _agree(ZONES, name)
    assert schema_says == accepted == (name in time_zone_names()), name


def test_the_server_machines_own_zone_is_no_place() -> None:
    assert _agree(ZONES, "localtime") == (False, False)
    assert _agree(ZONES, "Asia/Tbilisi") == (True, True)


MOMENTS = TypeAdapter(Moment)
DAYS = TypeAdapter(Day)
CLOCKS = TypeAdapter(WallClock)
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=2).map(lambda d: d.zfill(2))


def _moment_texts() -> st.SearchStrategy[str]:
    """Near-misses of RFC 3339: the shapes pydantic reads besides it, odd days, offsets."""
    years = st.sampled_from(["1999", "2000", "2024", "2025", "2099", "2100", "0001", "9999"])
    return st.builds(
        "{}-{}-{}{}{}:{}{}{}{}".format,
        years,
        _DIGITS,
        _DIGITS,
        st.sampled_from(["T", " ", "t"]),
        _DIGITS,
        _DIGITS,
        st.sampled_from(["", ":00", ":59", ":60"]),
        st.sampled_from(["", ".5", ".123456", ".1234567"]),
        st.sampled_from(["Z", "z", "", "+04:00", "-23:59", "+24:00", "+0400", "-00:00"]),
    )


@settings(max_examples=400)
@given(text=_moment_texts())
def test_date_times_are_judged_alike(text: str) -> None:
    schema_says, accepted = _agree(MOMENTS, text)
    assert schema_says == accepted, text


@given(
    moment=st.datetimes(
        # Naive bounds, as hypothesis takes them; the offset is written below.
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=datetime(2099, 12, 31, 23, 59, 59),  # noqa: DTZ001
    ),
    offset_minutes=st.integers(-(24 * 60 - 1), 24 * 60 - 1),
)
def test_every_moment_of_the_fixed_years_written_with_any_offset_is_taken(
    moment: datetime, offset_minutes: int
) -> None:
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    text = f"{moment.isoformat(timespec='microseconds')}{sign}{hours:02}:{minutes:02}"
    assert _agree(MOMENTS, text) == (True, True), text


def test_a_moment_is_text_not_a_unix_timestamp() -> None:
    assert _agree(MOMENTS, 1_000_000_000) == (False, False)
    now = datetime(2027, 6, 1, 18, 0, tzinfo=UTC)
    assert MOMENTS.validate_python(now) == now  # Python callers pass datetimes


@settings(max_examples=300)
@given(
    text=st.builds(
        "{}-{}-{}".format,
        st.sampled_from(["1999", "2000", "2023", "2024", "2099", "2100"]),
        _DIGITS,
        _DIGITS,
    )
)
def test_days_are_judged_alike(text: str) -> None:
    schema_says, accepted = _agree(DAYS, text)
    assert schema_says == accepted, text


@given(
    text=st.builds(
        "{}:{}{}".format,
        _DIGITS,
        _DIGITS,
        st.sampled_from(["", ":00", ":59", ":60", ":00.5", "Z", "+04:00", ":00+04:00"]),
    )
)
def test_wall_clock_times_are_judged_alike(text: str) -> None:
    schema_says, accepted = _agree(CLOCKS, text)
    assert schema_says == accepted, text


SAFE = TypeAdapter(SafeInt)


@pytest.mark.parametrize(
    ("value", "both"),
    [
        (12, True),
        (12.0, True),  # JSON Schema: a number with no fraction is an integer
        (12.5, False),
        (True, False),
        ("12", False),
        (2**53 - 1, True),
        (2**53, False),
        (-(2**53) + 1, True),
        (2**63 + 100, False),
        (9.3e18, False),
    ],
)
def test_whole_numbers_are_json_integers_held_exactly(value: object, both: bool) -> None:
    assert _agree(SAFE, value) == (both, both)


def test_languages_of_translated_texts_are_stated() -> None:
    schema = TypeAdapter(TranslatedTitle).json_schema()
    assert schema["propertyNames"] == {"enum": list(LANGUAGES)}
    assert schema["minProperties"] == 1


def _model_agree(model: type[BaseModel], body: dict[str, Any]) -> tuple[bool, bool]:
    schema_says = jsonschema_rs.validator_for(model.model_json_schema()).is_valid(body)
    try:
        model.model_validate(body)
    except ValidationError:
        return schema_says, False
    return schema_says, True


DEFAULTS = st.sampled_from([None, *LANGUAGES])
TITLE_LANGUAGES = st.sets(st.sampled_from(LANGUAGES), min_size=1)


@given(default=DEFAULTS, languages=TITLE_LANGUAGES)
def test_a_title_in_the_default_language_is_stated(
    default: str | None, languages: set[str]
) -> None:
    body = {"slug": "forum", "kind": "other", "title": dict.fromkeys(languages, "Forum")}
    if default is not None:
        body["default_language"] = default
    schema_says, accepted = _model_agree(ProgrammeDraft, body)
    assert schema_says == accepted == ((default or "en") in languages), body


@given(default=DEFAULTS, languages=st.none() | TITLE_LANGUAGES)
def test_a_change_states_it_when_it_sends_both_title_and_default_language(
    default: str | None, languages: set[str] | None
) -> None:
    """With only one of them sent, the stored other decides: a rule the document lists."""
    changes: dict[str, Any] = {}
    if default is not None:
        changes["default_language"] = default
    if languages is not None:
        changes["title"] = dict.fromkeys(languages, "Forum")
    schema_says, accepted = _model_agree(ProgrammeChanges, changes)
    assert accepted
    assert schema_says == (default is None or languages is None or default in languages)
    if default is not None and languages is not None:
        merged = {"slug": "forum", "kind": "other", **changes}
        assert _model_agree(ProgrammeDraft, merged) == (schema_says, schema_says)
    assert "title.*" in ProgrammeChanges.model_json_schema()[RULES_KEYWORD]


JOIN_URLS = TypeAdapter(JoinUrl)


@given(
    link=st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                [
                    "https://",
                    "http://",
                    "meet.example.org",
                    "xn--80a",
                    ":8443",
                    "/",
                    "?",
                    "#",
                    "@",
                    " ",
                    "\t",
                    "\u0000",
                    "\u007f",
                    "a",
                    "é",
                    "%20",
                    "=",
                ]
            ),
            max_size=8,
        ),
    )
    | st.text(max_size=40).map(lambda rest: "https://meet.example.org/" + rest)
)
def test_join_links_are_judged_alike(link: str) -> None:
    """https only, a plain host, no spaces or control characters, 500 characters at most."""
    schema_says, accepted = _agree(JOIN_URLS, link)
    assert schema_says == accepted
    if accepted:
        assert link.startswith("https://")


@given(kind=st.sampled_from(list(QuestionKind)), choices=st.integers(0, 3))
def test_choices_belong_to_choice_questions_only(kind: QuestionKind, choices: int) -> None:
    question = {
        "key": "q",
        "kind": kind.value,
        "prompt": {"en": "Which?"},
        "choices": [{"key": f"c{n}", "label": {"en": f"{n}"}} for n in range(choices)],
    }
    expected = choices >= 2 if kind is QuestionKind.CHOICE else choices == 0
    assert _model_agree(Question, question) == (expected, expected)


def test_rules_the_schema_cannot_state_are_listed_with_their_models() -> None:
    assert set(EventDraft.model_json_schema()[RULES_KEYWORD]) == {
        "starts_at",
        "ends_at",
        "registration_closes_at",
        "max_age",
        "questions",
        "city.*",
        "online_capacity",
        "online_country_quotas",
        "online_gender_quotas",
        "join_url",
    }
    assert {
        "attendance_mode",
        "online_capacity",
        "online_country_quotas",
        "online_gender_quotas",
        "join_url",
    } <= set(EventChanges.model_json_schema()[RULES_KEYWORD])
    assert set(Question.model_json_schema()[RULES_KEYWORD]) == {"choices", "max_value"}


@pytest.mark.parametrize(
    "model", [ProgrammeDraft, EventDraft, SeriesDraft, BroadcastDraft, RegistrationRequest]
)
def test_the_examples_in_the_document_are_valid(model: type[BaseModel]) -> None:
    examples = model.model_json_schema()["examples"]
    assert examples
    for example in examples:
        assert _model_agree(model, example) == (True, True)
