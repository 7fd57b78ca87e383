"""The event page's filters by an answer. A menu offers each choice and yes/no question's
answers (grouped under the question's prompt) as one ``answer`` query value,
``key:value``; a text or number question is picked (``question``) and its answer typed
(``value``). The pager carries both like the other filters."""

from dataclasses import dataclass

from events.dashboard_registrations import MAX_ANSWER_LENGTH, AnswerFilter
from events.enums import QuestionKind
from events.errors import InvalidInput
from events.models import Event
from events.questions import questions_of
from locales.translator import Translator

# "key:value": a question's key is at most 32 characters (events.inputs).
MAX_ANSWER_QUERY = 33 + MAX_ANSWER_LENGTH


@dataclass(frozen=True)
class AnswerGroup:
    prompt: str
    options: list[tuple[str, str]]  # (query value, label)


def parsed(answer: str, question: str, value: str) -> tuple[AnswerFilter, ...]:
    """The filters the query asks for (none for blanks); the use case checks them against
    the event's questions."""
    found = []
    if answer:
        key, colon, picked = answer.partition(":")
        if not colon or not key or not picked:
            raise InvalidInput("answer", "question:value")
        found.append(AnswerFilter(key, picked))
    typed = value.strip()
    if typed and not question:
        raise InvalidInput("question", "the question this answer is to")
    if question and typed:
        found.append(AnswerFilter(question, typed, field="value"))
    return tuple(found)


def typed_questions(t: Translator, event: Event) -> list[tuple[str, str]]:
    """(key, prompt) of the questions answered by typing: text and number."""
    return [
        (question.key, t.pick(question.prompt, event.default_language))
        for question in questions_of(event.questions)
        if question.kind in (QuestionKind.TEXT, QuestionKind.NUMBER)
    ]


def answer_groups(t: Translator, event: Event) -> list[AnswerGroup]:
    """The answers a menu can offer: each choice question's choices and each yes/no
    question's yes and no, in the order of the event's questions."""
    groups = []
    for question in questions_of(event.questions):
        prompt = t.pick(question.prompt, event.default_language)
        if question.kind == QuestionKind.CHOICE:
            options = [
                (f"{question.key}:{choice.key}", t.pick(choice.label))
                for choice in question.choices
            ]
        elif question.kind == QuestionKind.YES_NO:
            options = [
                (f"{question.key}:yes", t.gettext("Yes")),
                (f"{question.key}:no", t.gettext("No")),
            ]
        else:
            continue
        groups.append(AnswerGroup(prompt, options))
    return groups
