"""The database: engine, sessions, declarative base and migrations."""
