"""Feedback surveys after an event: set up per event by its organisers, sent to the
people who attended when the event completes, answered in the bot (anonymously when the
organisers chose so), and summed up for organisers."""
