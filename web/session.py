"""Who is looking at a page: the session cookie, the principal behind it, CSRF checks.

The cookie holds a 256-bit secret (only its hash is stored, ``events.dashboard_sign_in``),
is HttpOnly and SameSite=Lax, and Secure when the dashboard is served over https. Lax,
not Strict: an organiser follows links to the dashboard from Telegram, a navigation from
another site, and Strict would send no cookie with it (the page would ask to sign in
again). Lax still withholds the cookie from cross-site POSTs, and every form also carries
the session's CSRF token, checked on every POST.

A session started in the Mini App over https is SameSite=None instead: Telegram's web
client shows a Mini App in a cross-site frame, where a Lax cookie is never sent (the app
would sign in and at once forget it). The CSRF token still guards every form, and the
pages' Content-Security-Policy lets only Telegram's web client frame them.
"""

from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import Response

from events.dashboard_sign_in import OpenedSession, csrf_matches, signed_in
from events.principals import Principal
from web.config import DashboardConfig

COOKIE = "rb_dashboard"
COOKIE_PATH = "/dashboard"
# Says the pages run inside Telegram, so they load Telegram's script (theme, QR scanner);
# no secret, only a switch.
MINI_APP_COOKIE = "rb_mini_app"
CSRF_FIELD = "csrf"


class SignInNeeded(Exception):
    """No valid session: a page sends the browser to sign in, a form is refused."""


class CsrfRefused(Exception):
    """A POST without the session's CSRF token, or with another one."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """A signed-in organiser (or checker, or admin) and their session."""

    telegram_user_id: int
    principal: Principal
    csrf: str
    language: str
    session_secret: str

    @property
    def may_organise(self) -> bool:
        return not self.principal.is_checker


def config_of(request: Request) -> DashboardConfig:
    config: DashboardConfig = request.app.state.dashboard
    return config


async def current_viewer(request: Request) -> Viewer | None:
    """The viewer of a valid session, or None."""
    secret = request.cookies.get(COOKIE, "")
    if not secret:
        return None
    config = config_of(request)
    async with config.sessionmaker() as session:
        found = await signed_in(session, config.clock(), secret)
    if found is None:
        return None
    return Viewer(
        found.telegram_user_id, found.principal, found.csrf_secret, found.language, secret
    )


async def require_viewer(request: Request) -> Viewer:
    viewer = await current_viewer(request)
    if viewer is None:
        raise SignInNeeded
    return viewer


async def checked_form(request: Request, viewer: Viewer) -> FormData:
    """The POSTed form, once its CSRF token is the session's; ``CsrfRefused`` otherwise."""
    form = await request.form()
    token = form.get(CSRF_FIELD)
    if not isinstance(token, str) or not csrf_matches(viewer.csrf, token):
        raise CsrfRefused
    return form


def _same_site(config: DashboardConfig, framed: bool) -> Literal["lax", "none"]:
    """None only for the Mini App's frame, and only with Secure (browsers require it)."""
    return "none" if framed and config.secure_cookies else "lax"


def set_session_cookie(
    response: Response, config: DashboardConfig, opened: OpenedSession, *, framed: bool = False
) -> None:
    """The session's cookie; ``framed`` for a session started in the Mini App."""
    response.set_cookie(
        COOKIE,
        opened.secret,
        max_age=int(config.session_lifetime.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite=_same_site(config, framed),
        secure=config.secure_cookies,
    )


def set_mini_app_cookie(response: Response, config: DashboardConfig) -> None:
    response.set_cookie(
        MINI_APP_COOKIE,
        "1",
        max_age=int(config.session_lifetime.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite=_same_site(config, framed=True),
        secure=config.secure_cookies,
    )


def in_mini_app(request: Request) -> bool:
    return request.cookies.get(MINI_APP_COOKIE) == "1"


def clear_session_cookie(
    response: Response, config: DashboardConfig, *, framed: bool = False
) -> None:
    """Both cookies gone; ``framed`` (in the Mini App) with the attributes they were set
    with, or the frame's browser would ignore the removal."""
    for name in (COOKIE, MINI_APP_COOKIE):
        response.delete_cookie(
            name,
            path=COOKIE_PATH,
            httponly=True,
            samesite=_same_site(config, framed),
            secure=config.secure_cookies,
        )


def form_text(form: FormData, name: str, limit: int) -> str:
    """A text field of a form, cut to ``limit`` characters (files and absence are "")."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""
