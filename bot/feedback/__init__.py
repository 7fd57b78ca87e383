"""Feedback surveys in the chat: the survey the outbox sends, answering it, and the
organisers' summary in /stats."""
