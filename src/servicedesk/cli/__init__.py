"""The `servicedesk` command line, a module per group of commands:

    server.py    serve, worker, openapi
    data.py      db upgrade / downgrade / copy, export, import
    tenants.py   tenants, keys
    users.py     users
    provider.py  provider
    triage.py    triage train / use / eval

Each registers its commands on the groups of `base.py` when imported; importing this
package imports them all.
"""

from servicedesk.cli import data, provider, server, tenants, triage, users  # noqa: F401
from servicedesk.cli.base import app

__all__ = ["app"]
