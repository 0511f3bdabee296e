"""Handover key generation on the AR (RFC 5269 §3.6).

RFC5269-3.6-M1: the key is random and as strong as the authentication
algorithm needs; here it has the algorithm's key length
(:attr:`AuthAlgorithm.key_length`, the hash output length).
RFC5269-3.6-M2: every CGA public key gets its own key; the caller may pass the
keys it already holds in ``avoid`` and a (vanishingly unlikely) repeat is
drawn again.
RFC5269-3.6-S1: keys come straight from the injected random source and from
nothing else, so they are uncorrelated with each other and with CGA keys as
long as that source is a cryptographic one (the default, :func:`os.urandom`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container

from rfc5269.errors import ConfigurationError
from rfc5269.handover.algorithms import AuthAlgorithm

Rng = Callable[[int], bytes]
"""A source of random octets: called with a count, returns that many octets."""

_MAX_DRAWS = 8


def random_bytes(rng: Rng, count: int) -> bytes:
    """``count`` octets from ``rng``, checking it kept its contract."""
    out = rng(count)
    if not isinstance(out, bytes) or len(out) != count:
        raise ConfigurationError(f"the random source returned {len(out)} octets, not {count}")
    return out


def generate_handover_key(
    algorithm: AuthAlgorithm,
    rng: Rng = os.urandom,
    avoid: Container[bytes] = (),
) -> bytes:
    """A fresh handover key for ``algorithm`` (RFC 5269 §3.6).

    Raises :class:`ConfigurationError` if ``rng`` misbehaves (wrong length, or
    keeps returning keys found in ``avoid``).
    """
    for _ in range(_MAX_DRAWS):
        key = random_bytes(rng, algorithm.key_length)
        if key not in avoid:
            return key
    raise ConfigurationError("the random source keeps repeating existing handover keys")
