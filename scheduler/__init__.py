"""The clock (APScheduler) and, later, the outbox dispatcher."""
