"""Refusals of the feedback use cases; the bot and the API map them by class."""

from events.errors import Conflict, DomainError


class SurveyFrozen(Conflict):
    """The survey's setup cannot change once the first survey of the event was queued:
    people would have been asked different questions, or told a different anonymity."""

    code = "survey_frozen"


class SurveyUnavailable(DomainError):
    """No such survey for this person (never sent to them, or a forged button)."""

    code = "survey_unavailable"


class SurveyAnswered(Conflict):
    """The person already answered (or chose not to): once per person per event."""

    code = "survey_answered"


class SurveyClosed(Conflict):
    """The survey's answering time is over."""

    code = "survey_closed"
