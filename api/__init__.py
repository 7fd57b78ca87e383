"""HTTP transport (FastAPI): REST under /api/v1, health, and later calendar feeds."""
