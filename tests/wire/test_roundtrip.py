"""Round trips both ways for every option and message: decode(encode(m)) == m and
encode(decode(b)) == b for the canonical bytes b = encode(m)."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rfc5269.interpretations import BadfLength
from rfc5269.wire.cga_params import CgaParameters
from rfc5269.wire.icmpv6 import decode_icmpv6
from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.mobility import decode_mobility_header
from rfc5269.wire.ndopt import RsaSignatureOption, decode_options, encode_options

from . import strategies as st_wire

SRC = ipaddress.IPv6Address("fe80::1")
DST = ipaddress.IPv6Address("fe80::2")


@pytest.mark.parametrize("cls", list(st_wire.nd_options), ids=lambda c: c.__name__)
def test_nd_option_round_trip(cls: type) -> None:
    @st_wire.WIRE
    @given(st_wire.nd_options[cls])
    def check(option: Any) -> None:
        b = option.encode()
        assert len(b) % 8 == 0
        decoded = type(option).decode(b)
        assert decoded == option
        assert decoded.encode() == b
        assert decode_options(b) == (option,)

    check()


@st_wire.WIRE
@given(st_wire.nd_option_lists)
def test_option_list_round_trip(options: tuple[Any, ...]) -> None:
    b = encode_options(options)
    assert decode_options(b) == options
    assert encode_options(decode_options(b)) == b


@st_wire.WIRE
@given(st_wire.cga_parameters)
def test_cga_parameters_round_trip(params: CgaParameters) -> None:
    b = params.encode()
    assert CgaParameters.decode(b) == params
    assert CgaParameters.decode(b).encode() == b


@st_wire.WIRE
@given(st.binary(min_size=16, max_size=16), st.binary(max_size=300))
def test_rsa_signature_split_round_trip(key_hash: bytes, signature: bytes) -> None:
    option = RsaSignatureOption.create(key_hash, signature)
    decoded = RsaSignatureOption.decode(option.encode())
    assert decoded.signature == signature + option.padding  # the codec cannot split alone
    assert decoded.with_signature_length(len(signature)) == option


@st_wire.WIRE
@given(st_wire.icmpv6_messages)
def test_icmpv6_message_round_trip(message: Any) -> None:
    b = message.encode(SRC, DST)
    decoded = type(message).decode(b, SRC, DST)
    assert decoded == message
    assert decoded.raw == b
    assert decoded.encode(SRC, DST) == b
    assert decode_icmpv6(b, SRC, DST) == message


@pytest.mark.parametrize("reading", list(BadfLength))
def test_mobility_message_round_trip(reading: BadfLength) -> None:
    @st_wire.WIRE
    @given(st_wire.mobility_messages)
    def check(message: Any) -> None:
        b = message.encode(SRC, DST, reading)
        assert len(b) % 8 == 0
        decoded = type(message).decode(b, SRC, DST, reading)
        assert decoded == message
        assert decoded.encode(SRC, DST, reading) == b
        assert decode_mobility_header(b, SRC, DST, reading) == message

    check()


@st_wire.WIRE
@given(st_wire.ipv6_packets())
def test_ipv6_packet_round_trip(packet: IPv6Packet) -> None:
    b = packet.encode()
    decoded = IPv6Packet.decode(b)
    assert decoded == packet
    assert decoded.encode() == b
