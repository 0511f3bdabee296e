"""Outstanding-nonce rules that surviving mutants of ``rfc5269.send.nonces`` showed untested.

RFC 3971 §5.3.2-§5.3.4.1, RFC 5269 §3.3. Each test names the mutants it
kills (reference/data/mutation_results.json).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from rfc5269.send.nonces import NonceStore, make_nonce
from rfc5269.send.verdict import Reason


def test_rng_of_the_wrong_length_is_refused() -> None:
    """A nonce shorter than asked would weaken RFC3971-5.3.2-M1; it is refused.

    Kills the removed ``raise ValueError`` after the ``len(nonce) != length`` check.
    """
    with pytest.raises(ValueError, match="wrong number"):
        make_nonce(lambda n: bytes(n - 1))
    with pytest.raises(ValueError, match="wrong number"):
        make_nonce(lambda n: bytes(n + 1))
    assert make_nonce(lambda n: bytes(range(n))) == bytes(range(6))


def test_remembering_a_nonce_again_renews_its_place() -> None:
    """A nonce sent again is the newest outstanding one, not the first to be dropped.

    RFC3971-5.3.3-M2 (the solicitor remembers each solicitation's nonce);
    RFC3971-5.3.4.1-M1 (an answer to a recent solicitation is accepted). With
    room for two, re-sending A after B and then sending C drops B, not A.
    Kills the removed ``self._nonces.pop(nonce, None)`` in ``remember``.
    """
    s = NonceStore(lifetime=10, max_outstanding=2)
    a, b, c = b"A" * 6, b"B" * 6, b"C" * 6
    s.remember(a, 0)
    s.remember(b, 1)
    s.remember(a, 2, context="second")
    s.remember(c, 3)
    v = s.check(a, "r1", 4)
    assert v.accepted and v.info is not None and v.info.context == "second"
    assert s.check(b, "r1", 4).reason is Reason.NONCE_UNKNOWN
    # The store stays in expiry order: at 12 A (expires 12) goes, C (13) stays.
    s.expire(12)
    assert len(s) == 1 and s.check(c, "r1", 12).accepted


def test_default_lifetime_is_ten_seconds() -> None:
    """An outstanding nonce lives 10 s by default (sendd's value, interop-facts.md).

    RFC3971-5.3.4.1-M1 ("recently"). Kills ``DEFAULT_NONCE_LIFETIME = 10`` -> ``11``.
    """
    s = NonceStore()
    s.remember(b"n" * 6, 100)
    assert s.check(b"n" * 6, "r1", Fraction(110) - Fraction(1, 1000)).accepted
    assert s.check(b"n" * 6, "r1", 110).reason is Reason.NONCE_UNKNOWN


def test_forgotten_nonce_no_longer_matches() -> None:
    """A superseded solicitation's nonce is forgotten: answers to it are unknown.

    RFC3971-5.3.4.1-M2 (an unrecognised nonce is discarded), CL-12 single
    outstanding RtSolPr. Kills the removed ``self._nonces.pop(nonce, None)``
    in ``NonceStore.forget``.
    """
    s = NonceStore()
    s.remember(b"a" * 6, 0)
    s.remember(b"b" * 6, 0)
    s.forget(b"a" * 6)
    assert s.check(b"a" * 6, "r1", 1).reason is Reason.NONCE_UNKNOWN
    assert s.check(b"b" * 6, "r1", 1).accepted and len(s) == 1
    s.forget(b"never" * 2)  # forgetting an unknown nonce is harmless
    assert len(s) == 1


def test_default_store_keeps_64_outstanding_nonces() -> None:
    """At most 64 outstanding nonces by default; the 65th pushes out the oldest.

    Bounded state (RFC 5269 §5; issue-6 invariant), RFC3971-5.3.3-M2.
    Kills ``max_outstanding: int = 64`` -> ``65``.
    """
    s = NonceStore()
    nonces = [i.to_bytes(6, "big") for i in range(65)]
    for n in nonces[:64]:
        s.remember(n, 0)
    assert len(s) == 64 and s.check(nonces[0], "r", 1).accepted
    s.remember(nonces[64], 0)
    assert len(s) == 64
    assert s.check(nonces[0], "r", 1).reason is Reason.NONCE_UNKNOWN
    assert s.check(nonces[64], "r", 1).accepted
