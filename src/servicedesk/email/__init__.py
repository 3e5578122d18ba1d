"""E-mail in and out: a tenant's mail settings, raw messages taken in as tickets or notes
(threaded by Message-ID and a subject token), and public replies sent to the requester
through SMTP from the outbox. docs/email.md has the rules."""
