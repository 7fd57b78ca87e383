"""The OpenAPI document tells the truth about errors and sign-in.

FastAPI documents each route's success answer and a ``422`` as ``application/json``.
Redbridge answers every error as ``application/problem+json`` (``api.problems``), and
which errors a route can give follows from what it takes:

- a bearer token it requires: ``401`` (none, unknown or revoked), ``403`` (not theirs) and
  ``429`` (too many wrong tokens from the address, ``api.throttle``);
- a token it only reads when given (public reads that show more to organisers): ``401``
  for an unknown token and ``429``, and the security requirement lists "no token" as an
  option;
- path or query parameters, or a body: ``404`` and ``422``;
- a body: ``400`` (not JSON at all) and ``413`` (too large);
- a change (POST, PATCH, PUT, DELETE): ``409`` and ``410`` (the state does not allow it).

The document is built once from FastAPI's own and rewritten by these rules, so a new
route is described like the others without anyone remembering to.
"""

import re
from functools import cache
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.dependencies import BEARER_SCHEME, OPTIONAL_BEARER_SCHEME
from api.problems import PROBLEM_JSON, problem

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem: what went wrong, for people and programs.",
    "type": "object",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "Stable, for programs to branch on."},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "For bad input: each field and what is wrong with it.",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "additionalProperties": True,
}

_DESCRIPTIONS = {
    status: HTTPStatus(status).phrase for status in (400, 401, 403, 404, 409, 410, 413, 422, 429)
} | {
    400: "The body is not JSON",
    401: "No valid API token (Authorization: Bearer …)",
    403: "The token's role or programmes do not allow this",
    404: "No such resource, or not visible to this caller",
    409: "The current state does not allow this",
    410: "Gone: the offer expired, or the person's data was erased",
    413: "The request body is too large",
    422: "The input is not valid; `errors` names each field",
    429: "Too many wrong API tokens from this address: wait Retry-After seconds",
}
_CHANGES = {"post", "patch", "put", "delete"}


def _problem_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer, from what it takes."""
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    statuses: set[int] = set()
    if BEARER_SCHEME in schemes:
        statuses |= {401, 403, 429}
    elif OPTIONAL_BEARER_SCHEME in schemes:
        statuses |= {401, 429}
    if operation.get("parameters") or operation.get("requestBody"):
        statuses |= {404, 422}
    if operation.get("requestBody"):
        statuses |= {400, 413}  # a body that is not JSON at all; one too large
    if method in _CHANGES:
        statuses |= {409, 410}
    return statuses


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def truthful(document: dict[str, Any]) -> dict[str, Any]:
    """Document every operation's problem answers, and optional tokens as optional."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    # FastAPI's own 422 body, which Redbridge never sends.
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemes = components.get("securitySchemes", {})
    schemes.pop(OPTIONAL_BEARER_SCHEME, None)
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status in sorted(_problem_statuses(method, operation)):
                responses[str(status)] = _problem_response(status)
            if any(OPTIONAL_BEARER_SCHEME in r for r in operation.get("security", [])):
                # A token, or none: the empty requirement says "none is fine".
                operation["security"] = [{}, {BEARER_SCHEME: []}]
    return document


@cache
def _template(path: str) -> re.Pattern[str]:
    """``/api/v1/events/{event_id}`` as a pattern for request paths."""
    parts = re.split(r"\{[^}]+\}", path)
    return re.compile("[^/]+".join(re.escape(part) for part in parts) + "$")


def allowed_methods(document: dict[str, Any], path: str) -> list[str]:
    """The methods the document gives for a request path (all operations of every
    matching template: one path may be served by several routes)."""
    return sorted(
        {
            method.upper()
            for template, operations in document.get("paths", {}).items()
            if _template(template).match(path)
            for method in operations
        }
    )


def install_truthful_openapi(app: FastAPI) -> None:
    """Replace ``app.openapi`` (FastAPI's documented way to extend the document), and
    answer 405 with every method the path has: when a path's methods are separate
    routes, Starlette's ``Allow`` names only the first route's."""

    async def method_not_allowed(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        allow = ", ".join(allowed_methods(app.openapi(), request.url.path))
        return problem(
            HTTPStatus.METHOD_NOT_ALLOWED,
            "method_not_allowed",
            f"this path allows {allow or 'no method'}",
            headers={"Allow": allow},
        )

    app.add_exception_handler(HTTPStatus.METHOD_NOT_ALLOWED.value, method_not_allowed)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    summary=app.summary,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
