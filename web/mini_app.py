"""Telegram Mini App sign-in: ``initData`` checked by HMAC with the bot token.

aiogram's ``safe_parse_webapp_init_data`` checks the signature (HMAC-SHA-256 with the key
HMAC("WebAppData", bot token)); the age limit is ours, and so is the replay check, which
``events.dashboard_sign_in.remember_init_data`` keeps in the database so that every
instance behind a load balancer refuses a second use.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram.utils.web_app import safe_parse_webapp_init_data

# initData is a query string of a few hundred bytes; anything far longer is not one.
MAX_INIT_DATA_LENGTH = 4096
# A device clock a little ahead of the server's is not a forgery.
CLOCK_SKEW = timedelta(minutes=1)


class InitDataRefused(Exception):
    """Forged, malformed, without a user, too old, or from the future."""


@dataclass(frozen=True, slots=True)
class MiniAppUser:
    telegram_user_id: int
    language_code: str | None
    signed_hash: str  # the signature: what the replay check remembers
    valid_until: datetime


def checked_init_data(
    bot_token: str, init_data: str, now: datetime, max_age: timedelta
) -> MiniAppUser:
    if not init_data or len(init_data) > MAX_INIT_DATA_LENGTH:
        raise InitDataRefused("no initData")
    try:
        parsed = safe_parse_webapp_init_data(bot_token, init_data)
    except ValueError:
        raise InitDataRefused("the signature does not match") from None
    if parsed.user is None:
        raise InitDataRefused("no user")
    signed_at = parsed.auth_date
    if signed_at > now + CLOCK_SKEW or now - signed_at > max_age:
        raise InitDataRefused("too old")
    return MiniAppUser(
        parsed.user.id, parsed.user.language_code, parsed.hash, signed_at + max_age + CLOCK_SKEW
    )
