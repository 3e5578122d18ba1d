"""Rate limits per API key and per tenant (the `limits` library; memory or Redis)."""
