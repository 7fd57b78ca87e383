"""Webhook mode: updates Telegram POSTs to our HTTP server, checked by their secret."""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from pydantic import ValidationError


def webhook_secret(configured: str | None, bot_token: str) -> str:
    """The configured secret, else one derived from the bot token, the same in every
    instance behind a load balancer (Telegram allows 1–256 of ``[A-Za-z0-9_-]``)."""
    return configured or hashlib.sha256(f"redbridge-webhook:{bot_token}".encode()).hexdigest()


@dataclass
class WebhookReceiver:
    bot: Bot
    dispatcher: Dispatcher
    secret: str

    def is_genuine(self, header: str | None) -> bool:
        return header is not None and secrets.compare_digest(header.encode(), self.secret.encode())

    async def receive(self, payload: Any) -> bool:
        """Handle one update; False if the payload is not an update at all."""
        try:
            update = Update.model_validate(payload, context={"bot": self.bot})
        except ValidationError:
            return False
        await self.dispatcher.feed_webhook_update(self.bot, update)
        return True
