"""What the survey says: its first message and reminder, each question, the comment
step, the thank-you and refusals; a person's answers in /mydata; the organisers'
summary in /stats."""

from datetime import datetime

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from babel.numbers import format_decimal

from bot.callbacks import Survey
from bot.keyboards import button, rows
from bot.signup.steps import answer_text, choice_buttons, hint_for
from bot.views import e, event_title, question_prompt
from events.enums import QuestionKind
from events.errors import DomainError, InvalidInput
from events.feedback.answers import COMMENT_LIMIT, RATINGS
from events.feedback.errors import SurveyAnswered, SurveyClosed, SurveyUnavailable
from events.feedback.privacy import OwnFeedback
from events.feedback.results import ANONYMOUS_MINIMUM, EventFeedback
from events.feedback.settings import survey_questions
from events.inputs import Question
from events.models import Event
from locales.translator import Translator


def survey_text(
    t: Translator, event: Event, *, anonymous: bool, closes_at: datetime, reminder: bool
) -> str:
    title = f"<b>{e(event_title(t, event))}</b>"
    if reminder:
        opening = t.gettext(
            "A reminder: the organisers of {title} would like to know how it was for you. "
            "It takes a minute."
        )
    else:
        opening = t.gettext("Thank you for taking part in {title}. How was it for you?")
    privacy = (
        t.ngettext(
            "Your answers are anonymous: they are stored without your name, and the "
            "organisers see them only once at least {count} person has answered.",
            "Your answers are anonymous: they are stored without your name, and the "
            "organisers see them only once at least {count} people have answered.",
            ANONYMOUS_MINIMUM,
        ).format(count=ANONYMOUS_MINIMUM)
        if anonymous
        else t.gettext("Your answers are not anonymous: the organisers see them with your name.")
    )
    return "\n\n".join(
        [
            opening.format(title=title),
            t.gettext("Please rate it from 1 (poor) to 5 (excellent)."),
            privacy,
            t.gettext("You can answer until: {date}").format(
                date=t.date(closes_at, event.timezone)
            ),
        ]
    )


def rating_keyboard(t: Translator, invitation_id: int) -> InlineKeyboardMarkup:
    ratings = [
        button(str(n), Survey(action="rate", id=invitation_id, value=str(n)).pack())
        for n in RATINGS
    ]
    decline = button(
        t.gettext("I would rather not answer"), Survey(action="decline", id=invitation_id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[ratings, [decline]])


def question_view(
    t: Translator, event: Event, question: Question, invitation_id: int, hint: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    """A question of the survey, with the signup's buttons for it and a Skip button."""

    def pressed(value: str) -> str:
        return Survey(action="choice", id=invitation_id, value=value).pack()

    buttons: list[InlineKeyboardButton] = []
    listing = ""
    if question.kind is QuestionKind.CHOICE:
        listing, buttons = choice_buttons(t, event, question, pressed)
    elif question.kind is QuestionKind.YES_NO:
        buttons = [
            button(t.gettext("Yes"), pressed("yes")),
            button(t.gettext("No"), pressed("no")),
        ]
    elif not hint:
        hint = hint_for(t, question)
    buttons.append(button(t.gettext("Skip"), Survey(action="skipq", id=invitation_id).pack()))
    # Always optional in a survey, whatever the question was on registration.
    text = question_prompt(t, question.model_copy(update={"required": True}), event, hint)
    return (f"{text}\n\n{listing}" if listing else text), rows(*buttons)


def comment_limit(t: Translator) -> str:
    return format_decimal(COMMENT_LIMIT, locale=t.locale)


def comment_view(t: Translator, invitation_id: int) -> tuple[str, InlineKeyboardMarkup]:
    text = t.gettext(
        "Is there anything else you would like to tell the organisers? Please write it in "
        "one message, up to {limit} characters."
    ).format(limit=comment_limit(t))
    send = button(
        t.gettext("Send without a comment"), Survey(action="send", id=invitation_id).pack()
    )
    return text, rows(send)


def comment_too_long(t: Translator) -> str:
    return t.gettext("Please keep your comment to {limit} characters.").format(
        limit=comment_limit(t)
    )


def thanks(t: Translator) -> str:
    return t.gettext(
        "Thank you for your answers! They help the organisers make the next event better."
    )


def declined(t: Translator) -> str:
    return t.gettext("All right. We will not ask you about this event again.")


def survey_refusal(t: Translator, error: DomainError) -> str:
    if isinstance(error, SurveyAnswered):
        return t.gettext("You have already answered this survey. Thank you!")
    if isinstance(error, SurveyClosed):
        return t.gettext("This survey is closed. Thank you all the same.")
    if isinstance(error, SurveyUnavailable):
        return t.gettext("This survey is not available.")
    if isinstance(error, InvalidInput):
        return t.gettext("Some answers are not valid. Please try again.")
    return t.gettext("Sorry, that did not work. Please try again.")


def my_feedback_data(t: Translator, found: list[OwnFeedback]) -> str:
    """The surveys part of /mydata (empty when the person answered none)."""
    if not found:
        return ""
    lines = [t.gettext("<b>Feedback surveys</b>")]
    for own in found:
        title = e(event_title(t, own.event))
        if own.answer is None:
            lines.append(
                "• "
                + t.gettext(
                    "{title}: you answered anonymously; your answer is not linked to you, "
                    "so it cannot be shown here."
                ).format(title=title)
            )
            continue
        lines.append(
            "• "
            + t.gettext("{title}: your rating {rating} of 5").format(
                title=title, rating=own.answer.rating
            )
        )
        for question in survey_questions(own.event, list(own.answer.answers)):
            prompt = e(t.pick(question.prompt, own.event.default_language))
            value = answer_text(t, own.event, question, own.answer.answers[question.key])
            lines.append(f"  {prompt} → {e(value)}")
        if own.answer.comment:
            lines.append(
                "  " + t.gettext("Comment: {comment}").format(comment=e(own.answer.comment))
            )
    return "\n".join(lines)


def feedback_summary(t: Translator, event: Event, found: EventFeedback) -> str:
    """An event's survey in /stats: answered of invited, and the ratings when shown."""
    heading = t.gettext("Feedback on {title}").format(title=f"<b>{e(event_title(t, event))}</b>")
    counts = t.ngettext(
        "{answered} of {invited} person answered",
        "{answered} of {invited} people answered",
        found.invited,
    ).format(answered=found.answered, invited=found.invited)
    lines = [heading, counts]
    if found.ratings is not None and found.ratings.average is not None:
        average = format_decimal(found.ratings.average, format="0.0", locale=t.locale)
        lines.append(t.gettext("Average rating: {average} of 5").format(average=average))
        spread = ", ".join(f"{n}★ {count}" for n, count in found.ratings.distribution.items())
        lines.append(t.gettext("Ratings: {counts}").format(counts=spread))
    elif not found.shown:
        lines.append(
            t.ngettext(
                "Anonymous: the results are shown once at least {count} person has answered.",
                "Anonymous: the results are shown once at least {count} people have answered.",
                ANONYMOUS_MINIMUM,
            ).format(count=ANONYMOUS_MINIMUM)
        )
    return "\n".join(lines)
