#!/usr/bin/env python3
"""Generate the sample captures in samples/pcap/ deterministically.

One handover as RFC 5269 runs it, one pcap per message and all of them in
``all.pcap``:

1. ``cps.pcap``     MN -> all-routers: Certification Path Solicitation (RFC 3971 §6.4.1)
2. ``cpa.pcap``     AR -> MN: Certification Path Advertisements, one per certificate (§6.4.2)
3. ``rtsolpr.pcap`` MN -> AR: SEND-signed RtSolPr with a Handover Key Request (RFC 5269 §3.1)
4. ``prrtadv.pcap`` AR -> MN: SEND-signed PrRtAdv with a Handover Key Reply (RFC 5269 §3.2)
5. ``fbu.pcap``     MN -> PAR: FBU with Home Address option and BADF (RFC 5269 §3.4)
6. ``fback.pcap``   PAR -> MN: FBack with BADF (RFC 5568 §6.2.3)

Keys come from the project's fixed pool of test keys
(:mod:`rfc5269.send.testpki`) and are written to samples/keys/ as PEM for
readers; certificates from :func:`rfc5269.send.testpki.make_pki`; every other
random value from a seeded SHA-256 counter. Running the script twice gives
byte-identical files. The captures use Ethernet framing.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import sys
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.handover.algorithms import HMAC_SHA1_96
from rfc5269.handover.authenticator import compute_authenticator
from rfc5269.handover.encryption import encrypt_handover_key
from rfc5269.send.certpath import trust_anchor_options
from rfc5269.send.cga import cga_generate
from rfc5269.send.keys import public_key_der
from rfc5269.send.signature import sign_message
from rfc5269.send.testpki import make_pki, pool_key
from rfc5269.wire.cert_path import CertificationPathAdvertisement, CertificationPathSolicitation
from rfc5269.wire.cga_params import CgaParameters
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ipv6 import DestinationOptionsHeader, HomeAddressOption, IPv6Header, IPv6Packet
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    mh_data_for_authenticator,
)
from rfc5269.wire.ndopt import (
    CERT_TYPE_X509,
    IP_NAR_ADDRESS,
    IP_NAR_PREFIX,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    CertificateOption,
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    IpAddressPrefixOption,
    NdOption,
    NonceOption,
    TimestampOption,
)
from rfc5269.wire.pcap import ethernet_frame, write_pcap

ROOT = Path(__file__).resolve().parent.parent
PCAP_DIR = ROOT / "samples" / "pcap"
KEY_DIR = ROOT / "samples" / "keys"
START = datetime.datetime(2026, 11, 27, 8, 0, tzinfo=datetime.UTC).timestamp()

MN_MAC = bytes.fromhex("020000000a01")
AR_MAC = bytes.fromhex("020000000a02")
NEW_AP_MAC = bytes.fromhex("020000000b01")
NAR_MAC = bytes.fromhex("020000000b02")
LINK_LOCAL = ipaddress.IPv6Network("fe80::/64")
PAR_PREFIX = ipaddress.IPv6Network("2001:db8:a::/64")
NAR_PREFIX = ipaddress.IPv6Network("2001:db8:b::/64")
PAR_ADDRESS = ipaddress.IPv6Address("2001:db8:a::1")
NAR_ADDRESS = ipaddress.IPv6Address("2001:db8:b::1")
ALL_ROUTERS = ipaddress.IPv6Address("ff02::2")
MN_KEY_INDEX = 7  # pool entries; the router's key comes with the test PKI
MN_HKEPK_INDEX = 8
IDENTIFIER = 0x5269
CPS_IDENTIFIER = 0x3971


def seeded_rng(label: str) -> Callable[[int], bytes]:
    """Deterministic octets: SHA-256 over label and a counter."""
    counter = 0

    def rng(count: int) -> bytes:
        nonlocal counter
        out = b""
        while len(out) < count:
            out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
            counter += 1
        return out[:count]

    return rng


def write_key(name: str, key: rsa.RSAPrivateKey) -> None:
    KEY_DIR.mkdir(parents=True, exist_ok=True)
    (KEY_DIR / f"{name}.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


def cga(key: rsa.RSAPrivateKey, prefix: ipaddress.IPv6Network, label: str
        ) -> tuple[ipaddress.IPv6Address, CgaParameters]:
    generated = cga_generate(public_key_der(key), prefix, 0, seeded_rng(label), processes=1)
    return generated.address, CgaParameters.decode(generated.parameters.structure)


def packet(src: ipaddress.IPv6Address, dst: ipaddress.IPv6Address, icmp: bytes) -> bytes:
    header = IPv6Header(src, dst, 255, next_header=58, payload_length=len(icmp))
    return header.encode() + icmp


def timestamp(offset: float) -> TimestampOption:
    return TimestampOption.from_seconds(START + offset)


def build() -> dict[str, list[bytes]]:
    """The IPv6 packets of each sample file."""
    pki = make_pki(0)
    ar_key = pki.router.rsa_key
    mn_key, hkepk = pool_key(MN_KEY_INDEX), pool_key(MN_HKEPK_INDEX)
    mn_ll, mn_ll_params = cga(mn_key, LINK_LOCAL, "mn-ll")
    mn_pcoa, _ = cga(mn_key, PAR_PREFIX, "mn-pcoa")
    mn_ncoa = ipaddress.IPv6Address(int(NAR_PREFIX.network_address) | (int(mn_pcoa) & (2**64 - 1)))
    ar_ll, ar_ll_params = cga(ar_key, LINK_LOCAL, "ar-ll")
    rng = seeded_rng("samples")

    cps = CertificationPathSolicitation(
        CPS_IDENTIFIER, options=trust_anchor_options(pki.trust_anchor()))
    cps_bytes = packet(mn_ll, ALL_ROUTERS, cps.encode(mn_ll, ALL_ROUTERS))

    path = pki.path
    cpas = []
    for i, cert in enumerate(path):
        options: tuple[NdOption, ...] = (CertificateOption(
            CERT_TYPE_X509, cert.public_bytes(serialization.Encoding.DER)),)
        if i == 0:
            options = trust_anchor_options(pki.trust_anchor()) + options
        cpa = CertificationPathAdvertisement(CPS_IDENTIFIER, len(path), len(path) - 1 - i,
                                             options)
        cpas.append(packet(ar_ll, mn_ll, cpa.encode(ar_ll, mn_ll)))

    nonce = NonceOption(rng(6))
    rtsolpr_options: tuple[NdOption, ...] = (
        FmipLinkLayerAddressOption.for_address(LLA_SOURCE, MN_MAC),
        FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP_MAC),
        HandoverKeyRequest(0, public_key_der(hkepk)),
        CgaOption(mn_ll_params), timestamp(1.0), nonce,
    )
    rtsolpr = RtSolPr(IDENTIFIER, rtsolpr_options).encode(mn_ll, ar_ll)
    rtsolpr_bytes = packet(mn_ll, ar_ll, sign_message(rtsolpr, mn_ll, ar_ll, mn_key))

    handover_key = rng(HMAC_SHA1_96.key_length)
    encrypted = encrypt_handover_key(handover_key, hkepk.public_key(), rng)
    prrtadv_options: tuple[NdOption, ...] = (
        FmipLinkLayerAddressOption.for_address(LLA_SOURCE, AR_MAC),
        FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP_MAC),
        FmipLinkLayerAddressOption.for_address(LLA_NAR, NAR_MAC),
        IpAddressPrefixOption(IP_NAR_ADDRESS, 128, NAR_ADDRESS),
        IpAddressPrefixOption(IP_NAR_PREFIX, 64, NAR_PREFIX.network_address),
        HandoverKeyReply(0, 43200, encrypted),
        CgaOption(ar_ll_params), timestamp(1.01), nonce,
    )
    prrtadv = PrRtAdv(0, IDENTIFIER, prrtadv_options).encode(ar_ll, mn_ll)
    prrtadv_bytes = packet(ar_ll, mn_ll, sign_message(prrtadv, ar_ll, mn_ll, ar_key))

    placeholder = BindingAuthorizationDataFmip(0, bytes(HMAC_SHA1_96.mac_length))
    fbu = FastBindingUpdate(1, 15, (AlternateCareOfAddress(mn_ncoa), placeholder))
    auth = compute_authenticator(handover_key, HMAC_SHA1_96, mn_ncoa, PAR_ADDRESS,
                                 mh_data_for_authenticator(fbu))
    fbu = FastBindingUpdate(1, 15, (AlternateCareOfAddress(mn_ncoa),
                                    BindingAuthorizationDataFmip(0, auth)))
    hoa = DestinationOptionsHeader((HomeAddressOption(mn_pcoa),))
    fbu_bytes = IPv6Packet(IPv6Header(mn_pcoa, PAR_ADDRESS, 64), (hoa,), fbu).encode()

    fback = FastBindingAck(0, 1, 15, (placeholder,))
    auth = compute_authenticator(handover_key, HMAC_SHA1_96, mn_ncoa, PAR_ADDRESS,
                                 mh_data_for_authenticator(fback))
    fback = FastBindingAck(0, 1, 15, (BindingAuthorizationDataFmip(0, auth),))
    fback_bytes = IPv6Packet(IPv6Header(PAR_ADDRESS, mn_ncoa, 64), (), fback).encode()

    return {"cps": [cps_bytes], "cpa": cpas, "rtsolpr": [rtsolpr_bytes],
            "prrtadv": [prrtadv_bytes], "fbu": [fbu_bytes], "fback": [fback_bytes]}


def main() -> int:
    write_key("mn_cga_key", pool_key(MN_KEY_INDEX))
    write_key("mn_hkepk_key", pool_key(MN_HKEPK_INDEX))
    write_key("ar_router_key", make_pki(0).router.rsa_key)
    samples = build()
    PCAP_DIR.mkdir(parents=True, exist_ok=True)
    everything: list[tuple[float, bytes]] = []
    t = START
    for name, packets in samples.items():
        frames = []
        for p in packets:
            t += 0.01
            frames.append((t, ethernet_frame(p)))
        everything.extend(frames)
        with open(PCAP_DIR / f"{name}.pcap", "wb") as f:
            write_pcap(f, frames)
    with open(PCAP_DIR / "all.pcap", "wb") as f:
        write_pcap(f, everything)
    print(f"wrote {len(samples) + 1} files ({len(everything)} packets) to {PCAP_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
