"""The organiser dashboard: web pages that are also a Telegram Mini App."""
