"""The FastAPI application, built from what it needs: where links point, sessions, clock."""

from fastapi import APIRouter, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.openapi import install_truthful_openapi
from api.problems import install_problem_handlers
from api.request_gate import RequestGate
from api.routes import (
    alumni,
    audit,
    broadcasts,
    calendar,
    docs,
    events,
    feedback,
    health,
    index,
    join,
    participants,
    programmes,
    registrations,
    selection,
    series,
    telegram,
    tokens,
)
from api.throttle import FailedAttempts
from events.access import authenticate
from events.clock import Clock, system_clock
from events.feeds.cache import FeedCache
from events.feeds.render import Links
from events.principals import Principal

API_PREFIX = "/api/v1"
# Bodies larger than this are refused with 413 (``REDBRIDGE_MAX_BODY_BYTES``).
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


def create_app(
    links: Links,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock = system_clock,
    feed_cache: FeedCache | None = None,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    wrong_credentials_per_minute: int = 10,
) -> FastAPI:
    app = FastAPI(
        title="Redbridge",
        version="1",
        summary="Registrations, waitlists and calendars for cross-border programmes.",
        description="Authenticate with `Authorization: Bearer <token>` (see "
        "`redbridge token create`). Errors are `application/problem+json`.",
        # Served by api/routes/docs.py from local assets instead of a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.links = links
    app.state.sessionmaker = sessionmaker
    app.state.clock = clock
    app.state.feed_cache = FeedCache() if feed_cache is None else feed_cache
    app.state.failed_attempts = FailedAttempts(wrong_credentials_per_minute)
    install_problem_handlers(app)
    v1 = APIRouter(prefix=API_PREFIX)
    for module in (
        programmes,
        events,
        registrations,
        participants,
        audit,
        series,
        broadcasts,
        selection,
        alumni,
        feedback,
    ):
        v1.include_router(module.router)
    v1.include_router(tokens.router)
    app.include_router(v1)
    app.include_router(calendar.router)
    app.include_router(join.router)
    app.include_router(health.router)
    app.include_router(index.router)
    app.include_router(telegram.router)
    docs.install_docs(app)
    install_truthful_openapi(app)

    async def authenticate_token(secret: str) -> Principal | None:
        async with sessionmaker() as session:
            # With the time, the token's last use is recorded (at most once a minute).
            return await authenticate(session, secret, clock())

    app.add_middleware(
        RequestGate,
        max_body_bytes=max_body_bytes,
        api_prefix=API_PREFIX,
        authenticate=authenticate_token,
        attempts=app.state.failed_attempts,
        limits={telegram.WEBHOOK_PATH: telegram.WEBHOOK_MAX_BODY_BYTES},
    )
    return app
