"""One negative test per strictness rule of the Mobility Header, its options, the
Destination Options header and whole IPv6 packets."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rfc5269.errors import DecodeError, EncodeError
from rfc5269.interpretations import BadfLength
from rfc5269.wire.ipv6 import (
    DestinationOptionsHeader,
    HomeAddressOption,
    IPv6Header,
    IPv6Packet,
    UnknownDestinationOption,
    is_routable_unicast,
)
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    MobilityHeaderLla,
    UnknownMobilityOption,
    decode_mobility_header,
    mh_checksum,
    mh_data_for_authenticator,
)

from . import strategies as st_wire

SRC = ipaddress.IPv6Address("2001:db8:a::5")
PAR = ipaddress.IPv6Address("2001:db8:a::1")
NCOA = ipaddress.IPv6Address("2001:db8:b::5")
AUTH = bytes(range(12))
BADF = BindingAuthorizationDataFmip(0, AUTH)


def rejects(decode: Callable[[bytes], Any], data: bytes, field: str, rule: str) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        decode(bytes(data))
    assert field in info.value.field, info.value
    assert rule in info.value.rule, info.value
    return info.value


def fbu_raw(options: bytes, flags: int = 0xC0, mh_type: int = 8) -> bytes:
    """An FBU (or FBack layout) with the given options area, Header Len and checksum filled."""
    body = bytearray((59, 0, mh_type, 0, 0, 0, 0, 1, flags, 0, 0, 10)) + options
    assert len(body) % 8 == 0, len(body)
    body[1] = len(body) // 8 - 1
    body[4:6] = mh_checksum(SRC, PAR, bytes(body)).to_bytes(2, "big")
    return bytes(body)


def badf_raw(length: int | None = None, auth: bytes = AUTH) -> bytes:
    n = len(auth) + 4 if length is None else length
    return bytes((21, n)) + bytes(4) + auth


ALT = b"\x03\x10" + NCOA.packed
PADN2 = b"\x01\x00"
PADN6 = b"\x01\x04" + bytes(4)
# Options area from octet 12: PadN(2), AltCoA at 14 (8n+6), PadN(6), BADF at 38, end 56.
OPTS = PADN2 + ALT + PADN6 + badf_raw()


def decode_fbu(b: bytes) -> FastBindingUpdate:
    return FastBindingUpdate.decode(b, SRC, PAR)


def test_valid_baseline_fbu() -> None:
    raw = fbu_raw(OPTS)
    fbu = decode_fbu(raw)
    assert fbu.options == (AlternateCareOfAddress(NCOA), BADF)
    assert fbu.encode(SRC, PAR) == raw


def test_header_len_must_match_the_length() -> None:
    raw = fbu_raw(OPTS)
    rejects(decode_fbu, raw + bytes(8), "header_len", "does not match")
    rejects(decode_fbu, raw[:8], "header_len", "does not match")
    rejects(decode_mobility_header, raw[:6], "header_len", "shorter than 8")


def test_mobility_header_checksum_must_be_right() -> None:
    raw = bytearray(fbu_raw(OPTS))
    raw[5] ^= 0x40
    rejects(decode_fbu, bytes(raw), "FastBindingUpdate.checksum", "wrong")


def test_badf_must_be_the_last_option() -> None:
    raw = fbu_raw(PADN2 + badf_raw() + ALT + PADN6)
    rejects(decode_fbu, raw, "options[1]", "last mobility option")


def test_no_padding_after_the_badf() -> None:
    raw = fbu_raw(PADN2 + badf_raw() + b"\x01\x06" + bytes(6))
    rejects(decode_fbu, raw, "options[1]", "last mobility option")


def test_fbu_must_carry_a_badf() -> None:
    raw = fbu_raw(PADN2 + ALT)
    rejects(decode_fbu, raw, "FastBindingUpdate.options", "BADF")
    with pytest.raises(EncodeError):
        FastBindingUpdate(1, 10, (AlternateCareOfAddress(NCOA),)).encode()


@pytest.mark.parametrize(("flags", "field"), [(0x40, "FastBindingUpdate.a"),
                                              (0x80, "FastBindingUpdate.h")])
def test_fbu_a_and_h_flags_must_be_set(flags: int, field: str) -> None:
    raw = fbu_raw(OPTS, flags=flags)
    rejects(decode_fbu, raw, field, "must be set")


def test_fbu_reserved_bits_are_ignored() -> None:
    clean = fbu_raw(OPTS, flags=0xC0)
    dirty = fbu_raw(OPTS, flags=0xC7)
    assert decode_fbu(dirty).encode(SRC, PAR) == clean


def test_fback_status_1_needs_an_alternate_care_of_address() -> None:
    def raw(options: bytes) -> bytes:
        body = fbu_raw(options, mh_type=9)
        b = bytearray(body)
        b[6] = 1  # status 1
        b[4:6] = b"\x00\x00"
        b[4:6] = mh_checksum(SRC, PAR, bytes(b)).to_bytes(2, "big")
        return bytes(b)

    ok = FastBindingAck.decode(raw(OPTS), SRC, PAR)
    assert ok.status == 1
    rejects(lambda b: FastBindingAck.decode(b, SRC, PAR), raw(PADN2 + badf_raw()),
            "FastBindingAck.options", "Alternate Care-of Address")


def test_alternate_coa_length_must_be_16() -> None:
    raw = fbu_raw(PADN2 + b"\x03\x0e" + bytes(14) + b"\x01\x06" + bytes(6) + badf_raw())
    rejects(decode_fbu, raw, "AlternateCareOfAddress.length", "must be 16")


def test_alternate_coa_must_be_aligned_8n_6() -> None:
    raw = fbu_raw(ALT + b"\x01\x06" + bytes(6) + badf_raw())  # AltCoA at 12 = 8n+4
    rejects(decode_fbu, raw, "alignment", "8n+6")


def test_padn_that_does_not_fit_is_rejected() -> None:
    raw = fbu_raw(PADN2 + ALT + b"\x01\x09" + bytes(6))
    rejects(decode_fbu, raw, "length", "padding does not fit")


def test_option_overrunning_the_header_is_rejected() -> None:
    raw = fbu_raw(PADN2 + ALT + b"\x09\x20" + bytes(6))
    rejects(decode_fbu, raw, "length", "overruns")


def test_padn_content_is_ignored() -> None:
    clean = fbu_raw(OPTS)
    dirty = fbu_raw(PADN2 + ALT + b"\x01\x04" + b"\xaa" * 4 + badf_raw())
    assert decode_fbu(dirty) == decode_fbu(clean)
    assert decode_fbu(dirty).encode(SRC, PAR) == clean


def test_mh_lla_option_code_must_be_2() -> None:
    good = fbu_raw(b"\x07\x07\x02" + bytes(6) + b"\x00" + badf_raw())
    assert decode_fbu(good).options[0] == MobilityHeaderLla(bytes(6))
    assert decode_fbu(good).encode(SRC, PAR) == good
    bad = fbu_raw(b"\x07\x07\x03" + bytes(6) + b"\x00" + badf_raw())
    rejects(decode_fbu, bad, "MobilityHeaderLla.option_code", "must be 2")


def test_mh_lla_needs_its_option_code() -> None:
    bad = fbu_raw(b"\x07\x00" + badf_raw())
    rejects(decode_fbu, bad, "MobilityHeaderLla.length", "at least 1")


def test_unknown_mobility_options_are_kept() -> None:
    raw = fbu_raw(b"\x63\x02ab" + PADN6 + badf_raw())
    fbu = decode_fbu(raw)
    assert fbu.options[0] == UnknownMobilityOption(0x63, b"ab")
    assert fbu.encode(SRC, PAR) == raw


# --------------------------------------------------------------------------- BADF readings


def test_badf_option_data_reading_needs_spi_and_authenticator() -> None:
    raw = fbu_raw(PADN6 + bytes((21, 4)) + bytes(4))
    rejects(decode_fbu, raw, "length", "SPI and a non-empty Authenticator")


def test_badf_readings_differ_on_the_same_octets() -> None:
    fbu = FastBindingUpdate(1, 10, (BADF,))
    as_data = fbu.encode(SRC, PAR, BadfLength.OPTION_DATA)
    as_auth = fbu.encode(SRC, PAR, BadfLength.AUTHENTICATOR_ONLY)
    assert as_data != as_auth
    assert FastBindingUpdate.decode(as_data, SRC, PAR, BadfLength.OPTION_DATA) == fbu
    assert FastBindingUpdate.decode(as_auth, SRC, PAR, BadfLength.AUTHENTICATOR_ONLY) == fbu
    # Read under the other reading, the BADF overruns the header or leaves octets after it.
    rejects(lambda b: FastBindingUpdate.decode(b, SRC, PAR, BadfLength.AUTHENTICATOR_ONLY),
            as_data, "length", "overruns")
    rejects(lambda b: FastBindingUpdate.decode(b, SRC, PAR, BadfLength.OPTION_DATA),
            as_auth, "options[1]", "last mobility option")


def test_mh_data_for_authenticator_leaves_out_authenticator_and_checksum() -> None:
    fbu = FastBindingUpdate(1, 10, (AlternateCareOfAddress(NCOA), BADF))
    raw = fbu.encode(SRC, PAR)
    data = mh_data_for_authenticator(raw)
    assert data == raw[:4] + b"\x00\x00" + raw[6:-len(AUTH)]
    assert mh_data_for_authenticator(fbu) == data
    with pytest.raises(DecodeError):
        mh_data_for_authenticator(fbu_raw(b"\x01\x02\x00\x00"))


# --------------------------------------------------------------------------- IPv6 and DstOpts


def fbu_packet() -> IPv6Packet:
    fbu = FastBindingUpdate(1, 10, (AlternateCareOfAddress(NCOA), BADF))
    return IPv6Packet(IPv6Header(SRC, PAR, 64), (DestinationOptionsHeader(
        (HomeAddressOption(SRC),)),), fbu)


def test_packet_baseline() -> None:
    raw = fbu_packet().encode()
    assert IPv6Packet.decode(raw) == fbu_packet()
    assert raw[40:48] == bytes((135, 2, 1, 2, 0, 0, 0xC9, 16))  # PadN(2) then HoA at 8n+6


def test_version_must_be_6() -> None:
    raw = bytearray(fbu_packet().encode())
    raw[0] = 0x40
    rejects(IPv6Packet.decode, bytes(raw), "IPv6Header.version", "must be 6")


def test_payload_length_must_match() -> None:
    raw = fbu_packet().encode()
    rejects(IPv6Packet.decode, raw + b"\x00", "payload_length", "follow")
    rejects(IPv6Packet.decode, raw[:-8], "payload_length", "follow")


def test_destination_options_header_overrun_is_rejected() -> None:
    raw = bytearray(fbu_packet().encode())
    raw[41] = 40
    rejects(IPv6Packet.decode, bytes(raw), "hdr_ext_len", "overruns")


def dstopts(options: bytes) -> bytes:
    body = bytearray((59, 0)) + options
    body[1] = len(body) // 8 - 1
    return bytes(body)


def test_home_address_option_length_must_be_16() -> None:
    raw = dstopts(b"\x01\x02\x00\x00" + b"\xc9\x0f" + bytes(15) + b"\x00")
    rejects(DestinationOptionsHeader.decode, raw, "HomeAddressOption.length", "must be 16")


def test_home_address_option_must_be_aligned() -> None:
    raw = dstopts(b"\xc9\x10" + SRC.packed + b"\x01\x02\x00\x00")
    rejects(DestinationOptionsHeader.decode, raw, "alignment", "8n+6")


def test_home_address_option_only_once() -> None:
    hoa = b"\xc9\x10" + SRC.packed
    raw = dstopts(b"\x01\x02\x00\x00" + hoa + b"\x01\x04" + bytes(4) + hoa)
    rejects(DestinationOptionsHeader.decode, raw, "options[1]", "once")


@pytest.mark.parametrize("address", ["ff02::1", "::", "::1", "fe80::1"])
def test_home_address_must_be_unicast_routable(address: str) -> None:
    raw = dstopts(b"\x01\x02\x00\x00" + b"\xc9\x10" + ipaddress.IPv6Address(address).packed)
    rejects(DestinationOptionsHeader.decode, raw, "home_address", "unicast routable")


def test_unrecognised_destination_option_that_demands_discard_is_rejected() -> None:
    skip = dstopts(b"\x1e\x04" + bytes(4))
    assert DestinationOptionsHeader.decode(skip).options == (
        UnknownDestinationOption(0x1E, bytes(4)),)
    rejects(DestinationOptionsHeader.decode, dstopts(b"\x5e\x04" + bytes(4)), "option_type",
            "discarding")


def test_destination_padn_that_does_not_fit_is_rejected() -> None:
    rejects(DestinationOptionsHeader.decode, dstopts(b"\x01\x05" + bytes(4)), "length",
            "padding does not fit")


def test_fbu_needs_a_home_address_option() -> None:
    packet = fbu_packet()
    bare = IPv6Packet(packet.header, (), packet.payload)
    with pytest.raises(EncodeError):
        bare.encode()
    fbu_bytes = packet.payload.encode(SRC, PAR)
    header = IPv6Header(SRC, PAR, 64, next_header=135, payload_length=len(fbu_bytes))
    rejects(IPv6Packet.decode, header.encode() + fbu_bytes, "extension_headers",
            "Home Address")


def test_checksum_uses_the_home_address_as_source() -> None:
    coa = ipaddress.IPv6Address("2001:db8:b::77")
    packet = fbu_packet()
    moved = IPv6Packet(IPv6Header(coa, PAR, 64), packet.extension_headers, packet.payload)
    raw = moved.encode()
    assert IPv6Packet.decode(raw) == moved
    mh = raw[40 + 24:]
    assert int.from_bytes(mh[4:6], "big") == mh_checksum(SRC, PAR, mh)  # SRC is the HoA
    assert int.from_bytes(mh[4:6], "big") != mh_checksum(coa, PAR, mh)


@st_wire.WIRE
@given(st.one_of(
    st_wire.addresses,
    st.sampled_from(["::", "::1", "::2", "fe80::", "febf:ffff::1", "fec0::", "fe7f::1", "ff00::",
                     "ff02::1", "feff::1"]).map(ipaddress.IPv6Address)))
def test_routable_unicast_agrees_with_ipaddress(address: ipaddress.IPv6Address) -> None:
    expected = not (address.is_multicast or address.is_unspecified or address.is_loopback
                    or address.is_link_local)
    assert is_routable_unicast(address) == expected
