"""``rfc5269.nodes.packets``: what a received packet's options say about its SEND signature.

The AR and MN read the signed options (those before the first RSA Signature
option, RFC 3971 §5.2) off the decoded message, and the AR reports an
RtSolPr without an RSA Signature option as ``unsigned`` without running the
SEND layer a second time over the octets. These tests pin both to what the
SEND layer itself says of the same octets.
"""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest
from rfc5269.constants import IPPROTO_ICMPV6
from rfc5269.interpretations import DEFAULT, SignedChecksum
from rfc5269.nodes.packets import address_text, open_packet, signed_icmpv6_packet
from rfc5269.send.receiver import MessageKind, SendReceiver
from rfc5269.send.signature import sign_message
from rfc5269.send.testpki import pool_key
from rfc5269.send.verdict import Reason
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ipv6 import IPv6Header, IPv6Packet, RawPayload
from rfc5269.wire.ndopt import (
    LLA_NEW_ACCESS_POINT,
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    NonceOption,
    RsaSignatureOption,
)

from .helpers import (
    T0,
    RtSolPrSpec,
    assert_rejected_by,
    deliver,
    exchange,
    last_event,
    rtsolpr_packet,
)


def _received(spec: RtSolPrSpec):
    ex = exchange()
    return open_packet(rtsolpr_packet(ex.mn.config.identity, ex.ar.address, T0, spec),
                       DEFAULT.badf_length)


def test_signed_options_stop_at_the_rsa_signature_option():
    received = _received(RtSolPrSpec(request_after_signature=True))
    kinds = [type(o) for o in received.options]
    assert kinds.index(RsaSignatureOption) == received.signature_index
    assert received.is_signed
    assert received.signed_options == received.options[:received.signature_index]
    assert not any(isinstance(o, RsaSignatureOption) for o in received.signed_options)
    # the request follows the signature: present, but not among the signed options
    assert received.first(HandoverKeyRequest) is not None
    assert received.first(HandoverKeyRequest, signed=True) is None
    assert isinstance(received.first(CgaOption, signed=True), CgaOption)
    first_lla = received.first(FmipLinkLayerAddressOption)
    assert first_lla is received.options[0]


def test_unsigned_message_has_every_option_unsigned_and_signed_alike():
    received = _received(RtSolPrSpec(sign=False))
    assert not received.is_signed
    assert received.signature_index == len(received.options)
    assert received.signed_options == received.options
    nonce = received.first(NonceOption, signed=True)
    assert nonce is not None and nonce is received.first(NonceOption)


def test_unsigned_verdict_is_the_send_layers_own():
    """The AR's ``unsigned`` is what SendReceiver.verify says of the same octets.

    RFC3971-5.2.2-M10
    """
    ex = exchange()
    packet = rtsolpr_packet(ex.mn.config.identity, ex.ar.address, T0, RtSolPrSpec(sign=False))
    received = open_packet(packet, DEFAULT.badf_length)
    verdict = SendReceiver(DEFAULT).verify(received.upper_layer, received.src, received.dst, T0,
                                           MessageKind.SOLICITATION, cga_address=received.src)
    assert not verdict.accepted and verdict.reason is Reason.UNSIGNED
    deliver(ex.ar, packet, T0)
    assert_rejected_by(last_event(ex.ar.log, "AR"), "send_valid", verdict.reason.value)


# -- one decode: the nodes hand SEND the decoded options ---------------------------

_TAMPERED = {
    "signed by another key": RtSolPrSpec(sign_with=pool_key(6)),
    "no CGA option": RtSolPrSpec(with_cga=False),
    "no nonce": RtSolPrSpec(nonce=None),
    "stale timestamp": RtSolPrSpec(timestamp_at=T0 - 3600),
    "valid": RtSolPrSpec(),
}


@pytest.mark.parametrize("name", sorted(_TAMPERED))
def test_the_ar_judges_send_as_the_bytes_entry_point_does(name: str) -> None:
    """The AR's SEND verdict (decoded options) is SendReceiver.verify's on the octets.

    RFC3971-5.2.2-M10
    """
    ex = exchange()
    packet = rtsolpr_packet(ex.mn.config.identity, ex.ar.address, T0, _TAMPERED[name])
    received = open_packet(packet, DEFAULT.badf_length)
    verdict = SendReceiver(DEFAULT).verify(received.upper_layer, received.src, received.dst, T0,
                                           MessageKind.SOLICITATION, cga_address=received.src)
    deliver(ex.ar, packet, T0)
    event = last_event(ex.ar.log, "AR")
    send_check = next(c for c in event.checks if c.name == "send_valid")
    assert send_check.passed is verdict.accepted
    if not verdict.accepted:
        assert verdict.reason is not None
        assert_rejected_by(event, "send_valid", verdict.reason.value)


def _previous_construction(message, identity, dst, now, nonce) -> bytes:
    """How round 1 built a signed packet: re-make the message with the SEND options,
    encode it, sign it, wrap it in an IPv6Packet."""
    extra = identity.options(now, nonce)
    if isinstance(message, RtSolPr):
        whole = RtSolPr(message.identifier, (*message.options, *extra))
    else:
        whole = PrRtAdv(message.code, message.identifier, (*message.options, *extra))
    icmp = sign_message(whole.encode(), identity.address, dst, identity.private_key)
    return IPv6Packet(IPv6Header(identity.address, dst, hop_limit=255),
                      payload=RawPayload(IPPROTO_ICMPV6, icmp)).encode()


@pytest.mark.parametrize("nonce", [None, b"\x22" * 6])
def test_signed_packets_are_the_octets_of_the_plain_construction(nonce) -> None:
    ex = exchange()
    identity = ex.mn.config.identity
    lla = FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, bytes(6))
    for message in (RtSolPr(7, (lla,)),
                    PrRtAdv(2, 7, (lla, HandoverKeyReply(0, 300, bytes(128))))):
        built = signed_icmpv6_packet(message, identity, ex.ar.address, T0, nonce,
                                     SignedChecksum.BEFORE_SIGNATURE_OPTION)
        assert built == _previous_construction(message, identity, ex.ar.address, T0, nonce)


def test_address_text_is_str_and_bounded() -> None:
    for text in ("fe80::1", "2001:db8::a:0:0:1", "::", "ff02::1:ff00:1"):
        address = IPv6Address(text)
        assert address_text(address) == str(address) == text
    assert address_text.cache_info().maxsize == 1024
