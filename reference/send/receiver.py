"""Everything a SEND receiver checks, in one call (RFC 3971 §5, §6; RFC 5269 §3.2-§3.3).

:class:`SendReceiver` holds the state one node needs — timestamp cache,
outstanding nonces, validated router keys — and judges a received ICMPv6
message with :meth:`SendReceiver.verify` (from its octets) or
:meth:`SendReceiver.verify_decoded` (from the octets and the options the
strict codec already decoded from them, so that they are not walked and
decoded twice); both run the same checks, in this order:

1. CGA and RSA Signature (:func:`rfc5269.send.signature.verify_signature`, in
   its :func:`~rfc5269.send.signature.check_signature` form);
   an unsigned message is *unsecured* (RFC 3971 §5.2.2);
2. a signed message must carry a Timestamp (RFC 3971 §5.3.4);
3. by kind (RFC 3971 §5.3.4):

   * ``SOLICITATION`` (RtSolPr, CPS): a Nonce is required; the timestamp
     passes the §5.3.4.2 rules;
   * ``ADVERTISEMENT`` (PrRtAdv, CPA): with a Nonce, the nonce must match an
     outstanding solicitation (§5.3.4.1, the CL-09 switch) and the timestamp
     is only recorded; without one, ``require_nonce`` (RFC 5269 §3.3 for a
     PrRtAdv) rejects it, otherwise it is judged as unsolicited (§5.3.4.2);

4. ``from_router``: under CertificateRequirement.RFC (CL-01, the IESG note
   in RFC 5269 §3.2-§3.3), the signing key must be a router key with a
   validated certification path (RFC 3971 §5.2.2, §6.3), and it must be
   authorized for ``authorized_prefixes`` (RFC 3971 §6.3.1);
5. only when everything passed: the timestamp cache and the nonce store
   are updated (a forged message changes no state).

``now`` is the receive time in seconds since 1970-01-01 UTC (the Timestamp
option's epoch); certificate validity is judged at that same instant.
"""

from __future__ import annotations

import datetime
import enum
import ipaddress
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rfc5269.interpretations import DEFAULT, CertificateRequirement, Interpretations
from rfc5269.send.keys import DEFAULT_KEY_POLICY, KeyPolicy
from rfc5269.send.nonces import NonceMatch, NonceStore
from rfc5269.send.pkix import RouterAuthorization, RouterKeyCache
from rfc5269.send.signature import SignedMessage, check_decoded_signature, check_signature
from rfc5269.send.timestamps import TimestampCache, TimestampDecision, TimestampPolicy
from rfc5269.send.verdict import Reason, Verdict
from rfc5269.wire.describe import fast_init
from rfc5269.wire.ndopt import NdOption, NonceOption, TimestampOption


class MessageKind(enum.Enum):
    """Which §5.3.4 rules apply."""

    SOLICITATION = "solicitation"  # RtSolPr, CPS
    ADVERTISEMENT = "advertisement"  # PrRtAdv, CPA


@fast_init
@dataclass(frozen=True)
class SecuredMessage:
    """What an accepted message established."""

    signed: SignedMessage
    timestamp: int  # the Timestamp field (48.16 fixed point)
    nonce: bytes | None
    nonce_context: Any  # what was remembered with the matching solicitation nonce
    router: RouterAuthorization | None  # the certified router key, when one was required
    pending: tuple[TimestampDecision | None, NonceMatch | None] = (None, None)
    """Cache updates held back by ``verify(..., defer_commit=True)``; see ``commit``."""

    @property
    def public_key_der(self) -> bytes:
        return self.signed.public_key_der


def utc(now: float | Fraction) -> datetime.datetime:
    """Seconds since the epoch as an aware UTC datetime."""
    return datetime.datetime.fromtimestamp(float(now), datetime.UTC)


class _KnownKeys(Mapping[bytes, bytes]):
    """``router_keys.known_keys(when)``, built on first use.

    The verifier consults the keys known by other means only for a message
    without a CGA option (RFC 3971 §5.2.2); a message with one never pays
    for building the map.
    """

    def __init__(self, router_keys: RouterKeyCache, when: datetime.datetime) -> None:
        self._router_keys = router_keys
        self._when = when
        self._keys: dict[bytes, bytes] | None = None

    def _built(self) -> dict[bytes, bytes]:
        if self._keys is None:
            self._keys = self._router_keys.known_keys(self._when)
        return self._keys

    def __getitem__(self, key_hash_value: bytes) -> bytes:
        return self._built()[key_hash_value]

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


class SendReceiver:
    """SEND receive-side state and checks of one node (see the module docstring)."""

    def __init__(
        self,
        interpretations: Interpretations = DEFAULT,
        *,
        key_policy: KeyPolicy = DEFAULT_KEY_POLICY,
        timestamp_policy: TimestampPolicy | None = None,
        nonces: NonceStore | None = None,
        router_keys: RouterKeyCache | None = None,
    ) -> None:
        self.interpretations = interpretations
        self.key_policy = key_policy
        self.timestamps = TimestampCache(timestamp_policy)
        self.nonces = nonces or NonceStore(interpretations.nonce_retention)
        self.router_keys = router_keys or RouterKeyCache()

    def remember_nonce(self, nonce: bytes, now: float | Fraction, context: Any = None) -> None:
        """Record the nonce of a solicitation this node sent (RFC 3971 §5.3.3)."""
        self.nonces.remember(nonce, now, context)

    def verify(
        self,
        icmp: bytes,
        src: ipaddress.IPv6Address,
        dst: ipaddress.IPv6Address,
        now: float | Fraction,
        kind: MessageKind,
        *,
        from_router: bool = False,
        require_nonce: bool = False,
        authorized_prefixes: Iterable[ipaddress.IPv6Network] = (),
        cga_address: ipaddress.IPv6Address | None = None,
        defer_commit: bool = False,
    ) -> Verdict[SecuredMessage]:
        """Judge a received message; on acceptance the caches are updated.

        With ``defer_commit`` the timestamp and nonce caches are left alone and
        the updates travel in ``SecuredMessage.pending``: a caller with checks
        of its own after SEND (the MN, RFC 5269 §3.3) calls :meth:`commit` only
        once the whole message is accepted, so a message rejected later spends
        no nonce.
        """
        when = utc(now) if from_router else None
        known = _KnownKeys(self.router_keys, when) if when is not None else None
        signed = check_signature(
            icmp, src, dst, cga_address=cga_address, known_keys=known,
            key_policy=self.key_policy, sec_range=self.interpretations.cga_sec_range,
            signed_checksum=self.interpretations.signed_checksum)
        return self._judge(signed, src, now, when, kind, from_router=from_router,
                           require_nonce=require_nonce,
                           authorized_prefixes=authorized_prefixes, defer_commit=defer_commit)

    def verify_decoded(
        self,
        icmp: bytes,
        options: Sequence[NdOption],
        signature_index: int,
        src: ipaddress.IPv6Address,
        dst: ipaddress.IPv6Address,
        now: float | Fraction,
        kind: MessageKind,
        *,
        checksum_verified: bool,
        from_router: bool = False,
        require_nonce: bool = False,
        authorized_prefixes: Iterable[ipaddress.IPv6Network] = (),
        cga_address: ipaddress.IPv6Address | None = None,
        defer_commit: bool = False,
    ) -> Verdict[SecuredMessage]:
        """:meth:`verify` for a message the caller has already decoded strictly.

        ``icmp`` are the octets as received, ``options`` their options as the
        codec decoded them, ``signature_index`` the index of the first RSA
        Signature option among them (``len(options)`` if none) and
        ``checksum_verified`` whether the codec verified the ICMPv6 checksum
        (see :func:`rfc5269.send.signature.check_decoded_signature`). The
        SEND checks are the same code as :meth:`verify`'s and give the same
        verdict; only the second walk over the options is spared.
        """
        when = utc(now) if from_router else None
        known = _KnownKeys(self.router_keys, when) if when is not None else None
        signed = check_decoded_signature(
            icmp, src, dst, options, signature_index, checksum_verified=checksum_verified,
            cga_address=cga_address, known_keys=known,
            key_policy=self.key_policy, sec_range=self.interpretations.cga_sec_range,
            signed_checksum=self.interpretations.signed_checksum)
        return self._judge(signed, src, now, when, kind, from_router=from_router,
                           require_nonce=require_nonce,
                           authorized_prefixes=authorized_prefixes, defer_commit=defer_commit)

    def _judge(
        self,
        signed: SignedMessage | Verdict[Any],
        src: ipaddress.IPv6Address,
        now: float | Fraction,
        when: datetime.datetime | None,
        kind: MessageKind,
        *,
        from_router: bool,
        require_nonce: bool,
        authorized_prefixes: Iterable[ipaddress.IPv6Network],
        defer_commit: bool,
    ) -> Verdict[SecuredMessage]:
        """Steps 2-5 of the module docstring for a message whose signature was checked."""
        if isinstance(signed, Verdict):
            return signed
        ts_opt = signed.first(TimestampOption)
        if ts_opt is None:
            return Verdict.reject(Reason.TIMESTAMP_MISSING)
        nonce_opt = signed.first(NonceOption)
        nonce = nonce_opt.nonce if nonce_opt is not None else None
        ts_decision: TimestampDecision | None = None
        match: NonceMatch | None = None
        if kind is MessageKind.SOLICITATION or nonce is None:
            if nonce is None and (kind is MessageKind.SOLICITATION or require_nonce):
                return Verdict.reject(Reason.NONCE_MISSING)
            judged = self.timestamps.judge(src, ts_opt.timestamp, now, signed.sec)
            if isinstance(judged, Verdict):
                return judged
            ts_decision = judged
        else:
            nv = self.nonces.check(nonce, signed.public_key_der, now)
            if not nv.accepted:
                return nv.relay()
            match = nv.info
            # §5.3.4.1: a solicited advertisement's timestamp is stored, not judged.
            judged = self.timestamps.judge(src, ts_opt.timestamp, now, signed.sec)
            ts_decision = None if isinstance(judged, Verdict) else judged
        router: RouterAuthorization | None = None
        if from_router and self.interpretations.certificate_requirement is \
                CertificateRequirement.RFC:
            assert when is not None
            router = self.router_keys.lookup(signed.key_hash, when)
            if router is None:
                return Verdict.reject(Reason.NOT_CERTIFIED)
            for prefix in authorized_prefixes:
                if not router.authorizes(prefix):
                    return Verdict.reject(Reason.CERT_PREFIX_NOT_AUTHORIZED, str(prefix))
        secured = SecuredMessage(signed, ts_opt.timestamp, nonce,
                                 match.context if match else None, router,
                                 (ts_decision, match))
        if not defer_commit:
            self.commit(secured)
        return Verdict.accept(secured)

    def commit(self, secured: SecuredMessage) -> None:
        """Apply the cache updates of an accepted message (RFC 3971 §5.3.4.1-§5.3.4.2)."""
        ts_decision, match = secured.pending
        if ts_decision is not None:
            self.timestamps.commit(ts_decision)
        if match is not None:
            self.nonces.commit(match)
