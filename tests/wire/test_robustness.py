"""Only DecodeError ever leaves a decoder, on random bytes and on mutated valid messages."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rfc5269.errors import DecodeError
from rfc5269.interpretations import BadfLength
from rfc5269.wire import ndopt
from rfc5269.wire.cert_path import CertificationPathAdvertisement, CertificationPathSolicitation
from rfc5269.wire.cga_params import CgaParameters
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.icmpv6 import Icmpv6Unknown, decode_icmpv6
from rfc5269.wire.ipv6 import DestinationOptionsHeader, HomeAddressOption, IPv6Header, IPv6Packet
from rfc5269.wire.mobility import (
    FastBindingAck,
    FastBindingUpdate,
    MobilityHeader,
    decode_mobility_header,
    mh_data_for_authenticator,
)
from rfc5269.wire.pcap import PcapRecord, ipv6_of, read_pcap
from rfc5269.wire.send_ranges import signed_portion

from . import strategies as st_wire

SRC = ipaddress.IPv6Address("fe80::1")
DST = ipaddress.IPv6Address("fe80::2")
Decoder = Callable[[bytes], Any]

DECODERS: dict[str, Decoder] = {
    "decode_options": ndopt.decode_options,
    "option_spans": ndopt.option_spans,
    **{f"{c.__name__}.decode": c.decode for c in st_wire.nd_options},
    "CgaParameters.decode": CgaParameters.decode,
    "RtSolPr.decode": lambda b: RtSolPr.decode(b, SRC, DST),
    "PrRtAdv.decode": lambda b: PrRtAdv.decode(b, SRC, DST),
    "CertificationPathSolicitation.decode": CertificationPathSolicitation.decode,
    "CertificationPathAdvertisement.decode": CertificationPathAdvertisement.decode,
    "Icmpv6Unknown.decode": Icmpv6Unknown.decode,
    "decode_icmpv6": lambda b: decode_icmpv6(b, verify_checksum=False),
    "decode_icmpv6(checksum)": lambda b: decode_icmpv6(b, SRC, DST),
    "signed_portion": signed_portion,
    "FastBindingUpdate.decode": FastBindingUpdate.decode,
    "FastBindingAck.decode": FastBindingAck.decode,
    "MobilityHeader.decode": MobilityHeader.decode,
    "decode_mobility_header": decode_mobility_header,
    "decode_mobility_header(authenticator-only)":
        lambda b: decode_mobility_header(b, badf_length=BadfLength.AUTHENTICATOR_ONLY),
    "mh_data_for_authenticator": mh_data_for_authenticator,
    "IPv6Header.decode": IPv6Header.decode,
    "DestinationOptionsHeader.decode": DestinationOptionsHeader.decode,
    "HomeAddressOption.decode": HomeAddressOption.decode,
    "IPv6Packet.decode": IPv6Packet.decode,
    "IPv6Packet.decode(no checksum)": lambda b: IPv6Packet.decode(b, verify_checksum=False),
    "read_pcap": lambda b: list(read_pcap(b)),
    "ipv6_of": lambda b: [ipv6_of(PcapRecord(1, 0, 0, 1, t, b, len(b))) for t in (1, 113, 229)],
}


def only_decode_error(decoder: Decoder, data: bytes) -> None:
    try:
        decoder(data)
    except DecodeError:
        pass


@st.composite
def mutated(draw: Any, valid: st.SearchStrategy[bytes]) -> bytes:
    """A valid encoding with a few octets changed, cut, inserted or deleted."""
    data = bytearray(draw(valid))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["set", "cut", "insert", "delete"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "set" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[pos:]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif data:
            del data[pos:pos + draw(st.integers(1, 8))]
    return bytes(data)


valid_bytes = st.one_of(
    st_wire.any_nd_option.map(lambda o: o.encode()),
    st_wire.nd_option_lists.map(ndopt.encode_options),
    st_wire.cga_parameters.map(lambda p: p.encode()),
    st_wire.icmpv6_messages.map(lambda m: m.encode(SRC, DST)),
    st_wire.mobility_messages.map(lambda m: m.encode()),
    st_wire.ipv6_packets().map(lambda p: p.encode()),
)


@pytest.mark.parametrize("name", list(DECODERS))
def test_random_bytes_raise_only_decode_error(name: str) -> None:
    @st_wire.WIRE
    @given(st.binary(max_size=200))
    def check(data: bytes) -> None:
        only_decode_error(DECODERS[name], data)

    check()


@pytest.mark.parametrize("name", list(DECODERS))
def test_mutated_messages_raise_only_decode_error(name: str) -> None:
    @st_wire.WIRE
    @given(mutated(valid_bytes))
    def check(data: bytes) -> None:
        only_decode_error(DECODERS[name], data)

    check()


@st_wire.WIRE
@given(mutated(st_wire.ipv6_packets().map(lambda p: p.encode())))
def test_mutated_packets_decode_or_fail_cleanly(data: bytes) -> None:
    try:
        packet = IPv6Packet.decode(data)
    except DecodeError as exc:
        assert exc.field and exc.rule
    else:
        assert packet.raw == data
