"""Telegram transport (aiogram 3): routers, keyboards, middlewares. Thin over ``events``."""
