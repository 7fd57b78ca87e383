"""The organiser dashboard: server-rendered pages under ``/dashboard``, also a Telegram
Mini App. A third transport beside ``api`` and ``bot``, as thin as they are: each page
calls ``events`` use cases with the principal of the organiser's Telegram account and
renders the result with Jinja2 in the organiser's language (the bot's catalogues).

``install_dashboard`` mounts it on the app the composition root builds.
"""
