"""The event page's filter by an answer: one ``answer`` query value, ``key:value``, so that
a single menu offers each choice and yes/no question's answers (grouped under the
question's prompt) and the pager carries the filter like the others."""

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


def parsed(text: str) -> AnswerFilter | None:
    """The filter a query value asks for (none for ""); the use case checks it against
    the event's questions."""
    if not text:
        return None
    key, colon, value = text.partition(":")
    if not colon or not key or not value:
        raise InvalidInput("answer", "question:value")
    return AnswerFilter(key, value)


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
