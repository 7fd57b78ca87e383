"""Registering or applying in chat, and editing one's profile: the router (``router``),
the steps and what each asks (``steps``), and the conversation states (``states``)."""
