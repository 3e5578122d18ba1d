"""Where file contents live: attachments' bytes, addressed by their SHA-256."""
