"""The FastAPI application, built from what it needs: where links point, sessions, clock."""

from fastapi import APIRouter, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.openapi import install_truthful_openapi
from api.problems import install_problem_handlers
from api.routes import (
    audit,
    broadcasts,
    calendar,
    events,
    health,
    participants,
    programmes,
    registrations,
    series,
    telegram,
    tokens,
)
from api.throttle import FailedAttempts
from events.clock import Clock, system_clock
from events.feeds.cache import FeedCache
from events.feeds.render import Links

API_PREFIX = "/api/v1"


def create_app(
    links: Links,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock = system_clock,
    feed_cache: FeedCache | None = None,
    *,
    wrong_credentials_per_minute: int = 10,
) -> FastAPI:
    app = FastAPI(
        title="Redbridge",
        version="1",
        summary="Registrations, waitlists and calendars for cross-border programmes.",
        description="Authenticate with `Authorization: Bearer <token>` (see "
        "`redbridge token create`). Errors are `application/problem+json`.",
    )
    app.state.links = links
    app.state.sessionmaker = sessionmaker
    app.state.clock = clock
    app.state.feed_cache = FeedCache() if feed_cache is None else feed_cache
    app.state.failed_attempts = FailedAttempts(wrong_credentials_per_minute)
    install_problem_handlers(app)
    v1 = APIRouter(prefix=API_PREFIX)
    for module in (programmes, events, registrations, participants, audit, series, broadcasts):
        v1.include_router(module.router)
    v1.include_router(tokens.router)
    app.include_router(v1)
    app.include_router(calendar.router)
    app.include_router(health.router)
    app.include_router(telegram.router)
    install_truthful_openapi(app)
    return app
