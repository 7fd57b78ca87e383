"""The error answers of the Bot API, as one exception the method handlers raise."""

from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """An unsuccessful Bot API answer: ``{"ok": false, "error_code": ..., "description": ...}``.

    ``retry_after`` (seconds) is sent as ``parameters.retry_after``, as Telegram does
    with 429 answers.
    """

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def envelope(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 with Telegram's ``"Bad Request: <reason>"`` wording."""
    return ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """A 403 with Telegram's ``"Forbidden: <reason>"`` wording."""
    return ApiError(HTTPStatus.FORBIDDEN, f"Forbidden: {reason}")


def conflict(reason: str) -> ApiError:
    """A 409 with Telegram's ``"Conflict: <reason>"`` wording."""
    return ApiError(HTTPStatus.CONFLICT, f"Conflict: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 that tells the client to wait ``retry_after`` whole seconds."""
    return ApiError(
        HTTPStatus.TOO_MANY_REQUESTS,
        f"Too Many Requests: retry after {retry_after}",
        retry_after=retry_after,
    )


def not_found() -> ApiError:
    """What Telegram answers for a method it does not know."""
    return ApiError(HTTPStatus.NOT_FOUND, "Not Found")


def unauthorized() -> ApiError:
    """What Telegram answers for a token it does not know."""
    return ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized")
