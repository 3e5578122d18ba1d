"""AI triage: the category model, its evaluation, and (to come) engines, KB and routing."""
