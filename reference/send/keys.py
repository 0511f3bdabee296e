"""Public keys in SEND: encoding, Key Hash, and the acceptance checks.

* :func:`public_key_der` — the DER ``SubjectPublicKeyInfo`` that fills the
  Public Key field of the CGA Parameters (RFC 3972 §3) and that the Key Hash
  is computed over (RFC 3971 §5.2).
* :func:`key_hash` — leftmost 128 bits of SHA-1 over that DER (RFC 3971 §5.2).
* :func:`check_public_key` — RFC 3971 §5.1.3 (minbits, optional upper limit)
  and §6.3.1 (RSA only), plus a sanity check on the public exponent.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyasn1.codec.der import decoder as der_decoder
from pyasn1.error import PyAsn1Error
from pyasn1_modules import rfc5280, rfc8017
from rfc5269.send.verdict import Reason, Verdict

KEY_HASH_LENGTH = 16  # octets, RFC 3971 §5.2


@dataclass(frozen=True)
class KeyPolicy:
    """Acceptable RSA keys (RFC 3971 §5.1.3).

    ``min_bits`` is the RFC's *minbits* (default 1024, the RFC's SHOULD);
    ``max_bits`` is the optional upper limit on verification work (the RFC
    asks that it be at least 2048; the default here is 4096).
    ``max_exponent_bits`` bounds the public exponent: an even exponent or one
    below 3 cannot belong to a working RSA key, and a huge one only makes
    verification expensive.
    """

    min_bits: int = 1024
    max_bits: int = 4096
    max_exponent_bits: int = 64


DEFAULT_KEY_POLICY = KeyPolicy()


def public_key_der(key: rsa.RSAPublicKey | rsa.RSAPrivateKey) -> bytes:
    """DER SubjectPublicKeyInfo of an RSA key (RFC 3972 §3, Public Key field)."""
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return pub.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_hash(der: bytes) -> bytes:
    """The RSA Signature option's Key Hash for a DER public key (RFC 3971 §5.2)."""
    return hashlib.sha1(der).digest()[:KEY_HASH_LENGTH]  # noqa: S324 (SHA-1 is the RFC's)


# Parsing a DER key costs about a tenth of an RSA-1024 verification; peers
# reuse their keys, so parsed keys are kept in a small LRU cache keyed by the
# exact DER octets (bounded: an attacker sending fresh keys only evicts).
_PARSED: OrderedDict[bytes, rsa.RSAPublicKey | Reason] = OrderedDict()
_PARSED_MAX = 256


def _parse(der: bytes) -> rsa.RSAPublicKey | Reason:
    hit = _PARSED.get(der)
    if hit is not None:
        _PARSED.move_to_end(der)
        return hit
    result: rsa.RSAPublicKey | Reason
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm, TypeError):
        # Newer `cryptography` releases refuse to load some unsound RSA keys
        # (an even exponent); name that rule rather than "malformed".
        result = Reason.KEY_EXPONENT_UNSOUND if _unsound_rsa_exponent(der) else \
            Reason.KEY_MALFORMED
    else:
        result = key if isinstance(key, rsa.RSAPublicKey) else Reason.KEY_NOT_RSA
    _PARSED[der] = result
    if len(_PARSED) > _PARSED_MAX:
        _PARSED.popitem(last=False)
    return result


def _unsound_rsa_exponent(der: bytes) -> bool:
    """Whether ``der`` is an RSA SubjectPublicKeyInfo whose exponent breaks RFC 8017 §3.1.

    Read with pyasn1 (no cryptographic library involved), for keys that
    `cryptography` refuses to load at all.
    """
    try:
        spki, rest = der_decoder.decode(der, asn1Spec=rfc5280.SubjectPublicKeyInfo())
        if rest or spki["algorithm"]["algorithm"] != rfc8017.rsaEncryption:
            return False
        bits = spki["subjectPublicKey"].asOctets()
        numbers, rest = der_decoder.decode(bits, asn1Spec=rfc8017.RSAPublicKey())
        if rest:
            return False
        e = int(numbers["publicExponent"])
    except (PyAsn1Error, ValueError, TypeError, OverflowError):
        return False
    return e < 3 or e % 2 == 0


def check_public_key(
    der: bytes, policy: KeyPolicy = DEFAULT_KEY_POLICY
) -> Verdict[rsa.RSAPublicKey]:
    """Accept ``der`` as a SEND signing key, or say which rule it breaks.

    RFC 3971 §5.1.3 (key length bounds) and §6.3.1 (RSA only); the exponent
    rule is prudent practice (RFC 8017 §3.1 requires 3 <= e < n, e odd for a
    key that can work at all). On acceptance ``info`` is the parsed key.
    """
    cached = _CHECKED.get(der)
    if cached is not None and (cached[0] is policy or cached[0] == policy):
        _CHECKED.move_to_end(der)
        return cached[1]
    verdict = _check(der, policy)
    _CHECKED[der] = (policy, verdict)
    _CHECKED.move_to_end(der)
    if len(_CHECKED) > _PARSED_MAX:
        _CHECKED.popitem(last=False)
    return verdict


# The verdict for each DER key under the policy it was judged by, least recently
# used first. A verdict depends on nothing but the DER octets and the policy, so a
# hit answers exactly what a fresh check would; a different policy judges afresh.
_CHECKED: OrderedDict[bytes, tuple[KeyPolicy, Verdict[rsa.RSAPublicKey]]] = OrderedDict()


def clear_key_cache() -> None:
    """Forget every parsed key and key verdict (both caches hold at most 256 entries).

    For benchmarks of a peer seen for the first time, and for tests.
    """
    _PARSED.clear()
    _CHECKED.clear()


def _check(der: bytes, policy: KeyPolicy) -> Verdict[rsa.RSAPublicKey]:
    parsed = _parse(der)
    if isinstance(parsed, Reason):
        return Verdict.reject(parsed)
    bits = parsed.key_size
    if bits < policy.min_bits:
        return Verdict.reject(Reason.KEY_TOO_SHORT, f"{bits} < {policy.min_bits} bits")
    if bits > policy.max_bits:
        return Verdict.reject(Reason.KEY_TOO_LONG, f"{bits} > {policy.max_bits} bits")
    e = parsed.public_numbers().e
    if e < 3 or e % 2 == 0 or e.bit_length() > policy.max_exponent_bits:
        return Verdict.reject(Reason.KEY_EXPONENT_UNSOUND, f"e = {e}")
    return Verdict.accept(parsed)
