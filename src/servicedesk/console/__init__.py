"""The agents' web console under /console/: sign-in, queues, the ticket page with the
AI panel, the knowledge base and the admin pages, server-rendered with Jinja2."""
