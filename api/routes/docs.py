"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) with their JavaScript and CSS served by
the app itself: FastAPI's own pages load them from a CDN and stay blank offline or behind
a strict firewall.

The assets are the files the ``fastapi-offline`` package ships (Swagger UI 5, ReDoc 2),
mounted under ``/docs/assets``; the pages are FastAPI's, pointed at them. Neither page is
in the OpenAPI document.
"""

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
ASSETS_PATH = "/docs/assets"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
SWAGGER_JS = "swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui.css"
REDOC_JS = "redoc.standalone.js"
FAVICON = "favicon.png"

router = APIRouter(include_in_schema=False)


def _base(request: Request) -> str:
    # Behind a proxy that serves the app under a prefix, links carry that prefix.
    root: str = request.scope.get("root_path", "")
    return root


@router.get(DOCS_PATH)
async def swagger_ui(request: Request) -> HTMLResponse:
    base = _base(request)
    return get_swagger_ui_html(
        openapi_url=f"{base}{request.app.openapi_url}",
        title=f"{request.app.title} API",
        swagger_js_url=f"{base}{ASSETS_PATH}/{SWAGGER_JS}",
        swagger_css_url=f"{base}{ASSETS_PATH}/{SWAGGER_CSS}",
        swagger_favicon_url=f"{base}{ASSETS_PATH}/{FAVICON}",
        # No badge from the public validator: it would send the document's URL away.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get(REDOC_PATH)
async def redoc(request: Request) -> HTMLResponse:
    base = _base(request)
    return get_redoc_html(
        openapi_url=f"{base}{request.app.openapi_url}",
        title=f"{request.app.title} API",
        redoc_js_url=f"{base}{ASSETS_PATH}/{REDOC_JS}",
        redoc_favicon_url=f"{base}{ASSETS_PATH}/{FAVICON}",
        with_google_fonts=False,
    )


def install_docs(app: FastAPI) -> None:
    """Serve the two pages and their assets; the app must be made with ``docs_url=None``
    and ``redoc_url=None``, so that FastAPI's CDN pages do not answer first."""
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    app.include_router(router)
