"""Mounting the dashboard on the app: its routers, its static files, its state."""

import hashlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from locales.translator import Catalogues
from web.config import DashboardConfig
from web.pages import STATIC_PREFIX, Pages
from web.routes import alumni, balance, broadcast, check_in, event, overview, review, sign_in

STATIC = Path(__file__).parent / "static"


def _static_version() -> str:
    """A digest of the static files, in their URLs: browsers may keep them for a year and
    still load new ones after an upgrade."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def install_dashboard(app: FastAPI, config: DashboardConfig, catalogues: Catalogues) -> None:
    app.state.dashboard = config
    app.state.dashboard_pages = Pages(catalogues, _static_version())
    for module in (sign_in, overview, event, balance, review, check_in, broadcast, alumni):
        app.include_router(module.router, include_in_schema=False)
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC), name="dashboard-static")
