"""IPv6Packet.encode returns the received octets only when they are exactly what it would build.

A decoded packet keeps the octets it came from; ``encode()`` hands them back
when :attr:`IPv6Packet.received_is_canonical` holds. Every octet the decoder
ignores (reserved fields, padding content, padding placement, the prefix bits
after a NAR prefix's length) and every unverified checksum must defeat that, so
that ``encode()`` always equals ``encode(fresh=True)``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rfc5269.errors import DecodeError, WireError
from rfc5269.interpretations import BadfLength
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.icmpv6 import icmpv6_checksum
from rfc5269.wire.ipv6 import (
    DestinationOptionsHeader,
    HomeAddressOption,
    IPv6Header,
    IPv6Packet,
)
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    UnknownMobilityOption,
    mh_checksum,
)
from rfc5269.wire.ndopt import OPTION_CLASSES, option_spans
from rfc5269.wire.pcap import ipv6_of, read_pcap

from . import strategies as st_wire
from .test_robustness import mutated

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "pcap"


def sample(name: str) -> bytes:
    (record,) = read_pcap((SAMPLES / f"{name}.pcap").read_bytes())
    packet = ipv6_of(record)
    assert packet is not None
    return packet


def with_checksum(data: bytes) -> bytes:
    """``data`` with its ICMPv6 or Mobility Header checksum recomputed (home address as source)."""
    out = bytearray(data)
    nh, pos, src = data[6], 40, data[8:24]
    if nh == 60:
        header = DestinationOptionsHeader.decode(data[40:40 + (data[41] + 1) * 8])
        if header.home_address is not None:
            src = header.home_address.packed
        nh, pos = data[40], 40 + (data[41] + 1) * 8
    upper = bytes(out[pos:])
    if nh == 58:
        out[pos + 2:pos + 4] = icmpv6_checksum(src, data[24:40], upper).to_bytes(2, "big")
    elif nh == 135:
        out[pos + 4:pos + 6] = mh_checksum(src, data[24:40], upper).to_bytes(2, "big")
    return bytes(out)


def changed(data: bytes, offset: int, value: int) -> bytes:
    out = bytearray(data)
    assert out[offset] != value
    out[offset] = value
    return with_checksum(bytes(out))


def assert_rebuilt(received: bytes, zeroed: list[int]) -> IPv6Packet:
    """Decoding ``received`` works, the cache is refused, and the octets are rebuilt with
    the octets at ``zeroed`` cleared."""
    packet = IPv6Packet.decode(received)
    assert not packet.received_is_canonical
    built = packet.encode()
    assert built == packet.encode(fresh=True)
    assert built != received
    assert all(built[i] == 0 for i in zeroed), [built[i] for i in zeroed]
    assert IPv6Packet.decode(built).received_is_canonical
    return packet


# --------------------------------------------------------------------------- canonical input


@pytest.mark.parametrize("name", ["prrtadv", "fbu"])
def test_canonical_sample_is_returned_as_received(name: str) -> None:
    data = sample(name)
    packet = IPv6Packet.decode(data)
    assert packet.received_is_canonical
    assert packet.encode() is data  # no rebuild
    assert packet.encode(fresh=True) == data


@st_wire.WIRE
@given(st_wire.ipv6_packets())
def test_encoder_output_is_proved_canonical(packet: IPv6Packet) -> None:
    b = packet.encode()
    assert not packet.received_is_canonical  # built, not decoded
    decoded = IPv6Packet.decode(b)
    assert decoded.received_is_canonical
    assert decoded.encode() == b


# --------------------------------------------------------------------------- PrRtAdv

PRRTADV = sample("prrtadv")
SPANS = {s.type: s for s in option_spans(PRRTADV[48:], base=48)}
PREFIX = [s for s in option_spans(PRRTADV[48:], base=48) if s.type == 17][1]


def _last(option_type: int) -> int:
    span = SPANS[option_type]
    return span.offset + span.length - 1


PRRTADV_CASES: dict[str, tuple[int, int]] = {
    "PrRtAdv Reserved": (45, 0x80),
    "CGA option Reserved": (SPANS[11].offset + 3, 1),
    "CGA option padding": (_last(11), 0xAA),
    "RSA Signature Reserved": (SPANS[12].offset + 2, 0x01),
    "Timestamp Reserved": (SPANS[13].offset + 4, 0xFF),
    "IP Address/Prefix Reserved": (PREFIX.offset + 5, 0x10),
    "NAR prefix bits after Prefix Length": (PREFIX.offset + 8 + 15, 0x01),
    "Handover Key Reply Reserved (after AT)": (SPANS[28].offset + 3, 0x01),
    "Handover Key Reply padding": (_last(28), 0x55),
}


def test_prrtadv_sample_is_as_the_cases_expect() -> None:
    assert PRRTADV[PREFIX.offset + 2] == 4 and PRRTADV[PREFIX.offset + 3] == 64  # NAR prefix /64
    assert PRRTADV[SPANS[11].offset + 2] > 0 and PRRTADV[SPANS[28].offset + 2] > 0  # padded


@pytest.mark.parametrize("case", list(PRRTADV_CASES))
def test_ignored_octets_in_a_prrtadv_are_rebuilt(case: str) -> None:
    offset, value = PRRTADV_CASES[case]
    received = changed(PRRTADV, offset, value)
    assert_rebuilt(received, [offset])
    assert IPv6Packet.decode(received).encode() == PRRTADV


# --------------------------------------------------------------------------- FBU

FBU = sample("fbu")
MH = 64  # Mobility Header offset: IPv6 header, 24-octet Destination Options header

FBU_CASES: dict[str, tuple[int, int]] = {
    "Destination Options PadN data": (44, 0x11),
    "Mobility Header Reserved": (MH + 3, 0x01),
    "FBU Reserved (after the flags)": (MH + 9, 0x01),
    "mobility PadN before the BADF": (MH + 34, 0x22),
}


def test_fbu_sample_is_as_the_cases_expect() -> None:
    assert FBU[40:46] == bytes.fromhex("870201020000")  # PadN of 4 octets before the HoA
    assert FBU[MH + 2] == 8 and FBU[MH + 12:MH + 14] == b"\x01\x00"  # FBU, PadN(2) before ACoA
    assert FBU[MH + 32:MH + 38] == bytes.fromhex("010400000000")  # PadN(6) before the BADF


@pytest.mark.parametrize("case", list(FBU_CASES))
def test_ignored_octets_in_an_fbu_are_rebuilt(case: str) -> None:
    offset, value = FBU_CASES[case]
    received = changed(FBU, offset, value)
    assert_rebuilt(received, [offset])
    assert IPv6Packet.decode(received).encode() == FBU


def test_padding_placed_where_the_encoder_would_not_put_it_is_rebuilt() -> None:
    """Pad1 + Pad1 instead of one PadN of 2 octets before the Alternate CoA."""
    received = changed(FBU, MH + 12, 0x00)  # the PadN's type: now Pad1, Pad1
    assert received[MH + 12:MH + 14] == b"\x00\x00"
    assert_rebuilt(received, [])
    assert IPv6Packet.decode(received).encode() == FBU


def test_an_unknown_option_after_padding_is_rebuilt_without_it() -> None:
    """An uninterpreted mobility option the encoder places without the received padding."""
    home = ipaddress.IPv6Address("2001:db8:a::5")
    fbu = FastBindingUpdate(1, 15, (UnknownMobilityOption(200, b"\x07"),
                                    AlternateCareOfAddress(ipaddress.IPv6Address("2001:db8:b::5")),
                                    BindingAuthorizationDataFmip(0, bytes(12))))
    packet = IPv6Packet(IPv6Header(ipaddress.IPv6Address("2001:db8:a::9"),
                                   ipaddress.IPv6Address("2001:db8:a::1")),
                        (DestinationOptionsHeader((HomeAddressOption(home),)),), fbu)
    canonical = packet.encode()
    options = MH + 12
    assert canonical[options:options + 3] == bytes((200, 1, 7))  # no padding before it
    assert canonical[options + 3:options + 10] == bytes.fromhex("01050000000000")  # to 8n+6
    # Pad1 in front of the unknown option, one octet less of the PadN that follows it
    moved = (canonical[:options] + b"\x00" + bytes((200, 1, 7)) + bytes.fromhex("010400000000")
             + canonical[options + 10:])
    received = with_checksum(moved)
    assert_rebuilt(received, [])
    assert IPv6Packet.decode(received).encode() == canonical


# --------------------------------------------------------------------------- other refusals


def test_unverified_checksum_is_rebuilt() -> None:
    received = bytearray(PRRTADV)
    received[42] ^= 0xFF
    with pytest.raises(DecodeError):
        IPv6Packet.decode(bytes(received))
    packet = IPv6Packet.decode(bytes(received), verify_checksum=False)
    assert not packet.received_is_canonical
    assert packet.encode() == PRRTADV


def test_another_badf_reading_is_rebuilt() -> None:
    """Decoded under one BADF Option Length reading, encoded under the other."""
    packet = IPv6Packet.decode(FBU)
    other = packet.encode(BadfLength.AUTHENTICATOR_ONLY)
    assert other != FBU
    assert other == packet.encode(BadfLength.AUTHENTICATOR_ONLY, fresh=True)
    decoded = IPv6Packet.decode(other, badf_length=BadfLength.AUTHENTICATOR_ONLY)
    assert decoded.received_is_canonical
    assert decoded.encode(BadfLength.AUTHENTICATOR_ONLY) is other
    assert decoded.encode() == FBU


def test_a_changed_copy_is_built_from_its_fields() -> None:
    packet = IPv6Packet.decode(PRRTADV)
    header = dataclasses.replace(packet.header, hop_limit=64)
    copy = dataclasses.replace(packet, header=header)
    assert copy.raw == PRRTADV  # the field is copied, the proof is not
    assert not copy.received_is_canonical
    assert copy.encode()[7] == 64
    assert copy.encode() == copy.encode(fresh=True)


# --------------------------------------------------------------------------- any decodable input


def _decodable(data: bytes) -> bytes:
    try:
        return with_checksum(data)
    except (WireError, IndexError):
        return data


def _check_same_octets(data: bytes) -> None:
    try:
        packet = IPv6Packet.decode(data)
    except DecodeError:
        return
    built = packet.encode()
    assert built == packet.encode(fresh=True)
    assert packet.received_is_canonical == (built == data)


valid_packets = st_wire.ipv6_packets().map(lambda p: p.encode())


@st_wire.WIRE
@given(mutated(valid_packets).map(_decodable))
def test_encode_of_any_decoded_packet_is_its_fresh_build(data: bytes) -> None:
    _check_same_octets(data)


@st.composite
def octets_set(draw: st.DrawFn) -> bytes:
    """A sample or an encoded packet with one or two octets overwritten, checksum fixed."""
    base = draw(st.one_of(st.sampled_from([PRRTADV, FBU]), valid_packets))
    data = bytearray(base)
    near = {PRRTADV: [o for o, _ in PRRTADV_CASES.values()],
            FBU: [o for o, _ in FBU_CASES.values()]}.get(base, [])
    for _ in range(draw(st.integers(1, 2))):
        if near and draw(st.booleans()):  # next to an octet the decoder ignores
            at = min(draw(st.sampled_from(near)) + draw(st.integers(-3, 3)), len(data) - 1)
        else:
            at = draw(st.integers(40, len(data) - 1))
        data[at] = draw(st.sampled_from([0, 1, 0x80, 0xFF]))
    return _decodable(bytes(data))


@st_wire.WIRE
@given(octets_set())
def test_encode_of_a_decoded_packet_with_octets_set_is_its_fresh_build(data: bytes) -> None:
    _check_same_octets(data)


# --------------------------------------------------------------------------- the decoder's proof


def _option_octets() -> st.SearchStrategy[bytes]:
    return st_wire.any_nd_option.map(lambda o: o.encode())


@st_wire.WIRE
@given(mutated(_option_octets()))
def test_an_options_proof_is_whether_it_encodes_back_to_its_octets(data: bytes) -> None:
    """``decode_with_proof`` says True exactly when ``encode()`` gives the octets back."""
    cls = OPTION_CLASSES.get(data[0]) if data else None
    if cls is None:
        return
    try:
        cls.decode(data)
    except DecodeError:
        return
    option, proof = cls.decode_with_proof(data)
    assert proof == (option.encode() == data)
    assert option.is_canonical(data) == proof


def _without_record(obj: object) -> object:
    """A copy built from the fields only, so its proof is worked out again from the octets."""
    return dataclasses.replace(obj)  # type: ignore[type-var]


@st_wire.WIRE
@given(mutated(valid_packets).map(_decodable))
def test_the_proof_made_while_decoding_agrees_with_the_one_worked_out_after(data: bytes) -> None:
    """Each header's and message's recorded verdict equals the one derived from its fields."""
    try:
        packet = IPv6Packet.decode(data)
    except DecodeError:
        return
    _, upper, badf_length = packet.__dict__["_received"]
    pos = 40
    for h in packet.extension_headers:
        size = (data[pos + 1] + 1) * 8
        octets = data[pos:pos + size]
        assert h.is_canonical(octets) == _without_record(h).is_canonical(octets)  # type: ignore[attr-defined]
        pos += size
    payload = packet.payload
    if isinstance(payload, FastBindingUpdate | FastBindingAck):
        assert payload.is_canonical(data[upper:], badf_length) == _without_record(
            payload).is_canonical(data[upper:], badf_length)  # type: ignore[attr-defined]
    elif isinstance(payload, PrRtAdv | RtSolPr):
        assert payload.is_canonical(data[upper:]) == _without_record(
            payload).is_canonical(data[upper:])  # type: ignore[attr-defined]


def test_the_recorded_proof_is_kept_per_badf_reading() -> None:
    """A proof recorded under one BADF reading says nothing about the other."""
    packet = IPv6Packet.decode(FBU)
    mh = FBU[MH:]
    assert packet.payload.is_canonical(mh, BadfLength.OPTION_DATA)
    assert not packet.payload.is_canonical(mh, BadfLength.AUTHENTICATOR_ONLY)
