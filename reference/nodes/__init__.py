"""rfc5269.nodes."""
