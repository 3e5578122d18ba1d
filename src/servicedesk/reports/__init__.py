"""What the console's dashboard shows: counts and times over a tenant's recent tickets."""
