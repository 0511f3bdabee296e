"""AR behaviour that surviving mutants of ``rfc5269.nodes.ar`` showed untested.

RFC 5269 §3.2, §4.2. Each test names the mutants it kills
(reference/data/mutation_results.json).
"""

from __future__ import annotations

import dataclasses
import os
from ipaddress import IPv6Address, IPv6Network

import pytest
from rfc5269.errors import DecodeError
from rfc5269.handover.algorithms import HMAC_SHA256_128
from rfc5269.handover.encryption import decrypt_handover_key
from rfc5269.interpretations import DEFAULT, ExistingKeyLifetime
from rfc5269.nodes import ar as ar_module
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.config import ArLimits, NeighbourRouter
from rfc5269.nodes.events import PacketReceived, Rejected, RequestHandoverKey, TimerFired
from rfc5269.nodes.packets import icmpv6_packet, open_packet
from rfc5269.scenario import NEW_AP, Exchange
from rfc5269.send.certpath import build_cps
from rfc5269.send.testpki import pool_key
from rfc5269.wire.fmip import PrRtAdv
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    FmipLinkLayerAddressOption,
    IpAddressPrefixOption,
    NonceOption,
)

from tests.nodes.helpers import (
    NCOA,
    OTHER_KEY_2,
    T0,
    RtSolPrSpec,
    assert_rejected_by,
    deliver,
    exchange,
    fbu_packet,
    key_replies,
    keyed,
    last_event,
    of_type,
    rtsolpr_packet,
    sent,
    sent_of,
)


def test_key_exchange_trace_carries_packet_and_key_facts() -> None:
    """The AR's trace of a provisioned key names the packet, key id, AT, lifetime and nonce.

    The model's conformance checker consumes these facts (never key
    material). RFC5269-3.2-M16, RFC5269-3.2-M17, RFC5269-3.2-M13. Kills the
    removed ``facts.update(packet_facts(...))`` in ``_run`` and
    ``facts.update(key_id=..., at=..., lifetime=..., nonce=...)`` in ``_send_key``.
    """
    ex = exchange()
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    event = last_event(ex.ar.log, ex.ar.name, "provision a new handover key")
    assert event.verdict == "accepted"
    record = ex.ar.keys.get(ex.mn.address)
    assert record is not None
    facts = event.facts
    assert facts["src"] == str(ex.mn.address) and facts["message"] == "RtSolPr"
    assert facts["dst"] == str(ex.ar.address)
    assert facts["at"] == record.at and facts["lifetime"] == ex.ar.config.hk_lifetime
    assert facts["key_id"] and record.key.hex() not in repr(facts)
    assert len(bytes.fromhex(facts["nonce"])) >= 6  # RFC3971-5.3.2-M1


@pytest.mark.parametrize("lifetime", [0, -1, 0x10000])
def test_hk_lifetime_must_fit_the_key_lifetime_field(lifetime: int) -> None:
    """HK-LIFETIME is sent in a 16-bit field (RFC 5269 §4.2): other values are refused.

    RFC5269-3.2-M11. Kills the removed ``raise ValueError`` in ``AccessRouter.__init__``.
    """
    ex = exchange()
    config = ex.ar.config
    with pytest.raises(ValueError, match="HK-LIFETIME"):
        AccessRouter(config.__class__(**{**config.__dict__, "hk_lifetime": lifetime}))
    AccessRouter(config.__class__(**{**config.__dict__, "hk_lifetime": 0xFFFF}))


def test_encryption_with_the_system_random_source_decrypts() -> None:
    """With ``os.urandom`` (the AR's default) the key is encrypted by OpenSSL's PKCS#1 v1.5.

    RFC5269-3.2-M8 (encrypt under the HKEPK). Kills ``return
    hkepk.encrypt(...)`` -> ``return None`` in ``_encrypt_for_mn``.
    """
    private = pool_key(OTHER_KEY_2)
    key = bytes(range(32))
    ciphertext = ar_module._encrypt_for_mn(key, private.public_key(), os.urandom)
    assert len(ciphertext) == private.key_size // 8
    assert decrypt_handover_key(ciphertext, private, HMAC_SHA256_128) == key
    again = ar_module._encrypt_for_mn(key, private.public_key(), os.urandom)
    assert again != ciphertext  # random padding (RFC 3447 §7.2.1)


def test_hk_lifetime_boundaries_of_the_field() -> None:
    """1 and 0xFFFF are the extreme HK-LIFETIME values the 16-bit field carries (RFC 5269 §4.2).

    RFC5269-3.2-M11. Kills ``0 < hk_lifetime <= 0xFFFF`` -> ``0 <=`` / ``< 0xFFFF``.
    """
    config = exchange().ar.config
    for ok in (1, 0xFFFF):
        assert AccessRouter(config.__class__(**{**config.__dict__, "hk_lifetime": ok}))
    with pytest.raises(ValueError):
        AccessRouter(config.__class__(**{**config.__dict__, "hk_lifetime": 0}))


def test_key_is_not_held_at_its_expiry_instant() -> None:
    """At ``expires`` the AR no longer holds the key: HK-LIFETIME has run out (RFC 5269 §3.6).

    RFC5269-3.6-M4 is the PAR's discard at expiry; the AR's view of the
    record agrees with it to the instant. Kills ``record.expires > now`` ->
    ``>=`` in ``key_state``.
    """
    ex = exchange()
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    record = ex.ar.keys.get(ex.mn.address)
    assert record is not None
    assert ex.ar.key_state(ex.mn.address, record.expires - 0.5) == "KEYED"
    assert ex.ar.key_state(ex.mn.address, record.expires) == "NO_KEY"


def _cps(ex: Exchange, identifier: int) -> bytes:
    return icmpv6_packet(build_cps(identifier, ex.mn.config.trust_anchors), ex.mn.address,
                         ex.ar.address)


def test_cps_budget_refills_at_ten_per_second() -> None:
    """CPA answers are limited to 10 per second (RFC 3971 §6.4.5, §10.1 rate limiting).

    RFC3971-6.4.5-M5 answers are sent within that budget. After the burst
    of 10, 0.095 s gives back 0.95 of a token (nothing sent), 0.2 s two.
    Kills ``TokenBucket(10.0, 10.0)`` -> ``TokenBucket(11.0, 10.0)``.
    """
    ex = exchange()
    ar = ex.ar
    for i in range(10):
        assert sent(deliver(ar, _cps(ex, 100 + i), T0))
    assert sent(deliver(ar, _cps(ex, 200), T0 + 0.095)) == []
    assert_rejected_by(last_event(ar.log, ar.name), "cps_rate", "cps-rate")
    assert sent(deliver(ar, _cps(ex, 201), T0 + 0.2))


def test_answers_to_unauthenticated_requests_get_a_tenth_of_the_budget() -> None:
    """Keyless answers to unsigned requests: burst and rate are a tenth of the global ones.

    RFC 5269 §3.2 (an invalid request is answered without a key,
    RFC5269-3.2-M2) and §5 (no amplification: the AR signs at most that
    many answers for unauthenticated sources). Global 10/s, burst 20: two
    answers at once, then one per second. Kills ``global_burst / 10`` ->
    ``* 10`` and ``global_rate / 10`` -> ``* 10``.
    """
    ex = exchange(ar_limits=ArLimits(global_rate=10.0, global_burst=20.0))
    ar, identity = ex.ar, ex.mn.config.identity

    def answered(now: float, identifier: int) -> bool:
        spec = RtSolPrSpec(sign=False, identifier=identifier)
        return bool(sent(deliver(ar, rtsolpr_packet(identity, ar.address, now, spec), now)))

    assert [answered(T0, i) for i in range(3)] == [True, True, False]
    assert not answered(T0 + 0.95, 10)  # 0.95 of a token back
    assert answered(T0 + 1.05, 11)  # 1.05 tokens by then


def _keyed() -> tuple[Exchange, float]:
    ex = exchange()
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    record = ex.ar.keys.get(ex.mn.address)
    assert record is not None and record.at == 0
    return ex, record.expires


def test_expired_record_does_not_fix_the_algorithm_of_the_next_key() -> None:
    """At the instant HK-LIFETIME ends, a new request is resolved afresh (its own AT).

    RFC5269-3.2-M7 (no key: create one as §3.6 says), RFC5269-3.2-M12 (AT
    resolution). An existing, live key keeps its AT (RFC5269-3.2-M6); an
    expired one does not. Kills ``record.expires > now`` -> ``>=`` in
    ``check_at_resolvable``.
    """
    ex, expires = _keyed()
    identity = ex.mn.config.identity
    packet = rtsolpr_packet(identity, ex.ar.address, expires,
                            RtSolPrSpec(at=1, nonce=b"\x22" * 6, identifier=9))
    out = deliver(ex.ar, packet, expires)
    (reply,) = key_replies(out)
    record = ex.ar.keys.get(ex.mn.address)
    assert record is not None and record.at == 1 and reply.algorithm_type == 1


def test_remaining_lifetime_is_rounded_down() -> None:
    """Returning an existing key announces no more lifetime than the AR will hold it.

    CL-02 reading REMAINING (RFC 5269 §3.2, §3.6; RFC5269-3.2-M6,
    RFC5269-3.2-M11): half a second before expiry the reply says 0. Kills
    ``max(0, ...)`` -> ``max(1, ...)``.
    """
    assert DEFAULT.existing_key_lifetime is ExistingKeyLifetime.REMAINING
    ex, expires = _keyed()
    identity = ex.mn.config.identity
    for before, announced in ((0.5, 0), (1.5, 1)):
        now = expires - before
        packet = rtsolpr_packet(identity, ex.ar.address, now,
                                RtSolPrSpec(nonce=bytes([int(before * 10)]) * 6))
        (reply,) = key_replies(deliver(ex.ar, packet, now))
        assert reply.key_lifetime == announced, before


def test_keyless_answers_echo_the_solicitation_nonce() -> None:
    """A PrRtAdv without a key still copies the RtSolPr's nonce (RFC 3971 §5.3.3).

    RFC5269-3.2-M13, RFC3971-5.3.3-M3: for a plain RtSolPr and for an
    invalid (unsigned) key request answered without a key (RFC5269-3.2-M2).
    Kills ``return option.nonce`` -> ``return None`` in ``_nonce_of_request``.
    """
    ex = exchange()
    identity = ex.mn.config.identity
    for spec in (RtSolPrSpec(with_request=False, nonce=b"\x33" * 6),
                 RtSolPrSpec(sign=False, nonce=b"\x44" * 6)):
        (answer,) = sent_of(deliver(ex.ar, rtsolpr_packet(identity, ex.ar.address, T0, spec),
                                    T0), PrRtAdv)
        nonces = [o.nonce for o in answer.options if isinstance(o, NonceOption)]
        assert nonces == [spec.nonce]


def test_partly_known_access_points_get_code_3() -> None:
    """An RtSolPr naming a known and an unknown access point gets Code 3 (RFC 5568 §6.1.2).

    Kills ``3`` -> ``4`` in ``_router_information``.
    """
    ex = exchange()
    unknown = FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT,
                                                     b"\x02\x01\x01\x01\x01\x01")
    spec = RtSolPrSpec(with_request=False, extra=(unknown,))
    out = deliver(ex.ar, rtsolpr_packet(ex.mn.config.identity, ex.ar.address, T0, spec), T0)
    (answer,) = sent_of(out, PrRtAdv)
    assert answer.code == 3


def test_malformed_packet_rejection_names_the_rfc_rule() -> None:
    """A packet the strict codec refuses is reported with the rule's RFC reference.

    RFC5269-4.1-M1 / RFC5269-4.2-M1 (malformed options are discarded); the
    reference comes from the codec's typed error. Kills ``exc.ref or
    exc.field`` -> ``exc.ref and exc.field``.
    """
    ex = exchange()
    good = rtsolpr_packet(ex.mn.config.identity, ex.ar.address, T0)
    bad = good[:-3]  # truncated: the last option overruns the message
    with pytest.raises(DecodeError) as caught:
        open_packet(bad, DEFAULT.badf_length)
    assert caught.value.ref
    (rejected,) = of_type(deliver(ex.ar, bad, T0), Rejected)
    assert rejected.reason == "malformed" and rejected.requirement == caught.value.ref


def test_fbu_from_the_ncoa_is_traced_under_its_pcoa() -> None:
    """The PAR's trace of an FBU names the PCoA (Home Address option) as its subject.

    RFC 5269 §3.5 / RFC5269-3.5-M1: the PAR finds the handover key by the
    PCoA the FBU carries, not by the packet's source; sent from the new
    link, the source is the NCoA (RFC 5568 §6.2.2). The conformance checker
    maps the event onto the model's CGA by this fact. Kills, in
    ``AccessRouter._facts``, ``subject is received.src`` -> ``is not``,
    ``subject == received.src`` -> ``!=`` and the negated conditional.
    """
    ex = keyed()
    ar, pcoa = ex.ar, ex.mn.address
    record = ex.mn.key_for(ar.address, ex.link.now)
    assert record is not None
    packet = fbu_packet(record.key, record.at, pcoa=pcoa, par=ar.address, from_par_link=False)
    ar.handle(PacketReceived(packet), ex.link.now)
    event = last_event(ar.log, ar.name)
    assert event.actor == "PAR" and event.verdict == "accepted", event
    assert event.facts["src"] == str(NCOA) and event.facts["pcoa"] == str(pcoa)
    assert event.facts["subject"] == str(pcoa)


def test_timer_events_are_traced_under_their_cga() -> None:
    """Key expiry and forwarding timeout are traced with the CGA they concern as subject.

    RFC5269-3.6-M4 (the PAR discards the key when HK-LIFETIME ends; forwarding
    ends at its timeout). No packet is involved, so the subject is the only
    fact; the conformance checker maps both onto the model's CGA by it.
    Kills ``return {"subject": ...}`` -> ``return None`` in ``AccessRouter._facts``.
    """
    ex = keyed()
    ar, cga = ex.ar, ex.mn.address
    record = ar.keys.get(cga)
    assert record is not None
    ar.handle(TimerFired("key-expiry", str(cga)), record.expires)
    event = last_event(ar.log, ar.name)
    assert event.transition == "handover key lifetime ends" and event.verdict == "accepted"
    assert event.facts == {"subject": str(cga)}

    ex = keyed()
    ar, pcoa, now = ex.ar, ex.mn.address, ex.link.now
    key = ex.mn.key_for(ar.address, now)
    assert key is not None
    ar.handle(PacketReceived(fbu_packet(key.key, key.at, pcoa=pcoa, par=ar.address)), now)
    binding = ar.bindings.get(pcoa)
    assert binding is not None
    ar.handle(TimerFired("forwarding-timeout", str(pcoa)), binding.until)
    event = last_event(ar.log, ar.name)
    assert event.transition == "forwarding times out" and event.verdict == "accepted"
    assert event.facts == {"subject": str(pcoa)}


def test_only_requests_that_cost_signature_work_spend_the_rate_budget() -> None:
    """Unsigned key requests spend no rate-limit tokens; unsigned plain RtSolPrs do.

    RFC 5269 §5 (RFC5269-5-S1): the limit guards the AR's RSA work. An
    unsigned Handover Key Request fails SEND before any RSA operation
    (RFC 3971 §5.2.2), so charging it would let forged sources starve real
    MNs; a plain RtSolPr is answered with a signed PrRtAdv (RFC 5568 §6.1.2),
    so it is charged even unsigned. Per-source burst 1: an unsigned request
    leaves the token for the signed one; an unsigned plain RtSolPr takes it.
    Kills ``received.first(HandoverKeyRequest) is not None`` -> ``is None`` in
    ``check_within_rate_limits``.
    """
    limits = ArLimits(per_source_rate=0.001, per_source_burst=1.0)
    ex = exchange(ar_limits=limits)
    ar, mn = ex.ar, ex.mn.config.identity
    unsigned = rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(sign=False, nonce=b"\x51" * 6))
    deliver(ar, unsigned, T0)
    assert_rejected_by(last_event(ar.log, ar.name), "send_valid", "unsigned")
    signed = rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(nonce=b"\x52" * 6))
    assert len(key_replies(deliver(ar, signed, T0))) == 1

    ex = exchange(ar_limits=limits)
    ar, mn = ex.ar, ex.mn.config.identity
    plain = RtSolPrSpec(sign=False, with_request=False, nonce=b"\x53" * 6)
    assert len(sent_of(deliver(ar, rtsolpr_packet(mn, ar.address, T0, plain), T0), PrRtAdv)) == 1
    again = RtSolPrSpec(sign=False, with_request=False, nonce=b"\x54" * 6)
    assert sent(deliver(ar, rtsolpr_packet(mn, ar.address, T0, again), T0)) == []
    assert_rejected_by(last_event(ar.log, ar.name), "within_rate_limits",
                       "per-source-rate-limit")


def test_prrtadv_describes_the_current_configuration() -> None:
    """A PrRtAdv describes the AR's and the neighbours' current configured addresses.

    RFC 5568 §6.1.2: the PrRtAdv carries the AR's own link-layer address and,
    for a known access point, the NAR's link-layer address, IP address and
    prefix. The AR prepares these options once for the configuration it was
    built with; after its ``config`` is replaced (as the CL-05 tests do) the
    answer must follow the new values. Kills ``self._source_lla.get(lla) or
    ...`` -> ``and`` and ``self._neighbour_options.get(n) or ...`` -> ``and``
    in ``_router_information``.
    """
    ex = exchange()
    ar = ex.ar
    new_lla = bytes.fromhex("02000000abcd")
    nar = NeighbourRouter(NEW_AP, bytes.fromhex("0200000000ef"), IPv6Address("2001:db8:e::1"),
                          IPv6Network("2001:db8:e::/64"))
    ar.config = dataclasses.replace(ar.config, lla=new_lla, neighbours=(nar,))
    spec = RtSolPrSpec(with_request=False)
    out = deliver(ar, rtsolpr_packet(ex.mn.config.identity, ar.address, T0, spec), T0)
    (answer,) = sent_of(out, PrRtAdv)
    assert answer.code == 0
    llas = {o.option_code: o.link_layer_address for o in answer.options
            if isinstance(o, FmipLinkLayerAddressOption)}
    assert llas[LLA_SOURCE][:6] == new_lla and llas[LLA_NAR][:6] == nar.nar_lla
    addresses = [o.address for o in answer.options
                 if isinstance(o, IpAddressPrefixOption) and o.option_code == IP_NAR_ADDRESS]
    assert addresses == [nar.nar_address]
