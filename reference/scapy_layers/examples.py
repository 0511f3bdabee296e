"""A fixed corpus of whole packets holding every message and option of the codec.

Deterministic (the project's fixed test keys and test PKI, constant
addresses and values), so the octets are the same in every run: the scapy
and tshark checks dissect them, and the findings quote them
(:mod:`rfc5269.findings`). Signatures and encrypted keys are filler octets
of the right size; these packets exercise formats, not cryptography.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from rfc5269.interpretations import BadfLength
from rfc5269.send.keys import key_hash, public_key_der
from rfc5269.send.testpki import make_pki, pool_key
from rfc5269.wire import cert_path, cga_params, fmip, ipv6, mobility, ndopt

A = ipaddress.IPv6Address
MN_LL = A("fe80::200:ff:fe00:1")
AR_LL = A("fe80::200:ff:fe00:2")
PCOA = A("2001:db8:a::10")
PAR = A("2001:db8:a::1")
NCOA = A("2001:db8:b::10")
NAR = A("2001:db8:b::1")
MN_MAC = bytes.fromhex("020000000001")
AP_MAC = bytes.fromhex("020000000a01")
NAR_MAC = bytes.fromhex("020000000b01")
TIMESTAMP = (1_764_201_600 << 16) | 0x8000  # 2025-11-27 00:00:00.5 UTC, 48.16 fixed point


@dataclass(frozen=True)
class Example:
    """One packet of the corpus and the BADF reading it is encoded under."""

    name: str
    packet: ipv6.IPv6Packet
    badf_length: BadfLength = BadfLength.OPTION_DATA

    @property
    def wire(self) -> bytes:
        return self.packet.encode(self.badf_length)

    @property
    def payload(self) -> Any:
        """The upper-layer message object."""
        return self.packet.payload


def _cga(key_index: int, collision_count: int = 0,
         extensions: tuple[cga_params.ExtensionField, ...] = ()) -> ndopt.CgaOption:
    spki = public_key_der(pool_key(key_index))
    return ndopt.CgaOption(cga_params.CgaParameters(
        bytes(range(16)), bytes.fromhex("fe80000000000000"), collision_count, spki, extensions))


def _signature(key_index: int) -> ndopt.RsaSignatureOption:
    spki = public_key_der(pool_key(key_index))
    return ndopt.RsaSignatureOption.create(key_hash(spki), bytes([0x5A]) * 128)


@cache
def examples() -> tuple[Example, ...]:
    """The corpus, built once."""
    pki = make_pki(0)
    anchor_name = pki.anchor.certificate.subject.public_bytes()
    router_cert = pki.router.certificate.public_bytes(serialization.Encoding.DER)
    hkepk = public_key_der(pool_key(0))
    lla = ndopt.FmipLinkLayerAddressOption.for_address

    rtsolpr = fmip.RtSolPr(0x1234, (
        ndopt.SourceLinkLayerAddress.for_address(MN_MAC),
        lla(ndopt.LLA_SOURCE, MN_MAC),
        lla(ndopt.LLA_NEW_ACCESS_POINT, AP_MAC),
        ndopt.HandoverKeyRequest(1, hkepk),
        _cga(0, 0, (cga_params.ExtensionField(0x1234, b"ext"),)),
        ndopt.TimestampOption(TIMESTAMP),
        ndopt.NonceOption(bytes.fromhex("a1a2a3a4a5a6")),
        _signature(0),
    ))
    prrtadv = fmip.PrRtAdv(0, 0x1234, (
        ndopt.TargetLinkLayerAddress.for_address(NAR_MAC),
        lla(ndopt.LLA_NEW_ACCESS_POINT, AP_MAC),
        lla(ndopt.LLA_NAR, NAR_MAC),
        ndopt.IpAddressPrefixOption(ndopt.IP_NAR_ADDRESS, 128, NAR),
        ndopt.IpAddressPrefixOption(ndopt.IP_NAR_PREFIX, 64, A("2001:db8:b::")),
        ndopt.HandoverKeyReply(1, 43200, bytes([0xE5]) * 128),
        _cga(3, 1),
        ndopt.TimestampOption(TIMESTAMP + 1),
        ndopt.NonceOption(bytes.fromhex("a1a2a3a4a5a6")),
        _signature(3),
    ))
    prrtadv_no_pad = fmip.PrRtAdv(2, 7, (
        lla(ndopt.LLA_AP_NO_FAST_HANDOVER, AP_MAC),
        # 2 + 4 + 122 octets: Pad Length 0 in the Handover Key Reply.
        ndopt.HandoverKeyReply(0, 600, bytes([0xE6]) * 122),
        ndopt.NonceOption(bytes(range(14))),
    ))
    cps = cert_path.CertificationPathSolicitation(0x4242, cert_path.ALL_COMPONENTS, (
        ndopt.TrustAnchorOption(ndopt.NAME_TYPE_DER_X501, anchor_name),
        ndopt.TrustAnchorOption(ndopt.NAME_TYPE_FQDN, b"\x06anchor\x04test\x00"),
        ndopt.UnknownOption(200, bytes(range(6))),
    ))
    cpa = cert_path.CertificationPathAdvertisement(0x4242, 2, 1, (
        ndopt.TrustAnchorOption(ndopt.NAME_TYPE_DER_X501, anchor_name),
        ndopt.CertificateOption(ndopt.CERT_TYPE_X509, router_cert),
    ))
    fbu = mobility.FastBindingUpdate(0x0102, 300, (
        mobility.AlternateCareOfAddress(NCOA),
        mobility.MobilityHeaderLla(MN_MAC),
        mobility.BindingAuthorizationDataFmip(0, bytes(range(0xB0, 0xBC))),
    ), a=True, h=True, l=False, k=True)
    fback = mobility.FastBindingAck(1, 0x0102, 300, (
        mobility.AlternateCareOfAddress(NCOA),
        mobility.UnknownMobilityOption(250, b"\x01\x02\x03"),
        mobility.BindingAuthorizationDataFmip(0, bytes(range(0xC0, 0xCC))),
    ), k=False)
    fbu_nar = mobility.FastBindingUpdate(0x0103, 60, (
        mobility.BindingAuthorizationDataFmip(0, bytes(range(0xD0, 0xDC))),
    ), a=True, h=True, l=True, k=False)
    hoa = (ipv6.DestinationOptionsHeader((ipv6.HomeAddressOption(PCOA),)),)

    def icmp(src: ipaddress.IPv6Address, dst: ipaddress.IPv6Address, msg: Any) -> ipv6.IPv6Packet:
        return ipv6.IPv6Packet(ipv6.IPv6Header(src, dst), (), msg)

    return (
        Example("rtsolpr", icmp(MN_LL, AR_LL, rtsolpr)),
        Example("prrtadv", icmp(AR_LL, MN_LL, prrtadv)),
        Example("prrtadv-pad0", icmp(AR_LL, MN_LL, prrtadv_no_pad)),
        Example("cps", icmp(MN_LL, AR_LL, cps)),
        Example("cpa", icmp(AR_LL, MN_LL, cpa)),
        Example("fbu", ipv6.IPv6Packet(ipv6.IPv6Header(PCOA, PAR), hoa, fbu)),
        Example("fbu-badf-authenticator-only",
                ipv6.IPv6Packet(ipv6.IPv6Header(PCOA, PAR), hoa, fbu),
                BadfLength.AUTHENTICATOR_ONLY),
        Example("fback", ipv6.IPv6Packet(ipv6.IPv6Header(PAR, NCOA), (), fback)),
        # An FBU sent from the NAR's link: source NCoA, home address PCoA (RFC 5568 §6.2.2).
        Example("fbu-from-nar", ipv6.IPv6Packet(ipv6.IPv6Header(NCOA, PAR), hoa, fbu_nar)),
        # An ICMPv6 message with a Home Address option: the checksum covers the home address.
        Example("cps-home-address", ipv6.IPv6Packet(ipv6.IPv6Header(NCOA, PAR), hoa, cps)),
    )


def example(name: str) -> Example:
    """The example called ``name``."""
    for e in examples():
        if e.name == name:
            return e
    raise KeyError(name)
