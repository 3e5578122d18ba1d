"""Retention: rows that only grow (webhook deliveries and their attempts, failed jobs,
triage feedback, superseded triage models) are purged by age in small batches."""
