"""Answers to an event's custom questions: checked one by one and as a whole."""

from collections.abc import Mapping, Sequence
from typing import Any

from events.enums import QuestionKind
from events.errors import InvalidAnswers
from events.inputs import Question, clean_text

YES_NO = {"yes": True, "no": False}


def questions_of(raw: Sequence[Mapping[str, Any]]) -> list[Question]:
    return [Question.model_validate(item) for item in raw]


def normalise_answer(question: Question, raw: object) -> str | int | bool:
    """Return the stored form of one answer or raise ``ValueError`` with a hint."""
    match question.kind:
        case QuestionKind.TEXT:
            if not isinstance(raw, str):
                raise ValueError("expected text")
            text = clean_text(raw)
            if not text:
                raise ValueError("the answer is empty")
            if len(text) > question.max_length:
                raise ValueError(f"the answer is longer than {question.max_length} characters")
            return text
        case QuestionKind.CHOICE:
            keys = [choice.key for choice in question.choices]
            if raw not in keys:
                raise ValueError(f"expected one of {', '.join(keys)}")
            return str(raw)
        case QuestionKind.YES_NO:
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().lower() in YES_NO:
                return YES_NO[raw.strip().lower()]
            raise ValueError("expected yes or no")
        case QuestionKind.NUMBER:
            number = _as_int(raw)
            if question.min_value is not None and number < question.min_value:
                raise ValueError(f"expected at least {question.min_value}")
            if question.max_value is not None and number > question.max_value:
                raise ValueError(f"expected at most {question.max_value}")
            return number


def _as_int(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError("expected a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and len(raw.strip()) < 12:
        return int(raw.strip())
    raise ValueError("expected a whole number")


def validate_answers(
    questions: Sequence[Question], answers: Mapping[str, object]
) -> dict[str, str | int | bool]:
    """All answers in stored form; raises ``InvalidAnswers`` naming every bad or missing one."""
    known = {question.key for question in questions}
    problems = {key: "no such question" for key in answers if key not in known}
    cleaned: dict[str, str | int | bool] = {}
    for question in questions:
        raw = answers.get(question.key)
        if raw is None or raw == "":
            if question.required:
                problems[question.key] = "an answer is required"
            continue
        try:
            cleaned[question.key] = normalise_answer(question, raw)
        except ValueError as error:
            problems[question.key] = str(error)
    if problems:
        raise InvalidAnswers(problems)
    return cleaned
