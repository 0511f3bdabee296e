"""Checksums: hand-computed vectors (RFC 1071 §3, RFC 4443 §2.3) and scapy as an outside check."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st
from rfc5269.wire.icmpv6 import (
    checksum_with_field_zero,
    icmpv6_checksum,
    ones_complement_checksum,
    pseudo_header,
    upper_layer_checksum,
)
from rfc5269.wire.mobility import FastBindingUpdate, mh_checksum
from scapy.layers.inet6 import IPv6, in6_chksum
from scapy.packet import Raw

from . import strategies as st_wire

LOOPBACK = ipaddress.IPv6Address("::1")


def test_rfc1071_example() -> None:
    # RFC 1071 §3: 0001 + f203 + f4f5 + f6f7 = 2ddf0, folded ddf2; the checksum is ~ddf2.
    assert ones_complement_checksum(bytes.fromhex("0001f203f4f5f6f7")) == 0x220D


def test_odd_length_is_padded_with_a_zero_octet() -> None:
    assert ones_complement_checksum(b"\x01") == 0xFEFF
    assert ones_complement_checksum(b"\x12\x34\x56") == (~(0x1234 + 0x5600)) & 0xFFFF


def test_sum_of_ffff_and_zero_data() -> None:
    assert ones_complement_checksum(b"\xff\xff") == 0x0000  # sum is -0: checksum 0
    assert ones_complement_checksum(bytes(4)) == 0xFFFF


def test_icmpv6_echo_request_vector() -> None:
    """Echo Request, id 0, seq 0, from ::1 to ::1, summed by hand.

    Pseudo-header words: 0x0001 (src) + 0x0001 (dst) + 0x0008 (length) + 0x003a
    (next header 58); message words: 0x8000 (type 128, code 0). Sum 0x8044,
    checksum ~0x8044 = 0x7fbb.
    """
    icmp = bytes.fromhex("8000000000000000")
    assert icmpv6_checksum(LOOPBACK, LOOPBACK, icmp) == 0x7FBB
    assert pseudo_header(LOOPBACK, LOOPBACK, 8, 58).hex() == (
        "00" * 15 + "01" + "00" * 15 + "01" + "00000008" + "0000003a")


def test_checksum_field_is_taken_as_zero() -> None:
    icmp = bytes.fromhex("8000abcd00000000")
    assert icmpv6_checksum(LOOPBACK, LOOPBACK, icmp) == 0x7FBB


def test_received_message_sums_to_zero() -> None:
    icmp = bytearray.fromhex("8000000012345678")
    icmp[2:4] = icmpv6_checksum(LOOPBACK, LOOPBACK, bytes(icmp)).to_bytes(2, "big")
    assert ones_complement_checksum(pseudo_header(LOOPBACK, LOOPBACK, 8, 58) + icmp) == 0


def test_mobility_header_pseudo_header_uses_next_header_135() -> None:
    mh = bytes(8)
    a = ipaddress.IPv6Address("2001:db8::1")
    assert mh_checksum(a, a, mh) == ones_complement_checksum(pseudo_header(a, a, 8, 135) + mh)
    assert mh_checksum(a, a, mh) != ones_complement_checksum(pseudo_header(a, a, 8, 2) + mh)


@st_wire.WIRE
@given(st_wire.icmpv6_messages, st_wire.addresses, st_wire.addresses)
def test_icmpv6_checksum_agrees_with_scapy(message: object, src: ipaddress.IPv6Address,
                                           dst: ipaddress.IPv6Address) -> None:
    raw = message.encode(src, dst)  # type: ignore[attr-defined]
    zeroed = raw[:2] + b"\x00\x00" + raw[4:]
    outer = IPv6(src=str(src), dst=str(dst), nh=58) / Raw(zeroed)
    assert in6_chksum(58, outer[Raw], zeroed) == int.from_bytes(raw[2:4], "big")


@st_wire.WIRE
@given(st_wire.fbu, st_wire.home_addresses, st_wire.addresses)
def test_mobility_checksum_agrees_with_scapy(fbu: FastBindingUpdate,
                                             home: ipaddress.IPv6Address,
                                             par: ipaddress.IPv6Address) -> None:
    raw = fbu.encode(home, par)
    zeroed = raw[:4] + b"\x00\x00" + raw[6:]
    outer = IPv6(src=str(home), dst=str(par), nh=135) / Raw(zeroed)
    assert in6_chksum(135, outer[Raw], zeroed) == int.from_bytes(raw[4:6], "big")


def rfc1071_sum(data: bytes) -> int:
    """The checksum the slow way (RFC 1071 §4.1): add 16-bit words, fold the carries, invert."""
    if len(data) % 2:
        data += b"\x00"
    total = 0
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


@st_wire.WIRE
@given(st.binary(max_size=300))
def test_big_integer_checksum_agrees_with_the_word_loop(data: bytes) -> None:
    assert ones_complement_checksum(data) == rfc1071_sum(data)


@st_wire.WIRE
@given(st.one_of(st.binary(min_size=2, max_size=300),
                 st.integers(1, 150).map(lambda n: bytes(2 * n))),  # all zero: checksum 0xFFFF
       st.integers(0, 149), st.sampled_from([0, 1, 0xFFFF, 0x1234]))
def test_checksum_with_the_field_left_in_place(data: bytes, word: int, field: int) -> None:
    """The same value as zeroing the field first, whatever the field holds."""
    at = 2 * (word % (len(data) // 2))
    data = data[:at] + field.to_bytes(2, "big") + data[at + 2:]
    zeroed = data[:at] + b"\x00\x00" + data[at + 2:]
    assert checksum_with_field_zero(data, at) == ones_complement_checksum(zeroed)
    assert checksum_with_field_zero(data, at) == rfc1071_sum(zeroed)


def test_checksum_of_a_message_too_short_for_its_field() -> None:
    """A 1-octet payload still gets a checksum (the missing field counts as zero)."""
    expected = ones_complement_checksum(pseudo_header(LOOPBACK, LOOPBACK, 1, 58) + b"\x80\x00\x00")
    assert icmpv6_checksum(LOOPBACK, LOOPBACK, b"\x80") == expected


def _with_checksum_word(payload: bytes, at: int, value: int) -> bytes:
    return payload[:at] + value.to_bytes(2, "big") + payload[at + 2:]


@st_wire.WIRE
@given(st.binary(min_size=16, max_size=16), st.binary(min_size=16, max_size=16),
       st.sampled_from([58, 135, 0]),
       st.one_of(st.binary(max_size=200), st.integers(0, 100).map(bytes)),
       st.sampled_from([2, 4]), st.sampled_from([0, 1, 0xFFFF, 0xA5A5]))
def test_upper_layer_checksum_agrees_with_the_built_pseudo_header(
        src: bytes, dst: bytes, next_header: int, payload: bytes, at: int, field: int) -> None:
    """The residue arithmetic gives the checksum of the pseudo-header built as octets (RFC
    2460 §8.1) followed by the payload with its field zero, odd lengths and all-zero data
    included; a payload too short for its field counts the missing octets as zero."""
    if len(payload) >= at + 2:
        payload = _with_checksum_word(payload, at, field)
        zeroed = _with_checksum_word(payload, at, 0)
    else:
        zeroed = payload[:at] + b"\x00\x00" + payload[at + 2:]
    expected = rfc1071_sum(pseudo_header(src, dst, len(payload), next_header) + zeroed
                           + b"\x00" * ((len(zeroed) + 40) % 2))
    assert upper_layer_checksum(src, dst, next_header, payload, at) == expected


def test_upper_layer_checksum_of_a_sum_of_ffff_is_zero() -> None:
    """A residue of 0 with a payload present is a one's complement sum of 0xFFFF (the
    Upper-Layer Packet Length keeps the data from being all zero): checksum 0."""
    zero = bytes(16)
    payload = bytes.fromhex("0000abcdfff9")  # 6 (length) + 0xfff9 = 0xffff; field ignored
    assert rfc1071_sum(pseudo_header(zero, zero, 6, 0) + bytes.fromhex("00000000fff9")) == 0
    assert upper_layer_checksum(zero, zero, 0, payload, 2) == 0
