"""Schema migrations (Alembic): ``versions`` holds them, ``runner`` applies them."""
