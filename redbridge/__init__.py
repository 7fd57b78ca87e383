"""Composition root: settings, the command line and the wiring of Redbridge's parts."""
