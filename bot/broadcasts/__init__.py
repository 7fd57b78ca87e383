"""Organisers write to their participants: composing a broadcast (``compose``, with its
prompts and states) and following it up (``reports``); ``views`` is what both show."""
