"""Nonces: creation by solicitors and the outstanding-nonce store (RFC 3971 §5.3).

A solicitor (the MN sending an RtSolPr, a host sending a CPS) draws a nonce
with :func:`make_nonce`, puts it in a Nonce option and :meth:`NonceStore.remember`s
it, optionally with a context (RFC 5269 §3.3: the MN finds the handover key
encryption key by the nonce). An advertisement's nonce is judged with
:meth:`NonceStore.check` and, once the whole message has been accepted,
recorded with :meth:`NonceStore.commit` (a forged message must not consume a
nonce).

How many answers one nonce may accept is the CL-09 switch
:class:`rfc5269.interpretations.NonceRetention`:

* ``ONE_PER_ROUTER`` (default) — one answer per responder until the nonce
  expires: several routers may answer one RtSolPr (RFC 5269 §3.3), and the
  same router's answer (in particular a replay of it) is never accepted twice;
* ``SINGLE_ANSWER`` — the first accepted answer closes the nonce;
* ``UNLIMITED`` — any number of answers until expiry (replays included:
  the unsafe literal reading, kept to show what it allows).

The responder is named by its signing public key (the DER the Key Hash
names), not by its address: a replay carries the same signature key, while
an address is just a header field.

Lifetime: an outstanding nonce lives ``lifetime`` seconds (default 10 s, the
solicitation-nonce lifetime of the sendd implementation, interop-facts.md);
RFC 3971 §5.3.4.1 only says the solicitation must have been sent "recently".
An answered nonce is kept (as a tombstone) until the same expiry so that a
repeat answer is reported as ``NONCE_ALREADY_ANSWERED``. At most
``max_outstanding`` nonces are kept; the oldest goes first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from rfc5269.interpretations import NonceRetention
from rfc5269.send.verdict import Reason, Verdict
from rfc5269.wire.describe import fast_init

MIN_NONCE_LENGTH = 6  # octets, RFC 3971 §5.3.2
DEFAULT_NONCE_LIFETIME = Fraction(10)


def make_nonce(rng: Callable[[int], bytes], length: int = MIN_NONCE_LENGTH) -> bytes:
    """A fresh nonce of ``length`` random octets (RFC 3971 §5.3.2, §5.3.3).

    The length must be at least 6 and make the option (2 + length octets) a
    multiple of 8: 6, 14, 22, ...
    """
    if length < MIN_NONCE_LENGTH or (length + 2) % 8:
        raise ValueError("nonce length must be >= 6 with (length + 2) a multiple of 8")
    nonce = rng(length)
    if len(nonce) != length:
        raise ValueError("rng returned the wrong number of octets")
    return nonce


@dataclass
class _Outstanding:
    expires: Fraction
    context: Any
    answered_by: set[Hashable] = field(default_factory=set)


@fast_init
@dataclass(frozen=True)
class NonceMatch:
    """An advertisement's nonce matched an outstanding solicitation."""

    nonce: bytes
    responder: Hashable
    context: Any


class NonceStore:
    """Outstanding solicitation nonces of one node (RFC 3971 §5.3.4.1, RFC 5269 §3.3)."""

    def __init__(self, retention: NonceRetention = NonceRetention.ONE_PER_ROUTER,
                 lifetime: float | Fraction = DEFAULT_NONCE_LIFETIME,
                 max_outstanding: int = 64) -> None:
        self.retention = retention
        self.lifetime = Fraction(lifetime)
        self.max_outstanding = max_outstanding
        self._nonces: OrderedDict[bytes, _Outstanding] = OrderedDict()

    def __len__(self) -> int:
        return len(self._nonces)

    def remember(self, nonce: bytes, now: float | Fraction, context: Any = None) -> None:
        """Record the nonce of a solicitation sent at ``now`` (RFC 3971 §5.3.3)."""
        self.expire(now)
        self._nonces.pop(nonce, None)
        self._nonces[nonce] = _Outstanding(Fraction(now) + self.lifetime, context)
        while len(self._nonces) > self.max_outstanding:
            self._nonces.popitem(last=False)

    def expire(self, now: float | Fraction) -> None:
        """Forget nonces whose lifetime has passed (all share one lifetime: oldest first)."""
        t = Fraction(now)
        while self._nonces:
            nonce, entry = next(iter(self._nonces.items()))
            if entry.expires > t:
                break
            del self._nonces[nonce]

    def check(self, nonce: bytes, responder: Hashable, now: float | Fraction
              ) -> Verdict[NonceMatch]:
        """Judge an advertisement's nonce from ``responder`` (no state change)."""
        entry = self._nonces.get(nonce)
        if entry is None or entry.expires <= Fraction(now):
            return Verdict.reject(Reason.NONCE_UNKNOWN)
        if self.retention is NonceRetention.SINGLE_ANSWER and entry.answered_by:
            return Verdict.reject(Reason.NONCE_ALREADY_ANSWERED, "single-answer")
        if self.retention is NonceRetention.ONE_PER_ROUTER and responder in entry.answered_by:
            return Verdict.reject(Reason.NONCE_ALREADY_ANSWERED, "one-per-router")
        return Verdict.accept(NonceMatch(nonce, responder, entry.context))

    def forget(self, nonce: bytes) -> None:
        """Stop matching answers to ``nonce`` (its solicitation was superseded)."""
        self._nonces.pop(nonce, None)

    def commit(self, match: NonceMatch) -> None:
        """Record that ``match.responder``'s answer was accepted."""
        entry = self._nonces.get(match.nonce)
        if entry is not None:
            entry.answered_by.add(match.responder)
