"""Live black-box conformance testing over real interfaces (``rfc5269 conform``)."""
