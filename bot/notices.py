"""The messages Redbridge sends on its own, rendered when their turn comes: in the
recipient's language of that moment, dates in their locale and the event's time zone.

Everything participants or organisers wrote is escaped, except a broadcast's text,
which organisers format on purpose and ``events.telegram_html`` checked before it was
queued.
"""

from collections.abc import Callable
from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup

from bot.alumni.notices import accepted_text, request_keyboard, request_text
from bot.callbacks import Mine
from bot.feedback.views import rating_keyboard, survey_text
from bot.keyboards import button, rows
from bot.views import e, event_title, how_line, join_lines, when_line, where_line
from events.enums import RegistrationStatus
from events.languages import pick
from events.models import Event, Registration
from events.online.links import join_link
from events.outbox.queue import Kind
from events.outbox.verdicts import Ready
from locales.translator import Catalogues, Translator


@dataclass(frozen=True)
class Rendered:
    text: str
    markup: InlineKeyboardMarkup | None = None


def notice_renderer(
    catalogues: Catalogues, public_url: str | None = None
) -> Callable[[Ready], Rendered]:
    """The outbox dispatcher's renderer: each message in its reader's language of the
    moment it goes out. ``public_url`` is where join redirects point (without it, no
    message carries one)."""

    def render_ready(ready: Ready) -> Rendered:
        return render(catalogues.translator(ready.message.language), ready, public_url)

    return render_ready


def render(t: Translator, ready: Ready, public_url: str | None = None) -> Rendered:
    kind = ready.message.kind
    event = ready.event
    if kind == Kind.BROADCAST:
        return _broadcast(t, ready)
    if ready.connection is not None:
        if kind == Kind.CONTACT_REQUEST:
            notice = ready.connection
            return Rendered(request_text(t, notice), request_keyboard(t, notice))
        return Rendered(accepted_text(t, ready.connection))
    if ready.survey is not None and event is not None:
        survey = ready.survey
        text = survey_text(
            t,
            event,
            anonymous=survey.anonymous,
            closes_at=survey.closes_at,
            reminder=survey.reminder,
        )
        return Rendered(text, rating_keyboard(t, survey.invitation_id))
    if event is None or ready.registration is None:
        raise ValueError(f"a {kind} message needs its event and registration")
    registration = ready.registration
    title = f"<b>{e(event_title(t, event))}</b>"
    # Dates stand after a label ("When: …"), never inside a sentence, where a language
    # would need a case ending Babel cannot give them.
    link = join_link(public_url, registration, event) if public_url else None
    if kind == Kind.REMINDER:
        text = t.gettext("Reminder: {title}").format(title=title)
        lines = [text, when_line(t, event), where_line(t, event)]
        # The link goes in the last reminder before the start only, the one people
        # open when it is time to join.
        if int(ready.message.params.get("offset", 0)) == min(event.reminder_offsets, default=0):
            lines += join_lines(t, link, registration, event)
        return Rendered("\n".join(lines), _calendar_and_cancel(t, registration))
    if kind == Kind.JOIN_LINK_CHANGED:
        text = t.gettext(
            "The organisers of {title} have set a new link to join online. Your personal "
            "link stays the same and now leads there."
        ).format(title=title)
        return Rendered(
            "\n".join([text, when_line(t, event), *join_lines(t, link, registration, event)])
        )
    if kind == Kind.OFFER:
        text = t.gettext("A seat has opened up for you at {title}. Will you take it?")
        lines = [text.format(title=title), when_line(t, event), _deadline(t, event, registration)]
        return Rendered("\n".join(lines), _accept_or_decline(t, registration))
    if kind == Kind.OFFER_EXPIRING:
        text = t.gettext(
            "The seat offered to you at {title} is still held for you. Will you take it?"
        )
        # No dates above it: this deadline names its clock.
        deadline = _deadline(t, event, registration, with_clock=True)
        return Rendered(
            f"{text.format(title=title)}\n{deadline}", _accept_or_decline(t, registration)
        )
    if kind == Kind.OFFER_EXPIRED:
        text = t.gettext(
            "The seat offered to you at {title} was not taken in time, so it went to the next "
            "person on the waiting list. Thank you for your interest."
        ).format(title=title)
        return Rendered(text)
    if kind == Kind.DECISION:
        return _decision(t, title, registration, ready.message.params.get("position"))
    if kind == Kind.CONFIRMATION:
        return _confirmation(t, title, registration)
    if kind == Kind.EVENT_CHANGED:
        text = t.gettext("{title} has changed. This is when and where it takes place now:")
        lines = [text.format(title=title), when_line(t, event), where_line(t, event)]
        if (how := how_line(t, event)) is not None:  # it may have become hybrid
            lines.append(how)
        return Rendered("\n".join(lines), _calendar_and_cancel(t, registration))
    if kind == Kind.EVENT_CANCELLED:
        text = t.gettext(
            "We are sorry: {title} is cancelled. Your registration is closed; there is "
            "nothing you need to do."
        ).format(title=title)
        planned = t.gettext("It was planned for: {when}").format(
            when=t.when(event.starts_at, event.ends_at, event.timezone)
        )
        return Rendered(f"{text}\n{planned}")
    raise ValueError(f"no template for {kind}")


def _deadline(
    t: Translator, event: Event, registration: Registration, *, with_clock: bool = False
) -> str:
    expires = registration.offer_expires_at or event.starts_at
    written = t.moment if with_clock else t.date_time
    return t.gettext("Please answer by: {deadline}").format(
        deadline=written(expires, event.timezone)
    )


def _calendar_and_cancel(t: Translator, registration: Registration) -> InlineKeyboardMarkup:
    return rows(
        button(t.gettext("Add to calendar"), Mine(action="ics", id=registration.id).pack()),
        button(t.gettext("Cancel registration"), Mine(action="cancel", id=registration.id).pack()),
    )


def _accept_or_decline(t: Translator, registration: Registration) -> InlineKeyboardMarkup:
    return rows(
        button(t.gettext("Accept the seat"), Mine(action="accept", id=registration.id).pack()),
        button(t.gettext("Decline"), Mine(action="decline", id=registration.id).pack()),
        width=2,
    )


def _ticket(t: Translator, registration: Registration) -> InlineKeyboardMarkup:
    return rows(button(t.gettext("Show ticket"), Mine(action="ticket", id=registration.id).pack()))


def _decision(
    t: Translator, title: str, registration: Registration, position: object = None
) -> Rendered:
    status = registration.status
    if status == RegistrationStatus.CONFIRMED:
        text = t.gettext(
            "Good news: your application for {title} is accepted and your seat is confirmed."
        )
        return Rendered(text.format(title=title), _ticket(t, registration))
    if status == RegistrationStatus.WAITLISTED:
        text = t.gettext(
            "Your application for {title} is on the waiting list. We will write to you if a "
            "seat opens up."
        )
        lines = [text.format(title=title)]
        # Decisions queued before positions were recorded carry none.
        if isinstance(position, int) and not isinstance(position, bool):
            place = t.gettext("Your place on the waiting list: {position}")
            lines.append(place.format(position=position))
        return Rendered("\n".join(lines))
    text = t.gettext(
        "Thank you for applying to {title}. This time the organisers could not offer you a "
        "seat. We hope to see you at another event."
    )
    return Rendered(text.format(title=title))


def _confirmation(t: Translator, title: str, registration: Registration) -> Rendered:
    status = registration.status
    if status == RegistrationStatus.CONFIRMED:
        text = t.gettext("An organiser registered you for {title}. Your seat is confirmed.")
        return Rendered(text.format(title=title), _ticket(t, registration))
    if status == RegistrationStatus.WAITLISTED:
        text = t.gettext(
            "An organiser registered you for {title}. You are on the waiting list; we will "
            "write to you if a seat opens up."
        )
        return Rendered(text.format(title=title))
    text = t.gettext(
        "An organiser sent in your application for {title}. You will hear from us when it "
        "is decided."
    )
    return Rendered(text.format(title=title))


def _broadcast(t: Translator, ready: Ready) -> Rendered:
    broadcast = ready.broadcast
    if broadcast is None:
        raise ValueError("a broadcast message needs its broadcast")
    fallback = ready.event.default_language if ready.event is not None else "en"
    body = pick(broadcast.texts, t.language, fallback)
    if ready.event is None:
        return Rendered(body)
    heading = t.gettext("From the organisers of {title}:").format(
        title=f"<b>{e(event_title(t, ready.event))}</b>"
    )
    return Rendered(f"{heading}\n\n{body}")
