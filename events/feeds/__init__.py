"""Calendar feeds (iCalendar over HTTP, and the bot's "Add to calendar" file).

- ``kinds``: the four feeds (one event, a programme, all events, a person's own) and
  how one is asked for;
- ``query``: which rows a feed holds, and the cheap probe of whether they changed;
- ``render``: those rows as ``text/calendar`` bytes, a pure function of them;
- ``cache``: rendered feeds kept per process until their data changes;
- ``serve``: ``get_feed``, the use case that ties the three together;
- ``subscriptions``: the URLs people subscribe to;
- ``tokens``: the secret tokens of personal feed URLs.
"""
