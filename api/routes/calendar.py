"""Calendar feeds as ``text/calendar``, with ETag / Last-Modified and 304 answers.

The feeds themselves, and their cache (``app.state.feed_cache``), live in
``events.feeds`` (``serve`` and ``cache``); this module only speaks HTTP.
"""

from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from api.dependencies import LinksDep, SessionDep
from events.feeds.cache import FeedCache, RenderedFeed
from events.feeds.kinds import FeedKind, FeedRequest
from events.feeds.render import CONTENT_TYPE
from events.feeds.serve import get_feed

router = APIRouter(prefix="/calendar", tags=["calendar"])

PUBLIC_CACHE_CONTROL = "public, max-age=300"
PRIVATE_CACHE_CONTROL = "private, max-age=300"


def _cache(request: Request) -> FeedCache:
    cache: FeedCache = request.app.state.feed_cache
    return cache


CacheDep = Annotated[FeedCache, Depends(_cache)]
LangQuery = Annotated[
    str | None,
    Query(description="en, hy, az, ka or ru; anything else means English"),
]
_ICS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}},
    304: {"description": "Not modified (If-None-Match or If-Modified-Since)"},
    404: {"description": "No such feed"},
}


async def _serve(
    request: Request,
    session: SessionDep,
    links: LinksDep,
    cache: FeedCache,
    feed: FeedRequest,
) -> Response:
    rendered = await get_feed(session, cache, feed, links)
    gzipped = _accepts_gzip(request.headers.get("accept-encoding", ""))
    headers = _headers(rendered, gzipped)
    if _not_modified(request, rendered):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'inline; filename="{rendered.filename}"'
    if gzipped:
        headers["Content-Encoding"] = "gzip"
        return Response(rendered.gzipped, media_type=CONTENT_TYPE, headers=headers)
    return Response(rendered.body, media_type=CONTENT_TYPE, headers=headers)


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether ``Accept-Encoding`` allows gzip (a 1,000-event feed shrinks 20-fold)."""
    for coding in accept_encoding.split(","):
        name, _, parameters = coding.partition(";")
        if name.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = parameters.strip().lower().removeprefix("q=")
        try:
            return not parameters.strip() or float(quality) > 0
        except ValueError:
            return False
    return False


def _headers(rendered: RenderedFeed, gzipped: bool) -> dict[str, str]:
    headers = {
        "ETag": rendered.gzip_etag if gzipped else rendered.etag,
        "Cache-Control": PRIVATE_CACHE_CONTROL if rendered.is_private else PUBLIC_CACHE_CONTROL,
        "Vary": "Accept-Encoding",
    }
    if rendered.last_modified is not None:
        headers["Last-Modified"] = format_datetime(rendered.last_modified, usegmt=True)
    if rendered.is_private:
        headers["X-Robots-Tag"] = "noindex"
    return headers


def _not_modified(request: Request, rendered: RenderedFeed) -> bool:
    """RFC 9110 §13.2.2: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        # Either encoding's tag names the same content.
        return bool(tags & {"*", rendered.etag, rendered.gzip_etag})
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None or rendered.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        return False
    return rendered.last_modified.replace(microsecond=0) <= since


@router.get("/events/{slug}.ics", response_class=Response, responses=_ICS)
async def event_feed(
    slug: str,
    request: Request,
    session: SessionDep,
    links: LinksDep,
    cache: CacheDep,
    lang: LangQuery = None,
) -> Response:
    """One event, as a file to import or a feed to subscribe to."""
    feed = FeedRequest(FeedKind.EVENT, slug, lang)
    return await _serve(request, session, links, cache, feed)


@router.get("/programmes/{slug}.ics", response_class=Response, responses=_ICS)
async def programme_feed(
    slug: str,
    request: Request,
    session: SessionDep,
    links: LinksDep,
    cache: CacheDep,
    lang: LangQuery = None,
) -> Response:
    """Every published (or since cancelled or completed) event of a programme."""
    feed = FeedRequest(FeedKind.PROGRAMME, slug, lang)
    return await _serve(request, session, links, cache, feed)


@router.get("/all.ics", response_class=Response, responses=_ICS)
async def all_feed(
    request: Request,
    session: SessionDep,
    links: LinksDep,
    cache: CacheDep,
    lang: LangQuery = None,
) -> Response:
    """Every public event of every programme."""
    feed = FeedRequest(FeedKind.ALL, "", lang)
    return await _serve(request, session, links, cache, feed)


@router.get("/me/{token}.ics", response_class=Response, responses=_ICS)
async def personal_feed(
    token: str,
    request: Request,
    session: SessionDep,
    links: LinksDep,
    cache: CacheDep,
    lang: LangQuery = None,
) -> Response:
    """A participant's own events (waitlisted and applied ones as tentative), in their
    language unless ``lang`` is given. The token comes from the bot."""
    feed = FeedRequest(FeedKind.PERSONAL, token, lang)
    return await _serve(request, session, links, cache, feed)
