"""Checksums: hand-computed vectors (RFC 1071 §3, RFC 4443 §2.3) and scapy as an outside check."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from rfc5269.wire.icmpv6 import icmpv6_checksum, ones_complement_checksum, pseudo_header
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
