"""Fake external services for the tests: real HTTP servers on 127.0.0.1."""
