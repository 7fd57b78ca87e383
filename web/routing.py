"""The dashboard's route class: every refusal becomes a page in the reader's language.

A handler raises what the use cases raise (``Forbidden``, ``NotFound``, …) or what the
session check raises (``SignInNeeded``, ``CsrfRefused``); this class turns each into the
same kind of page with the right status, so no handler repeats the mapping.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from events.errors import DomainError, Forbidden, InvalidInput, NotFound
from events.languages import LANGUAGES, language_from_tag
from locales.translator import Translator
from web.pages import Pages
from web.session import CsrfRefused, SignInNeeded, Viewer, current_viewer

SIGN_IN_PATH = "/dashboard/sign-in"


def pages_of(request: Request) -> Pages:
    pages: Pages = request.app.state.dashboard_pages
    return pages


def reader_language(request: Request, viewer: Viewer | None) -> str:
    """The session's language; before sign-in ``?lang=``, else the browser's first one
    of ours (Accept-Language), else English."""
    if viewer is not None:
        return viewer.language
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").split(",")[:10]:
        tag = part.split(";", 1)[0].strip()
        if tag and language_from_tag(tag) == tag.split("-", 1)[0].lower():
            return language_from_tag(tag)
    return "en"


def translator_for(request: Request, viewer: Viewer | None) -> Translator:
    return pages_of(request).catalogues.translator(reader_language(request, viewer))


async def refusal_page(
    request: Request, status: int, problem: str, fields: list[str] | None = None
) -> Response:
    viewer = await current_viewer(request)
    t = translator_for(request, viewer)
    context = {"problem": problem, "fields": fields or []}
    return pages_of(request).render(
        request, "refused.html", t, viewer, context, status_code=status
    )


class DashboardRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInNeeded:
                if request.method == "GET":
                    return RedirectResponse(SIGN_IN_PATH, status_code=303)
                return await refusal_page(request, 403, "signed_out")
            except CsrfRefused:
                return await refusal_page(request, 403, "csrf")
            except Forbidden:
                return await refusal_page(request, 403, "forbidden")
            except NotFound:
                return await refusal_page(request, 404, "not_found")
            except InvalidInput as error:
                return await refusal_page(request, 422, "invalid", [error.field])
            except DomainError:
                # A rule of the domain (an open-mode event has no review, a decision
                # no longer possible): a conflict with the state, as the API says.
                return await refusal_page(request, 409, "conflict")
            except RequestValidationError as error:
                # A path that is no page (``/events/abc``) reads as one that does not exist;
                # a query or form value that is out of range is named.
                if any(location[:1] == ("path",) for location in _locations(error)):
                    return await refusal_page(request, 404, "not_found")
                fields = [str(location[-1]) for location in _locations(error) if location]
                return await refusal_page(request, 422, "invalid", fields)

        return guarded


def _locations(error: RequestValidationError) -> list[tuple[object, ...]]:
    return [tuple(item.get("loc", ())) for item in error.errors()]
