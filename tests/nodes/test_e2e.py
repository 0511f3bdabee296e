"""End-to-end runs of AR and MN on the in-memory link (RFC 5269 §3, RFC 5568 §6, RFC 3971 §6).

Each test lets the two state machines talk through :class:`rfc5269.io.memlink.InMemoryLink`
and asserts what went over the wire and what each side ended with.
"""

from __future__ import annotations

from ipaddress import IPv6Address

from rfc5269.interpretations import DEFAULT, ExistingKeyLifetime
from rfc5269.nodes.config import ArLimits, MnConfig, make_identity
from rfc5269.nodes.events import (
    ForwardingChanged,
    KeyDiscarded,
    KeyInstalled,
    RequestHandoverKey,
    StartHandover,
)
from rfc5269.nodes.mn import MobileNode
from rfc5269.nodes.records import TokenBucket
from rfc5269.scenario import MN_PREFIX, NEW_AP, pool_factory, seeded_rng
from rfc5269.send.testpki import pool_key
from rfc5269.wire.fmip import PrRtAdv
from rfc5269.wire.mobility import FastBindingAck, FastBindingUpdate
from rfc5269.wire.ndopt import HandoverKeyReply

from .helpers import NCOA, OPT, OTHER_KEY, OTHER_KEY_2, T0, exchange, keyed, open_packet


def _wire(ex):
    """(time offset, sender, message class name, has key reply) for each delivered packet."""
    rows = []
    for d in ex.link.wire:
        if d.dropped:
            continue
        msg = open_packet(d.packet, OPT).message
        has_key = isinstance(msg, PrRtAdv) and any(isinstance(o, HandoverKeyReply)
                                                   for o in msg.options)
        rows.append((round(d.time - T0, 6), d.sender, type(msg).__name__, has_key))
    return rows


def _outputs(ex, node, kind):
    return [(t, o) for t, n, o in ex.link.outputs if n == node and isinstance(o, kind)]


def test_exchange_with_certification_path_discovery():
    """RtSolPr, PrRtAdv held for the path, CPS, CPA components, key accepted: equal keys.

    RFC5269-3.2-M14 RFC5269-3.3-M3 RFC5269-3.2-M16 RFC5269-3.3-M7 RFC3971-6.4.6-M5
    """
    ex = exchange()
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    kinds = [(s, k) for _, s, k, _ in _wire(ex)]
    assert kinds == [("MN", "RtSolPr"), ("AR", "PrRtAdv"), ("MN", "CertificationPathSolicitation"),
                     ("AR", "CertificationPathAdvertisement"),
                     ("AR", "CertificationPathAdvertisement")]
    mn_key = ex.mn.key_for(ex.ar.address, ex.link.now)
    ar_key = ex.ar.keys.get(ex.mn.address)
    assert mn_key is not None and ar_key is not None and mn_key.key == ar_key.key
    assert mn_key.at == ar_key.at and mn_key.expires == ar_key.expires
    # a second exchange needs no path discovery: the path is cached
    ex.link.advance(1)
    n = len(ex.link.wire)
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert [k for _, _, k, _ in _wire(ex)[n:]] == ["RtSolPr", "PrRtAdv"]
    assert ex.mn.key_for(ex.ar.address, ex.link.now).key == ar_key.key  # the same key back


def test_handover_with_fbu_and_fback():
    """The FBU moves forwarding at the PAR; the FBack completes the MN's handover.

    RFC5269-3.4-M1 RFC5269-3.5-M1 RFC5269-3.5-M2 RFC5568-6.2.3-M4 RFC3775-11.7.3-M1
    """
    ex = keyed()
    ex.link.give("MN", StartHandover(ex.ar.address, NCOA))
    kinds = [k for _, _, k, _ in _wire(ex)][-2:]
    assert kinds == ["FastBindingUpdate", "FastBindingAck"]
    (change,) = [o for _, o in _outputs(ex, "AR", ForwardingChanged)]
    assert change.pcoa == ex.mn.address and change.ncoa == NCOA
    assert ex.mn.pending_fbu == {}
    assert ex.ar.state_of(ex.mn.address, ex.link.now) == "FORWARDING"
    # forwarding ends after its lifetime; the key goes with it (CL-11 default)
    ex.link.advance(ex.ar.config.forwarding_lifetime)
    assert ex.ar.state_of(ex.mn.address, ex.link.now) == "NO_KEY"
    assert [o.why for _, o in _outputs(ex, "AR", KeyDiscarded)] == ["FMIPv6 forwarding timed out"]


def test_replayed_fbu_and_prrtadv_are_rejected_on_the_link():
    """An attacker replaying captured messages changes nothing (RFC 5269 §5).

    RFC3775-9.5.1-M4 RFC5269-3.3-M6
    """
    ex = keyed()
    ex.link.give("MN", StartHandover(ex.ar.address, NCOA))
    fbu = next(d.packet for d in ex.link.wire
               if isinstance(open_packet(d.packet, OPT).message, FastBindingUpdate))
    prrtadv = next(d.packet for d in ex.link.wire if d.sender == "AR"
                   and isinstance(open_packet(d.packet, OPT).message, PrRtAdv))
    changes = len(_outputs(ex, "AR", ForwardingChanged))
    keys_before = dict(ex.mn.keys)
    ex.link.inject(fbu)
    ex.link.inject(prrtadv)
    assert len(_outputs(ex, "AR", ForwardingChanged)) == changes
    ar_fbu = [e for e in ex.log if e.node == "AR" and e.input_kind == "FBU"][-1]
    mn_adv = [e for e in ex.log if e.node == "MN" and e.input_kind == "PrRtAdv"][-1]
    assert (ar_fbu.reason, mn_adv.reason) == ("sequence-not-newer", "nonce-already-answered")
    assert ex.mn.keys == keys_before


def test_key_expiry_on_both_sides_after_a_refresh_with_remaining_lifetime():
    """The MN asks again before HK-LIFETIME ends; under CL-02 default it gets the remaining time.

    RFC5269-3.3-M10 RFC5269-3.6-M4 RFC5269-3.6-M3 RFC5269-3.2-M11
    """
    ex = keyed(hk_lifetime=300)
    key = ex.mn.key_for(ex.ar.address, T0).key
    ex.link.advance(239)
    n = len(ex.link.wire)
    ex.link.advance(1)  # t = 240 = 300 - refresh margin
    refresh = _wire(ex)[n:]
    assert [(t, k, has) for t, _, k, has in refresh] == [(240, "RtSolPr", False),
                                                         (240, "PrRtAdv", True)]
    record = ex.mn.key_for(ex.ar.address, ex.link.now)
    assert record.key == key and record.expires == T0 + 300
    ex.link.advance(60)
    assert ex.mn.key_for(ex.ar.address, ex.link.now) is None and ex.mn.keys == {}
    assert len(ex.ar.keys) == 0
    assert [o.why for _, o in _outputs(ex, "MN", KeyDiscarded)] == ["HK-LIFETIME expired"]
    assert [o.why for _, o in _outputs(ex, "AR", KeyDiscarded)] == ["HK-LIFETIME expired"]


def test_refresh_with_full_refresh_reading_keeps_the_key_alive():
    """CL-02 full-refresh: each refresh restarts the lifetime on both sides.

    RFC5269-3.3-M10
    """
    ex = keyed(hk_lifetime=300,
               interpretations=DEFAULT.replace(
                   existing_key_lifetime=ExistingKeyLifetime.FULL_REFRESH))
    key = ex.mn.key_for(ex.ar.address, T0).key
    ex.link.advance(1000)
    record = ex.mn.key_for(ex.ar.address, ex.link.now)
    assert record is not None and record.key == key
    assert ex.ar.keys.get(ex.mn.address).expires == record.expires > ex.link.now
    refreshes = [t for t, s, k, _ in _wire(ex) if s == "MN" and k == "RtSolPr"]
    assert refreshes[1:4] == [240, 480, 720]


def test_rtsolpr_retransmitted_with_exponential_backoff_then_given_up():
    """RFC 5568 §6.1.1: the timeout doubles; RTSOLPR_RETRIES retransmissions at most.

    RFC5568-6.1.1-M5
    """
    ex = exchange()
    ex.link.adversary = lambda d: [] if d.sender == "AR" else None
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(10)
    sends = [t for t, s, k, _ in _wire(ex) if k == "RtSolPr"]
    assert sends == [0, 0.1, 0.3, 0.7]
    assert ex.mn.keys == {}


def test_lost_answer_to_a_refresh_is_retransmitted():
    """A lost PrRtAdv is retried even though an older key from that AR is still held.

    RFC5568-6.1.1-M5
    """
    ex = keyed()
    old = ex.mn.key_for(ex.ar.address, T0)
    ex.link.advance(1)
    dropped = []

    def drop_first_prrtadv(d):
        if d.sender == "AR" and not dropped and isinstance(
                open_packet(d.packet, OPT).message, PrRtAdv):
            dropped.append(d)
            return []
        return None

    ex.link.adversary = drop_first_prrtadv
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(10)
    after = [(t, s, k) for t, s, k, _ in _wire(ex) if t >= 1]
    assert dropped and after == [(1, "MN", "RtSolPr"), (1.1, "MN", "RtSolPr"),
                                 (1.1, "AR", "PrRtAdv")]
    new = ex.mn.key_for(ex.ar.address, ex.link.now)
    assert new.key == old.key and new.received == T0 + 1.1


def test_answered_all_routers_solicitation_is_not_retransmitted():
    """RFC5568-6.1.1-M5"""
    from rfc5269.nodes.packets import ALL_ROUTERS
    ex = keyed()
    ex.link.advance(1)
    n = len(ex.link.wire)
    ex.link.give("MN", RequestHandoverKey(ALL_ROUTERS, NEW_AP))
    ex.link.advance(10)
    assert [(t, k) for t, _, k, _ in _wire(ex)[n:]] == [(1, "RtSolPr"), (1, "PrRtAdv")]


def test_ar_rate_limits_a_flooding_source():
    """Per-source limit: beyond the burst, RtSolPrs get no RSA work and no answer."""
    ex = keyed(ar_limits=ArLimits(per_source_burst=3.0, per_source_rate=0.01))
    ex.mn.rtsolpr_bucket = TokenBucket(100.0, 100.0)  # the MN's own limit is not under test
    ex.link.advance(0)
    for _ in range(5):
        ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ar_events = [e for e in ex.log if e.node == "AR" and e.input_kind == "RtSolPr+HKR"]
    assert [e.verdict for e in ar_events] == ["accepted"] * 3 + ["rejected"] * 3
    assert {e.reason for e in ar_events if e.verdict == "rejected"} == {"per-source-rate-limit"}


def test_bounded_key_table_with_two_mobile_nodes():
    """A second MN finds the AR's table full: it gets no key; the first keeps its own."""
    ex = keyed(ar_limits=ArLimits(max_key_records=1))
    identity = make_identity(pool_key(OTHER_KEY), MN_PREFIX, seeded_rng(5, "mn2"))
    mn2 = MobileNode(MnConfig(identity, ex.mn.config.trust_anchors, name="MN2"),
                     seeded_rng(5, "mn2rng"), ex.log, hkepk_factory=pool_factory((OTHER_KEY_2,)))
    ex.link.attach(mn2)
    first = ex.ar.keys.get(ex.mn.address)
    ex.link.give("MN2", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert mn2.keys == {}
    assert ex.ar.keys.get(ex.mn.address) == first and len(ex.ar.keys) == 1
    ar_event = [e for e in ex.log if e.node == "AR"][-1]
    assert ar_event.reason == "key-table-full"
    installed_for_mn2 = [o for _, n, o in ex.link.outputs
                         if n == "MN2" and isinstance(o, KeyInstalled)]
    assert installed_for_mn2 == []


def test_stolen_key_of_another_mn_does_not_move_its_traffic():
    """An FBU naming the first MN's PCoA but MACed under the second MN's key is refused.

    RFC5568-10-M1 RFC5269-3.5-M2
    """
    ex = keyed()
    identity = make_identity(pool_key(OTHER_KEY), MN_PREFIX, seeded_rng(5, "mn2"))
    mn2 = MobileNode(MnConfig(identity, ex.mn.config.trust_anchors, name="MN2"),
                     seeded_rng(5, "mn2rng"), ex.log, hkepk_factory=pool_factory((OTHER_KEY_2,)))
    ex.link.attach(mn2)
    ex.link.give("MN2", RequestHandoverKey(ex.ar.address, NEW_AP))
    own = mn2.key_for(ex.ar.address, ex.link.now)
    assert own is not None and own.key != ex.mn.key_for(ex.ar.address, ex.link.now).key
    from .helpers import fbu_packet
    forged = fbu_packet(own.key, own.at, pcoa=ex.mn.address, par=ex.ar.address,
                        ncoa=IPv6Address("2001:db8:b::bad"))
    ex.link.inject(forged)
    assert [e.reason for e in ex.log][-1] == "authenticator-mismatch"
    assert _outputs(ex, "AR", ForwardingChanged) == []
    assert not any(isinstance(open_packet(d.packet, OPT).message, FastBindingAck)
                   for d in ex.link.wire)
