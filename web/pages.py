"""Rendering a page: the Jinja2 templates, in the reader's language, with Babel numbers.

Templates call ``gettext``/``ngettext`` with literal messages (``scripts/catalogues.py``
extracts them from ``web/templates`` as from the Python source), so the dashboard
and the bot share one catalogue and one termbase. Autoescaping is on for every template:
names and answers people typed are text, never markup.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from events.languages import LANGUAGE_NAMES, LANGUAGES
from locales.translator import Catalogues, Translator
from web.session import Viewer, in_mini_app
from web.wording import (
    gender_label,
    history_label,
    part_label,
    problem_text,
    status_label,
)

TEMPLATES = Path(__file__).parent / "templates"
STATIC_PREFIX = "/dashboard/static"


class Pages:
    """The template environment and the five translators, built once per app."""

    def __init__(self, catalogues: Catalogues, static_version: str) -> None:
        self.catalogues = catalogues
        self.static_version = static_version
        self.environment = environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        environment.filters["reject_keys"] = _without

    def render(
        self,
        request: Request,
        template: str,
        t: Translator,
        viewer: Viewer | None,
        context: Mapping[str, Any] | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        values: dict[str, Any] = {
            "request": request,
            "t": t,
            "gettext": t.gettext,
            "ngettext": t.ngettext,
            "number": lambda value: format_decimal(value, locale=t.locale),
            "short_date_time": lambda moment, zone: t.dates.short_date_time(moment, zone),
            "date_time": lambda moment, zone: t.dates.date_time(moment, zone),
            "status_label": lambda status: status_label(t, status),
            "gender_label": lambda gender: gender_label(t, gender),
            "part_label": lambda part: part_label(t, part),
            "problem_text": lambda problem: problem_text(t, problem),
            "history_label": lambda action: history_label(t, action),
            "query": query_string,
            "viewer": viewer,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "static": lambda name: f"{STATIC_PREFIX}/{name}?v={self.static_version}",
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "mini_app": in_mini_app(request),
            **(context or {}),
        }
        body = self.environment.get_template(template).render(values)
        return HTMLResponse(body, status_code=status_code, headers=_NO_STORE)


# Scripts and styles only from Redbridge itself (and Telegram's Mini App script); no
# inline script or style anywhere, so an injected one would not run. Framed only by the
# dashboard itself and Telegram's web client (which shows Mini Apps in a frame).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self' https://web.telegram.org"
)
# Pages show personal data: no shared cache keeps them, the browser does not reuse them.
_NO_STORE = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def query_string(values: Mapping[str, object], **more: object) -> str:
    """A page's query string: its filters, plus (or replaced by) ``more``."""
    merged = {**values, **more}
    return urlencode({key: str(value) for key, value in merged.items() if value not in (None, "")})


def _without(values: Mapping[str, object], *keys: str) -> dict[str, object]:
    return {key: value for key, value in values.items() if key not in keys}
