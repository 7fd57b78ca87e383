"""An event's broadcasts: compose one (texts per language, audience with its recipient
count, now or at a time, a preview as Telegram shows it), follow its delivery report,
cancel it. The rules are the use cases' (``events.broadcasts``), scoped as the API's."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from events.broadcast_inputs import (
    BROADCAST_TEXT_LIMIT,
    DEFAULT_STATUSES,
    BroadcastAudience,
    BroadcastDraft,
)
from events.broadcasts import (
    BroadcastState,
    broadcast_report,
    cancel_broadcast,
    count_recipients,
    create_broadcast,
    list_broadcasts,
)
from events.editions import get_event
from events.enums import RegistrationStatus
from events.errors import InvalidInput
from events.inputs import MAX_ID
from events.languages import LANGUAGES
from events.models import Event
from events.telegram_html import UnsafeLink, check_html, visible_text
from locales.translator import Translator
from web.routes.event import EventId
from web.routing import DashboardRoute, pages_of
from web.session import Viewer, checked_form, config_of, form_text, require_viewer
from web.telegram_preview import telegram_preview

router = APIRouter(route_class=DashboardRoute)

BroadcastId = Annotated[int, Path(ge=1, le=MAX_ID)]
# As the draft's own limit: longer is refused as the API refuses it, not cut.
TEXT_INPUT_LIMIT = 10_000
COUNTRIES_INPUT_LIMIT = 1_000
CHECKED_IN_CHOICES = ("", "yes", "no")
DATETIME_LOCAL = re.compile(r"20\d\d-\d\d-\d\dT\d\d:\d\d(:\d\d)?")
LISTED = 50  # the newest broadcasts on the compose page


@dataclass
class Compose:
    """The form as the organiser filled it in (shown back as typed) and what is wrong."""

    texts: dict[str, str] = field(default_factory=dict)
    statuses: list[str] = field(default_factory=lambda: [s.value for s in DEFAULT_STATUSES])
    countries: str = ""
    languages: list[str] = field(default_factory=list)
    checked_in: str = ""
    alumni: bool = False
    when: str = "now"
    send_at: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    recipients: int | None = None
    previews: dict[str, Markup] = field(default_factory=dict)


@router.get("/dashboard/events/{event_id}/broadcasts")
async def broadcast_page(request: Request, event_id: EventId) -> Response:
    viewer = await require_viewer(request)
    return await _compose_page(request, viewer, event_id, Compose())


@router.post("/dashboard/events/{event_id}/broadcasts")
async def compose(request: Request, event_id: EventId) -> Response:
    """ "Count recipients and preview" shows the form again; "Send" stores the broadcast
    (released at once when it is for now) and opens its report."""
    viewer = await require_viewer(request)
    form = await checked_form(request, viewer)
    config = config_of(request)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    filled = _filled(form)
    async with config.sessionmaker() as session:
        event, audience = await _counted(session, viewer, event_id, filled)
        _check_texts(t, filled, required=form_text(form, "action", 10) == "send")
        send_at = _send_at(filled, event)
        if form_text(form, "action", 10) == "send" and not filled.errors and audience:
            draft = BroadcastDraft(texts=filled.texts, audience=audience, send_at=send_at)
            try:
                broadcast = await create_broadcast(
                    session, config.clock(), viewer.principal, event_id, draft
                )
            except InvalidInput as error:
                filled.errors[error.field] = _time_problem(t, error)
            else:
                target = f"/dashboard/broadcasts/{broadcast.id}"
                return RedirectResponse(target, status_code=303)
    status_code = 422 if filled.errors else 200
    return await _compose_page(request, viewer, event_id, filled, status_code)


@router.post("/dashboard/events/{event_id}/broadcasts/preview")
async def live_preview(request: Request, event_id: EventId) -> Response:
    """What "Count recipients and preview" would show, as JSON for the page's script
    (``broadcast.js``) to update the count and previews as the organiser types. The
    previews are the same escaped HTML the page renders; nothing is stored."""
    viewer = await require_viewer(request)
    form = await checked_form(request, viewer)
    config = config_of(request)
    t = pages_of(request).catalogues.translator(viewer.language)
    filled = _filled(form)
    async with config.sessionmaker() as session:
        await _counted(session, viewer, event_id, filled)
    _check_texts(t, filled, required=False)
    recipients = (
        None
        if filled.recipients is None
        else t.ngettext("{count} recipient", "{count} recipients", filled.recipients).format(
            count=format_decimal(filled.recipients, locale=t.locale)
        )
    )
    body = {
        "recipients": recipients,
        "previews": {language: str(html) for language, html in filled.previews.items()},
        "errors": {
            name: message or t.gettext("This value is not valid.")
            for name, message in filled.errors.items()
        },
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/dashboard/broadcasts/{broadcast_id}")
async def report_page(request: Request, broadcast_id: BroadcastId) -> Response:
    viewer = await require_viewer(request)
    config = config_of(request)
    async with config.sessionmaker() as session:
        report = await broadcast_report(session, viewer.principal, broadcast_id)
        event = await get_event(session, report.event_id)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    open_states = (BroadcastState.SCHEDULED, BroadcastState.SENDING)
    context = {
        "event": event,
        "report": report,
        "previews": {language: _safe_preview(text) for language, text in report.texts.items()},
        "can_cancel": report.state in open_states,
        "broadcast_state_label": lambda state: state_label(t, state),
        # Sending: the counts change by the second; scheduled: it starts at its time.
        "refresh": 2
        if report.state == BroadcastState.SENDING
        else (30 if report.state == BroadcastState.SCHEDULED else None),
    }
    return pages.render(request, "broadcast_report.html", t, viewer, context)


@router.post("/dashboard/broadcasts/{broadcast_id}/cancel")
async def cancel(request: Request, broadcast_id: BroadcastId) -> Response:
    viewer = await require_viewer(request)
    await checked_form(request, viewer)
    config = config_of(request)
    async with config.sessionmaker() as session:
        await cancel_broadcast(session, config.clock(), viewer.principal, broadcast_id)
    return RedirectResponse(f"/dashboard/broadcasts/{broadcast_id}", status_code=303)


async def _counted(
    session: AsyncSession, viewer: Viewer, event_id: int, filled: Compose
) -> tuple[Event, BroadcastAudience | None]:
    """The viewer's event, and the form's audience with its recipients counted into
    ``filled`` (when the audience is valid)."""
    event = await get_event(session, event_id)
    viewer.principal.ensure_manages(event.programme_id)
    audience = _audience(filled)
    if audience is not None:
        filled.recipients = await count_recipients(session, viewer.principal, event_id, audience)
    return event, audience


async def _compose_page(
    request: Request, viewer: Viewer, event_id: int, filled: Compose, status_code: int = 200
) -> Response:
    config = config_of(request)
    async with config.sessionmaker() as session:
        # The list first: it is what refuses another programme's event (403) or none (404).
        reports = await list_broadcasts(session, viewer.principal, event_id)
        event = await get_event(session, event_id)
    pages = pages_of(request)
    t = pages.catalogues.translator(viewer.language)
    context = {
        "event": event,
        "form": filled,
        "reports": reports[:LISTED],
        "statuses": list(RegistrationStatus),
        "text_languages": LANGUAGES,
        "text_limit": BROADCAST_TEXT_LIMIT,
        "broadcast_state_label": lambda state: state_label(t, state),
    }
    return pages.render(request, "broadcast.html", t, viewer, context, status_code=status_code)


def state_label(t: Translator, state: BroadcastState) -> str:
    labels = {
        BroadcastState.SCHEDULED: t.gettext("Scheduled"),
        BroadcastState.SENDING: t.gettext("Sending"),
        BroadcastState.DONE: t.gettext("Finished"),
        BroadcastState.CANCELLED: t.gettext("Cancelled by an organiser"),
    }
    return labels[state]


def _filled(form: FormData) -> Compose:
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        text = form_text(form, f"text_{language}", TEXT_INPUT_LIMIT + 1)
        if text.strip():
            texts[language] = text
    return Compose(
        texts=texts,
        statuses=[value for value in form.getlist("status") if isinstance(value, str)][:20],
        countries=form_text(form, "countries", COUNTRIES_INPUT_LIMIT + 1),
        languages=[value for value in form.getlist("language") if isinstance(value, str)][:20],
        checked_in=form_text(form, "checked_in", 3),
        alumni=form_text(form, "alumni", 3) == "yes",
        when="later" if form_text(form, "when", 5) == "later" else "now",
        send_at=form_text(form, "send_at", 30),
    )


def _audience(filled: Compose) -> BroadcastAudience | None:
    """The audience, or None with the wrong field named in ``filled.errors``."""
    if len(filled.countries) > COUNTRIES_INPUT_LIMIT:
        filled.errors["audience.countries"] = ""
        return None
    if filled.checked_in not in CHECKED_IN_CHOICES:
        filled.errors["audience.checked_in"] = ""
        return None
    countries = [code for code in filled.countries.replace(",", " ").split() if code]
    try:
        return BroadcastAudience(
            statuses=filled.statuses,
            countries=countries,
            languages=filled.languages,
            checked_in={"yes": True, "no": False}.get(filled.checked_in),
            alumni=filled.alumni,
        )
    except ValidationError as error:
        for problem in error.errors():
            location = problem.get("loc", ())
            filled.errors[f"audience.{location[0] if location else 'statuses'}"] = ""
        return None


def _check_texts(t: Translator, filled: Compose, *, required: bool) -> None:
    """Each text checked as ``create_broadcast`` checks it (field ``texts.<language>``),
    with its preview when it passes."""
    if required and not filled.texts:
        filled.errors["texts"] = t.gettext("Please write the message in at least one language.")
    for language, text in filled.texts.items():
        name = f"texts.{language}"
        if len(text) > TEXT_INPUT_LIMIT:
            filled.errors[name] = _too_long(t, len(text))
            continue
        try:
            check_html(text, name, limit=BROADCAST_TEXT_LIMIT)
        except UnsafeLink:
            filled.errors[name] = t.gettext(
                "A link may only lead to an http, https or tg address."
            )
        except InvalidInput:
            filled.errors[name] = _why_refused(t, text)
        else:
            filled.previews[language] = telegram_preview(text)


def _why_refused(t: Translator, text: str) -> str:
    try:
        shown = visible_text(text)
    except InvalidInput:
        return t.gettext(
            "Telegram cannot show this formatting. Please check the tags, or write "
            "&lt; for a “<” sign."
        )
    if len(shown) > BROADCAST_TEXT_LIMIT:
        return _too_long(t, len(shown))
    return t.gettext("This text is empty.")


def _too_long(t: Translator, length: int) -> str:
    return t.ngettext(
        "This text is {count} character long; a broadcast can have at most {limit}.",
        "This text is {count} characters long; a broadcast can have at most {limit}.",
        length,
    ).format(count=length, limit=BROADCAST_TEXT_LIMIT)


def _send_at(filled: Compose, event: Event) -> datetime | None:
    """The time a "later" broadcast is for: the form's wall-clock time in the event's
    time zone (the zone the organiser plans the event in)."""
    if filled.when != "later":
        return None
    # What a datetime-local input sends (minutes; seconds only if the page asked for them).
    if not DATETIME_LOCAL.fullmatch(filled.send_at):
        filled.errors["send_at"] = ""
        return None
    try:
        return datetime.fromisoformat(filled.send_at).replace(tzinfo=ZoneInfo(event.timezone))
    except ValueError:
        filled.errors["send_at"] = ""
        return None


def _time_problem(t: Translator, error: InvalidInput) -> str:
    if error.field == "send_at":
        return t.gettext("Please choose a time from now to a year ahead.")
    return t.gettext("Some of the values are not valid.")


def _safe_preview(text: str) -> Markup:
    # Stored texts passed the check when written; should one not, it is shown as text.
    try:
        check_html(text)
    except InvalidInput:
        return Markup.escape(text)
    return telegram_preview(text)
