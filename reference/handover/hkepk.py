"""The MN's Handover Key Encryption key pair and its rotation (RFC 5269 §3.1, §3.7).

* RFC5269-3.1-M1: the pair is generated with the CGA key's algorithm (RSA)
  and parameters — the same modulus size and public exponent.
* RFC5269-3.1-M2: it is used for nothing but decrypting handover keys.
  :class:`HkepkKeyPair` therefore offers no signing or encryption at all, only
  its public key and :meth:`HkepkKeyPair.decrypt_handover_key`.
* RFC5269-3.1-S1: it is retired after HKEPK-LIFETIME seconds or
  HKEPK-HANDOVERS handovers, whichever comes first (RFC 5269 §3.7 defaults:
  12 hours, 10 handovers); :class:`HkepkManager` applies that policy.

Sans-IO: the manager never reads a clock; every call that depends on time
takes ``now`` (seconds, the caller's clock). RSA key generation is injected as
a ``key_factory(key_size, public_exponent)`` because `cryptography` cannot
derive keys from the injected ``rng``; tests pass a factory returning fixed
keys so that runs are reproducible.

A retired pair may still be needed for the answer to an RtSolPr sent before
the rotation: the MN's record of that RtSolPr keeps the pair it used
(matching by nonce, RFC5269-3.3-M5), so the manager holds only the current one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.constants import HKEPK_HANDOVERS, HKEPK_LIFETIME
from rfc5269.errors import ConfigurationError
from rfc5269.handover.algorithms import AuthAlgorithm
from rfc5269.handover.encryption import DecryptionFailure, decrypt_handover_key

KeyFactory = Callable[[int, int], rsa.RSAPrivateKey]
"""Makes an RSA private key from (modulus size in bits, public exponent)."""


def generate_rsa_key(key_size: int, public_exponent: int) -> rsa.RSAPrivateKey:
    """The default :data:`KeyFactory`: `cryptography`'s generator (OS randomness)."""
    return rsa.generate_private_key(public_exponent=public_exponent, key_size=key_size)


class HkepkKeyPair:
    """A Handover Key Encryption key pair: decrypts handover keys and does nothing else."""

    __slots__ = ("_private", "created", "public_der", "public_key")

    def __init__(self, private_key: rsa.RSAPrivateKey, created: float) -> None:
        self._private = private_key
        self.created = created
        self.public_key = private_key.public_key()
        self.public_der = self.public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    def decrypt_handover_key(
        self, ciphertext: bytes, algorithm: AuthAlgorithm
    ) -> bytes | DecryptionFailure:
        """See :func:`rfc5269.handover.encryption.decrypt_handover_key`."""
        return decrypt_handover_key(ciphertext, self._private, algorithm)

    def __repr__(self) -> str:
        return f"HkepkKeyPair(bits={self.public_key.key_size}, created={self.created})"


@dataclass
class HkepkManager:
    """Keeps the MN's current HKE key pair and rotates it (RFC 5269 §3.1).

    ``cga_public_key`` fixes the parameters every pair must share with it.
    """

    cga_public_key: rsa.RSAPublicKey
    lifetime: float = HKEPK_LIFETIME
    max_handovers: int = HKEPK_HANDOVERS
    key_factory: KeyFactory = generate_rsa_key
    _current: HkepkKeyPair | None = field(default=None, init=False, repr=False)
    _handovers: int = field(default=0, init=False)
    generated: int = field(default=0, init=False)  # pairs made so far

    def __post_init__(self) -> None:
        if self.lifetime <= 0 or self.max_handovers <= 0:
            raise ConfigurationError("HKEPK-LIFETIME and HKEPK-HANDOVERS must be positive")

    @property
    def handovers(self) -> int:
        """Handovers counted against the current pair."""
        return self._handovers

    def expired(self, now: float) -> bool:
        """Whether the current pair (if any) is due for retirement at ``now``."""
        cur = self._current
        return cur is None or (now - cur.created >= self.lifetime
                               or self._handovers >= self.max_handovers)

    def current(self, now: float) -> HkepkKeyPair:
        """The pair to put in the next Handover Key Request; a new one if due."""
        if self._current is None or self.expired(now):
            self._current = self._generate(now)
            self._handovers = 0
        return self._current

    def note_handover(self) -> None:
        """Count one handover against the current pair (call it once per handover)."""
        if self._current is not None:
            self._handovers += 1

    def _generate(self, now: float) -> HkepkKeyPair:
        cga = self.cga_public_key.public_numbers()
        key = self.key_factory(self.cga_public_key.key_size, cga.e)
        numbers = key.public_key().public_numbers()
        if key.key_size != self.cga_public_key.key_size or numbers.e != cga.e:
            raise ConfigurationError(
                "the key factory made a key whose parameters differ from the CGA key's")
        if numbers.n == cga.n:
            raise ConfigurationError("the HKE key pair must not be the CGA key pair")
        if self._current is not None and numbers.n == self._current.public_key.public_numbers().n:
            raise ConfigurationError("the key factory returned the retired pair again")
        self.generated += 1
        return HkepkKeyPair(key, now)
