"""Errors as RFC 9457 ``application/problem+json``: domain errors, bad input, HTTP errors."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from events import errors
from events.alumni.errors import InvalidRows
from events.field_errors import error_path

PROBLEM_JSON = "application/problem+json"

# Domain error → HTTP status. Refusals that depend on the current state are conflicts;
# refusals about what was sent are unprocessable.
_STATUS: dict[type[errors.DomainError], HTTPStatus] = {
    errors.NotFound: HTTPStatus.NOT_FOUND,
    errors.Forbidden: HTTPStatus.FORBIDDEN,
    errors.Conflict: HTTPStatus.CONFLICT,
    errors.InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.InvalidAnswers: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.NotEligible: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.InvalidTransition: HTTPStatus.CONFLICT,
    errors.EventNotOpen: HTTPStatus.CONFLICT,
    errors.EventCancelled: HTTPStatus.CONFLICT,
    errors.RegistrationClosed: HTTPStatus.CONFLICT,
    errors.AlreadyRegistered: HTTPStatus.CONFLICT,
    errors.NoSeatAvailable: HTTPStatus.CONFLICT,
    errors.OfferExpired: HTTPStatus.GONE,
    errors.TicketNotValid: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.AlreadyCheckedIn: HTTPStatus.CONFLICT,
    errors.ParticipantErased: HTTPStatus.GONE,
}


def problem(
    status: HTTPStatus,
    code: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"urn:redbridge:problem:{code}",
        "title": status.phrase,
        "status": status.value,
        "code": code,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status.value, media_type=PROBLEM_JSON, headers=headers)


def _status_of(error: errors.DomainError) -> HTTPStatus:
    for cls in type(error).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return HTTPStatus.UNPROCESSABLE_ENTITY


# The field of a registration request each eligibility rule reads.
_ELIGIBILITY_FIELDS = {
    "age": "participant.birth_year",
    "birth_year_required": "participant.birth_year",
    "country": "participant.country",
    "country_required": "participant.country",
}


async def _domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, errors.DomainError)
    extra: dict[str, Any] = {}
    if isinstance(error, InvalidRows):
        extra["errors"] = [{"field": field, "message": why} for field, why in error.problems]
    elif isinstance(error, errors.InvalidInput):
        extra["errors"] = [{"field": error.field, "message": error.detail}]
    elif isinstance(error, errors.InvalidAnswers):
        extra["errors"] = [
            {"field": f"answers.{key}", "message": why} for key, why in error.problems.items()
        ]
    elif isinstance(error, errors.NotEligible):
        extra["reason"] = error.reason
        field = _ELIGIBILITY_FIELDS.get(error.reason, "participant")
        extra["errors"] = [{"field": field, "message": error.detail}]
    elif isinstance(error, errors.TicketNotValid):
        extra["errors"] = [{"field": "ticket_code", "message": error.detail}]
    elif isinstance(error, errors.AlreadyRegistered):
        extra["registration_id"] = error.registration_id
    return problem(_status_of(error), error.code, error.detail, **extra)


def _field_name(item: Mapping[str, Any]) -> str:
    # A body that is not JSON is located at a byte offset, which names no field.
    if item["type"] == "json_invalid":
        return "body"
    # Drop the "body"/"query"/"path" prefix: clients know where they sent it. A rule that
    # spans fields names its field after it (events.field_errors).
    path = error_path(item)
    return ".".join(path[1:] or path)


def _message(item: Mapping[str, Any]) -> str:
    """The validator's own words: pydantic puts "Value error, " before a ValueError's."""
    raised = item.get("ctx", {}).get("error") if item.get("type") == "value_error" else None
    return str(raised) if isinstance(raised, ValueError) else str(item["msg"])


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    details = [{"field": _field_name(item), "message": _message(item)} for item in error.errors()]
    summary = "; ".join(f"{item['field']}: {item['message']}" for item in details[:5])
    return problem(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_input", summary, errors=details)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    status = HTTPStatus(error.status_code)
    code = status.phrase.lower().replace(" ", "_").replace("-", "_")
    return problem(status, code, str(error.detail), headers=error.headers)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(errors.DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
