"""The transactional outbox and the worker that drains it: the one job mechanism."""
