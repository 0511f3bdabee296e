"""Handover key encryption: RSAES-PKCS1-v1_5 under the MN's HKEPK (RFC 5269 §3.2, §4.2).

Three steps, one function each:

* :func:`check_hkepk` — on the AR, before encrypting: the Handover Key
  Encryption Public Key from the Handover Key Request option must be a DER
  SubjectPublicKeyInfo like the CGA key (RFC5269-4.1-M5) and have the same
  parameters as the CGA key (RFC5269-4.1-M6, RFC5269-3.1-M1): RSA, the same
  modulus size and — the project's reading of "exactly the same parameters" —
  the same public exponent. An RSA key pair is generated from exactly two
  parameters, modulus size and public exponent, so both are compared; pass
  ``require_same_exponent=False`` for the looser reading (size only).
* :func:`encrypt_handover_key` — on the AR (RFC5269-3.2-M8): RSAES-PKCS1-v1_5
  encryption (RFC 3447 §7.2.1), written out here so that the padding's random
  octets come from the injected ``rng`` and runs can be reproduced.
* :func:`decrypt_handover_key` — on the MN (RFC5269-3.3-M7): decryption with
  the HKE private key and a check that the key has the length the AT's
  algorithm needs.

Decryption never reveals why it failed. A padding error, a ciphertext of the
wrong length and a decrypted key of the wrong length all give the same
:data:`DECRYPTION_FAILED` value, and no exception escapes: a distinguishable
failure would be a padding oracle (Bleichenbacher). `cryptography`'s PKCS1v15
decryption raises ``ValueError`` on bad padding with older OpenSSL releases
and, with OpenSSL 3.2 and later, returns a pseudo-random message instead
("implicit rejection"); both end here as the same failure, except that a
pseudo-random message of exactly the right length is indistinguishable from a
real key — the MN then holds a useless key that its FBU will not get past the
PAR, which reveals nothing to anyone. Besides, the MN decrypts only after the
PrRtAdv carrying the ciphertext has passed SEND verification with the
router's certified key and matched an outstanding nonce (RFC5269-3.3-M1 to
M6), so an attacker cannot submit ciphertexts of its choosing at all.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rfc5269.errors import ConfigurationError
from rfc5269.handover.algorithms import AuthAlgorithm
from rfc5269.handover.keygen import Rng, random_bytes

PKCS1_V15_OVERHEAD: Final = 11  # octets: 0x00 0x02, at least 8 padding octets, 0x00


class HkepkProblem(enum.Enum):
    """Why the AR refuses to encrypt under an HKEPK (RFC 5269 §4.1)."""

    MALFORMED = "hkepk-malformed"  # not a DER SubjectPublicKeyInfo, or not in canonical DER
    NOT_RSA = "hkepk-not-rsa"  # the CGA key is RSA (RFC 3971 §5.1.3); the HKEPK is not
    MODULUS_SIZE_MISMATCH = "hkepk-modulus-size-mismatch"
    EXPONENT_MISMATCH = "hkepk-exponent-mismatch"
    SAME_AS_CGA_KEY = "hkepk-same-as-cga-key"  # RFC5269-3.1-M2: a separate key pair
    CGA_KEY_UNUSABLE = "cga-key-unusable"  # the CGA key itself is not an RSA DER key

    @property
    def ref(self) -> str:
        """The requirement behind the check."""
        return _REFS[self]


_REFS: Final[dict[HkepkProblem, str]] = {
    HkepkProblem.MALFORMED: "RFC5269-4.1-M5",
    HkepkProblem.NOT_RSA: "RFC5269-4.1-M6",
    HkepkProblem.MODULUS_SIZE_MISMATCH: "RFC5269-4.1-M6",
    HkepkProblem.EXPONENT_MISMATCH: "RFC5269-4.1-M6",
    HkepkProblem.SAME_AS_CGA_KEY: "RFC5269-3.1-M2",
    HkepkProblem.CGA_KEY_UNUSABLE: "RFC5269-4.1-M6",
}


@dataclass(frozen=True)
class HkepkCheck:
    """Outcome of :func:`check_hkepk`: the parsed key, or the problem found."""

    key: rsa.RSAPublicKey | None
    problem: HkepkProblem | None = None

    @property
    def ok(self) -> bool:
        """True when the HKEPK may be used."""
        return self.problem is None


def _load_rsa_der(der: bytes) -> rsa.RSAPublicKey | HkepkProblem:
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return HkepkProblem.MALFORMED
    if not isinstance(key, rsa.RSAPublicKey):
        return HkepkProblem.NOT_RSA
    canonical = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if canonical != der:
        return HkepkProblem.MALFORMED
    return key


def check_hkepk(
    hkepk_der: bytes, cga_key_der: bytes, *, require_same_exponent: bool = True
) -> HkepkCheck:
    """Is the HKEPK fit to encrypt a handover key for this CGA key's owner? (RFC 5269 §4.1).

    ``hkepk_der`` is the Handover Key Encryption Public Key field as received;
    ``cga_key_der`` the Public Key of the same RtSolPr's CGA Parameters
    (already accepted by SEND verification). Never raises.
    """
    cga = _load_rsa_der(cga_key_der)
    if isinstance(cga, HkepkProblem):
        return HkepkCheck(None, HkepkProblem.CGA_KEY_UNUSABLE)
    hk = _load_rsa_der(hkepk_der)
    if isinstance(hk, HkepkProblem):
        return HkepkCheck(None, hk)
    hk_numbers, cga_numbers = hk.public_numbers(), cga.public_numbers()
    if hk.key_size != cga.key_size:
        return HkepkCheck(None, HkepkProblem.MODULUS_SIZE_MISMATCH)
    if require_same_exponent and hk_numbers.e != cga_numbers.e:
        return HkepkCheck(None, HkepkProblem.EXPONENT_MISMATCH)
    if hk_numbers.n == cga_numbers.n:
        return HkepkCheck(None, HkepkProblem.SAME_AS_CGA_KEY)
    return HkepkCheck(hk)


def encrypt_handover_key(
    handover_key: bytes, hkepk: rsa.RSAPublicKey, rng: Rng = os.urandom
) -> bytes:
    """RSAES-PKCS1-v1_5 encryption of the handover key (RFC 3447 §7.2.1; RFC5269-3.2-M8).

    The encoded message is 0x00 0x02 | PS | 0x00 | key, PS being non-zero
    random octets drawn from ``rng``, so that the block fills the modulus; the
    ciphertext is as long as the modulus. Raises :class:`ConfigurationError`
    if the key is too long for the modulus or ``rng`` misbehaves.

    The RSA operation is Python's ``pow``, which is not constant-time; the
    exponent and modulus are public, and this is a reference, not a hardened
    implementation (a deployment would use a constant-time RSA primitive).
    """
    numbers = hkepk.public_numbers()
    k = (numbers.n.bit_length() + 7) // 8
    if len(handover_key) > k - PKCS1_V15_OVERHEAD:
        raise ConfigurationError(
            f"a {len(handover_key)}-octet key does not fit a {k}-octet RSA modulus")
    ps_len = k - len(handover_key) - 3
    ps = b""
    for _ in range(64):
        ps += bytes(b for b in random_bytes(rng, ps_len - len(ps)) if b != 0)
        if len(ps) == ps_len:
            break
    else:
        raise ConfigurationError("the random source returns too many zero octets")
    encoded = b"\x00\x02" + ps + b"\x00" + handover_key
    m = int.from_bytes(encoded, "big")
    return pow(m, numbers.e, numbers.n).to_bytes(k, "big")


@dataclass(frozen=True)
class DecryptionFailure:
    """The one result of every failed handover key decryption (no detail, on purpose)."""


DECRYPTION_FAILED: Final = DecryptionFailure()


def decrypt_handover_key(
    ciphertext: bytes, private_key: rsa.RSAPrivateKey, algorithm: AuthAlgorithm
) -> bytes | DecryptionFailure:
    """The handover key, or :data:`DECRYPTION_FAILED` (RFC5269-3.3-M7, RFC 5269 §4.2).

    ``algorithm`` is the one the PrRtAdv's AT names; a key whose length
    differs from its key length is refused. Every failure returns the same
    value; see the module docstring for why, and for the precondition that
    the PrRtAdv has already passed SEND verification.
    """
    k = (private_key.key_size + 7) // 8
    if len(ciphertext) != k:
        return DECRYPTION_FAILED
    try:
        plain = private_key.decrypt(ciphertext, padding.PKCS1v15())
    except Exception:  # every failure must look the same (padding oracle)
        return DECRYPTION_FAILED
    if len(plain) != algorithm.key_length:
        return DECRYPTION_FAILED
    return plain
