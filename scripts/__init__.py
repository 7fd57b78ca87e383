"""Maintenance tools run from the repository root, e.g. ``python scripts/catalogues.py``."""
