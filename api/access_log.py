"""uvicorn's access log without personal data: personal calendar and join tokens in paths and the
values of query parameters (Telegram ids, among others) are written as ``…``.

Query values are all redacted rather than a list of known ones, so a parameter added
later cannot leak by being forgotten here; the parameter names stay, for debugging.
"""

import logging
import re
from urllib.parse import parse_qsl

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "…"
# Paths whose last part is a secret: the personal feed (``/calendar/me/<token>.ics``),
# a participant's join redirect (``/j/<token>``) and an organiser's one-time dashboard
# sign-in link (``/dashboard/sign-in/<token>``).
_SECRET_PATH = re.compile(r"^(/calendar/me/|/j/|/dashboard/sign-in/)[^/?]*?(\.ics)?$")


def redact_target(target: str) -> str:
    """A request target (path and query) as it may be logged."""
    path, mark, query = target.partition("?")
    path = _SECRET_PATH.sub(lambda found: f"{found[1]}{REDACTED}{found[2] or ''}", path)
    if not mark:
        return path
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return f"{path}?" + "&".join(f"{name}={REDACTED}" for name in names)


class RedactAccessLog(logging.Filter):
    """Rewrites the request target of uvicorn's access records (its third argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (once, however often called)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, RedactAccessLog) for existing in logger.filters):
        logger.addFilter(RedactAccessLog())
