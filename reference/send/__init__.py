"""rfc5269.send."""
