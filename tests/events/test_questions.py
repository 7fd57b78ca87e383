"""Answers to an event's custom questions (events.questions); no database involved."""

from typing import Any

import pytest
from pydantic import ValidationError

from events.errors import InvalidAnswers
from events.inputs import Question
from events.questions import validate_answers


def _question(**fields: Any) -> Question:
    return Question.model_validate({"prompt": {"en": "?"}, **fields})


TEXT = _question(key="about", kind="text", max_length=10)
ESSAY = _question(key="essay", kind="text")
CHOICE = _question(
    key="track",
    kind="choice",
    choices=[{"key": "economy", "label": {"en": "E"}}, {"key": "culture", "label": {"en": "C"}}],
)
YES_NO = _question(key="visa", kind="yes_no")
NUMBER = _question(key="age", kind="number", min_value=18, max_value=30, required=False)


@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (TEXT, "  two\u200b  words ", "two words"),
        (ESSAY, " line  one \r\n\tline two\n", "line one\nline two"),
        (CHOICE, "culture", "culture"),
        (YES_NO, "YES", True),
        (YES_NO, " no ", False),
        (YES_NO, False, False),
        (NUMBER, "18", 18),
        (NUMBER, 30, 30),
    ],
)
def test_answers_are_stored_cleaned(question: Question, raw: object, stored: object) -> None:
    assert validate_answers([question], {question.key: raw}) == {question.key: stored}


@pytest.mark.parametrize(
    ("question", "raw", "hint"),
    [
        (TEXT, "x" * 11, "longer than 10"),
        (TEXT, "\u200b\u200b", "empty"),
        (TEXT, 5, "expected text"),
        (CHOICE, "sports", "expected one of economy, culture"),
        (YES_NO, "maybe", "yes or no"),
        (NUMBER, "17", "at least 18"),
        (NUMBER, 31, "at most 30"),
        (NUMBER, True, "whole number"),
        (NUMBER, "1e3", "whole number"),
        (NUMBER, "9" * 20, "whole number"),
    ],
)
def test_bad_answers_are_named_with_a_hint(question: Question, raw: object, hint: str) -> None:
    with pytest.raises(InvalidAnswers) as raised:
        validate_answers([question], {question.key: raw})

    assert list(raised.value.problems) == [question.key]
    assert hint in raised.value.problems[question.key]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidAnswers) as raised:
        validate_answers([TEXT, CHOICE, YES_NO, NUMBER], {"track": "x", "extra": 1})

    assert raised.value.problems == {
        "extra": "no such question",
        "about": "an answer is required",
        "track": "expected one of economy, culture",
        "visa": "an answer is required",
    }


def test_optional_questions_may_be_skipped_or_blank() -> None:
    answers = {"about": "hi", "track": "economy", "visa": "no", "age": ""}

    assert validate_answers([TEXT, CHOICE, YES_NO, NUMBER], answers) == {
        "about": "hi",
        "track": "economy",
        "visa": False,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"key": "q", "kind": "choice", "choices": [{"key": "a", "label": {"en": "A"}}]},
        {"key": "q", "kind": "text", "choices": [{"key": "a", "label": {"en": "A"}}] * 2},
        {"key": "q", "kind": "number", "min_value": 5, "max_value": 1},
        {"key": "Bad Key", "kind": "text"},
    ],
)
def test_inconsistent_questions_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _question(**fields)
