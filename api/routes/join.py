"""``/j/<token>``: a participant's own join redirect to an online event's stream.

The use case (``events.online.visits``) checks the token and records attendance; this
route only forwards (303) or shows the page that says why not, in the ticket holder's
language (the browser's for an unknown token). Nothing here is cached or sent on as a
referrer, and the access log writes the token as ``…`` (``api.access_log``).
"""

from typing import Annotated

from fastapi import APIRouter, Header, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.dependencies import NowDep, SessionDep
from events.languages import language_from_tag
from events.online.page import refusal_page
from events.online.visits import JoinRefusal, open_join_link

router = APIRouter(tags=["online events"])

_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# Robots that fetch a link shown in a chat to draw its preview; their visit is not the
# person's. Telegram's names itself "TelegramBot (like TwitterBot)".
_PREVIEW_ROBOTS = (
    "telegrambot",
    "twitterbot",
    "facebookexternalhit",
    "whatsapp",
    "slackbot",
    "discordbot",
    "linkedinbot",
    "skypeuripreview",
)
_STATUS = {
    JoinRefusal.UNKNOWN: 404,
    JoinRefusal.PREVIEW: 200,
    JoinRefusal.NO_SEAT: 410,
    JoinRefusal.ENDED: 410,
    JoinRefusal.NOT_YET: 200,
    JoinRefusal.NO_LINK: 200,
}


@router.get("/j/{token}", include_in_schema=False)
async def join(
    token: Annotated[str, Path(max_length=100)],
    session: SessionDep,
    now: NowDep,
    # Headers are read, never refused: a page is always better here than a 422.
    accept_language: Annotated[str | None, Header()] = None,
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    agent = (user_agent or "")[:500].lower()
    by_robot = any(robot in agent for robot in _PREVIEW_ROBOTS)
    visit = await open_join_link(session, now, token, by_robot=by_robot)
    if visit.url is not None:
        return RedirectResponse(visit.url, status_code=303, headers=_PRIVATE)
    refusal = visit.refusal or JoinRefusal.UNKNOWN
    language = language_from_tag(visit.language or _first_language(accept_language))
    return HTMLResponse(
        refusal_page(refusal, language), status_code=_STATUS[refusal], headers=_PRIVATE
    )


def _first_language(accept_language: str | None) -> str | None:
    """The browser's first language (``hy-AM,hy;q=0.9,en;q=0.8`` → ``hy-AM``)."""
    if not accept_language:
        return None
    return accept_language[:100].split(",", 1)[0].split(";", 1)[0].strip() or None
