"""SEND and certification-path requirements as the AR and MN state machines apply them.

RFC 3971 §5.2.3, §5.3.4, §6.4.1-§6.4.6 and RFC 5568 §6.1.2, checked on the nodes of
:func:`rfc5269.scenario.make_exchange` with crafted packets.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import Encoding
from nodes.helpers import (
    OPT,
    T0,
    deliver,
    encrypted_reply,
    exchange,
    hkepk_der_default,
    ipv6,
    key_replies,
    keyed,
    last_event,
    mn_request,
    open_packet,
    prrtadv_packet,
    rechecksum,
    sent,
)
from rfc5269.interpretations import DEFAULT, CertificateRequirement
from rfc5269.nodes.events import RequestHandoverKey
from rfc5269.nodes.packets import icmpv6_packet
from rfc5269.scenario import NEW_AP
from rfc5269.send.certpath import build_cps
from rfc5269.send.signature import sign_message
from rfc5269.wire.cert_path import (
    CertificationPathAdvertisement,
    CertificationPathSolicitation,
)
from rfc5269.wire.fmip import RtSolPr
from rfc5269.wire.ndopt import (
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    CertificateOption,
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyRequest,
    NonceOption,
    TimestampOption,
    TrustAnchorOption,
    UnknownOption,
)


def _rtsolpr(ex, send_options):
    """An RtSolPr from the MN's CGA with exactly ``send_options`` before the signature."""
    mn = ex.mn.config.identity
    message = RtSolPr(3, (
        FmipLinkLayerAddressOption.for_address(LLA_SOURCE, bytes(6)),
        FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),
        HandoverKeyRequest(0, hkepk_der_default()), CgaOption(mn.parameters), *send_options))
    icmp = sign_message(message.encode(mn.address, ex.ar.address), mn.address, ex.ar.address,
                        mn.private_key)
    return ipv6(mn.address, ex.ar.address, icmp)


def test_timestamp_and_nonce_in_either_order():
    """RFC3971-5.3.4-M5"""
    for order in ("nonce-first", "timestamp-first"):
        ex = exchange()
        ts, nonce = TimestampOption.from_seconds(T0), NonceOption(b"\x0a" * 6)
        opts = (nonce, ts) if order == "nonce-first" else (ts, nonce)
        out = deliver(ex.ar, _rtsolpr(ex, opts), T0)
        assert len(key_replies(out)) == 1, order


def test_signed_message_without_timestamp_or_nonce_is_unsecured():
    """Neither Timestamp nor Nonce: handled as unsecured, so no key (RFC 3971 §5.3.4).

    RFC3971-5.3.4-M1 RFC3971-5.3.4-M2 RFC3971-5.3.4-M3 RFC3971-5.2.2-M11
    """
    cases = {(): "timestamp-missing",
             (NonceOption(b"\x0b" * 6),): "timestamp-missing",
             (TimestampOption.from_seconds(T0),): "nonce-missing"}
    for opts, reason in cases.items():
        ex = exchange()
        out = deliver(ex.ar, _rtsolpr(ex, opts), T0)
        event = last_event(ex.log, "AR")
        assert event.verdict == "rejected" and event.reason == reason
        assert key_replies(out) == [] and len(ex.ar.keys) == 0


def test_authorization_method_is_configurable():
    """CL-01 draft reading: a CGA-signed PrRtAdv suffices; RFC reading: a certified key.

    RFC3971-5.2.3-M1
    """
    results = {}
    for reading in CertificateRequirement:
        ex = exchange(interpretations=DEFAULT.replace(certificate_requirement=reading))
        o = mn_request(ex)
        packet = prrtadv_packet(ex.ar.config.identity, ex.mn.address, T0, nonce=o.nonce,
                                identifier=o.identifier,
                                reply=encrypted_reply(bytes(range(20)), o.hkepk))
        deliver(ex.mn, packet, T0)
        results[reading] = ex.mn.key_for(ex.ar.address, T0) is not None
    assert results == {CertificateRequirement.DRAFT: True, CertificateRequirement.RFC: False}


def test_prrtadv_with_unknown_option_still_yields_the_key():
    """RFC5568-6.1.2-M7"""
    ex = keyed()
    o = mn_request(ex)
    packet = prrtadv_packet(ex.ar.config.identity, ex.mn.address, T0, nonce=o.nonce,
                            identifier=o.identifier,
                            reply=encrypted_reply(bytes(range(20)), o.hkepk),
                            extra=(UnknownOption(240, bytes(14)),))
    deliver(ex.mn, packet, T0)
    assert ex.mn.key_for(ex.ar.address, T0).key == bytes(range(20))


# ====================================================================== CPS at the AR


def test_ar_answers_cps_with_unknown_and_foreign_options():
    """RFC3971-6.4.1-M3 RFC3971-6.4.5-M2 RFC3971-6.4.5-M3"""
    ex = exchange()
    cps = build_cps(12, ex.mn.config.trust_anchors)
    cps = CertificationPathSolicitation(12, cps.component, (
        *cps.options, UnknownOption(201, bytes(6)), NonceOption(b"\x01" * 6)))
    out = deliver(ex.ar, icmpv6_packet(cps, ex.mn.address, ex.ar.address), T0)
    assert len(sent(out)) == 2


def test_ar_discards_malformed_cps():
    """RFC3971-6.4.5-M1 RFC3971-6.4.1-M1"""
    ex = exchange()
    good = icmpv6_packet(build_cps(12, ex.mn.config.trust_anchors), ex.mn.address,
                         ex.ar.address)
    icmp = bytearray(good[40:])
    icmp[4:6] = b"\x00\x00"  # Identifier 0
    bad = ipv6(ex.mn.address, ex.ar.address, rechecksum(bytes(icmp), ex.mn.address,
                                                          ex.ar.address))
    out = deliver(ex.ar, bad, T0)
    assert last_event(ex.log, "AR").input_kind == "malformed" and sent(out) == []


# ====================================================================== CPA at the MN


def _awaiting_path():
    """An MN holding a PrRtAdv, its CPS sent; the AR's CPAs were lost. Returns (ex, cps id)."""
    ex = exchange()
    ex.link.adversary = lambda d: [] if "CPA" in d.description else None
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.adversary = None
    cps = next(d for d in ex.link.wire if "CPS" in d.description)
    assert ex.mn.state_of(ex.ar.address, T0) == "AWAITING_PATH"
    return ex, open_packet(cps.packet, OPT).message.identifier


def _cpas(ex, identifier, extra=(), reserved=b"\x00\x00"):
    path = ex.pki.path
    n = len(path)
    out = []
    for i, cert in enumerate(path):
        opts = (CertificateOption(1, cert.public_bytes(Encoding.DER)), *extra)
        if i == 0:
            opts = (TrustAnchorOption(1, ex.mn.config.trust_anchors[0].name_der), *opts)
        cpa = CertificationPathAdvertisement(identifier, n, n - 1 - i, opts)
        icmp = bytearray(cpa.encode(ex.ar.address, ex.mn.address))
        icmp[10:12] = reserved
        out.append(ipv6(ex.ar.address, ex.mn.address,
                        rechecksum(bytes(icmp), ex.ar.address, ex.mn.address)))
    return out


def test_mn_completes_path_ignoring_reserved_unknown_and_foreign_options():
    """RFC3971-6.4.2-M4 RFC3971-6.4.2-M6 RFC3971-6.4.6-M2 RFC3971-6.4.6-M4 RFC3971-6.4.6-M5"""
    ex, ident = _awaiting_path()
    for packet in _cpas(ex, ident, extra=(UnknownOption(230, bytes(6)),
                                          NonceOption(b"\x02" * 6)), reserved=b"\xff\xff"):
        ex.link.inject(packet)
    assert ex.mn.key_for(ex.ar.address, ex.link.now) is not None


def test_mn_discards_malformed_cpa():
    """RFC3971-6.4.6-M1"""
    ex, ident = _awaiting_path()
    packets = _cpas(ex, ident)
    icmp = bytearray(packets[0][40:])
    icmp[8:10] = icmp[6:8]  # Component = All Components: malformed
    ex.link.inject(ipv6(ex.ar.address, ex.mn.address,
                        rechecksum(bytes(icmp), ex.ar.address, ex.mn.address)))
    assert last_event(ex.log, "MN").input_kind == "malformed"
    ex.link.inject(packets[1])
    assert ex.mn.key_for(ex.ar.address, ex.link.now) is None  # the path is still incomplete
