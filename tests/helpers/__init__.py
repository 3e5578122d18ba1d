"""Helpers shared by more than one test package: one definition each."""
