"""The scapy layers against the codec: same octets built, same values dissected.

For every message and option of rfc5269.wire: a layer built from a codec
object (rfc5269.scapy_layers.from_codec) gives the codec's octets, and
scapy's dissection of codec octets (through scapy's own dispatch, after
``import rfc5269.scapy_layers``) gives the codec's decoded field values.
Inputs: the fixed corpus (rfc5269.scapy_layers.examples) and the codec's
own hypothesis strategies (tests/wire/strategies.py).
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from rfc5269 import scapy_layers as sl
from rfc5269.interpretations import BadfLength
from rfc5269.scapy_layers.derive import derive_fields, scapy_names
from rfc5269.scapy_layers.examples import Example, examples
from rfc5269.wire import cga_params, icmpv6, ipv6, mobility, ndopt
from rfc5269.wire.describe import Field, Kind, uint
from scapy.fields import StrLenField
from scapy.layers import inet6
from scapy.layers.inet6 import (
    MIP6MH_BU,
    ICMPv6ND_NS,
    ICMPv6NDOptSrcLLAddr,
    IPv6,
    IPv6ExtHdrDestOpt,
    MIP6OptAltCoA,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from wire import strategies  # the codec helper's strategies (tests/wire)

FAST = settings(derandomize=True, max_examples=15, deadline=None, database=None)
SRC = ipaddress.IPv6Address("fe80::1")
DST = ipaddress.IPv6Address("fe80::2")
EXAMPLES = {e.name: e for e in examples()}


def scapy_packet(e: Example) -> Any:
    """The example built entirely with scapy layers (IPv6 and HAO are scapy's own)."""
    return sl.packet_from_codec(e.packet, e.badf_length)


def upper(pkt: Any) -> Any:
    """The upper-layer message of a dissected packet."""
    layer = pkt.payload
    while isinstance(layer, IPv6ExtHdrDestOpt):
        layer = layer.payload
    return layer


@pytest.fixture
def badf_reading() -> Any:
    yield sl.use_badf_length
    sl.use_badf_length(BadfLength.OPTION_DATA)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_scapy_builds_the_codec_octets(name: str) -> None:
    e = EXAMPLES[name]
    assert bytes(scapy_packet(e)) == e.wire


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_scapy_dissects_codec_octets_to_the_codec_values(name: str, badf_reading: Any) -> None:
    e = EXAMPLES[name]
    badf_reading(e.badf_length)
    decoded = ipv6.IPv6Packet.decode(e.wire, badf_length=e.badf_length)
    dissected = upper(IPv6(e.wire))
    assert type(dissected) is sl.LAYERS[type(decoded.payload)]
    assert sl.layer_values(dissected) == sl.codec_values(decoded.payload)
    # A dissected packet rebuilds to the same octets (checksums and lengths as received).
    assert bytes(IPv6(e.wire)) == e.wire


def test_values_comparison_can_fail() -> None:
    e = EXAMPLES["prrtadv"]
    decoded = ipv6.IPv6Packet.decode(e.wire)
    tampered = bytearray(e.wire)
    tampered[40 + 7] ^= 1  # the Identifier's last octet
    assert sl.layer_values(upper(IPv6(bytes(tampered)))) != sl.codec_values(decoded.payload)


# ----------------------------------------------------------------- hypothesis, per option


def _dissect_option(data: bytes) -> Any:
    cls = inet6.icmp6ndoptscls.get(data[0], inet6.ICMPv6NDOptUnknown)
    return cls(data)


@pytest.mark.parametrize("cls", list(strategies.nd_options), ids=lambda c: c.__name__)
def test_every_nd_option_builds_and_dissects_like_the_codec(cls: type) -> None:
    layer_cls = sl.LAYERS[cls]

    @FAST
    @given(strategies.nd_options[cls])
    def check(option: Any) -> None:
        wire = option.encode()
        assert bytes(sl.from_codec(option)) == wire
        expected = sl.codec_values(type(option).decode(wire))
        # Our derived layer, whatever scapy dispatches to:
        assert sl.layer_values(layer_cls(wire)) == expected
        # What scapy's dispatch picks (ours, or scapy's own where it agrees):
        dispatched = _dissect_option(wire)
        native_ethernet_only = type(dispatched) in (inet6.ICMPv6NDOptSrcLLAddr,
                                                    inet6.ICMPv6NDOptDstLLAddr)
        if (not native_ethernet_only or len(wire) == 8) and not _interpreted_by_scapy(option):
            assert sl.layer_values(dispatched) == expected

    check()


def test_cga_parameters_layer_matches_the_codec() -> None:
    @FAST
    @given(strategies.cga_parameters)
    def check(params: cga_params.CgaParameters) -> None:
        wire = params.encode()
        assert bytes(sl.from_codec(params)) == wire
        layer = sl.LAYERS[cga_params.CgaParameters](wire)
        assert sl.layer_values(layer) == sl.codec_values(cga_params.CgaParameters.decode(wire))

    check()


def _interpreted_by_scapy(option: Any) -> bool:
    """An option the codec keeps as octets but scapy reads by its own format.

    Arbitrary octets under such a type (e.g. ND 3 Prefix Information, mobility
    option 2 Binding Refresh Advice) need not fit scapy's format: these are
    compared through our layer only.
    """
    if isinstance(option, ndopt.UnknownOption):
        return option.type in inet6.icmp6ndoptscls
    if isinstance(option, mobility.UnknownMobilityOption):
        return option.type in inet6.moboptcls
    return False


def _ethernet_lla_only(msg: Any) -> bool:
    """scapy's own Source/Target LLA layers read 6-octet addresses only (SCAPY-08)."""
    return all(len(o.encode()) == 8 for o in msg.options
               if isinstance(o, ndopt.SourceLinkLayerAddress | ndopt.TargetLinkLayerAddress))


@FAST
@given(strategies.icmpv6_messages)
def test_every_icmpv6_message_builds_and_dissects_like_the_codec(msg: Any) -> None:
    assume(_ethernet_lla_only(msg))
    assume(not any(_interpreted_by_scapy(o) for o in msg.options))
    wire = msg.encode(SRC, DST)
    pkt = IPv6(src=str(SRC), dst=str(DST)) / sl.from_codec(msg)
    assert bytes(pkt)[40:] == wire
    dissected = IPv6(bytes(pkt)).payload
    assert sl.layer_values(dissected) == sl.codec_values(
        icmpv6.decode_icmpv6(wire, SRC, DST))


@pytest.mark.parametrize("reading", list(BadfLength))
def test_every_mobility_message_builds_and_dissects_like_the_codec(
        reading: BadfLength, badf_reading: Any) -> None:
    badf_reading(reading)

    @FAST
    @given(strategies.mobility_messages)
    def check(msg: Any) -> None:
        assume(not any(_interpreted_by_scapy(o) for o in msg.options))
        wire = msg.encode(SRC, DST, reading)
        pkt = IPv6(src=str(SRC), dst=str(DST)) / sl.from_codec(msg, reading)
        assert bytes(pkt)[40:] == wire
        dissected = IPv6(bytes(pkt)).payload
        decoded = mobility.decode_mobility_header(wire, SRC, DST, reading)
        assert sl.layer_values(dissected) == sl.codec_values(decoded)

    check()


@pytest.mark.parametrize("reading", list(BadfLength))
def test_whole_packets_build_and_dissect_like_the_codec(reading: BadfLength,
                                                        badf_reading: Any) -> None:
    """IPv6 header, Destination Options (Home Address, unknown options) and the message."""
    badf_reading(reading)

    @FAST
    @given(strategies.ipv6_packets())
    def check(packet: ipv6.IPv6Packet) -> None:
        assume(_ethernet_lla_only(packet.payload))
        assume(not any(_interpreted_by_scapy(o) for o in packet.payload.options))
        assume(not any(o.option_type in inet6._hbhoptcls for h in packet.extension_headers
                       for o in h.options if isinstance(o, ipv6.UnknownDestinationOption)))
        wire = packet.encode(reading)
        assert bytes(sl.packet_from_codec(packet, reading)) == wire
        decoded = ipv6.IPv6Packet.decode(wire, badf_length=reading)
        dissected = IPv6(wire)
        assert ipaddress.IPv6Address(dissected.src) == decoded.header.src
        assert dissected.fl == decoded.header.flow_label and dissected.tc == \
            decoded.header.traffic_class
        dst_opts = []
        layer = dissected.payload
        while isinstance(layer, IPv6ExtHdrDestOpt):
            dst_opts.append([sl.layer_values(o) for o in layer.options
                             if not isinstance(o, inet6.Pad1 | inet6.PadN)])
            layer = layer.payload
        assert dst_opts == [[sl.codec_values(o) for o in h.options]
                            for h in decoded.extension_headers]
        assert sl.layer_values(layer) == sl.codec_values(decoded.payload)

    check()


# ----------------------------------------------------------------- registration


def test_registration_binds_every_new_type() -> None:
    assert inet6.icmp6typescls[154] is sl.ICMPv6FMIP
    assert inet6.icmp6typescls[148] is sl.ICMPv6CPS
    assert inet6.icmp6typescls[149] is sl.ICMPv6CPA
    for t, layer in sl.ND_OPTIONS_REGISTERED.items():
        assert inet6.icmp6ndoptscls[t] is layer
    assert inet6._mip6_mhtype2cls[8] is sl.MIP6MH_FBU
    assert inet6._mip6_mhtype2cls[9] is sl.MIP6MH_FBack
    assert inet6.moboptcls[21] is sl.MIP6OptBADF
    assert inet6.moboptcls[7] is sl.MIP6OptMobilityHeaderLla
    # A later import of scapy's SEND contribution does not undo ours.
    import scapy.contrib.send  # noqa: F401

    assert inet6.icmp6ndoptscls[13] is sl.ICMPv6NDOptTimestamp


def test_scapy_own_layers_still_work() -> None:
    ns = (IPv6(src="fe80::1", dst="ff02::1:ff00:2") / ICMPv6ND_NS(tgt="fe80::2")
          / ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01"))
    again = IPv6(bytes(ns))
    assert again[ICMPv6NDOptSrcLLAddr].lladdr == "02:00:00:00:00:01"
    assert again[ICMPv6ND_NS].tgt == "fe80::2"
    bu = IPv6(src="2001:db8::1", dst="2001:db8::2") / MIP6MH_BU(
        seq=5, options=[MIP6OptAltCoA(acoa="2001:db8::3")])
    again = IPv6(bytes(bu))
    assert again[MIP6MH_BU].seq == 5 and again[MIP6OptAltCoA].acoa == "2001:db8::3"


def test_fmip_dispatch_by_subtype() -> None:
    for name, layer in (("rtsolpr", sl.ICMPv6RtSolPr), ("prrtadv", sl.ICMPv6PrRtAdv)):
        assert type(upper(IPv6(EXAMPLES[name].wire))) is layer
    other = bytearray(EXAMPLES["rtsolpr"].wire)
    other[44] = 9  # an FMIPv6 subtype the codec does not interpret
    assert type(upper(IPv6(bytes(other)))) is inet6.ICMPv6Unknown


def test_badf_reading_switch(badf_reading: Any) -> None:
    wire = EXAMPLES["fbu-badf-authenticator-only"].wire
    badf_reading(BadfLength.AUTHENTICATOR_ONLY)
    assert upper(IPv6(wire))[sl.MIP6OptBADFAuthenticatorOnly].authenticator == \
        bytes(range(0xB0, 0xBC))
    badf_reading(BadfLength.OPTION_DATA)
    # Read with the other reading the authenticator loses its last 4 octets.
    assert upper(IPv6(wire))[sl.MIP6OptBADF].authenticator == bytes(range(0xB0, 0xB8))


def test_checksums_use_the_home_address() -> None:
    e = EXAMPLES["fbu-from-nar"]
    assert e.packet.header.src != e.packet.home_address
    assert bytes(scapy_packet(e)) == e.wire
    dissected = IPv6(e.wire)
    fbu = dissected[sl.MIP6MH_FBU]
    fbu.checksum = None
    assert bytes(dissected) == e.wire  # recomputed over the home address, with PadN present


# ----------------------------------------------------------------- the derivation itself


def _toy_fields() -> tuple[Field, ...]:
    return (uint("kind", 8, "k"), Field("length", Kind.LENGTH, 8, 0, "l"),
            Field("body", Kind.VARIABLE, None, b"", "b", length_from="Length"))


def test_derive_fields_needs_a_tail_for_every_variable_field() -> None:
    with pytest.raises(LookupError, match="no scapy tail"):
        derive_fields("Toy", _toy_fields(), {})


def test_derive_fields_rejects_unused_or_misnamed_tails() -> None:
    body = StrLenField("body", b"", length_from=lambda p: p.length)
    fields, fmap = derive_fields("Toy", _toy_fields(), {"body": body})
    assert [f.name for f in fields] == ["kind", "length", "body"]
    assert fmap.offset == {"kind": 0, "length": 1}
    with pytest.raises(LookupError, match="lacks"):
        derive_fields("Toy", _toy_fields(), {"body": body, "extra": body})
    with pytest.raises(ValueError, match="expected 'body'"):
        derive_fields("Toy", _toy_fields(), {"body": StrLenField("other", b"")})


def test_scapy_names_avoid_clashes() -> None:
    names = scapy_names(mobility.FastBindingUpdate.FIELDS)
    assert names["reserved"] == "reserved" and names["reserved#2"] == "reserved_2"
    assert scapy_names(ndopt.TrustAnchorOption.FIELDS)["name"] == "name_"


def test_every_codec_class_has_a_layer() -> None:
    described = {*ndopt.OPTION_CLASSES.values(), ndopt.UnknownOption,
                 cga_params.CgaParameters, cga_params.ExtensionField,
                 *mobility.MH_MESSAGES.values(), mobility.AlternateCareOfAddress,
                 mobility.MobilityHeaderLla, mobility.BindingAuthorizationDataFmip,
                 mobility.UnknownMobilityOption}
    from rfc5269.wire import cert_path, fmip

    described |= {fmip.RtSolPr, fmip.PrRtAdv, cert_path.CertificationPathSolicitation,
                  cert_path.CertificationPathAdvertisement}
    assert described <= set(sl.LAYERS)
    for codec_cls, layer in sl.LAYERS.items():
        assert layer.codec_class is codec_cls
