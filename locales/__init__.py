"""Gettext catalogues: ``<language>/LC_MESSAGES/redbridge.po`` for en (source), hy, az, ka, ru.

The ``.po`` files are read and compiled in memory at start-up, so a fresh clone works
without a compile step.
"""

from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent
DOMAIN = "redbridge"
