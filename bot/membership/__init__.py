"""Blocking and unblocking the bot (``my_chat_member`` updates)."""
