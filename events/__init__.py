"""Redbridge's domain core: models, rules and use cases.

Transports (``bot``, ``api``, ``scheduler``) call the use cases in this package and
map its errors; nothing here imports aiogram or FastAPI. Most modules are named after
the use cases they hold (``programmes``, ``editions``, ``series``, ``registrations``,
``waitlist``, ``broadcasts``, ``participants``, ``listings``, ``own_registrations``,
``preferences``); ``*inputs`` validate what those are given; ``access`` and
``principals`` say who may call them, and ``audit`` records what organisers did.
Two subpackages hold larger parts: ``outbox`` (every message sent on Redbridge's own,
from queueing to the send-time checks) and ``feeds`` (calendar feeds).
"""
