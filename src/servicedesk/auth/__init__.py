"""Tenants, API keys and scopes: who is calling, and what they may do."""
