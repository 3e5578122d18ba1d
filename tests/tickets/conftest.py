"""Ticket tests share the root fixtures (`create_ticket`, `SEED_CREATE`)."""
