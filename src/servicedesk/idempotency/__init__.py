"""Idempotency-Key: replaying the first response of a retried create."""
