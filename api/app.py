"""The FastAPI application, built from injected settings, sessions and clock."""

from fastapi import APIRouter, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.problems import install_problem_handlers
from api.routes import audit, events, health, participants, programmes, registrations
from redbridge.clock import Clock, system_clock
from redbridge.settings import Settings

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock = system_clock,
) -> FastAPI:
    app = FastAPI(
        title="Redbridge",
        version="1",
        summary="Registrations, waitlists and calendars for cross-border programmes.",
        description="Authenticate with `Authorization: Bearer <token>` (see "
        "`redbridge token create`). Errors are `application/problem+json`.",
    )
    app.state.settings = settings
    app.state.sessionmaker = sessionmaker
    app.state.clock = clock
    install_problem_handlers(app)
    v1 = APIRouter(prefix=API_PREFIX)
    for module in (programmes, events, registrations, participants, audit):
        v1.include_router(module.router)
    app.include_router(v1)
    app.include_router(health.router)
    return app
