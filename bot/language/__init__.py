"""/language: switching the language at any time."""
