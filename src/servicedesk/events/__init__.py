"""Domain events: what happened to a ticket, recorded in the same transaction as the change."""
