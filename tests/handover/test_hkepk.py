"""The MN's Handover Key Encryption key pair and its rotation (RFC 5269 §3.1, §3.7)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269 import constants
from rfc5269.errors import ConfigurationError
from rfc5269.handover import (
    DECRYPTION_FAILED,
    HMAC_SHA1_96,
    HkepkKeyPair,
    HkepkManager,
    check_hkepk,
    encrypt_handover_key,
)

from .keys import private_key

CGA_PUB = private_key("CGA_1024").public_key()


class Pool:
    """A key factory handing out fixed keys in turn, recording what it was asked for."""

    def __init__(self, *names: str) -> None:
        self.keys = [private_key(n) for n in names]
        self.asked: list[tuple[int, int]] = []

    def __call__(self, size: int, exponent: int) -> rsa.RSAPrivateKey:
        self.asked.append((size, exponent))
        return self.keys[(len(self.asked) - 1) % len(self.keys)]


def manager(pool: Pool, lifetime: float = 100.0, handovers: int = 3) -> HkepkManager:
    return HkepkManager(CGA_PUB, lifetime=lifetime, max_handovers=handovers, key_factory=pool)


def test_defaults_are_the_rfc_constants() -> None:
    m = HkepkManager(CGA_PUB)
    assert (m.lifetime, m.max_handovers) == (constants.HKEPK_LIFETIME, constants.HKEPK_HANDOVERS)
    assert (constants.HKEPK_LIFETIME, constants.HKEPK_HANDOVERS) == (12 * 3600, 10)


def test_pair_is_made_with_the_cga_key_parameters() -> None:
    # RFC5269-3.1-M1: same algorithm, modulus size and exponent as the CGA key
    pool = Pool("HKE_1024_A")
    pair = manager(pool).current(0.0)
    assert pool.asked == [(1024, 65537)]
    cga_der = CGA_PUB.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    assert check_hkepk(pair.public_der, cga_der).ok


def test_pair_is_reused_until_retired() -> None:
    pool = Pool("HKE_1024_A", "HKE_1024_B")
    m = manager(pool)
    first = m.current(0.0)
    assert m.current(50.0) is first
    m.note_handover()
    m.note_handover()
    assert m.current(99.9) is first and m.handovers == 2
    assert m.generated == 1


def test_retired_after_lifetime() -> None:
    # RFC5269-3.1-S1: HKEPK-LIFETIME
    pool = Pool("HKE_1024_A", "HKE_1024_B")
    m = manager(pool)
    first = m.current(10.0)
    assert not m.expired(109.9)
    assert m.expired(110.0)
    second = m.current(110.0)
    assert second is not first and second.created == 110.0
    assert second.public_der != first.public_der


def test_retired_after_handovers_whichever_first() -> None:
    # RFC5269-3.1-S1: HKEPK-HANDOVERS, before the lifetime runs out
    pool = Pool("HKE_1024_A", "HKE_1024_B")
    m = manager(pool, lifetime=1000.0, handovers=3)
    first = m.current(0.0)
    for _ in range(3):
        assert m.current(1.0) is first
        m.note_handover()
    assert m.expired(2.0)
    second = m.current(2.0)
    assert second is not first and m.handovers == 0
    m.note_handover()
    assert m.current(3.0) is second


def test_note_handover_without_pair_does_nothing() -> None:
    m = manager(Pool("HKE_1024_A"))
    m.note_handover()
    assert m.handovers == 0


@pytest.mark.parametrize("name", ["HKE_2048", "HKE_1024_E3", "CGA_1024"])
def test_factory_breaking_the_rules_is_a_configuration_error(name: str) -> None:
    # wrong size, wrong exponent, or the CGA key pair itself (RFC5269-3.1-M2)
    with pytest.raises(ConfigurationError):
        manager(Pool(name)).current(0.0)


def test_factory_returning_the_retired_pair_is_a_configuration_error() -> None:
    m = manager(Pool("HKE_1024_A"), lifetime=1.0)
    m.current(0.0)
    with pytest.raises(ConfigurationError):
        m.current(5.0)


@pytest.mark.parametrize(("lifetime", "handovers"), [(0.0, 3), (10.0, 0), (-1.0, 3)])
def test_invalid_policy(lifetime: float, handovers: int) -> None:
    with pytest.raises(ConfigurationError):
        HkepkManager(CGA_PUB, lifetime=lifetime, max_handovers=handovers)


def test_pair_only_decrypts_handover_keys() -> None:
    # RFC5269-3.1-M2: no signing and no other encryption is offered
    pair = HkepkKeyPair(private_key("HKE_1024_A"), 0.0)
    public_api = {a for a in dir(pair) if not a.startswith("_")}
    assert public_api == {"created", "decrypt_handover_key", "public_der", "public_key"}
    assert not isinstance(pair.public_key, rsa.RSAPrivateKey)
    key = bytes(range(20))
    ct = encrypt_handover_key(key, pair.public_key, lambda n: b"\x05" * n)
    assert pair.decrypt_handover_key(ct, HMAC_SHA1_96) == key
    assert pair.decrypt_handover_key(ct[::-1], HMAC_SHA1_96) is DECRYPTION_FAILED
    assert "bits=1024" in repr(pair)
