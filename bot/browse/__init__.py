"""Programmes → events → an event card, from buttons and deep links."""
