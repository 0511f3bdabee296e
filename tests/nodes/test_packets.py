"""``rfc5269.nodes.packets``: what a received packet's options say about its SEND signature.

The AR and MN read the signed options (those before the first RSA Signature
option, RFC 3971 §5.2) off the decoded message, and the AR reports an
RtSolPr without an RSA Signature option as ``unsigned`` without running the
SEND layer a second time over the octets. These tests pin both to what the
SEND layer itself says of the same octets.
"""

from __future__ import annotations

from rfc5269.interpretations import DEFAULT
from rfc5269.nodes.packets import open_packet
from rfc5269.send.receiver import MessageKind, SendReceiver
from rfc5269.send.verdict import Reason
from rfc5269.wire.ndopt import (
    CgaOption,
    FmipLinkLayerAddressOption,
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
