"""rfc5269.proofs — the security properties of RFC 5269 and their prover."""
