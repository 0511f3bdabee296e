"""Pins for every place where scapy's own layers disagree with the RFCs (SCAPY-xx).

scapy's SEND layers (scapy.contrib.send) and its RFC 4068 FMIPv6 layers
(scapy.layers.inet6) are exercised directly — not through the dispatch that
rfc5269.scapy_layers replaces — on the octets the findings quote, next to
the codec's reading of the same octets. If scapy changes, a pin fails and
the finding must be revisited.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import scapy
from rfc5269.errors import DecodeError, EncodeError
from rfc5269.findings import by_id, for_software
from rfc5269.scapy_layers import MIP6MH_FBU
from rfc5269.scapy_layers.examples import TIMESTAMP, example
from rfc5269.wire import ndopt
from scapy.contrib.send import (
    CGA_Params,
    ICMPv6NDOptCGA,
    ICMPv6NDOptNonce,
    ICMPv6NDOptRsaSig,
    ICMPv6NDOptTmstp,
)
from scapy.layers.inet6 import (
    HAO,
    ICMPv6NDOptLLA,
    ICMPv6NDOptSrcLLAddr,
    ICMPv6NDOptUnknown,
    IPv6,
    MIP6OptLLAddr,
    PadN,
    in6_chksum,
)
from scapy.layers.x509 import X509_SubjectPublicKeyInfo
from scapy.packet import Raw


def _quoted_in_corpus(fid: str) -> bytes:
    f = by_id(fid)
    if f.example and f.wire:
        assert f.wire in example(f.example).wire, f"{fid}: octets not in {f.example}"
    return f.wire


def test_every_scapy_finding_is_pinned_here() -> None:
    names = {n for n in globals() if n.startswith("test_")}
    for f in for_software("scapy"):
        assert f.test.split("::")[1] in names, f.id
    assert {f.version for f in for_software("scapy")} == {scapy.__version__}


def test_findings_are_complete() -> None:
    from rfc5269.findings import FINDINGS

    assert len({f.id for f in FINDINGS}) == len(FINDINGS)
    for f in FINDINGS:
        assert f.software in ("tshark", "scapy", "libtins", "thc-ipv6")
        assert f.id.startswith(f.software.upper())
        assert f.severity in ("wire", "display", "limitation"), f.id
        for name in ("component", "field", "rfc", "summary", "their_reading", "our_reading"):
            assert getattr(f, name), f"{f.id}: {name} is empty"
        assert "RFC " in f.rfc and "§" in f.rfc, f.id
        assert f.wire_hex or f.example, f"{f.id}: no octets and no corpus packet"
        if f.wire_hex:
            assert bytes.fromhex(f.wire_hex) == f.wire
        path, _, test = f.test.partition("::")
        assert (Path(__file__).resolve().parents[2] / path).is_file(), f.test
        assert f"def {test}(" in (Path(__file__).resolve().parents[2] / path).read_text()


def test_contrib_send_timestamp_is_32_bit() -> None:
    wire = _quoted_in_corpus("SCAPY-01")
    ours = ndopt.TimestampOption.decode(wire)
    assert ours.timestamp == TIMESTAMP and float(ours.seconds) == 1764201600.5
    nonce = bytes.fromhex("0e01a1a2a3a4a5a6")
    theirs = ICMPv6NDOptTmstp(wire + nonce)
    assert theirs.timestamp == 26919  # the high 32 of the 64 bits: 1970-01-01 07:28:39
    assert isinstance(theirs.payload, ICMPv6NDOptUnknown)  # the Nonce option is lost
    assert theirs.payload.type == 0x94
    built = bytes(ICMPv6NDOptTmstp(timestamp=1764201600))
    assert built == bytes.fromhex("0d0200000000000069279480")
    assert len(built) == 12 and built[1] * 8 == 16


def test_contrib_send_rsa_signature_not_padded() -> None:
    wire = _quoted_in_corpus("SCAPY-02")
    ours = ndopt.RsaSignatureOption.decode(wire)
    theirs = bytes(ICMPv6NDOptRsaSig(key_hash=ours.key_hash, signature_pad=bytes([0x5A]) * 128))
    assert len(wire) == 152 and wire[1] == 19
    assert len(theirs) == 148 and theirs[1] == 18
    assert theirs == wire[:1] + bytes([18]) + wire[2:148]
    # Dissection of the RFC's octets is right (signature and padding kept together).
    assert ICMPv6NDOptRsaSig(wire).signature_pad == ours.signature


def test_contrib_send_nonce_length() -> None:
    wire = _quoted_in_corpus("SCAPY-03")
    assert bytes(ICMPv6NDOptNonce(nonce=wire[2:])) == wire  # a 6-octet nonce is right
    assert bytes(ICMPv6NDOptNonce()) == bytes.fromhex("0e00")  # Length 0: invalid
    seven = bytes(ICMPv6NDOptNonce(nonce=b"\xa1" * 7))
    assert seven[1] == 1 and len(seven) == 9
    # The codec refuses both: Length 0 on decode, a nonce not filling the option on encode.
    with pytest.raises(DecodeError, match="Length 0"):
        ndopt.NonceOption.decode(bytes.fromhex("0e00"))
    with pytest.raises(EncodeError, match="multiple of 8"):
        ndopt.NonceOption(b"\xa1" * 7).encode()


def test_contrib_send_cga_extension_fields_raw() -> None:
    rtsolpr = example("rtsolpr").payload
    cga = next(o for o in rtsolpr.options if isinstance(o, ndopt.CgaOption))
    wire = cga.encode()
    theirs = ICMPv6NDOptCGA(wire)
    params = theirs.CGA_PARAMS
    assert isinstance(params, CGA_Params)
    leftover = params.pubkey.payload
    assert isinstance(leftover, Raw) and leftover.load == b"\x12\x34\x00\x03ext"
    assert [(e.type, e.value) for e in cga.parameters.extension_fields] == [(0x1234, b"ext")]
    assert bytes(theirs) == wire  # the octets survive, uninterpreted


def test_contrib_send_agrees_where_no_finding_says_otherwise() -> None:
    """What scapy's SEND layers get right: CGA option without extensions, 6-octet Nonce,
    RSA Signature dissection, Timestamp option header."""
    prrtadv = example("prrtadv").payload
    cga = next(o for o in prrtadv.options if isinstance(o, ndopt.CgaOption))
    p = cga.parameters
    assert not p.extension_fields
    built = ICMPv6NDOptCGA(CGA_PARAMS=CGA_Params(
        modifier=p.modifier, subprefix=p.subnet_prefix, cc=p.collision_count,
        pubkey=X509_SubjectPublicKeyInfo(p.public_key)))
    assert bytes(built) == cga.encode()
    dissected = ICMPv6NDOptCGA(cga.encode())
    assert (dissected.padlength, bytes(dissected.CGA_PARAMS)) == (cga.encode()[2], p.encode())
    nonce = ndopt.NonceOption(bytes.fromhex("a1a2a3a4a5a6"))
    assert bytes(ICMPv6NDOptNonce(nonce=nonce.nonce)) == nonce.encode()
    assert ICMPv6NDOptNonce(nonce.encode()).nonce == nonce.nonce
    ts = ndopt.TimestampOption(TIMESTAMP).encode()
    assert (ICMPv6NDOptTmstp(ts).type, ICMPv6NDOptTmstp(ts).len) == (13, 2)


def test_inet6_fmip_lla_option_not_padded() -> None:
    wire = _quoted_in_corpus("SCAPY-05")
    ours = ndopt.FmipLinkLayerAddressOption.decode(wire)
    assert ours.option_code == 1 and ours.link_layer_address[:6] == bytes.fromhex("020000000a01")
    nonce = bytes.fromhex("0e01a1a2a3a4a5a6")
    theirs = ICMPv6NDOptLLA(wire + nonce)
    assert theirs.lla == "02:00:00:00:0a:01"
    assert isinstance(theirs.payload, ICMPv6NDOptUnknown) and theirs.payload.len == 0
    assert ICMPv6NDOptNonce not in theirs  # the option after it is lost
    built = bytes(ICMPv6NDOptLLA(optcode=1, lla="02:00:00:00:0a:01"))
    assert built == bytes.fromhex("130101020000000a01")


def test_inet6_mh_lla_has_extra_pad_octet() -> None:
    wire = _quoted_in_corpus("SCAPY-06")
    built = bytes(MIP6OptLLAddr(ocode=2, lla="02:00:00:00:00:01"))
    assert built == bytes.fromhex("07070200020000000001")
    assert len(built) == 10 and built[1] + 2 == 9  # Option Length says 7: one octet too many
    try:
        MIP6OptLLAddr(wire)
    except Exception as exc:
        assert type(exc).__name__ == "error"  # struct.error
    else:
        raise AssertionError("scapy now dissects the RFC 5568 MH-LLA option: update SCAPY-06")


def test_inet6_checksum_ignores_home_address_after_padn() -> None:
    _quoted_in_corpus("SCAPY-07")
    e = example("fbu-from-nar")
    assert e.packet.home_address != e.packet.header.src
    dissected = IPv6(e.wire)
    options = dissected.payload.options
    assert [type(o) for o in options] == [PadN, HAO]
    mh = dissected[MIP6MH_FBU]
    sent = bytes(mh)
    zeroed = sent[:4] + b"\x00\x00" + sent[6:]
    transmitted = int.from_bytes(sent[4:6], "big")
    assert in6_chksum(135, mh, zeroed) != transmitted  # scapy: care-of address used
    dissected.payload.options = [options[1]]  # HAO alone: scapy uses the home address
    assert in6_chksum(135, dissected[MIP6MH_FBU], zeroed) == transmitted


def test_inet6_link_layer_address_options_are_ethernet_only() -> None:
    wire = by_id("SCAPY-08").wire
    ours = ndopt.SourceLinkLayerAddress.decode(wire)
    assert ours == ndopt.SourceLinkLayerAddress.for_address(bytes.fromhex("0211223344556677"))
    theirs = ICMPv6NDOptSrcLLAddr(wire)
    assert theirs.lladdr == "02:11:22:33:44:55"
    assert isinstance(theirs.payload, ICMPv6NDOptUnknown)
    assert (theirs.payload.type, theirs.payload.len) == (0x66, 0x77)
