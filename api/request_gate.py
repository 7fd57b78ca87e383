"""The gate every request passes before the app reads its body: a size limit, and the
API token checked first.

FastAPI reads and parses a request body before it solves a route's dependencies, so a
route's token check alone comes too late: without a token, a client could make the
server read (and hold) any amount. This pure ASGI middleware runs before any of that:

- A body announced larger than the path's limit (``Content-Length``) is refused with 413
  at once, unread. A body sent without a length (chunked) is counted as the app reads it;
  the read that passes the limit raises a 413 ``HTTPException``, which FastAPI and the
  problem handlers turn into the same answer. Either way the server stops reading.
- A write to the REST API (``/api/v1``) that carries a body needs a token (every such
  route does): a missing, unknown or revoked bearer token gets 401 before one byte of the
  body is read (the public reads take no body, so FastAPI reads none). A request with
  a bearer token is authenticated here, once; the route's dependency takes the
  principal from ``request.state`` (``api.dependencies``). An address that sent too many
  wrong tokens gets 429 before its token is looked at (``api.throttle``).

The limits are bytes of body as sent (before any decoding); the webhook has its own.
"""

from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem
from api.throttle import TOO_MANY, FailedAttempts, address_in
from events.principals import Principal

Authenticator = Callable[[str], Awaitable[Principal | None]]

# Where the app keeps the principal found here, in the request's state.
PRINCIPAL_STATE = "principal"
CHALLENGE = {"WWW-Authenticate": "Bearer"}
# A refused body is not read: the connection closes after the answer, so the client
# stops sending and uvicorn does not read (and drop) the rest.
_CLOSE = {"Connection": "close"}
TOKEN_REQUIRED = "an API token is required (Authorization: Bearer …)"
TOKEN_UNKNOWN = "the API token is unknown or revoked"
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_secret(authorization: str | None) -> str | None:
    """The secret of an ``Authorization: Bearer <secret>`` header, else None."""
    if not authorization:
        return None
    scheme, _, secret = authorization.partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and secret else None


def _too_large(limit: int) -> str:
    return f"the request body is larger than {limit} bytes"


class RequestGate:
    """See the module docstring. ``limits`` maps a path to its own limit (the webhook)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        api_prefix: str,
        authenticate: Authenticator,
        attempts: FailedAttempts,
        limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.api_prefix = api_prefix
        self.authenticate = authenticate
        self.attempts = attempts
        self.limits = dict(limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.limits.get(path, self.max_body_bytes)
        headers = Headers(scope=scope)
        announced = _content_length(headers)
        if announced is not None and announced > limit:
            await _refuse(scope, receive, send, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, limit)
            return
        has_body = scope["method"] not in _READS and (
            (announced or 0) > 0 or "chunked" in headers.get("transfer-encoding", "").lower()
        )
        if path == self.api_prefix or path.startswith(self.api_prefix + "/"):
            secret = bearer_secret(headers.get("authorization"))
            if secret is not None:
                address = address_in(scope.get("client"))
                wait = self.attempts.retry_after("token", address)
                if wait is not None:
                    await _too_many(scope, receive, send, wait)
                    return
                principal = await self.authenticate(secret)
                if principal is None:
                    self.attempts.count("token", address)
                    await _unauthorised(scope, receive, send, TOKEN_UNKNOWN)
                    return
                scope.setdefault("state", {})[PRINCIPAL_STATE] = principal
            elif has_body:
                await _unauthorised(scope, receive, send, TOKEN_REQUIRED)
                return
        await self.app(scope, _counted(receive, limit), send)


def _content_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    # uvicorn refuses a malformed length itself; anything odd here is left to it.
    return int(value) if value is not None and value.isdigit() else None


def _counted(receive: Receive, limit: int) -> Receive:
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _too_large(limit), _CLOSE)
        return message

    return counted


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: HTTPStatus, limit: int
) -> None:
    # The same code as the 413 the problem handlers make of the HTTPException above.
    code = status.phrase.lower().replace(" ", "_")
    response = problem(status, code, _too_large(limit), headers=_CLOSE)
    await response(scope, receive, send)


async def _too_many(scope: Scope, receive: Receive, send: Send, wait: int) -> None:
    headers = {"Retry-After": str(wait)} | _CLOSE
    response = problem(HTTPStatus.TOO_MANY_REQUESTS, "too_many_requests", TOO_MANY, headers)
    await response(scope, receive, send)


async def _unauthorised(scope: Scope, receive: Receive, send: Send, detail: str) -> None:
    headers = CHALLENGE | _CLOSE
    response = problem(HTTPStatus.UNAUTHORIZED, "unauthorized", detail, headers=headers)
    await response(scope, receive, send)
