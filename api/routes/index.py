"""``GET /``: where things are, for a person or program that opens the bare address."""

from typing import Any

from fastapi import APIRouter

from api.dependencies import LinksDep

router = APIRouter(tags=["health"])


@router.get("/")
async def index(links: LinksDep) -> dict[str, Any]:
    base = links.public_url.rstrip("/")
    bot = f"https://t.me/{links.bot_username}" if links.bot_username else None
    return {
        "name": "Redbridge",
        "docs": f"{base}/docs",
        "openapi": f"{base}/openapi.json",
        "api": f"{base}/api/v1",
        "calendar": f"{base}/calendar/all.ics",
        "health": f"{base}/healthz",
        "bot": bot,
    }
