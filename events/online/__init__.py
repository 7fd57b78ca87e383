"""Online and hybrid events: the private join link and the redirect that guards it.

The real link (``Event.join_url``) leaves Redbridge only as the target of a redirect:
a person with a confirmed online seat gets ``/j/<token>``, unique to their ticket, which
records their attendance when opened in the event's time window and forwards them.
"""
