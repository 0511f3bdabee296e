"""Unit tests of MN_TRANSITIONS (RFC 5269 §3.1, §3.3, §3.4, §3.6; RFC 5568 §6.1.1, §6.2.2).

PrRtAdvs are crafted with the AR's real identity (certified under the MN's anchor),
with another router's (valid CGA, certificate under an anchor the MN does not
trust), or taken from the real AR and replayed or altered. Every check of every
row is failed on its own; the outcome asserted is that no key is stored.
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv6Address
from itertools import pairwise

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.authenticator import compute_authenticator, verify_authenticator
from rfc5269.handover.encryption import check_hkepk, encrypt_handover_key
from rfc5269.handover.hkepk import HkepkKeyPair
from rfc5269.interpretations import DEFAULT, CertificateRequirement, NonceRetention
from rfc5269.io.memlink import InMemoryLink
from rfc5269.nodes import mn as mn_module
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.config import ArConfig, make_identity
from rfc5269.nodes.events import (
    PacketReceived,
    RequestHandoverKey,
    StartHandover,
    TimerFired,
    TimerRequest,
)
from rfc5269.nodes.mn import MobileNode
from rfc5269.nodes.packets import ALL_ROUTERS, mobility_packet
from rfc5269.scenario import LINK_LOCAL, NAR, NEW_AP, pool_factory, seeded_rng
from rfc5269.send.cga import cga_verify
from rfc5269.send.keys import public_key_der
from rfc5269.send.signature import verify_signature
from rfc5269.send.testpki import make_pki, pool_key
from rfc5269.wire.cert_path import (
    CertificationPathAdvertisement,
    CertificationPathSolicitation,
)
from rfc5269.wire.fmip import RtSolPr
from rfc5269.wire.ipv6 import HomeAddressOption
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    mh_data_for_authenticator,
)
from rfc5269.wire.ndopt import (
    LLA_NEW_ACCESS_POINT,
    CertificateOption,
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    NonceOption,
    RsaSignatureOption,
    TimestampOption,
    TrustAnchorOption,
)

from .helpers import (
    NCOA,
    OPT,
    OTHER_KEY,
    T0,
    assert_rejected_by,
    badf,
    deliver,
    discarded,
    encrypted_reply,
    exchange,
    flip_bit,
    installed,
    keyed,
    last_event,
    mn_request,
    open_packet,
    prrtadv_packet,
    rejected,
    sent,
)

KEY20 = bytes(range(1, 21))


def _answer(ex, o, **kw):
    """A PrRtAdv from the real AR identity answering the MN's outstanding RtSolPr ``o``."""
    kw.setdefault("nonce", o.nonce)
    kw.setdefault("identifier", o.identifier)
    if "reply" not in kw:
        kw["reply"] = encrypted_reply(KEY20, o.hkepk, at=0, lifetime=600)
    return prrtadv_packet(ex.ar.config.identity, ex.mn.address, ex.link.now, **kw)


def _keys(mn):
    return {k: (r.key, r.at, r.expires) for k, r in mn.keys.items()}


# ====================================================================== request a key


def test_request_key_sends_a_complete_signed_rtsolpr():
    """The RtSolPr: CGA source, CGA option, nonce, timestamp, signature, HKR with the HKEPK.

    RFC5269-3.1-M1 RFC5269-3.1-M2 RFC5269-3.1-M3 RFC5269-3.1-M4 RFC5269-3.1-M5 RFC5269-3.1-M6
    RFC5568-6.1.1-M1 RFC5568-6.1.1-M2 RFC5568-6.1.1-M3 RFC3971-5.1.1-M2 RFC3971-5.1.1-M9
    RFC3971-5.2.1-M2 RFC3971-5.3.3-M1 RFC3971-5.3.3-M2 RFC3971-5.3.3-M4 RFC3971-5.1.1-M4
    RFC5568-4-M7 RFC3971-5.1.1-M3
    """
    ex = exchange()
    mn = ex.mn
    out = mn.handle(RequestHandoverKey(ex.ar.address, NEW_AP), T0)
    event = last_event(ex.log, "MN")
    assert event.transition == "request a handover key" and event.verdict == "accepted"
    (rx,) = sent(out)
    assert rx.src == mn.address and rx.dst == ex.ar.address and rx.hop_limit == 255
    message = rx.message
    assert isinstance(message, RtSolPr) and message.identifier != 0
    assert rx.upper_layer[5] == 0  # Reserved
    opts = message.options
    cga_opt = next(o for o in opts if isinstance(o, CgaOption))
    assert cga_opt.parameters.public_key == public_key_der(mn.config.identity.private_key)
    assert cga_verify(mn.address, cga_opt.parameters).accepted
    nonce = next(o for o in opts if isinstance(o, NonceOption)).nonce
    assert len(nonce) >= 6 and (2 + len(nonce)) % 8 == 0
    ts = next(o for o in opts if isinstance(o, TimestampOption))
    assert abs(ts.seconds_float - T0) < 1
    assert isinstance(opts[-1], RsaSignatureOption)
    assert verify_signature(rx.upper_layer, rx.src, rx.dst).accepted
    request = next(o for o in opts if isinstance(o, HandoverKeyRequest))
    assert opts.index(request) < len(opts) - 1  # signed
    assert request.algorithm_type == mn.config.preferred_at
    # the HKEPK has the CGA key's algorithm and parameters, and is another key pair
    fit = check_hkepk(request.public_key, public_key_der(mn.config.identity.private_key))
    assert fit.ok, fit.problem
    assert any(isinstance(o, FmipLinkLayerAddressOption) and o.option_code == LLA_NEW_ACCESS_POINT
               and o.link_layer_address[:6] == NEW_AP for o in opts)
    # the nonce is remembered so the answer can be matched (RFC 3971 §5.3.3)
    assert nonce in mn.solicitations
    timers = [o for o in out if isinstance(o, TimerRequest)]
    assert [(t.name, t.at) for t in timers] == [("retransmit", T0 + 0.1)]


def test_request_key_rate_limited():
    """At most MAX_RTSOLPR_RATE RtSolPrs per second (RFC 5568 §6.1.1).

    RFC5568-6.1.1-M6 RFC5568-9-M1
    """
    ex = exchange()
    mn = MobileNode(replace(ex.mn.config, max_rtsolpr_rate=2), seeded_rng(0, "mn2"),
                    hkepk_factory=pool_factory((21,)))
    for _ in range(2):
        assert sent(mn.handle(RequestHandoverKey(ex.ar.address), T0))
    out = mn.handle(RequestHandoverKey(ex.ar.address), T0)
    assert_rejected_by(last_event(mn.log, "MN"), "rtsolpr_rate", "rtsolpr-rate")
    assert sent(out) == [] and len(mn.solicitations) == 2
    assert sent(mn.handle(RequestHandoverKey(ex.ar.address), T0 + 1))  # the budget refills


def test_hkepk_rotated_after_hkepk_handovers():
    """A fresh HKE key pair after HKEPK-HANDOVERS handovers (RFC 5269 §3.1).

    The pair offers decryption of handover keys and nothing else (no signing, no
    general encryption, no access to the private key).
    RFC5269-3.1-M1 RFC5269-3.1-M2
    """
    ex = keyed()
    mn = MobileNode(replace(ex.mn.config, hkepk_handovers=1), seeded_rng(0, "mn3"),
                    hkepk_factory=pool_factory((21, 22)))
    first = mn.hkepk.current(T0).public_der
    mn.hkepk.note_handover()
    pair = mn.hkepk.current(T0)
    second = pair.public_der
    assert first != second
    public_api = {n for n in dir(pair) if not n.startswith("_")}
    assert public_api == {"created", "decrypt_handover_key", "public_der", "public_key"}
    assert check_hkepk(second, public_key_der(mn.config.identity.private_key)).ok


# ====================================================================== retransmission


def test_retransmission_keeps_nonce_and_doubles_timeout():
    """RFC5568-6.1.1-M5"""
    ex = exchange()
    o = mn_request(ex, T0)
    mn = ex.mn
    times = [T0 + 0.1, T0 + 0.3, T0 + 0.7]
    for i, t in enumerate(times, start=1):
        out = mn.handle(TimerFired("retransmit", o.nonce.hex()), t)
        event = last_event(mn.log, "MN")
        assert event.transition == "retransmit the RtSolPr" and event.verdict == "accepted"
        (rx,) = sent(out)
        message = rx.message
        assert message.identifier == o.identifier
        assert next(x.nonce for x in message.options if isinstance(x, NonceOption)) == o.nonce
        (timer,) = [x for x in out if isinstance(x, TimerRequest)]
        assert timer.at == pytest.approx(t + 0.1 * 2 ** i)
    out = mn.handle(TimerFired("retransmit", o.nonce.hex()), T0 + 1.5)
    assert_rejected_by(last_event(mn.log, "MN"), "retries_left", "retries-exhausted")
    assert sent(out) == []


def test_retransmission_stops_once_answered():
    """RFC5568-6.1.1-M5"""
    ex = keyed()
    o = mn_request(ex)
    deliver(ex.mn, deliver(ex.ar, o.packet, T0)[0].packet, T0)
    out = ex.mn.handle(TimerFired("retransmit", o.nonce.hex()), T0 + 0.1)
    assert_rejected_by(last_event(ex.mn.log, "MN"), "solicitation_outstanding", "answered")
    assert sent(out) == []


def test_retransmission_rate_limited():
    """RFC5568-6.1.1-M6"""
    ex = exchange()
    mn = MobileNode(replace(ex.mn.config, max_rtsolpr_rate=1), seeded_rng(0, "mn4"),
                    hkepk_factory=pool_factory((21,)))
    out = mn.handle(RequestHandoverKey(ex.ar.address), T0)
    nonce = next(o.subject for o in out if isinstance(o, TimerRequest))
    out = mn.handle(TimerFired("retransmit", nonce), T0 + 0.1)
    assert_rejected_by(last_event(mn.log, "MN"), "rtsolpr_rate", "rtsolpr-rate")
    assert sent(out) == []


# ====================================================================== accept a key


def test_accepts_key_from_certified_ar_and_stores_it_by_ar_and_cga():
    """RFC5269-3.3-M1 RFC5269-3.3-M2 RFC5269-3.3-M5 RFC5269-3.3-M7 RFC5269-3.3-M8
    RFC5269-3.3-M9 RFC3971-5.3.4.1-M1 RFC5269-3.2-M15 RFC3971-5.2.2-M9
    """
    ex = keyed(mn_preferred_at=0, ar_supported_at=(1,))
    o = mn_request(ex)
    answer = next(x for x in deliver(ex.ar, o.packet, T0) if hasattr(x, "packet"))
    out = deliver(ex.mn, answer.packet, T0)
    event = last_event(ex.log, "MN")
    assert event.transition == "accept a handover key" and event.verdict == "accepted"
    record = ex.mn.keys[(ex.ar.address, ex.mn.address)]
    ar_record = ex.ar.keys.get(ex.mn.address)
    assert record.key == ar_record.key and record.ar == ex.ar.address
    assert record.at == 1 != o.at  # the returned AT, not the requested one
    assert record.algorithm == "HMAC-SHA256-128" and len(record.key) == 32
    assert [k.key_id for k in installed(out)] == [event.facts["key_id"]]
    names = {t.name for t in out if isinstance(t, TimerRequest)}
    assert names == {"key-expiry", "key-refresh"}


def test_without_trust_anchor_no_key_is_ever_accepted():
    """The trust anchor is what makes a PrRtAdv acceptable (RFC 5269 §3.2 IESG text).

    RFC5269-3.2-M15
    """
    ex = exchange()
    other_anchor = make_pki(1).trust_anchor()
    mn = MobileNode(replace(ex.mn.config, trust_anchors=(other_anchor,)), seeded_rng(0, "m5"),
                    log=ex.log, hkepk_factory=pool_factory((21,)))
    link = InMemoryLink(T0)
    link.attach(ex.ar)
    link.attach(mn)
    link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert mn.keys == {}
    assert last_event(ex.log, "MN").verdict == "rejected"


def test_mn_without_trust_anchor_is_a_configuration_error():
    """An MN must be provisioned with a trust anchor (RFC 5269 §3.2, IESG text; CL-01).

    Without one it could never accept a key, and could not even ask for a path.
    RFC5269-3.2-M15
    """
    from rfc5269.errors import ConfigurationError
    ex = exchange()
    with pytest.raises(ConfigurationError):
        MobileNode(replace(ex.mn.config, trust_anchors=()), seeded_rng(0, "m6"),
                   hkepk_factory=pool_factory((21,)))
    draft = DEFAULT.replace(certificate_requirement=CertificateRequirement.DRAFT)
    MobileNode(replace(ex.mn.config, trust_anchors=(), interpretations=draft),
               seeded_rng(0, "m7"), hkepk_factory=pool_factory((21,)))  # no anchor needed


def _assert_no_key_change(ex, before, out):
    assert _keys(ex.mn) == before
    assert installed(out) == []


def test_prrtadv_without_reply_is_not_a_key():
    ex = keyed()
    o = mn_request(ex)
    before = _keys(ex.mn)
    out = deliver(ex.mn, _answer(ex, o, reply=None), T0)
    assert_rejected_by(last_event(ex.log, "MN"), "has_key_reply", "no-key-reply")
    _assert_no_key_change(ex, before, out)


SEND_CASES = {
    "unknown-nonce": "nonce-unknown",
    "no-nonce": "nonce-missing",
    "bit-flip": "signature-invalid",
    "other-key": "key-mismatch",
    "unsigned": "unsigned",
    "replayed": "nonce-already-answered",
    "no-timestamp": "timestamp-missing",
    "cga-of-another-address": "cga-hash1-mismatch",
}


def _bad_prrtadv(ex, o, case):
    identity = ex.ar.config.identity
    if case == "unknown-nonce":
        return _answer(ex, o, nonce=b"\x99" * 6)
    if case == "no-nonce":
        return _answer(ex, o, nonce=None)
    if case == "bit-flip":
        return flip_bit(_answer(ex, o), 7)
    if case == "other-key":
        forged = replace(identity, private_key=pool_key(OTHER_KEY))
        return prrtadv_packet(forged, ex.mn.address, T0, nonce=o.nonce, identifier=o.identifier,
                              reply=encrypted_reply(KEY20, o.hkepk))
    if case == "unsigned":  # the signed answer with its RSA Signature option cut off
        from .helpers import ipv6, option_offset, rechecksum
        icmp = open_packet(_answer(ex, o), OPT).upper_layer
        cut = option_offset(icmp, 12)
        return ipv6(identity.address, ex.mn.address,
                    rechecksum(icmp[:cut], identity.address, ex.mn.address))
    if case == "replayed":
        packet = _answer(ex, o)
        deliver(ex.mn, packet, T0)
        ex.mn.keys.clear()
        return packet
    if case == "cga-of-another-address":  # a valid CGA option and signature, for another address
        from rfc5269.send.sender import send_options
        from rfc5269.send.signature import sign_message
        from rfc5269.wire.fmip import PrRtAdv
        from rfc5269.wire.ndopt import IP_NAR_ADDRESS, LLA_NAR, IpAddressPrefixOption

        from .helpers import ipv6
        thief = make_identity(pool_key(OTHER_KEY), LINK_LOCAL, seeded_rng(3, "thief"))
        msg = PrRtAdv(0, o.identifier, (
            FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),
            FmipLinkLayerAddressOption.for_address(LLA_NAR, NAR.nar_lla),
            IpAddressPrefixOption(IP_NAR_ADDRESS, 128, NAR.nar_address),
            encrypted_reply(KEY20, o.hkepk), *send_options(T0, thief.cga.parameters, o.nonce)))
        icmp = sign_message(msg.encode(identity.address, ex.mn.address), identity.address,
                            ex.mn.address, thief.private_key)
        return ipv6(identity.address, ex.mn.address, icmp)
    if case == "no-timestamp":
        from rfc5269.send.signature import sign_message
        from rfc5269.wire.fmip import PrRtAdv
        from rfc5269.wire.ndopt import IP_NAR_ADDRESS, LLA_NAR, IpAddressPrefixOption

        from .helpers import ipv6
        msg = PrRtAdv(0, o.identifier, (
            FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),
            FmipLinkLayerAddressOption.for_address(LLA_NAR, NAR.nar_lla),
            IpAddressPrefixOption(IP_NAR_ADDRESS, 128, NAR.nar_address),
            encrypted_reply(KEY20, o.hkepk), CgaOption(identity.parameters),
            NonceOption(o.nonce)))
        icmp = sign_message(msg.encode(identity.address, ex.mn.address), identity.address,
                            ex.mn.address, identity.private_key)
        return ipv6(identity.address, ex.mn.address, icmp)
    raise AssertionError(case)


@pytest.mark.parametrize("case", list(SEND_CASES))
def test_prrtadv_failing_send_is_dropped(case):
    """RFC5269-3.3-M1 RFC5269-3.3-M6 RFC3971-5.3.4.1-M2 RFC3971-5.2.2-M1 RFC3971-5.2.2-M10
    RFC3971-5.3.4-M2 RFC3971-5.1-M5 RFC3971-5.2.2-M3 RFC3971-5.1.2-M3 RFC3971-5.1.2-M4
    """
    ex = keyed()
    o = mn_request(ex)
    packet = _bad_prrtadv(ex, o, case)
    before = _keys(ex.mn)
    out = deliver(ex.mn, packet, T0)
    event = last_event(ex.log, "MN")
    assert event.transition == "accept a handover key"
    assert_rejected_by(event, "send_valid", SEND_CASES[case])
    _assert_no_key_change(ex, before, out)
    assert sent(out) == []  # dropped silently: nothing answered


def test_signature_is_checked_before_any_decryption(monkeypatch):
    """No decryption happens for a PrRtAdv that fails SEND (no PKCS#1 v1.5 oracle, RFC 5269 §5).

    RFC5269-3.3-M1
    """
    calls = []
    original = HkepkKeyPair.decrypt_handover_key

    def spy(self, ciphertext, algorithm):
        calls.append(ciphertext)
        return original(self, ciphertext, algorithm)

    monkeypatch.setattr(HkepkKeyPair, "decrypt_handover_key", spy)
    ex = keyed()
    calls.clear()
    o = mn_request(ex)
    for case in SEND_CASES:
        if case != "replayed":
            deliver(ex.mn, _bad_prrtadv(ex, o, case), T0)
    assert calls == []
    deliver(ex.mn, _answer(ex, o), T0)
    assert len(calls) == 1


def test_prrtadv_from_uncertified_router_is_held_and_cps_sent():
    """A valid CGA signature without a cached path: CPS sent, key not accepted yet.

    RFC3971-5.2.2-M9 RFC5269-3.3-M3 RFC5269-3.3-M4 RFC3971-6.4.1-M1 RFC3971-6.4.1-M2
    RFC3971-6.4.6-M7
    """
    ex = exchange()  # the MN has no path cached yet
    o = mn_request(ex)
    out = deliver(ex.mn, _answer(ex, o), T0)
    event = last_event(ex.log, "MN")
    assert_rejected_by(event, "send_valid", "not-certified")
    assert ex.mn.keys == {} and installed(out) == []
    (cps_rx,) = sent(out)
    cps = cps_rx.message
    assert isinstance(cps, CertificationPathSolicitation) and cps.identifier != 0
    assert cps_rx.dst == ex.ar.address
    first_ta = next(x for x in cps.options if isinstance(x, TrustAnchorOption))
    assert first_ta.name_type == 1 and first_ta.name == ex.mn.config.trust_anchors[0].name_der
    assert ex.mn.state_of(ex.ar.address, T0) == "AWAITING_PATH"


def _rogue_ar(ex):
    """An AR certified under make_pki(1), an anchor the MN does not trust."""
    pki1 = make_pki(1)
    identity = make_identity(pki1.router.rsa_key, LINK_LOCAL, seeded_rng(1, "rogue"))
    rogue = AccessRouter(ArConfig(identity, pki1.anchor.certificate, tuple(pki1.path),
                                  neighbours=(NAR,), name="ROGUE"), seeded_rng(1, "r"), ex.log)
    return rogue, pki1


def test_prrtadv_from_router_certified_under_another_anchor_never_yields_a_key():
    """The rogue router's CGA is valid but its certificate chains to an unknown anchor.

    RFC5269-3.3-M4 RFC3971-6.3-M2 RFC3971-6.4.6-M5 RFC5269-3.3-M2
    """
    ex = exchange()
    rogue, pki1 = _rogue_ar(ex)
    link = InMemoryLink(T0)
    link.attach(rogue)
    link.attach(ex.mn)
    link.give("MN", RequestHandoverKey(rogue.address, NEW_AP))
    assert ex.mn.keys == {}
    cpa_events = [e for e in ex.log if e.node == "MN" and e.input_kind == "CPA"]
    assert cpa_events and all(e.verdict == "rejected" for e in cpa_events)
    # same anchor name (both test PKIs use it): the rogue sends its path, which fails to verify
    assert cpa_events[-1].reason.startswith("cert-")
    # the rogue now pushes its own (pki1) path at the MN: validation refuses it
    cps = next(d for d in link.wire if "CPS" in d.description)
    ident = open_packet(cps.packet, OPT).message.identifier
    n = len(pki1.path)
    from cryptography.hazmat.primitives.serialization import Encoding
    from rfc5269.nodes.packets import icmpv6_packet
    for i, cert in enumerate(pki1.path):
        opts = (CertificateOption(1, cert.public_bytes(Encoding.DER)),)
        cpa = CertificationPathAdvertisement(ident, n, n - 1 - i, opts)
        link.inject(icmpv6_packet(cpa, rogue.address, ex.mn.address))
    event = last_event(ex.log, "MN", "complete a certification path")
    assert_rejected_by(event, "path_complete")
    assert event.reason.startswith("cert-")
    assert ex.mn.keys == {} and ex.mn.key_for(rogue.address, link.now) is None


def test_prrtadv_reply_after_signature_is_not_used():
    """RFC3971-5.2.2-M4"""
    ex = keyed()
    o = mn_request(ex)
    before = _keys(ex.mn)
    out = deliver(ex.mn, _answer(ex, o, reply_after_signature=True), T0)
    assert_rejected_by(last_event(ex.log, "MN"), "reply_signed", "reply-not-signed")
    _assert_no_key_change(ex, before, out)


def test_prrtadv_reply_after_signature_with_signed_one_uses_only_signed():
    """A second, unsigned reply appended after the signature is ignored (RFC 3971 §5.2.2).

    RFC3971-5.2.2-M4
    """
    from .helpers import icmp_of, ipv6, rechecksum
    ex = keyed()
    o = mn_request(ex)
    identity = ex.ar.config.identity
    signed = _answer(ex, o)  # carries KEY20, signed
    smuggled = encrypted_reply(bytes(20), o.hkepk, at=0, lifetime=65535).encode()
    icmp = rechecksum(icmp_of(signed) + smuggled, identity.address, ex.mn.address)
    out = deliver(ex.mn, ipv6(identity.address, ex.mn.address, icmp), T0)
    assert len(installed(out)) == 1
    record = ex.mn.key_for(ex.ar.address, T0)
    assert record.key == KEY20 and record.expires == T0 + 600


@pytest.mark.parametrize("at", [5, 15])
def test_prrtadv_with_unsupported_at_is_dropped(at):
    """RFC 5269 §3.3: the AT must name an algorithm the MN supports."""
    ex = keyed()
    o = mn_request(ex)
    before = _keys(ex.mn)
    out = deliver(ex.mn, _answer(ex, o, reply=encrypted_reply(KEY20, o.hkepk, at=at)), T0)
    assert_rejected_by(last_event(ex.log, "MN"), "at_supported", "at-unsupported")
    _assert_no_key_change(ex, before, out)


def test_prrtadv_with_at_the_mn_does_not_support():
    ex = keyed(mn_supported_at=(0,))
    o = mn_request(ex)
    reply = encrypted_reply(bytes(range(32)), o.hkepk, at=1)
    out = deliver(ex.mn, _answer(ex, o, reply=reply), T0)
    assert_rejected_by(last_event(ex.log, "MN"), "at_supported", "at-unsupported")
    assert installed(out) == []


def test_prrtadv_with_weaker_at_is_dropped():
    """A reply weaker than the request is a bidding-down attempt (RFC 5269 §3.2-§3.3)."""
    ex = keyed(mn_preferred_at=1)
    o = mn_request(ex)
    assert o.at == 1
    before = _keys(ex.mn)
    out = deliver(ex.mn, _answer(ex, o, reply=encrypted_reply(KEY20, o.hkepk, at=0)), T0)
    assert_rejected_by(last_event(ex.log, "MN"), "at_not_weaker", "at-weaker-than-requested")
    _assert_no_key_change(ex, before, out)


@pytest.mark.parametrize("how", ["short-key", "other-hkepk", "garbage", "long-key"])
def test_prrtadv_whose_key_does_not_decrypt_is_dropped(how):
    """RFC5269-3.3-M5 RFC5269-3.3-M7"""
    ex = keyed()
    o = mn_request(ex)
    if how == "short-key":
        reply = encrypted_reply(bytes(16), o.hkepk, at=0)
    elif how == "long-key":
        reply = encrypted_reply(bytes(32), o.hkepk, at=0)
    elif how == "other-hkepk":
        other = pool_key(OTHER_KEY).public_key()
        assert isinstance(other, rsa.RSAPublicKey)
        reply = HandoverKeyReply(0, 600, encrypt_handover_key(KEY20, other, lambda n: b"\x01" * n))
    else:
        reply = HandoverKeyReply(0, 600, b"\x07" * 128)
    before = _keys(ex.mn)
    out = deliver(ex.mn, _answer(ex, o, reply=reply), T0)
    assert_rejected_by(last_event(ex.log, "MN"), "key_decrypts", "key-does-not-decrypt")
    _assert_no_key_change(ex, before, out)


def test_answer_to_all_routers_solicitation_matches_by_nonce():
    """An RtSolPr to all-routers is answered by the AR's CGA; the key is named by that CGA.

    RFC5269-3.3-M5 RFC5269-3.3-M9
    """
    ex = keyed()
    o = mn_request(ex, router=ALL_ROUTERS)
    ex.mn.keys.clear()
    out = deliver(ex.mn, _answer(ex, o), T0)
    assert len(installed(out)) == 1
    assert ex.mn.key_for(ex.ar.address, T0).key == KEY20


def test_single_answer_retention_refuses_a_second_router():
    """CL-09 reading single-answer: the nonce dies with the first accepted answer."""
    ex = keyed(interpretations=DEFAULT.replace(nonce_retention=NonceRetention.SINGLE_ANSWER))
    o = mn_request(ex)
    deliver(ex.mn, _answer(ex, o), T0)
    out = deliver(ex.mn, _answer(ex, o, reply=encrypted_reply(bytes(20), o.hkepk)), T0)
    event = last_event(ex.log, "MN")
    assert event.verdict == "rejected" and event.failed_check().name == "send_valid"
    assert installed(out) == []


# ====================================================================== CPA / CPS retry


def test_cpa_completes_path_and_resumes_the_held_prrtadv():
    """RFC5269-3.3-M3 RFC3971-6.4.6-M5 RFC3971-6.3-M1"""
    ex = exchange()
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    names = [(e.node, e.transition, e.verdict) for e in ex.log]
    assert ("MN", "complete a certification path", "accepted") in names
    i_path = names.index(("MN", "complete a certification path", "accepted"))
    assert names[i_path + 1] == ("MN", "accept a handover key", "accepted")
    assert ex.mn.key_for(ex.ar.address, ex.link.now).key == ex.ar.keys.get(ex.mn.address).key


def test_cps_retried_with_doubling_wait_then_abandoned():
    """RFC 3971 §6.4.6: CPS retries double the wait, up to CPS_RETRY_MAX.

    RFC3971-6.4.6-M6
    """
    ex = exchange()
    ex.link.adversary = lambda d: [] if "CPA" in d.description else None
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(30)
    cps_times = [d.time - T0 for d in ex.link.wire if "CPS" in d.description]
    assert cps_times[:4] == [0, 1, 3, 7]
    gaps = [b - a for a, b in pairwise(cps_times)]
    assert all(g2 == 2 * g1 for g1, g2 in pairwise(gaps))
    assert cps_times[-1] <= mn_module.CPS_RETRY_MAX
    event = last_event(ex.log, "MN", "retransmit the CPS")
    assert_rejected_by(event, "cps_time_left", "cps-retry-max")
    assert ex.mn.parked == {} and ex.mn.keys == {}


# ====================================================================== FBU


def test_fbu_is_authenticated_with_the_key_for_par_and_pcoa():
    """RFC5269-3.4-M1 RFC5269-3.4-M2 RFC5269-3.4-M3 RFC5269-3.4-M4 RFC5269-3.4-M5
    RFC5568-6.2.2-M1 RFC5568-6.2.2-M2 RFC5568-6.2.2-M3 RFC5568-6.2.2-M4 RFC5568-6.2.2-M5
    RFC5568-6.2.2-M6 RFC5568-6.2.2-M7 RFC5568-6.2.2-M9 RFC5568-6.4.5-M2 RFC3775-6.1.7-M1
    RFC3775-6.1.7-M3 RFC3775-6.1.7-M5 RFC3775-6.1.7-M11 RFC3775-6.1.7-M12 RFC3775-11.7.2-M5
    RFC3775-11.7.2-M6 RFC3775-11.7.2-M7 RFC3775-6.2-M1 RFC3775-6.2-M2 RFC3775-6.3-M1
    RFC3775-6.3-M2
    """
    ex = keyed()
    record = ex.mn.key_for(ex.ar.address, T0)
    out = ex.mn.handle(StartHandover(ex.ar.address, NCOA, from_par_link=True), T0)
    event = last_event(ex.log, "MN")
    assert event.transition == "send an authenticated FBU" and event.verdict == "accepted"
    (rx,) = sent(out)
    fbu = rx.message
    assert isinstance(fbu, FastBindingUpdate)
    assert rx.src == ex.mn.address and rx.dst == ex.ar.address  # from the PCoA to the PAR
    assert rx.packet.home_address == ex.mn.address  # HAO = PCoA
    hao = [o for h in rx.packet.extension_headers for o in h.options
           if isinstance(o, HomeAddressOption)]
    assert len(hao) == 1 and hao[0].encode()[1] == 16
    assert fbu.a and fbu.h and not fbu.k and not fbu.l
    mh = rx.upper_layer
    assert mh[3] == 0 and mh[8] & 0x0F == 0 and mh[9] == 0  # MH Reserved, FBU Reserved
    assert len(mh) % 8 == 0
    alt = [o for o in fbu.options if isinstance(o, AlternateCareOfAddress)]
    assert [a.address for a in alt] == [NCOA] and not NCOA.is_link_local
    b = badf(fbu)
    assert isinstance(fbu.options[-1], BindingAuthorizationDataFmip) and b.spi == 0
    assert mh.endswith(b.authenticator)  # nothing (no padding) after the BADF
    algorithm = algorithm_for_at(record.at)
    assert verify_authenticator(record.key, algorithm, NCOA, ex.ar.address,
                                mh_data_for_authenticator(mh, OPT), b.authenticator)
    # and the PAR accepts it
    out = deliver(ex.ar, rx.packet.raw, T0)
    assert last_event(ex.log, "AR").verdict == "accepted"


def test_fbu_from_the_new_link_has_no_alternate_coa():
    """RFC3775-11.7.2-M5 RFC5568-6.2.2-M9"""
    ex = keyed()
    out = ex.mn.handle(StartHandover(ex.ar.address, NCOA, from_par_link=False), T0)
    (rx,) = sent(out)
    assert rx.src == NCOA and rx.packet.home_address == ex.mn.address
    assert not any(isinstance(o, AlternateCareOfAddress) for o in rx.message.options)
    deliver(ex.ar, rx.packet.raw, T0)
    assert last_event(ex.log, "AR").verdict == "accepted"


def test_fbu_sequence_numbers_increase_and_never_repeat():
    """RFC3775-11.7.2-M8 RFC3775-11.7.2-M9"""
    ex = keyed()
    seqs = []
    for i in range(4):
        out = ex.mn.handle(StartHandover(ex.ar.address, NCOA), T0 + i)
        seqs.append(sent(out)[0].message.sequence)
    assert all((b - a) & 0xFFFF == 1 for a, b in pairwise(seqs))
    assert len(set(seqs)) == 4


def test_no_fbu_without_a_key():
    """RFC5269-3.4-M2 RFC5269-3.6-M3"""
    ex = exchange()
    out = ex.mn.handle(StartHandover(ex.ar.address, NCOA), T0)
    assert_rejected_by(last_event(ex.log, "MN"), "key_for_par", "no-handover-key")
    assert sent(out) == []


def test_no_fbu_with_the_key_of_another_par():
    """A key is named by its AR: a handover to another PAR finds none (RFC 5269 §3.4).

    RFC5269-3.4-M2
    """
    ex = keyed()
    out = ex.mn.handle(StartHandover(IPv6Address("fe80::beef"), NCOA), T0)
    assert_rejected_by(last_event(ex.log, "MN"), "key_for_par", "no-handover-key")
    assert sent(out) == []


# ====================================================================== FBack


def _handover(ex):
    out = ex.mn.handle(StartHandover(ex.ar.address, NCOA), T0)
    fbu_packet = sent(out)[0].packet.raw
    fback_out = deliver(ex.ar, fbu_packet, T0)
    (fback_rx,) = [r for r in sent(fback_out) if isinstance(r.message, FastBindingAck)]
    return fback_rx


def test_authentic_fback_acknowledges_the_handover():
    """RFC3775-11.7.3-M1 RFC3775-11.7.3-M2"""
    ex = keyed()
    fback_rx = _handover(ex)
    assert ex.mn.state_of(ex.ar.address, T0) == "HANDOVER"
    deliver(ex.mn, fback_rx.packet.raw, T0)
    event = last_event(ex.log, "MN")
    assert event.transition == "FBack acknowledges the FBU" and event.verdict == "accepted"
    assert ex.mn.pending_fbu == {}
    assert ex.mn.state_of(ex.ar.address, T0) == "KEYED"  # the key is kept (RFC 5269 §3.6)


def _fback(ex, *, sequence, key, status=0, corrupt=False, extra=()):
    record = ex.mn.key_for(ex.ar.address, T0)
    algorithm = algorithm_for_at(record.at)
    pending = ex.mn.pending_fbu[ex.ar.address]
    placeholder = FastBindingAck(status, sequence, 10, (*extra, BindingAuthorizationDataFmip(
        0, bytes(algorithm.mac_length))))
    tag = compute_authenticator(key, algorithm, pending.coa, ex.ar.address,
                                mh_data_for_authenticator(placeholder, OPT))
    if corrupt:
        tag = bytes((tag[0] ^ 1,)) + tag[1:]
    fback = FastBindingAck(status, sequence, 10, (*extra, BindingAuthorizationDataFmip(0, tag)))
    return mobility_packet(fback, ex.ar.address, ex.mn.address, None, OPT)


def test_fback_with_unknown_mobility_option_is_accepted():
    """An option the MN does not understand is skipped (RFC 3775 §6.1.8, §6.2.1).

    RFC3775-6.1.8-M4
    """
    from rfc5269.wire.mobility import UnknownMobilityOption
    ex = keyed()
    _handover(ex)
    pending = ex.mn.pending_fbu[ex.ar.address]
    record = ex.mn.key_for(ex.ar.address, T0)
    packet = _fback(ex, sequence=pending.sequence, key=record.key,
                    extra=(UnknownMobilityOption(199, b"\x01\x02\x03"),))
    deliver(ex.mn, packet, T0)
    event = last_event(ex.log, "MN")
    assert event.transition == "FBack acknowledges the FBU" and event.verdict == "accepted"
    assert ex.mn.pending_fbu == {}


def test_fback_with_unknown_sequence_is_ignored():
    """RFC3775-11.7.3-M5"""
    ex = keyed()
    _handover(ex)
    pending = ex.mn.pending_fbu[ex.ar.address]
    record = ex.mn.key_for(ex.ar.address, T0)
    out = deliver(ex.mn, _fback(ex, sequence=(pending.sequence + 1) & 0xFFFF, key=record.key),
                  T0)
    assert_rejected_by(last_event(ex.log, "MN"), "fback_expected", "no-matching-fbu")
    assert ex.mn.pending_fbu and rejected(out)


@pytest.mark.parametrize("how", ["corrupt", "other-key"])
def test_fback_with_bad_authenticator_is_ignored(how):
    """RFC3775-11.7.3-M2 RFC3775-11.7.3-M5"""
    ex = keyed()
    _handover(ex)
    pending = ex.mn.pending_fbu[ex.ar.address]
    record = ex.mn.key_for(ex.ar.address, T0)
    key = record.key if how == "corrupt" else bytes(len(record.key))
    deliver(ex.mn, _fback(ex, sequence=pending.sequence, key=key, corrupt=how == "corrupt"), T0)
    assert_rejected_by(last_event(ex.log, "MN"), "fback_authentic", "authenticator-mismatch")
    assert ex.mn.pending_fbu


def test_fback_reserved_bits_ignored():
    """An FBack whose Reserved bits are set is still accepted when authentic.

    RFC3775-6.1.8-M3
    """
    ex = keyed()
    _handover(ex)
    pending = ex.mn.pending_fbu[ex.ar.address]
    record = ex.mn.key_for(ex.ar.address, T0)
    algorithm = algorithm_for_at(record.at)
    mh = bytearray(FastBindingAck(0, pending.sequence, 10, (BindingAuthorizationDataFmip(
        0, bytes(algorithm.mac_length)),)).encode(badf_length=OPT))
    mh[7] |= 0x01  # Reserved bit after K
    mh_data = bytes(mh[:4]) + b"\x00\x00" + bytes(mh[6:len(mh) - algorithm.mac_length])
    tag = compute_authenticator(record.key, algorithm, pending.coa, ex.ar.address, mh_data)
    mh[len(mh) - algorithm.mac_length:] = tag
    from rfc5269.wire.mobility import mh_checksum
    mh[4:6] = b"\x00\x00"
    mh[4:6] = mh_checksum(ex.ar.address, ex.mn.address, bytes(mh)).to_bytes(2, "big")
    from rfc5269.wire.ipv6 import IPv6Header
    packet = IPv6Header(ex.ar.address, ex.mn.address, hop_limit=64, next_header=135,
                        payload_length=len(mh)).encode() + bytes(mh)
    deliver(ex.mn, packet, T0)
    assert last_event(ex.log, "MN").verdict == "accepted" and not ex.mn.pending_fbu


# ====================================================================== refresh and expiry


def test_key_refresh_sends_a_new_rtsolpr_before_expiry():
    """RFC5269-3.3-M10"""
    ex = keyed()
    record = ex.mn.key_for(ex.ar.address, T0)
    t = record.expires - ex.mn.config.refresh_margin
    assert ex.mn.handle(TimerFired("key-refresh", str(ex.ar.address)), t - 1) == []
    out = ex.mn.handle(TimerFired("key-refresh", str(ex.ar.address)), t)
    event = last_event(ex.log, "MN")
    assert event.transition == "refresh the key before HK-LIFETIME ends"
    assert event.verdict == "accepted"
    (rx,) = sent(out)
    assert isinstance(rx.message, RtSolPr) and rx.dst == ex.ar.address
    assert t < record.expires


def test_key_refresh_rate_limited():
    """RFC5568-6.1.1-M6"""
    ex = keyed()
    mn = ex.mn
    record = mn.key_for(ex.ar.address, T0)
    t = record.expires - mn.config.refresh_margin
    for _ in range(int(mn.config.max_rtsolpr_rate)):  # spend this second's budget
        assert sent(mn.handle(RequestHandoverKey(ex.ar.address), t))
    out = mn.handle(TimerFired("key-refresh", str(ex.ar.address)), t)
    event = last_event(ex.log, "MN")
    assert event.transition == "refresh the key before HK-LIFETIME ends"
    assert_rejected_by(event, "rtsolpr_rate", "rtsolpr-rate")
    assert sent(out) == []


def test_key_expiry_discards_the_key_and_stops_fbus():
    """RFC5269-3.6-M3"""
    ex = keyed()
    record = ex.mn.key_for(ex.ar.address, T0)
    out = ex.mn.handle(TimerFired("key-expiry", str(ex.ar.address)), record.expires)
    event = last_event(ex.log, "MN")
    assert event.transition == "handover key lifetime ends" and event.verdict == "accepted"
    assert [d.why for d in discarded(out)] == ["HK-LIFETIME expired"]
    assert ex.mn.keys == {}
    out = ex.mn.handle(StartHandover(ex.ar.address, NCOA), record.expires)
    assert_rejected_by(last_event(ex.log, "MN"), "key_for_par", "no-handover-key")
    assert sent(out) == []


def test_expired_key_not_used_even_before_timer():
    """A key past its lifetime is not used even if the expiry timer has not fired yet.

    RFC5269-3.6-M3
    """
    ex = keyed()
    record = ex.mn.key_for(ex.ar.address, T0)
    out = ex.mn.handle(StartHandover(ex.ar.address, NCOA), record.expires + 1)
    assert_rejected_by(last_event(ex.log, "MN"), "key_for_par", "no-handover-key")
    assert sent(out) == []


def test_malformed_packets_are_discarded_by_the_mn():
    """RFC5269-4.2-M1"""
    ex = keyed()
    o = mn_request(ex)
    packet = bytearray(_answer(ex, o))
    icmp = packet[40:]
    pos = 8
    while icmp[pos] != 28:
        pos += icmp[pos + 1] * 8
    icmp[pos + 1] = 0
    from .helpers import ipv6, rechecksum
    data = ipv6(ex.ar.address, ex.mn.address,
                rechecksum(bytes(icmp), ex.ar.address, ex.mn.address))
    before = _keys(ex.mn)
    out = ex.mn.handle(PacketReceived(data), T0)
    event = last_event(ex.log, "MN")
    assert event.input_kind == "malformed" and event.verdict == "rejected"
    _assert_no_key_change(ex, before, out)


def test_outstanding_solicitations_end_with_their_nonce():
    """An RtSolPr stops being outstanding when its nonce is forgotten (RFC 3971 §5.3.4.1).

    The MN's state stays bounded, and after the key expired it is NO_KEY again.
    RFC3971-5.3.4.1-M1
    """
    ex = keyed(hk_lifetime=300)
    ex.link.advance(3000)  # refreshes, then expiry
    assert ex.mn.state_of(ex.ar.address, ex.link.now) == "NO_KEY"
    assert ex.mn.solicitations == {}
    for _ in range(30):
        ex.link.advance(1)
        ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    lifetime = float(ex.mn.send.nonces.lifetime)
    assert len(ex.mn.solicitations) == len(ex.mn.send.nonces) <= lifetime
    # a PrRtAdv answering a forgotten solicitation is refused
    old = mn_request(ex)
    later = ex.link.now + lifetime + 1
    ex.mn.handle(TimerFired("key-refresh", "::"), later)  # any input: time passes for the MN
    assert old.nonce not in ex.mn.solicitations
    packet = prrtadv_packet(ex.ar.config.identity, ex.mn.address, later, nonce=old.nonce,
                            identifier=old.identifier, reply=encrypted_reply(KEY20, old.hkepk))
    deliver(ex.mn, packet, later)
    assert_rejected_by(last_event(ex.log, "MN"), "send_valid", "nonce-unknown")
