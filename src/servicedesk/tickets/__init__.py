"""Tickets: the Tickets API of the seed document and the triage fields."""
