"""The BADF authenticator (RFC 5568 §6.4.5 with RFC 3775 §6.2.7; RFC 5269 §3.4, §3.5).

Expected values are computed here independently: HMAC is written out from its
definition (RFC 2104 §2) over hashlib, checked first against the published
RFC 2202 and RFC 4231 vectors, and the Mobility Header is built by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import struct

import pytest
from rfc5269.errors import ConfigurationError
from rfc5269.handover import (
    HMAC_SHA1_96,
    HMAC_SHA256_128,
    AuthAlgorithm,
    authenticator,
    compute_authenticator,
    mobility_data,
    verify_authenticator,
    zero_checksum,
)

NCOA = ipaddress.IPv6Address("2001:db8:2::a1")
PCOA = ipaddress.IPv6Address("2001:db8:1::c9")
PAR = ipaddress.IPv6Address("2001:db8:1::1")


def hmac_by_definition(hash_name: str, key: bytes, message: bytes) -> bytes:
    """HMAC per RFC 2104 §2, without the hmac module."""
    block = 64  # SHA-1 and SHA-256
    if len(key) > block:
        key = hashlib.new(hash_name, key).digest()
    key = key.ljust(block, b"\x00")
    inner = hashlib.new(hash_name, bytes(b ^ 0x36 for b in key) + message).digest()
    return hashlib.new(hash_name, bytes(b ^ 0x5C for b in key) + inner).digest()


# RFC 2202 §3 (HMAC-SHA-1) and RFC 4231 §4 (HMAC-SHA-256), test cases 1, 2 and truncation.
PUBLISHED = [
    ("sha1", b"\x0b" * 20, b"Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
    ("sha1", b"Jefe", b"what do ya want for nothing?",
     "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    ("sha1", b"\x0c" * 20, b"Test With Truncation", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
    ("sha256", b"\x0b" * 20, b"Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    ("sha256", b"Jefe", b"what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    ("sha256", b"\x0c" * 20, b"Test With Truncation", "a3b6167473100ee06e0c796c2955552b"),
]


@pytest.mark.parametrize(("hash_name", "key", "data", "expected"), PUBLISHED)
def test_hmac_primitives_match_published_vectors(hash_name: str, key: bytes, data: bytes,
                                                 expected: str) -> None:
    want = bytes.fromhex(expected)
    assert hmac_by_definition(hash_name, key, data)[: len(want)] == want
    assert hmac.new(key, data, hash_name).digest()[: len(want)] == want


def fbu_mobility_header(authenticator_length: int, checksum: int = 0xBEEF) -> bytes:
    """An FBU Mobility Header built by hand (RFC 3775 §6.1.1, RFC 5568 §6.2.2, §6.4.5).

    Fixed part (12 octets), PadN(2), Alternate CoA (18, at 8n+6), Pad1 or PadN,
    BADF with SPI 0 ending the header on an 8-octet boundary, the authenticator
    left as 0x00 octets.
    """
    seq, flags, lifetime = 0x1234, 0xC000, 10  # A and H set
    body = struct.pack("!HHH", seq, flags, lifetime)
    body += b"\x01\x00" + b"\x03\x10" + NCOA.packed  # PadN(2), Alternate CoA
    badf_len = 4 + authenticator_length  # OPTION_DATA reading (CL-07)
    start = 6 + len(body)
    pad = -(start + 2 + badf_len) % 8  # so that the header, BADF last, ends on 8n
    body += (b"\x01" + bytes([pad - 2]) + bytes(pad - 2)) if pad >= 2 else bytes(pad)
    body += bytes([21, badf_len]) + struct.pack("!I", 0) + bytes(authenticator_length)
    total = 6 + len(body)
    assert total % 8 == 0
    return struct.pack("!BBBBH", 59, total // 8 - 1, 8, 0, checksum) + body


@pytest.mark.parametrize("alg", [HMAC_SHA1_96, HMAC_SHA256_128])
def test_known_answer(alg: AuthAlgorithm) -> None:
    # RFC5269-3.4-M3, RFC5568-10-M3: truncated HMAC over CoA | PAR | MH Data
    key = bytes(range(1, alg.key_length + 1))
    mh = fbu_mobility_header(alg.mac_length)
    mh_data = zero_checksum(mh[: -alg.mac_length])
    assert mh_data[4:6] == b"\x00\x00" and mh[4:6] == b"\xbe\xef"
    assert mh_data[-6:] == bytes([21, 4 + alg.mac_length, 0, 0, 0, 0])  # ends with the SPI
    expected = hmac_by_definition(alg.hash_name, key, NCOA.packed + PAR.packed + mh_data)
    got = compute_authenticator(key, alg, NCOA, PAR, mh_data)
    assert got == expected[: alg.mac_length]
    assert len(got) == alg.mac_length
    assert verify_authenticator(key, alg, NCOA, PAR, mh_data, got)
    # addresses may also be given as 16 raw octets
    assert compute_authenticator(key, alg, NCOA.packed, PAR.packed, mh_data) == got


def test_fixed_vector_sha1() -> None:
    """A pinned value, so that any change of input layout shows up."""
    key = bytes(range(1, 21))
    mh_data = zero_checksum(fbu_mobility_header(12)[:-12])
    expected = hmac_by_definition("sha1", key, NCOA.packed + PAR.packed + mh_data)[:12]
    assert compute_authenticator(key, HMAC_SHA1_96, NCOA, PAR, mh_data) == expected
    assert mobility_data(NCOA, PAR, mh_data) == NCOA.packed + PAR.packed + mh_data


def _flip(data: bytes, bit: int) -> bytes:
    i, b = divmod(bit, 8)
    return data[:i] + bytes([data[i] ^ (0x80 >> b)]) + data[i + 1:]


@pytest.fixture(params=[HMAC_SHA1_96, HMAC_SHA256_128], ids=lambda a: a.name)
def case(request: pytest.FixtureRequest) -> tuple[AuthAlgorithm, bytes, bytes, bytes]:
    alg: AuthAlgorithm = request.param
    key = bytes(range(7, 7 + alg.key_length))
    mh_data = zero_checksum(fbu_mobility_header(alg.mac_length)[: -alg.mac_length])
    return alg, key, mh_data, compute_authenticator(key, alg, NCOA, PAR, mh_data)


# Negative twins: exactly one input differs from the accepted case (RFC5269-3.5-M2).

def test_wrong_key(case: tuple[AuthAlgorithm, bytes, bytes, bytes]) -> None:
    alg, key, mh, tag = case
    assert verify_authenticator(key, alg, NCOA, PAR, mh, tag)
    assert not verify_authenticator(_flip(key, 5), alg, NCOA, PAR, mh, tag)


def test_wrong_care_of_address(case: tuple[AuthAlgorithm, bytes, bytes, bytes]) -> None:
    alg, key, mh, tag = case
    assert not verify_authenticator(key, alg, PCOA, PAR, mh, tag)


def test_wrong_par_address(case: tuple[AuthAlgorithm, bytes, bytes, bytes]) -> None:
    alg, key, mh, tag = case
    assert not verify_authenticator(key, alg, NCOA, ipaddress.IPv6Address("fe80::1"), mh, tag)


def test_addresses_swapped(case: tuple[AuthAlgorithm, bytes, bytes, bytes]) -> None:
    alg, key, mh, tag = case
    assert not verify_authenticator(key, alg, PAR, NCOA, mh, tag)


@pytest.mark.parametrize("bit", [0, 7, 100, -1])
def test_one_bit_flipped_in_authenticator(case: tuple[AuthAlgorithm, bytes, bytes, bytes],
                                          bit: int) -> None:
    alg, key, mh, tag = case
    bit = bit % (8 * len(tag))
    assert not verify_authenticator(key, alg, NCOA, PAR, mh, _flip(tag, bit))


@pytest.mark.parametrize("bit", [0, 8 * 6, 8 * 10 + 3, -1])
def test_one_bit_flipped_in_mh_data(case: tuple[AuthAlgorithm, bytes, bytes, bytes],
                                    bit: int) -> None:
    alg, key, mh, tag = case
    bit = bit % (8 * len(mh))
    assert not verify_authenticator(key, alg, NCOA, PAR, _flip(mh, bit), tag)


def test_truncated_and_extended_authenticators(
        case: tuple[AuthAlgorithm, bytes, bytes, bytes]) -> None:
    alg, key, mh, tag = case
    full = hmac.new(key, NCOA.packed + PAR.packed + mh, alg.hash_name).digest()
    assert tag == full[: alg.mac_length]
    for wrong in (tag[:-1], tag[:8], b"", tag + b"\x00", full):
        assert not verify_authenticator(key, alg, NCOA, PAR, mh, wrong)


def test_checksum_must_be_zeroed(case: tuple[AuthAlgorithm, bytes, bytes, bytes]) -> None:
    alg, key, mh, tag = case
    with_checksum = mh[:4] + b"\xbe\xef" + mh[6:]
    assert not verify_authenticator(key, alg, NCOA, PAR, with_checksum, tag)
    assert zero_checksum(with_checksum) == mh


def test_other_algorithm_tag_is_refused() -> None:
    key20 = bytes(range(20))
    mh = zero_checksum(fbu_mobility_header(16)[:-16])
    tag256 = compute_authenticator(bytes(range(32)), HMAC_SHA256_128, NCOA, PAR, mh)
    assert not verify_authenticator(key20, HMAC_SHA1_96, NCOA, PAR, mh, tag256[:12])


def test_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch,
                                     case: tuple[AuthAlgorithm, bytes, bytes, bytes]) -> None:
    alg, key, mh, tag = case
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(authenticator.hmac, "compare_digest", spy)
    assert verify_authenticator(key, alg, NCOA, PAR, mh, tag)
    assert calls == [(tag, tag)]


@pytest.mark.parametrize("alg", [HMAC_SHA1_96, HMAC_SHA256_128])
def test_key_of_wrong_length_is_a_configuration_error(alg: AuthAlgorithm) -> None:
    with pytest.raises(ConfigurationError):
        compute_authenticator(bytes(alg.key_length - 1), alg, NCOA, PAR, b"")


def test_bad_address_and_header_lengths() -> None:
    with pytest.raises(ConfigurationError):
        mobility_data(b"\x00" * 15, PAR, b"")
    with pytest.raises(ConfigurationError):
        zero_checksum(b"\x00" * 5)
