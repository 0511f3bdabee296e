"""HKEPK and encryption rules that surviving mutants of ``rfc5269.handover.encryption`` showed.

RFC 5269 §4.1 (the HKEPK is a DER SubjectPublicKeyInfo like the CGA key),
§3.2 (RSAES-PKCS1-v1_5, RFC 3447 §7.2.1). Each test names the mutants it
kills (reference/data/mutation_results.json).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from rfc5269.errors import ConfigurationError
from rfc5269.handover.algorithms import AuthAlgorithm
from rfc5269.handover.encryption import (
    HkepkProblem,
    check_hkepk,
    decrypt_handover_key,
    encrypt_handover_key,
)
from rfc5269.send.keys import public_key_der
from rfc5269.send.testpki import pool_key

HKE, CGA = pool_key(21), pool_key(20)  # the scenario MN's first HKEPK and its CGA key
RSA_ENCRYPTION_OID = bytes.fromhex("06092a864886f70d010101")


def test_hkepk_in_a_non_canonical_encoding_is_malformed() -> None:
    """Only the canonical DER SubjectPublicKeyInfo is accepted (RFC5269-4.1-M5).

    A bare PKCS#1 RSAPublicKey and an SPKI whose AlgorithmIdentifier omits
    the NULL parameters both load as RSA keys, but are not the DER SPKI
    form; the canonical SPKI of the same key passes. Kills ``return
    HkepkProblem.MALFORMED`` -> ``return None`` after the canonical check.
    """
    cga_der = public_key_der(CGA)
    spki = public_key_der(HKE)
    assert check_hkepk(spki, cga_der).ok
    pkcs1 = HKE.public_key().public_bytes(Encoding.DER, PublicFormat.PKCS1)
    i = spki.index(RSA_ENCRYPTION_OID)
    inner = bytes.fromhex("300b") + RSA_ENCRYPTION_OID + spki[i + len(RSA_ENCRYPTION_OID) + 2:]
    no_null = bytes([0x30, 0x81, len(inner)]) + inner
    for der in (pkcs1, no_null):
        result = check_hkepk(der, cga_der)
        assert not result.ok and result.problem is HkepkProblem.MALFORMED
        assert result.key is None


def test_longest_key_that_fits_pkcs1_v15() -> None:
    """A key of k - 11 octets fits a k-octet modulus; one more octet does not (RFC 3447 §7.2.1).

    RFC5269-3.2-M8. Kills ``PKCS1_V15_OVERHEAD = 11`` -> ``12``.
    """
    public = HKE.public_key()
    k = public.key_size // 8
    longest = bytes(range(1, k - 11 + 1))
    ciphertext = encrypt_handover_key(longest, public, lambda n: b"\x5a" * n)
    algorithm = AuthAlgorithm("test", "sha256", len(longest), 16)  # decrypt checks the length
    assert decrypt_handover_key(ciphertext, HKE, algorithm) == longest
    with pytest.raises(ConfigurationError):
        encrypt_handover_key(longest + b"\x01", public, lambda n: b"\x5a" * n)


def _zeros_then(zero_calls: int) -> Callable[[int], bytes]:
    calls = [0]

    def rng(n: int) -> bytes:
        calls[0] += 1
        return bytes(n) if calls[0] <= zero_calls else b"\x5a" * n

    return rng


def test_random_source_gets_64_tries_to_fill_the_padding() -> None:
    """A random source that keeps returning zero octets is a configuration error after 64 draws.

    RFC 3447 §7.2.1 needs non-zero padding octets; the AR gives its random
    source 64 draws (RFC5269-3.2-M8). 63 useless draws then good octets
    succeed; 64 do not. Kills ``range(64)`` -> ``range(65)``.
    """
    public = HKE.public_key()
    key = bytes(range(20))
    assert encrypt_handover_key(key, public, _zeros_then(63))
    with pytest.raises(ConfigurationError, match="zero octets"):
        encrypt_handover_key(key, public, _zeros_then(64))
