"""Redbridge's domain core: models, rules and use cases.

Transports (``bot``, ``api``, ``scheduler``) call the use cases in this package and
map its errors; nothing here imports aiogram or FastAPI.
"""
