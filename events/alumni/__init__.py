"""The alumni network: who is an alumnus of which edition, the opt-in directory and the
double opt-in contact exchange.

- ``membership``: attendees become alumni when their event completes; who a person is
  an alumnus of;
- ``imports``: organisers' CSV import of past editions' alumni;
- ``invitations``: imported people confirm (or decline) in the bot before anything
  about them is visible;
- ``visibility``: who may see which profile field (one rule, in Python and in SQL);
- ``profiles``: a person's own profile and its per-field audiences;
- ``directory``: searching the directory as one viewer sees it;
- ``connections``: contact requests, answers, blocks and reports;
- ``statistics``: organisers' counts, never a hidden field.
"""
