"""HKEPK checks and RSAES-PKCS1-v1_5 handover key encryption (RFC 5269 §3.2, §4.1, §4.2)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from rfc5269.errors import ConfigurationError
from rfc5269.handover import (
    DECRYPTION_FAILED,
    HMAC_SHA1_96,
    HMAC_SHA256_128,
    AuthAlgorithm,
    DecryptionFailure,
    HkepkProblem,
    check_hkepk,
    decrypt_handover_key,
    encrypt_handover_key,
)

from .keys import private_key


def der(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> bytes:
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return pub.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def seq_rng(start: int = 1) -> Callable[[int], bytes]:
    counter = itertools.count(start)
    return lambda n: bytes(next(counter) % 256 for _ in range(n))


CGA = der(private_key("CGA_1024"))
HK_A = private_key("HKE_1024_A")
KEY20 = bytes(range(100, 120))
KEY32 = bytes(range(200, 232))


# --- check_hkepk: RFC5269-4.1-M5, RFC5269-4.1-M6, RFC5269-3.1-M1, RFC5269-3.1-M2 -----------

def test_matching_hkepk_is_accepted() -> None:
    result = check_hkepk(der(HK_A), CGA)
    assert result.ok and result.problem is None
    assert result.key is not None and der(result.key) == der(HK_A)


def test_modulus_size_mismatch_is_rejected() -> None:
    result = check_hkepk(der(private_key("HKE_2048")), CGA)
    assert (result.ok, result.problem, result.key) == (
        False, HkepkProblem.MODULUS_SIZE_MISMATCH, None)


def test_exponent_mismatch_is_rejected_by_default_only() -> None:
    e3 = der(private_key("HKE_1024_E3"))
    assert check_hkepk(e3, CGA).problem is HkepkProblem.EXPONENT_MISMATCH
    assert check_hkepk(e3, CGA, require_same_exponent=False).ok


def test_non_rsa_hkepk_is_rejected() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    ec_der = ec_key.public_bytes(serialization.Encoding.DER,
                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    assert check_hkepk(ec_der, CGA).problem is HkepkProblem.NOT_RSA


@pytest.mark.parametrize("mangle", [
    lambda d: d + b"\x00",  # trailing octet: not the exact DER encoding
    lambda d: d[:-1],  # truncated
    lambda d: b"",
    lambda d: b"\x30\x03\x02\x01\x01",  # DER, but not a SubjectPublicKeyInfo
])
def test_malformed_hkepk_is_rejected(mangle: Callable[[bytes], bytes]) -> None:
    assert check_hkepk(mangle(der(HK_A)), CGA).problem is HkepkProblem.MALFORMED


def test_cga_key_itself_is_not_accepted_as_hkepk() -> None:
    assert check_hkepk(CGA, CGA).problem is HkepkProblem.SAME_AS_CGA_KEY


def test_unusable_cga_key_is_reported() -> None:
    assert check_hkepk(der(HK_A), b"junk").problem is HkepkProblem.CGA_KEY_UNUSABLE


def test_problems_name_their_requirement() -> None:
    for p in HkepkProblem:
        assert p.ref.startswith("RFC5269-")


# --- encryption and decryption: RFC5269-3.2-M8, RFC5269-3.3-M7 -----------------------------

@pytest.mark.parametrize(("name", "key", "alg"), [
    ("HKE_1024_A", KEY20, HMAC_SHA1_96),
    ("HKE_1024_A", KEY32, HMAC_SHA256_128),
    ("HKE_2048", KEY20, HMAC_SHA1_96),
])
def test_round_trip(name: str, key: bytes, alg: AuthAlgorithm) -> None:
    priv = private_key(name)
    ct = encrypt_handover_key(key, priv.public_key(), seq_rng())
    assert len(ct) == priv.key_size // 8
    assert decrypt_handover_key(ct, priv, alg) == key
    # an independent decryptor agrees (interoperability with the PKCS #1 v1.5 format)
    assert priv.decrypt(ct, padding.PKCS1v15()) == key


def test_encoding_block_structure() -> None:
    """0x00 0x02 | non-zero PS of 8 or more octets | 0x00 | key (RFC 3447 §7.2.1)."""
    priv = HK_A
    zeros_then = itertools.chain([0] * 50, itertools.cycle([0, 7, 0, 9]))
    ct = encrypt_handover_key(KEY20, priv.public_key(),
                              lambda n: bytes(next(zeros_then) for _ in range(n)))
    nums = priv.private_numbers()
    k = priv.key_size // 8
    em = pow(int.from_bytes(ct, "big"), nums.d, nums.public_numbers.n).to_bytes(k, "big")
    assert em[:2] == b"\x00\x02"
    ps, sep, key = em[2:k - 21], em[k - 21:k - 20], em[k - 20:]
    assert sep == b"\x00" and key == KEY20
    assert len(ps) >= 8 and 0 not in ps
    assert set(ps) == {7, 9}  # the zero octets from the rng were skipped


def test_encryption_is_reproducible_and_randomized() -> None:
    pub = HK_A.public_key()
    assert encrypt_handover_key(KEY20, pub, seq_rng(1)) == encrypt_handover_key(
        KEY20, pub, seq_rng(1))
    assert encrypt_handover_key(KEY20, pub, seq_rng(1)) != encrypt_handover_key(
        KEY20, pub, seq_rng(2))


def test_key_too_long_for_modulus() -> None:
    with pytest.raises(ConfigurationError):
        encrypt_handover_key(bytes(128 - 10), HK_A.public_key(), seq_rng())


def test_rng_of_only_zeros_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        encrypt_handover_key(KEY20, HK_A.public_key(), lambda n: bytes(n))


@pytest.mark.parametrize(("key", "alg"), [
    (bytes(16), HMAC_SHA1_96),  # 16 octets where HMAC-SHA1-96 takes 20
    (KEY20, HMAC_SHA256_128),  # 20 where HMAC-SHA256-128 takes 32
    (KEY32, HMAC_SHA1_96),
    (b"", HMAC_SHA1_96),
])
def test_decrypted_key_of_wrong_length_is_refused(key: bytes, alg: AuthAlgorithm) -> None:
    ct = encrypt_handover_key(key, HK_A.public_key(), seq_rng())
    assert HK_A.decrypt(ct, padding.PKCS1v15()) == key  # the padding itself is fine
    assert decrypt_handover_key(ct, HK_A, alg) is DECRYPTION_FAILED


def _corruptions(ct: bytes, n: int) -> list[bytes]:
    k = len(ct)
    flips = [bytes([ct[0] ^ 0x01]) + ct[1:], ct[:k // 2] + bytes([ct[k // 2] ^ 0x80])
             + ct[k // 2 + 1:], ct[:-1] + bytes([ct[-1] ^ 0x01])]
    return [
        *flips,
        ct[:-1],  # one octet short
        ct + b"\x00",  # one octet long
        b"",
        bytes(k),  # zero
        b"\xff" * k,  # larger than the modulus
        n.to_bytes(k, "big"),  # equal to the modulus
        (1).to_bytes(k, "big"),
    ]


def test_every_corrupted_ciphertext_gives_the_same_failure() -> None:
    ct = encrypt_handover_key(KEY20, HK_A.public_key(), seq_rng())
    n = HK_A.public_key().public_numbers().n
    results = [decrypt_handover_key(c, HK_A, HMAC_SHA1_96) for c in _corruptions(ct, n)]
    assert all(r is DECRYPTION_FAILED for r in results), results
    assert len({id(r) for r in results}) == 1
    assert isinstance(DECRYPTION_FAILED, DecryptionFailure)
    assert repr(DECRYPTION_FAILED) == "DecryptionFailure()"  # carries no detail


def test_wrong_private_key_gives_the_same_failure() -> None:
    ct = encrypt_handover_key(KEY20, HK_A.public_key(), seq_rng())
    assert decrypt_handover_key(ct, private_key("HKE_1024_B"), HMAC_SHA1_96) is DECRYPTION_FAILED


def test_padding_error_and_length_error_are_indistinguishable() -> None:
    good_padding_wrong_length = encrypt_handover_key(bytes(16), HK_A.public_key(), seq_rng())
    ct = encrypt_handover_key(KEY20, HK_A.public_key(), seq_rng())
    bad_padding = bytes([ct[0] ^ 0x01]) + ct[1:]
    a = decrypt_handover_key(good_padding_wrong_length, HK_A, HMAC_SHA1_96)
    b = decrypt_handover_key(bad_padding, HK_A, HMAC_SHA1_96)
    assert a is b is DECRYPTION_FAILED


@settings(derandomize=True, max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_untrusted_bytes_never_raise(data: bytes) -> None:
    """Both inputs from the wire give typed results, never exceptions."""
    assert not check_hkepk(data, CGA).ok
    padded = data[:128].rjust(128, b"\x01")
    for ct in (data, padded):
        result = decrypt_handover_key(ct, HK_A, HMAC_SHA1_96)
        assert result is DECRYPTION_FAILED or len(result) == 20
