"""getUpdates long polling and the webhook settings (setWebhook, deleteWebhook, info)."""

import asyncio
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from emulator.errors import bad_request, conflict
from emulator.params import Params
from emulator.state import EmulatorState, Handler
from emulator.updates import WebhookConfig

MAX_LIMIT = 100
MAX_POLL_TIMEOUT = 50  # seconds; longer requested timeouts are shortened
_SECRET = re.compile(r"[A-Za-z0-9_-]+")
_WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
_TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)


async def get_updates(state: EmulatorState, params: Params) -> list[dict[str, Any]]:
    """getUpdates: confirm by ``offset``, then wait up to ``timeout`` s for an update.

    A newer getUpdates call ends a waiting one with 409, as Telegram does when two bot
    instances poll the same token. Returned updates stay queued until a later
    ``offset`` confirms them.
    """
    if state.webhook is not None:
        raise conflict(_WEBHOOK_ACTIVE)
    ticket = state.updates.start_poll()
    offset = params.integer("offset")
    if offset:
        state.updates.confirm(offset)
    limit = min(max(params.integer("limit") or MAX_LIMIT, 1), MAX_LIMIT)
    timeout = min(max(params.integer("timeout") or 0, 0), MAX_POLL_TIMEOUT)
    state.updates.set_allowed(params.structure("allowed_updates"))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if state.updates.is_superseded(ticket):
            raise conflict(_TERMINATED)
        if state.webhook is not None:
            raise conflict(_WEBHOOK_ACTIVE)
        batch = state.updates.first(limit)
        remaining = deadline - loop.time()
        if batch or remaining <= 0 or state.closing:
            return batch
        await state.updates.changed.wait(remaining)


def _loopback_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _port = parts.port  # raises ValueError for a bad port
    except ValueError as error:
        raise bad_request("bad webhook: invalid URL") from error
    if parts.scheme not in ("http", "https"):
        raise bad_request("bad webhook: an HTTP(S) URL must be provided for webhook")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        # Tests must never send traffic off the machine.
        raise bad_request(
            "bad webhook: the emulator delivers only to loopback addresses "
            "(127.0.0.0/8, ::1, localhost)"
        )
    return url


def _secret(params: Params) -> str | None:
    secret = params.text("secret_token")
    if not secret:
        return None
    if len(secret) > 256:
        raise bad_request("secret token is too long")
    if not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    return secret


async def set_webhook(state: EmulatorState, params: Params) -> bool:
    """setWebhook: from now on updates are POSTed to ``url``; an empty url removes it."""
    url = params.text("url") or ""
    if not url:
        return await delete_webhook(state, params)
    config = WebhookConfig(url=_loopback_url(url), secret_token=_secret(params))
    max_connections = params.integer("max_connections")
    if max_connections is not None:
        if not 1 <= max_connections <= 100:
            raise bad_request("invalid max_connections specified")
        config.max_connections = max_connections
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    state.updates.set_allowed(params.structure("allowed_updates"))
    state.webhook = config
    state.updates.changed.notify()  # waiting polls answer 409, the delivery task starts
    return True


async def delete_webhook(state: EmulatorState, params: Params) -> bool:
    """deleteWebhook (optionally dropping pending updates); getUpdates works again."""
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    state.webhook = None
    state.updates.changed.notify()
    return True


async def get_webhook_info(state: EmulatorState, params: Params) -> dict[str, Any]:
    """getWebhookInfo: url ('' when polling), pending updates and the last delivery error."""
    config = state.webhook
    info: dict[str, Any] = {
        "url": config.url if config else "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if config is not None:
        info["max_connections"] = config.max_connections
        if config.last_error_date is not None:
            info["last_error_date"] = config.last_error_date
            info["last_error_message"] = config.last_error_message
    if state.updates.allowed_updates:
        info["allowed_updates"] = state.updates.allowed_updates
    return info


HANDLERS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
