"""servicedesk: a self-hosted IT service desk API."""

__version__ = "0.1.0"
