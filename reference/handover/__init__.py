"""rfc5269.handover."""
