"""`python -m servicedesk` runs the CLI."""

from servicedesk.cli import app

app()
