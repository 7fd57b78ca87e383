"""Links in messages and buttons, accepted or dropped the way Telegram does."""

from urllib.parse import parse_qs, urlsplit


def mentioned_user_id(url: str) -> int | None:
    """The user id of a ``tg://user?id=<id>`` link (a text mention), else None."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "tg" or parts.netloc.lower() != "user":
        return None
    ids = parse_qs(parts.query).get("id", [])
    if len(ids) == 1 and ids[0].isascii() and ids[0].isdigit() and int(ids[0]) > 0:
        return int(ids[0])
    return None


def checked_url(url: str) -> str | None:
    """The link Telegram would keep for ``url``, or None when it would drop it.

    A simplification of TDLib's link check: http(s) with a host, ``tg:``/``ton:`` links,
    and bare ``host.tld/...`` (which gains ``http://``) are accepted.
    """
    url = url.strip()
    if not url or any(char.isspace() for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return url if parts.hostname else None
    if scheme in ("tg", "ton"):
        return url if parts.netloc or parts.path else None
    if "://" not in url and "." in url.split("/", 1)[0]:
        return checked_url(f"http://{url}")
    return None
