"""Prometheus metrics: what each process measures (`instruments`), the directory the
processes of one host share (`multiprocess`), and `GET /metrics` (`endpoints`).

Off unless `SERVICEDESK_METRICS_ENABLED=true`; then every call to `instruments` counts,
and `/metrics` answers the sum over every process writing into the shared directory
(`serve --workers N`, `servicedesk worker` on the same host) plus the outbox's state
read from the database at scrape time.
"""
