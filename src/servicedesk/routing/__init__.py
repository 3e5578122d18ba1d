"""Who works on a new ticket: the create steps that assign it (round-robin in a group).
Above both `tickets` and `users`: it reads the one and writes through the other."""
