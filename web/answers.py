"""A registration's answers as an organiser reads them: the question's prompt, and the
answer in words (a choice's label, yes or no), in the reader's language. Text, not
markup: the templates escape it."""

from collections.abc import Mapping

from events.enums import QuestionKind
from events.inputs import Question
from events.models import Event
from events.questions import questions_of
from locales.translator import Translator


def _answer(t: Translator, question: Question | None, value: object) -> str:
    if question is not None and question.kind == QuestionKind.CHOICE:
        for choice in question.choices:
            if choice.key == value:
                return t.pick(choice.label)
    if isinstance(value, bool):
        return t.gettext("Yes") if value else t.gettext("No")
    return str(value)


def answer_rows(
    t: Translator, event: Event, answers: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(prompt, answer) in the order of the event's questions, then any others by key."""
    questions = {question.key: question for question in questions_of(event.questions)}
    keys = [key for key in questions if key in answers]
    keys += sorted(key for key in answers if key not in questions)
    rows = []
    for key in keys:
        question = questions.get(key)
        prompt = t.pick(question.prompt, event.default_language) if question else key
        rows.append((prompt, _answer(t, question, answers[key])))
    return rows
