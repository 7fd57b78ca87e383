"""Telegram transport (aiogram 3), thin over ``events``.

One package per feature (``signup``, ``broadcasts``, ``browse``, ``mine``, ``privacy``,
``organiser``, ``start``, ``language``, ``membership``, ``fallback``), each with its
router and whatever only it uses; the parts every feature shares (``i18n``,
``keyboards``, ``callbacks``, ``replies``, ``guards``, ``drafts``, ``views``, ``context``,
``storage``) sit here. ``runtime`` builds the dispatcher and says why its routers come
in that order.
"""
