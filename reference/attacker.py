"""An on-link attacker's toolbox: what it can do to packets it sees.

The attacker of RFC 5269 §5 and RFC 3971 §9 sits on the link: it can capture,
replay, drop, alter and inject packets, and it owns CGAs, keys and even a
router with a valid CGA of its own — but no certificate under the MN's trust
anchors, and no honest node's private keys. These functions build its
packets; the demo and the adversarial tests use them.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from fractions import Fraction
from ipaddress import IPv6Address

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.handover.encryption import encrypt_handover_key
from rfc5269.interpretations import BadfLength, SignedChecksum
from rfc5269.nodes.packets import icmpv6_packet, open_packet, signed_icmpv6_packet
from rfc5269.send.certpath import HeldPath, RouterCertificates, trust_anchor_options
from rfc5269.send.sender import SendIdentity
from rfc5269.send.testpki import TestPki
from rfc5269.wire.cert_path import CertificationPathSolicitation
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.mobility import BindingAuthorizationDataFmip, FastBindingAck, FastBindingUpdate
from rfc5269.wire.ndopt import (
    LLA_AP_NO_PREFIX,
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    NonceOption,
    RsaSignatureOption,
    TimestampOption,
)


def strip_signature(packet: bytes) -> bytes:
    """The RtSolPr or PrRtAdv of ``packet`` without its RSA Signature option (checksum fixed)."""
    received = open_packet(packet, BadfLength.OPTION_DATA)
    message = received.message
    if isinstance(message, RtSolPr):
        kept = tuple(o for o in message.options if not isinstance(o, RsaSignatureOption))
        return icmpv6_packet(RtSolPr(message.identifier, kept), received.src, received.dst)
    if isinstance(message, PrRtAdv):
        kept = tuple(o for o in message.options if not isinstance(o, RsaSignatureOption))
        return icmpv6_packet(PrRtAdv(message.code, message.identifier, kept), received.src,
                             received.dst)
    raise ValueError("not an RtSolPr or PrRtAdv")


def flip_bit(packet: bytes, bit: int) -> bytes:
    """``packet`` with one bit inverted (bit 0 is the most significant bit of octet 0)."""
    data = bytearray(packet)
    data[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(data)


def forge_prrtadv(
    rtsolpr_packet: bytes,
    rogue: SendIdentity,
    handover_key: bytes,
    now: float | Fraction,
    at: int = 0,
    lifetime: int = 43200,
    signed_checksum: SignedChecksum = SignedChecksum.BEFORE_SIGNATURE_OPTION,
    rng: Callable[[int], bytes] = os.urandom,
) -> bytes:
    """A PrRtAdv answering a captured RtSolPr, signed by the attacker's own router CGA.

    The attacker copies the nonce and identifier, encrypts a key it chose
    under the MN's Handover Key Encryption Public Key (taken from the
    request) and signs with a key that has a valid CGA but no certificate
    under the MN's anchors. RFC 5269 §3.3 requires the MN to drop it.
    """
    received = open_packet(rtsolpr_packet, BadfLength.OPTION_DATA)
    assert isinstance(received.message, RtSolPr)
    request = next(o for o in received.message.options if isinstance(o, HandoverKeyRequest))
    nonce = next(o for o in received.message.options if isinstance(o, NonceOption)).nonce
    hkepk = serialization.load_der_public_key(request.public_key)
    assert isinstance(hkepk, rsa.RSAPublicKey)
    new_ap = next(o for o in received.message.options if isinstance(o, FmipLinkLayerAddressOption)
                  and o.option_code in (0, 1))
    reply = HandoverKeyReply(at, lifetime, encrypt_handover_key(handover_key, hkepk, rng))
    message = PrRtAdv(2, received.message.identifier, (
        FmipLinkLayerAddressOption(LLA_AP_NO_PREFIX, new_ap.link_layer_address), reply))
    return signed_icmpv6_packet(message, rogue, received.src, now, nonce, signed_checksum)


def send_options_of(packet: bytes) -> dict[str, object]:
    """The SEND options of a captured ICMPv6 packet, for the transcript."""
    received = open_packet(packet, BadfLength.OPTION_DATA)
    options = getattr(received.message, "options", ())
    return {
        "cga": any(isinstance(o, CgaOption) for o in options),
        "timestamp": any(isinstance(o, TimestampOption) for o in options),
        "nonce": any(isinstance(o, NonceOption) for o in options),
        "signature": any(isinstance(o, RsaSignatureOption) for o in options),
        "source": str(IPv6Address(packet[8:24])),
    }


def untrusted_path_answer(cps_packet: bytes, pki: TestPki, router: IPv6Address) -> list[bytes]:
    """CPAs carrying ``pki``'s path, answering a captured CPS as if the router were certified.

    The attacker's path ends at an anchor of its own; RFC 3971 §6.3 and
    RFC 5269 §3.3 require the MN to refuse it.
    """
    received = open_packet(cps_packet, BadfLength.OPTION_DATA)
    cps = received.message
    assert isinstance(cps, CertificationPathSolicitation)
    held = RouterCertificates([HeldPath(pki.anchor.certificate, tuple(pki.path))])
    naming_own_anchor = CertificationPathSolicitation(
        cps.identifier, cps.component, trust_anchor_options(pki.trust_anchor()))
    return [icmpv6_packet(cpa, router, received.src)
            for cpa in held.answer(naming_own_anchor, cps.identifier)]


def tamper_authenticator(packet: bytes, bit: int = 0,
                         badf_length: BadfLength = BadfLength.OPTION_DATA) -> bytes:
    """An FBU/FBack with one bit of its BADF authenticator flipped and its checksum recomputed.

    The Mobility Header checksum is not keyed, so an attacker can always fix
    it; only the authenticator protects the message (RFC 5568 §6.4.5).
    """
    decoded = IPv6Packet.decode(packet, badf_length=badf_length)
    message = decoded.payload
    if not isinstance(message, FastBindingUpdate | FastBindingAck):
        raise ValueError("not an FBU or FBack")
    options = []
    for option in message.options:
        if isinstance(option, BindingAuthorizationDataFmip):
            tag = bytearray(option.authenticator)
            tag[bit // 8] ^= 0x80 >> (bit % 8)
            option = BindingAuthorizationDataFmip(option.spi, bytes(tag))
        options.append(option)
    tampered = dataclasses.replace(message, options=tuple(options))
    return IPv6Packet(decoded.header, decoded.extension_headers, tampered).encode(badf_length)
