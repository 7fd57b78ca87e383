"""A person's own registrations: status, ticket, calendar, cancelling, waitlist offers."""
