"""The knowledge base: a tenant's articles, the source of suggested replies."""
