"""People of a tenant (agents and admins) and their groups."""
