"""rfc5269.wire — strict wire codec for RFC 5269 messages and options."""
