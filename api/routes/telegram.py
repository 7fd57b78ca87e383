"""The Telegram webhook, served by the same app when ``REDBRIDGE_WEBHOOK_URL`` is set."""

import json
from http import HTTPStatus

from fastapi import APIRouter, Request, Response

from api.problems import problem
from api.throttle import FailedAttempts, address_of
from bot.webhook import WebhookReceiver

router = APIRouter(tags=["telegram"], include_in_schema=False)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Updates are a few kilobytes; a long message with entities stays far below this.
WEBHOOK_MAX_BODY_BYTES = 1024 * 1024


@router.post(WEBHOOK_PATH)
async def telegram_webhook(request: Request) -> Response:
    receiver: WebhookReceiver | None = getattr(request.app.state, "telegram", None)
    if receiver is None:
        return problem(HTTPStatus.NOT_FOUND, "not_found", "the bot runs without a webhook")
    attempts: FailedAttempts = request.app.state.failed_attempts
    attempts.refuse_if_over("webhook", address_of(request))
    if not receiver.is_genuine(request.headers.get(SECRET_HEADER)):
        attempts.count("webhook", address_of(request))
        return problem(HTTPStatus.UNAUTHORIZED, "unauthorized", "wrong or missing secret token")
    try:
        payload = json.loads(await request.body())
    except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
        return problem(HTTPStatus.BAD_REQUEST, "bad_request", "the body is not JSON")
    if not await receiver.receive(payload):
        return problem(HTTPStatus.BAD_REQUEST, "bad_request", "the body is not an update")
    return Response(status_code=HTTPStatus.OK)
