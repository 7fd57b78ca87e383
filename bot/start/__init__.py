"""First contact, deep links, help, and /cancel."""
