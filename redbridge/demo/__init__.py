"""Demo data for ``redbridge demo``: the programmes the expert group's report proposes.

Everything goes through the domain use cases (as ``SYSTEM``), so the demo obeys the same
rules as an organiser would. The texts live in ``texts.toml``, where a translator edits them;
the dates, places and rules live in ``programmes.py``. Loading twice changes nothing.

Content stays neutral and factual (see the glossary): no contested place names and no
political statements, only what the programmes are and how to take part.
"""

from redbridge.demo.loading import load_demo
from redbridge.demo.programmes import SUMMER_SCHOOL, DemoProgramme, demo_programmes

__all__ = ["SUMMER_SCHOOL", "DemoProgramme", "demo_programmes", "load_demo"]
