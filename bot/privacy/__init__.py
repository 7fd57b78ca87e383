"""/profile, /mydata and /forget: what is stored about a person, and erasing it."""
