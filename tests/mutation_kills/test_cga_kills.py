"""CGA verification rules that surviving mutants of ``rfc5269.send.cga`` showed untested.

RFC 3972 §5 steps 3-4 (Hash1 against the interface identifier, ignoring
Sec and the u/g bits). Each test names the mutants it kills
(reference/data/mutation_results.json).
"""

from __future__ import annotations

import hashlib
from ipaddress import IPv6Address

import pytest
from rfc5269.interpretations import CgaSecRange
from rfc5269.send.cga import cga_verify, encode_parameters, hash1, hash2, parameters_bytes
from rfc5269.send.verdict import Reason

from tests.nodes.helpers import exchange


def _with_octet8_flipped(address: IPv6Address, bit: int) -> IPv6Address:
    raw = bytearray(address.packed)
    raw[8] ^= bit
    return IPv6Address(bytes(raw))


@pytest.mark.parametrize("bit", [0x04, 0x08, 0x10])
def test_hash1_bits_of_the_first_iid_octet_are_compared(bit: int) -> None:
    """The three Hash1 bits of interface-identifier octet 0 must match (RFC 3972 §5 step 4).

    RFC3971-5.1.2-M4 (verify the CGA). Flipping one of them is a Hash1
    mismatch; the unflipped address verifies. Kills ``0xFF`` -> ``0x100`` in
    ``_HASH1_MASK0``.
    """
    identity = exchange().mn.config.identity
    params = identity.cga.parameters
    assert cga_verify(identity.address, params).accepted
    verdict = cga_verify(_with_octet8_flipped(identity.address, bit), params)
    assert not verdict.accepted and verdict.reason is Reason.CGA_HASH1_MISMATCH


@pytest.mark.parametrize("bit", [0x01, 0x02])
def test_u_and_g_bits_are_ignored(bit: int) -> None:
    """The u and g bits of octet 0 are not compared (RFC 3972 §5 step 4; RFC3971-5.1.2-M4)."""
    identity = exchange().mn.config.identity
    assert cga_verify(_with_octet8_flipped(identity.address, bit),
                      identity.cga.parameters).accepted


def test_parameter_fields_read_back_what_was_encoded() -> None:
    """The CGA Parameters accessors return the RFC 3972 §3 fields that were encoded.

    RFC3971-5.1.2-M4 (the verifier hashes exactly these bytes). Kills
    ``return self.structure[16:24]`` -> ``return None`` (``subnet_prefix``)
    and ``return bytes(params)`` -> ``return None`` in ``parameters_bytes``.
    """
    modifier, prefix, key, ext = bytes(range(16)), bytes(range(100, 108)), b"KEY", b"EXT"
    fields = encode_parameters(modifier, prefix, 1, key, ext)
    assert fields.modifier == modifier and fields.subnet_prefix == prefix
    assert fields.collision_count == 1 and fields.public_key == key
    assert fields.extension_bytes == ext
    assert fields.encode() == modifier + prefix + b"\x01" + key + ext
    assert parameters_bytes(fields.encode()) == fields.encode()
    assert parameters_bytes(bytearray(b"raw")) == b"raw"
    assert parameters_bytes(fields) == fields.encode()


class _Params:
    """A stand-in for a decoded CGA Parameters object: ``raw`` bytes and a ``public_key``."""

    def __init__(self, raw: bytes, public_key: bytes, encoded: bytes = b"") -> None:
        self.raw, self.public_key, self._encoded = raw, public_key, encoded

    def encode(self) -> bytes:
        return self._encoded


def test_empty_raw_falls_back_to_the_encoding() -> None:
    """Parameters without received bytes (``raw`` empty) are hashed in their encoding.

    RFC3971-5.1.2-M4. Kills ``isinstance(raw, ...) and raw`` -> ``or raw``.
    """
    assert parameters_bytes(_Params(b"", b"k", encoded=b"ENCODED")) == b"ENCODED"
    assert parameters_bytes(_Params(b"RAW", b"k", encoded=b"ENCODED")) == b"RAW"


def test_encode_parameters_checks_its_fields() -> None:
    """Modifier 16 octets, subnet prefix 8, collision count one octet (RFC 3972 §3).

    Each wrong field alone is refused; no extension fields means none are
    appended. Kills the removed ``raise ValueError`` (both), the ``or`` ->
    ``and`` swap and ``extension_fields: bytes = b""`` -> ``b"\\x00"``.
    """
    good_mod, good_prefix = bytes(16), bytes(8)
    assert encode_parameters(good_mod, good_prefix, 0, b"K").encode() == bytes(25) + b"K"
    for mod, prefix in ((bytes(15), good_prefix), (good_mod, bytes(9))):
        with pytest.raises(ValueError, match="16 octets"):
            encode_parameters(mod, prefix, 0, b"K")
    for count in (-1, 256):
        with pytest.raises(ValueError, match="one octet"):
            encode_parameters(good_mod, good_prefix, count, b"K")
    assert encode_parameters(good_mod, good_prefix, 255, b"K").collision_count == 255


def test_parameters_shorter_than_their_key_are_malformed() -> None:
    """A CGA Parameters structure too short to hold its own public key is malformed.

    RFC3971-5.1.2-M4, RFC 3972 §3 layout. Kills ``return
    Verdict.reject(Reason.MALFORMED, ...)`` -> ``return None`` in ``cga_verify``.
    """
    identity = exchange().mn.config.identity
    short = _Params(bytes(30), bytes(20))
    verdict = cga_verify(identity.address, short)
    assert verdict is not None and not verdict.accepted
    assert verdict.reason is Reason.MALFORMED


@pytest.mark.parametrize("reading", list(CgaSecRange))
def test_sec_zero_is_accepted_under_both_sec_readings(reading: CgaSecRange) -> None:
    """Sec 0 is a valid CGA under RFC 3972 (0-7) and under RFC 4982's registry (0-2).

    Clarification CL-10; RFC3971-5.1.2-M4. The scenario's MN CGA has Sec 0.
    Kills ``range(0, 3)`` -> ``range(1, 3)``.
    """
    identity = exchange().mn.config.identity
    assert identity.address.packed[8] >> 5 == 0
    verdict = cga_verify(identity.address, identity.cga.parameters, sec_range=reading)
    assert verdict.accepted and verdict.info is not None and verdict.info.sec == 0


def test_hash2_is_the_leftmost_112_bits() -> None:
    """Hash2 = leftmost 112 bits of SHA-1(modifier | 9 zero octets | key | extensions).

    RFC 3972 §4 step 3 (and §5 step 7); RFC3971-5.1.2-M4. Computed here
    with hashlib independently. Kills ``[:14]`` -> ``[:15]`` in ``hash2``.
    """
    modifier, key, ext = bytes(range(16)), b"public key", b"ext"
    expected = hashlib.sha1(modifier + bytes(9) + key + ext).digest()[:14]
    assert hash2(modifier, key, ext) == expected and len(expected) * 8 == 112


def test_hash1_is_the_leftmost_64_bits() -> None:
    """Hash1 = leftmost 64 bits of SHA-1 over the whole CGA Parameters (RFC 3972 §4 step 5).

    RFC3971-5.1.2-M4. Computed here with hashlib. Kills ``[:8]`` -> ``[:9]``
    in ``hash1``.
    """
    structure = bytes(range(40))
    assert hash1(structure) == hashlib.sha1(structure).digest()[:8]
