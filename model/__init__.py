"""rfc5269.model — the Z3 model of the RFC 5269 exchange."""
