"""Organisers in chat: statistics and check-in."""
