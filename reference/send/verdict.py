"""Structured verdicts of the SEND security layer.

Every check in :mod:`rfc5269.send` answers with a :class:`Verdict`, never with
a bare boolean and never with an exception for a rejection. A verdict is one
of three outcomes:

* ``ACCEPTED`` — every check passed; ``info`` may carry what was learned
  (the verified public key, the CGA Sec value, the nonce, ...);
* ``REJECTED`` — one check failed; ``reason`` names it, and every
  :class:`Reason` member names the RFC section that requires the check;
* ``UNSECURED`` — RFC 3971 says to process the message as if it came from a
  node that does not use SEND (for example an unsigned message, §5.2.2);
  what the caller does with it is its own policy (RFC 5269 requires SEND
  protection, so the AR and MN drop such messages).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rfc5269.wire.describe import fast_init


class Reason(enum.Enum):
    """Why a message, address, key or certificate was not accepted.

    Each member's value is a short identifier; :attr:`ref` gives the RFC
    section that requires the check and :attr:`summary` a one-line
    description.
    """

    # -- message structure ------------------------------------------------
    MALFORMED = "malformed"
    CHECKSUM_INVALID = "checksum-invalid"
    # -- RFC 3971 §5.2.2 ---------------------------------------------------
    UNSIGNED = "unsigned"
    KEY_HASH_UNKNOWN = "key-hash-unknown"
    KEY_MISMATCH = "key-mismatch"
    SIGNATURE_MALFORMED = "signature-malformed"
    SIGNATURE_INVALID = "signature-invalid"
    NOT_CERTIFIED = "not-certified"
    # -- RFC 3971 §5.1.3 / §6.3.1 key checks -------------------------------
    KEY_MALFORMED = "key-malformed"
    KEY_NOT_RSA = "key-not-rsa"
    KEY_TOO_SHORT = "key-too-short"
    KEY_TOO_LONG = "key-too-long"
    KEY_EXPONENT_UNSOUND = "key-exponent-unsound"
    # -- RFC 3972 §5 CGA verification --------------------------------------
    CGA_COLLISION_COUNT = "cga-collision-count"
    CGA_PREFIX_MISMATCH = "cga-prefix-mismatch"
    CGA_HASH1_MISMATCH = "cga-hash1-mismatch"
    CGA_SEC_NOT_ACCEPTED = "cga-sec-not-accepted"
    CGA_HASH2_NOT_ZERO = "cga-hash2-not-zero"
    # -- RFC 3971 §5.3.4 timestamps and nonces -----------------------------
    TIMESTAMP_MISSING = "timestamp-missing"
    NONCE_MISSING = "nonce-missing"
    TIMESTAMP_OUTSIDE_WINDOW = "timestamp-outside-window"
    TIMESTAMP_NOT_FRESH = "timestamp-not-fresh"
    TIMESTAMP_CACHE_FULL = "timestamp-cache-full"
    NONCE_UNKNOWN = "nonce-unknown"
    NONCE_ALREADY_ANSWERED = "nonce-already-answered"
    # -- RFC 3971 §6.3 certification paths ---------------------------------
    CERT_MALFORMED = "cert-malformed"
    CERT_UNKNOWN_ANCHOR = "cert-unknown-anchor"
    CERT_ISSUER_MISMATCH = "cert-issuer-mismatch"
    CERT_SIGNATURE_INVALID = "cert-signature-invalid"
    CERT_EXPIRED = "cert-expired"
    CERT_NOT_CA = "cert-not-ca"
    CERT_UNKNOWN_CRITICAL_EXTENSION = "cert-unknown-critical-extension"
    CERT_WRONG_PURPOSE = "cert-wrong-purpose"
    CERT_KEY_NOT_RSA = "cert-key-not-rsa"
    CERT_ADDRESS_BLOCKS_MALFORMED = "cert-address-blocks-malformed"
    CERT_ADDRESS_BLOCKS_NOT_DELEGATED = "cert-address-blocks-not-delegated"
    CERT_PREFIX_NOT_AUTHORIZED = "cert-prefix-not-authorized"

    @property
    def ref(self) -> str:
        """The RFC section that requires this check."""
        return _INFO[self][0]

    @property
    def summary(self) -> str:
        """One line: what failed."""
        return _INFO[self][1]


_INFO: dict[Reason, tuple[str, str]] = {
    Reason.MALFORMED: (
        "RFC 4861 §4.6, RFC 3971 §5", "the message or one of its options does not decode"),
    Reason.CHECKSUM_INVALID: ("RFC 4443 §2.3", "the ICMPv6 checksum of the message is wrong"),
    Reason.UNSIGNED: (
        "RFC 3971 §5.2.2", "no RSA Signature option: process as an unsecured message"),
    Reason.KEY_HASH_UNKNOWN: (
        "RFC 3971 §5.2.2", "the Key Hash names neither the CGA option's key nor a known key"),
    Reason.KEY_MISMATCH: (
        "RFC 3971 §5.1", "the Key Hash does not name the public key of the CGA option"),
    Reason.SIGNATURE_MALFORMED: (
        "RFC 3971 §5.2.2", "the Digital Signature field is shorter than the key's modulus"),
    Reason.SIGNATURE_INVALID: (
        "RFC 3971 §5.2.2", "the RSASSA-PKCS1-v1_5/SHA-1 signature does not verify"),
    Reason.NOT_CERTIFIED: (
        "RFC 3971 §5.2.2, RFC 5269 §3.3",
        "a trust anchor is required but no valid certification path to the signing key is known"),
    Reason.KEY_MALFORMED: ("RFC 3972 §3", "the Public Key is not a DER SubjectPublicKeyInfo"),
    Reason.KEY_NOT_RSA: ("RFC 3971 §5.1.3, §6.3.1", "the public key is not an RSA key"),
    Reason.KEY_TOO_SHORT: ("RFC 3971 §5.1.3", "the RSA modulus is shorter than minbits"),
    Reason.KEY_TOO_LONG: (
        "RFC 3971 §5.1.3", "the RSA modulus exceeds the configured verification limit"),
    Reason.KEY_EXPONENT_UNSOUND: (
        "RFC 3971 §5.1.3 (prudent practice), RFC 8017 §3.1",
        "the RSA public exponent is even, below 3 or absurdly large"),
    Reason.CGA_COLLISION_COUNT: ("RFC 3972 §5 step 1", "the Collision Count is not 0, 1 or 2"),
    Reason.CGA_PREFIX_MISMATCH: (
        "RFC 3972 §5 step 2", "the Subnet Prefix differs from the address's leftmost 64 bits"),
    Reason.CGA_HASH1_MISMATCH: (
        "RFC 3972 §5 steps 3-4", "Hash1 differs from the interface identifier"),
    Reason.CGA_SEC_NOT_ACCEPTED: (
        "RFC 3972 §2, RFC 4982 §3 (CL-10)", "the Sec value is outside the configured range"),
    Reason.CGA_HASH2_NOT_ZERO: (
        "RFC 3972 §5 steps 6-7", "the 16*Sec leftmost bits of Hash2 are not all zero"),
    Reason.TIMESTAMP_MISSING: (
        "RFC 3971 §5.3.4", "a signed message carries no Timestamp option"),
    Reason.NONCE_MISSING: (
        "RFC 3971 §5.3.4, RFC 5269 §3.1", "a signed solicitation carries no Nonce option"),
    Reason.TIMESTAMP_OUTSIDE_WINDOW: (
        "RFC 3971 §5.3.4.2", "new peer: the timestamp is not within Delta of the receive time"),
    Reason.TIMESTAMP_NOT_FRESH: (
        "RFC 3971 §5.3.4.2", "known peer: the timestamp fails the fuzz/drift inequality"),
    Reason.TIMESTAMP_CACHE_FULL: (
        "RFC 3971 §5.3.4", "the timestamp cache is full and policy refuses a new entry"),
    Reason.NONCE_UNKNOWN: (
        "RFC 3971 §5.3.4.1, RFC 5269 §3.3", "the Nonce matches no outstanding solicitation"),
    Reason.NONCE_ALREADY_ANSWERED: (
        "RFC 3971 §5.3.4.1, RFC 5269 §3.3 (CL-09)",
        "this nonce has already been answered (by this router, or at all)"),
    Reason.CERT_MALFORMED: ("RFC 3971 §6.4.4", "a certificate does not parse"),
    Reason.CERT_UNKNOWN_ANCHOR: (
        "RFC 3971 §6.3", "the path does not start at a configured trust anchor"),
    Reason.CERT_ISSUER_MISMATCH: (
        "RFC 5280 §6.1.3 (via RFC 3971 §6.3)",
        "a certificate's issuer is not the subject of the certificate before it"),
    Reason.CERT_SIGNATURE_INVALID: (
        "RFC 3971 §6.3.1, RFC 5280 §6.1.3", "a certificate's signature does not verify"),
    Reason.CERT_EXPIRED: (
        "RFC 5280 §6.1.3 (via RFC 3971 §6.3)", "a certificate is outside its validity period"),
    Reason.CERT_NOT_CA: (
        "RFC 5280 §6.1.4", "an issuing certificate is not a CA (basic constraints, path length)"),
    Reason.CERT_UNKNOWN_CRITICAL_EXTENSION: (
        "RFC 5280 §4.2 (via RFC 3971 §6.3)",
        "a certificate carries a critical extension the validator does not process"),
    Reason.CERT_WRONG_PURPOSE: (
        "RFC 6494 §7 (interop-facts.md)",
        "the router certificate's extended key usage does not allow id-kp-sendRouter"),
    Reason.CERT_KEY_NOT_RSA: (
        "RFC 3971 §6.3.1", "the last certificate of the path does not hold an RSA key"),
    Reason.CERT_ADDRESS_BLOCKS_MALFORMED: (
        "RFC 3971 §6.3.1, RFC 3779 §2.2",
        "the IP address delegation extension does not decode or has no IPv6 entry"),
    Reason.CERT_ADDRESS_BLOCKS_NOT_DELEGATED: (
        "RFC 3971 §6.3.1, RFC 3779 §2.3",
        "a certificate's address blocks are not within its issuer's"),
    Reason.CERT_PREFIX_NOT_AUTHORIZED: (
        "RFC 3971 §6.3.1, §7.3", "a prefix the router speaks for is outside its address blocks"),
}


class Outcome(enum.Enum):
    """The three outcomes a verdict can have."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNSECURED = "unsecured"


T = TypeVar("T")


@fast_init
@dataclass(frozen=True)
class Verdict(Generic[T]):
    """The answer of one verification.

    Build with :meth:`accept`, :meth:`reject` or :meth:`unsecured`.
    ``info`` carries what an accepted verification established (typed by the
    check that produced it); ``detail`` is free text for humans and traces.
    """

    outcome: Outcome
    reason: Reason | None = None
    detail: str = ""
    info: T | None = None

    @staticmethod
    def accept(info: Any = None, detail: str = "") -> Verdict[Any]:
        """Every check passed."""
        return Verdict(Outcome.ACCEPTED, None, detail, info)

    @staticmethod
    def reject(reason: Reason, detail: str = "") -> Verdict[Any]:
        """One check failed; ``reason`` names it."""
        return Verdict(Outcome.REJECTED, reason, detail, None)

    @staticmethod
    def unsecured(reason: Reason, detail: str = "") -> Verdict[Any]:
        """RFC 3971 says to treat the message as unsecured."""
        return Verdict(Outcome.UNSECURED, reason, detail, None)

    def relay(self) -> Verdict[Any]:
        """This rejection or unsecured outcome, passed on by a check of another type."""
        assert self.outcome is not Outcome.ACCEPTED, "only failures are relayed"
        return Verdict(self.outcome, self.reason, self.detail, None)

    @property
    def accepted(self) -> bool:
        """True when every check passed."""
        return self.outcome is Outcome.ACCEPTED

    def __str__(self) -> str:
        if self.outcome is Outcome.ACCEPTED:
            return "accepted" + (f" ({self.detail})" if self.detail else "")
        assert self.reason is not None
        extra = f": {self.detail}" if self.detail else ""
        return f"{self.outcome.value}: {self.reason.value} [{self.reason.ref}]{extra}"
