"""One tenant's data as a JSON Lines file: `servicedesk export` writes it, `servicedesk
import` reads it into any installation (docs/operations.md, "Backup and restore")."""
