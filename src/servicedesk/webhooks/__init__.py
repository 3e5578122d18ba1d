"""Webhook subscriptions and their signed, retried, ordered deliveries."""
