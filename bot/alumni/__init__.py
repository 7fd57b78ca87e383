"""/alumni: invitations of imported alumni, one's own directory profile, searching the
directory and exchanging contacts (the rules are in ``events.alumni``)."""
