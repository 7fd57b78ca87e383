"""/review: organisers go through an event's applications one at a time (profile,
answers, the balance so far against the targets), score and decide them, and see and
accept a balanced proposal."""
