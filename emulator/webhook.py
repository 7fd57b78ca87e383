"""Webhook delivery: POST each queued update to the bot, in order, with bounded retries."""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal

import aiohttp

from emulator.errors import ApiError
from emulator.params import Params
from emulator.state import EmulatorState
from emulator.updates import WebhookConfig

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Perform = Callable[[str, Params], Awaitable[Any]]
Outcome = Literal["delivered", "failed", "withdrawn"]

log = logging.getLogger(__name__)


class WebhookDelivery:
    """Runs while the emulator runs; idle unless a webhook is set.

    One update at a time, oldest first (Telegram's ``max_connections`` parallelism is
    not emulated, so a slow bot sees updates strictly in order). A non-2xx answer or a
    connection error is retried after each of ``retry_delays``; after the last one the
    update is dropped and the error shows in getWebhookInfo. An answer with a JSON body
    holding ``"method"`` is executed like Telegram does, errors ignored.
    """

    def __init__(
        self,
        state: EmulatorState,
        perform: Perform,
        retry_delays: Sequence[float] = (0.1, 0.5, 1.0),
        timeout: float = 10.0,
    ) -> None:
        self.state = state
        self.perform = perform
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout

    async def run(self) -> None:
        """Deliver until the emulator closes."""
        async with aiohttp.ClientSession() as session:
            while not self.state.closing:
                batch = self.state.updates.first(1) if self.state.webhook else []
                if not batch:
                    await self.state.updates.changed.wait(3600)
                    continue
                outcome = await self._deliver(session, batch[0])
                if outcome != "withdrawn":
                    self.state.updates.remove(batch[0])

    async def _deliver(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> Outcome:
        for delay in (0.0, *self.retry_delays):
            if delay:
                await asyncio.sleep(delay)
            config = self.state.webhook
            if config is None or self.state.closing:
                return "withdrawn"  # deleteWebhook: the update waits for getUpdates
            error = await self._post(session, config, update)
            if error is None:
                self.state.stats.webhook_deliveries += 1
                return "delivered"
            self.state.stats.webhook_failures += 1
            config.last_error_date = self.state.now()
            config.last_error_message = error
        return "failed"

    async def _post(
        self, session: aiohttp.ClientSession, config: WebhookConfig, update: dict[str, Any]
    ) -> str | None:
        """None when the bot accepted the update, else Telegram's wording of the error."""
        headers = {SECRET_HEADER: config.secret_token} if config.secret_token else {}
        try:
            async with session.post(
                config.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                body = await response.read()
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                if response.content_type == "application/json":
                    await self._perform_reply(body)
                return None
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientError as error:
            log.debug("webhook delivery failed: %s", error)
            return "Connection refused"

    async def _perform_reply(self, body: bytes) -> None:
        try:
            reply = json.loads(body)
        except ValueError:
            return
        if isinstance(reply, dict) and isinstance(reply.get("method"), str):
            method = reply.pop("method")
            try:
                await self.perform(method, Params(reply))
            except ApiError as error:
                log.debug("method %s in a webhook reply failed: %s", method, error.description)
