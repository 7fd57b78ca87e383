"""The outbox: every message Redbridge sends on its own is a row here first.

What is queued and whether it still holds when its turn comes are decided here, side
by side; the dispatcher (``scheduler.dispatcher``) only claims due rows in priority
order, asks ``verdicts.examine``, renders, sends, and records what Telegram said.

- ``queue``: what a row says (``Kind``), how urgent it is, its states; ``enqueue``
  and ``withdraw``;
- ``notices``: which messages a change to registrations or events queues;
- ``reminders``: reminders before an event, queued when their time has come;
- ``verdicts``: at send time, whether a queued message still holds;
- ``delivery``: the dispatcher's lease, its claims and the outcomes it records.
"""
