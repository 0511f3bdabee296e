"""Unit tests of AR_TRANSITIONS (RFC 5269 §3.2, §3.6, §5): one row at a time, every check negated.

Each negative test changes exactly one thing in an otherwise valid input, asserts
that the trace names exactly that check (and that no later check ran), and asserts
the observable outcome: no key record created or changed, no Handover Key Reply sent.
"""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest
from cryptography.hazmat.primitives.asymmetric import padding
from rfc5269.handover.encryption import check_hkepk
from rfc5269.interpretations import DEFAULT, ExistingKeyLifetime
from rfc5269.nodes import ar as ar_module
from rfc5269.nodes.config import ArLimits, InvalidRequestPolicy, make_identity
from rfc5269.nodes.events import PacketReceived, TimerFired, TimerRequest
from rfc5269.nodes.packets import ALL_NODES, icmpv6_packet, solicited_node
from rfc5269.scenario import MN_PREFIX, NAR, NEW_AP, make_exchange, seeded_rng
from rfc5269.send.certpath import build_cps
from rfc5269.send.keys import key_hash, public_key_der
from rfc5269.send.signature import verify_signature
from rfc5269.send.testpki import pool_key
from rfc5269.wire.cert_path import CertificationPathAdvertisement
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    IP_NAR_PREFIX,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    IpAddressPrefixOption,
    NonceOption,
    RsaSignatureOption,
    TimestampOption,
    UnknownOption,
)

from .helpers import (
    OTHER_KEY,
    T0,
    RtSolPrSpec,
    assert_rejected_by,
    big_key,
    deliver,
    exchange,
    flip_bit,
    icmp_of,
    installed,
    ipv6,
    key_replies,
    last_event,
    option_offset,
    rejected,
    rtsolpr_packet,
    sent,
    sent_of,
)

HKEPK_PRIVATE = pool_key(21)


def _setup(**kw):
    ex = exchange(**kw)
    return ex, ex.ar, ex.mn.config.identity


def _decrypt(reply: HandoverKeyReply) -> bytes:
    return HKEPK_PRIVATE.decrypt(reply.encrypted_key, padding.PKCS1v15())


def _record_snapshot(ar, cga):
    record = ar.keys.get(cga)
    return None if record is None else (record.key, record.at, record.expires, record.created)


# ====================================================================== row: provision a new key


def test_provision_new_key_accepted_and_reply_complete():
    """A valid RtSolPr from a CGA without a key gets a fresh key, recorded by CGA.

    RFC5269-3.2-M1 RFC5269-3.2-M5 RFC5269-3.2-M7 RFC5269-3.2-M9 RFC5269-3.2-M10
    RFC5269-3.2-M11 RFC5269-3.2-M13 RFC5269-3.2-M14 RFC5269-3.2-M16 RFC5269-3.2-M17
    RFC5269-3.6-M1 RFC5269-3.6-M2 RFC3971-5.3.3-M3 RFC3971-5.3.3-M4 RFC3971-5.2.1-M1
    RFC3971-5.1.1-M10 RFC5568-6.1.2-M1 RFC5568-6.1.2-M3 RFC5568-6.1.2-M4 RFC5568-6.1.2-M5
    RFC5568-6.1.2-M6
    """
    _ex, ar, mn = _setup()
    nonce = b"\x21" * 6
    packet = rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(nonce=nonce, identifier=0x4242))
    out = deliver(ar, packet, T0)
    event = last_event(ar.log, "AR")
    assert event.transition == "provision a new handover key"
    assert event.verdict == "accepted" and all(c.passed for c in event.checks)
    assert [c.name for c in event.checks] == list(ar_module.AR_TRANSITIONS[0].checks)
    assert event.state_before["state"] == "NO_KEY" and event.state_after["state"] == "KEYED"
    # the record: indexed by the CGA, key of the AT's strength, AT and lifetime beside it
    record = ar.keys.get(mn.address)
    assert record is not None and record.cga == mn.address
    assert len(record.key) == 20 and record.at == 0 and record.algorithm == "HMAC-SHA1-96"
    assert record.expires == T0 + ar.config.hk_lifetime
    assert record.cga_key_hash == key_hash(public_key_der(mn.private_key))
    # the answer: one PrRtAdv, from the AR's link-local CGA, unicast to the MN's CGA
    (answer,) = sent(out)
    assert answer.src == ar.address and answer.src.is_link_local
    assert answer.dst == mn.address and answer.hop_limit == 255
    message = answer.message
    assert isinstance(message, PrRtAdv) and message.identifier == 0x4242
    assert message.code == 0
    (reply,) = key_replies(out)
    assert reply.algorithm_type == 0 and reply.key_lifetime == ar.config.hk_lifetime
    assert _decrypt(reply) == record.key
    opts = message.options
    assert any(isinstance(o, NonceOption) and o.nonce == nonce for o in opts)
    assert any(isinstance(o, TimestampOption) for o in opts)
    cga_opt = next(o for o in opts if isinstance(o, CgaOption))
    assert cga_opt.parameters.public_key == public_key_der(ar.config.identity.private_key)
    assert isinstance(opts[-1], RsaSignatureOption)
    # the reply option precedes the signature, so it is signed
    assert opts.index(reply) < len(opts) - 1
    assert verify_signature(answer.upper_layer, answer.src, answer.dst).accepted
    # RFC 5568 §6.1.2: New AP LLA copied, and for Code 0 the NAR's LLA, address and prefix
    llas = {(o.option_code, o.link_layer_address[:6]) for o in opts
            if isinstance(o, FmipLinkLayerAddressOption)}
    assert (LLA_NEW_ACCESS_POINT, NEW_AP) in llas and (LLA_NAR, NAR.nar_lla) in llas
    assert (LLA_SOURCE, ar.config.lla) in llas
    ips = {(o.option_code, o.address) for o in opts if isinstance(o, IpAddressPrefixOption)}
    assert (IP_NAR_ADDRESS, NAR.nar_address) in ips
    assert (IP_NAR_PREFIX, NAR.nar_prefix.network_address) in ips
    # outputs: KeyInstalled and the expiry timer
    assert [k.key_id for k in installed(out)] == [event.state_after["key_id"]]
    timers = [o for o in out if isinstance(o, TimerRequest)]
    assert [(t.name, t.at) for t in timers] == [("key-expiry", record.expires)]


def test_new_keys_are_unique_per_cga_and_random():
    """Two CGAs get two different keys; a key is never reused (RFC 5269 §3.6).

    RFC5269-3.6-M1 RFC5269-3.6-M2 RFC5269-3.2-M7
    """
    _ex, ar, mn = _setup()
    other = make_identity(pool_key(OTHER_KEY), MN_PREFIX, seeded_rng(9, "other"))
    deliver(ar, rtsolpr_packet(mn, ar.address, T0), T0)
    hk_other = RtSolPrSpec(hkepk_der=public_key_der(pool_key(OTHER_KEY + 1)))
    deliver(ar, rtsolpr_packet(other, ar.address, T0, hk_other), T0)
    k1, k2 = ar.keys.get(mn.address), ar.keys.get(other.address)
    assert k1 is not None and k2 is not None and k1.key != k2.key
    assert len(set(k1.key)) > 4  # not a constant fill


def test_reply_uses_requested_at_when_supported():
    """The AR answers with the AT the MN asked for when it supports it; the key has its length.

    RFC5269-3.2-M17 RFC5269-3.6-M2
    """
    _ex, ar, mn = _setup()
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(at=1)), T0)
    (reply,) = key_replies(out)
    assert reply.algorithm_type == 1 and len(_decrypt(reply)) == 32
    assert ar.keys.get(mn.address).at == 1


def test_reply_upgrades_to_a_stronger_at_when_requested_one_unsupported():
    """An AR without the requested algorithm answers with a stronger one (RFC 5269 §3.2).

    RFC5269-3.2-M17
    """
    _ex, ar, mn = _setup(ar_supported_at=(1,))
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(at=0)), T0)
    (reply,) = key_replies(out)
    assert reply.algorithm_type == 1 and ar.keys.get(mn.address).at == 1


def test_provision_rejected_hop_limit():
    """An RtSolPr not sent on-link (Hop Limit below 255) is dropped: no key, no answer."""
    _ex, ar, mn = _setup()
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, hop_limit=64), T0)
    assert_rejected_by(last_event(ar.log, "AR"), "hop_limit_255", "hop-limit")
    assert sent(out) == [] and mn.address not in ar.keys


def test_provision_rejected_per_source_rate_limit():
    """Beyond the per-source budget, the AR does no RSA work and sends nothing.

    RFC5269-3.2-M4
    """
    _ex, ar, mn = _setup(ar_limits=ArLimits(per_source_rate=0.001, per_source_burst=1.0))
    stale = rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(timestamp_at=T0 - 3600))
    deliver(ar, stale, T0)  # spends the only token (and fails SEND)
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(nonce=b"\x33" * 6)), T0)
    event = last_event(ar.log, "AR")
    assert event.transition == "provision a new handover key"
    assert_rejected_by(event, "within_rate_limits", "per-source-rate-limit")
    assert sent(out) == [] and mn.address not in ar.keys


def test_provision_rejected_global_rate_limit():
    """The global bucket bounds signature work over all sources."""
    _ex, ar, mn = _setup(ar_limits=ArLimits(global_rate=0.001, global_burst=1.0))
    deliver(ar, rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(timestamp_at=T0 - 3600)), T0)
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(nonce=b"\x34" * 6)), T0)
    assert_rejected_by(last_event(ar.log, "AR"), "within_rate_limits", "global-rate-limit")
    assert sent(out) == [] and mn.address not in ar.keys


SEND_FAILURES = {
    # name: (spec knobs, expected reason)
    "other-key": (dict(sign_with=pool_key(OTHER_KEY)), "key-mismatch"),
    "stale-timestamp": (dict(timestamp_at=T0 - 3600), "timestamp-outside-window"),
    "future-timestamp": (dict(timestamp_at=T0 + 3600), "timestamp-outside-window"),
    "no-nonce": (dict(nonce=None), "nonce-missing"),
    "unsigned": (dict(sign=False), "unsigned"),
    "no-cga-option": (dict(with_cga=False), "key-hash-unknown"),
}


def _bad_rtsolpr(mn, ar, case: str) -> bytes:
    if case == "bit-flip":
        return flip_bit(rtsolpr_packet(mn, ar.address, T0), 10)  # inside the signature
    if case == "bit-flip-in-request":  # a bit deep inside the HKEPK's modulus
        packet = rtsolpr_packet(mn, ar.address, T0)
        icmp = icmp_of(packet)
        inside = option_offset(icmp, 27) + 4 + 64
        return flip_bit(packet, len(icmp) - inside)
    knobs, _ = SEND_FAILURES[case]
    return rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(**knobs))


SEND_CASES = [*SEND_FAILURES, "bit-flip", "bit-flip-in-request"]
SEND_REASONS = {**{k: v[1] for k, v in SEND_FAILURES.items()},
                "bit-flip": "signature-invalid", "bit-flip-in-request": "signature-invalid"}


@pytest.mark.parametrize("case", SEND_CASES)
def test_provision_rejected_send_invalid(case):
    """An RtSolPr failing SEND validation gets no key; the AR answers without one (policy).

    RFC5269-3.2-M1 RFC5269-3.2-M2 RFC5269-3.2-M4 RFC3971-5.2.2-M10 RFC3971-5.1-M5
    RFC3971-5.3.4-M3 RFC3971-5.2.2-M2 RFC3971-5.1.2-M2 RFC3971-5.2.2-M8 RFC3971-5.2.2-M5
    """
    _ex, ar, mn = _setup()
    out = deliver(ar, _bad_rtsolpr(mn, ar, case), T0)
    event = last_event(ar.log, "AR")
    assert event.transition == "provision a new handover key"
    assert_rejected_by(event, "send_valid", SEND_REASONS[case])
    assert mn.address not in ar.keys and len(ar.keys) == 0
    assert installed(out) == [] and key_replies(out) == []
    # the default policy answers with a signed PrRtAdv that has no Handover Key Reply
    (answer,) = sent_of(out, PrRtAdv)
    assert not any(isinstance(o, HandoverKeyReply) for o in answer.options)
    assert [r.reason for r in rejected(out)] == [SEND_REASONS[case]]


def test_provision_rejected_send_invalid_drop_policy_sends_nothing():
    """Under the DROP policy a SEND failure is answered with nothing at all.

    RFC5269-3.2-M4 RFC3971-5.2.2-M10
    """
    ex = make_exchange(0)
    config = ex.ar.config
    from dataclasses import replace
    ar = ar_module.AccessRouter(replace(config, invalid_request_policy=InvalidRequestPolicy.DROP),
                                seeded_rng(0, "ar2"))
    mn = ex.mn.config.identity
    out = deliver(ar, _bad_rtsolpr(mn, ar, "stale-timestamp"), T0)
    assert_rejected_by(last_event(ar.log, "AR"), "send_valid", "timestamp-outside-window")
    assert sent(out) == [] and len(ar.keys) == 0


def test_replayed_rtsolpr_rejected_and_record_untouched():
    """A replayed RtSolPr fails the timestamp check; the key record stays as it was.

    RFC5269-3.2-M3 RFC3971-5.3.4.2-M1 RFC3971-5.3.4.2-M3
    """
    _ex, ar, mn = _setup()
    packet = rtsolpr_packet(mn, ar.address, T0)
    deliver(ar, packet, T0)
    before = _record_snapshot(ar, mn.address)
    last = ar.send.timestamps.last(mn.address)
    out = deliver(ar, packet, T0 + 10)  # beyond TIMESTAMP_FUZZ of the cached timestamp
    event = last_event(ar.log, "AR")
    assert event.transition == "return the existing handover key"
    assert_rejected_by(event, "send_valid", "timestamp-not-fresh")
    assert _record_snapshot(ar, mn.address) == before
    assert ar.send.timestamps.last(mn.address) == last  # TSlast/RDlast unchanged
    assert key_replies(out) == []


@pytest.mark.parametrize("case,reason", [
    ("big", "hkepk-modulus-size-mismatch"),
    ("cga-key", "hkepk-same-as-cga-key"),
    ("after-signature", "request-not-signed"),
])
def test_provision_rejected_hkepk_fit(case, reason):
    """An HKEPK of other parameters, the CGA key itself, or an unsigned request gets no key.

    RFC5269-3.2-M4 RFC3971-5.2.2-M4
    """
    _ex, ar, mn = _setup()
    spec = {
        "big": RtSolPrSpec(hkepk_der=public_key_der(big_key())),
        "cga-key": RtSolPrSpec(hkepk_der=public_key_der(mn.private_key)),
        "after-signature": RtSolPrSpec(request_after_signature=True),
    }[case]
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, spec), T0)
    assert_rejected_by(last_event(ar.log, "AR"), "hkepk_fit", reason)
    assert len(ar.keys) == 0 and key_replies(out) == [] and installed(out) == []


def test_provision_rejected_at_not_resolvable():
    """No supported algorithm as strong as the request: no key (RFC 5269 §3.2)."""
    _ex, ar, mn = _setup(ar_supported_at=(0,))
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(at=1)), T0)
    assert_rejected_by(last_event(ar.log, "AR"), "at_resolvable", "no-algorithm-strong-enough")
    assert len(ar.keys) == 0 and key_replies(out) == []


def test_provision_rejected_key_table_full():
    """A full key table refuses a new CGA and never evicts the existing record (RFC 5269 §5)."""
    _ex, ar, mn = _setup(ar_limits=ArLimits(max_key_records=1))
    other = make_identity(pool_key(OTHER_KEY), MN_PREFIX, seeded_rng(9, "other"))
    hk = RtSolPrSpec(hkepk_der=public_key_der(pool_key(OTHER_KEY + 1)))
    deliver(ar, rtsolpr_packet(other, ar.address, T0, hk), T0)
    before = _record_snapshot(ar, other.address)
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0), T0)
    assert_rejected_by(last_event(ar.log, "AR"), "record_capacity", "key-table-full")
    assert mn.address not in ar.keys and _record_snapshot(ar, other.address) == before
    assert key_replies(out) == [] and len(sent_of(out, PrRtAdv)) == 1


def test_expired_record_makes_room_in_a_full_table():
    """Once a record's HK-LIFETIME timer fired, its slot serves a new CGA (RFC 5269 §3.6, §5)."""
    _ex, ar, mn = _setup(ar_limits=ArLimits(max_key_records=1), hk_lifetime=10)
    other = make_identity(pool_key(OTHER_KEY), MN_PREFIX, seeded_rng(9, "other"))
    hk = RtSolPrSpec(hkepk_der=public_key_der(pool_key(OTHER_KEY + 1)))
    deliver(ar, rtsolpr_packet(other, ar.address, T0, hk), T0)
    assert len(key_replies(deliver(ar, rtsolpr_packet(mn, ar.address, T0 + 1), T0 + 1))) == 0
    ar.handle(TimerFired("key-expiry", str(other.address)), T0 + 10)
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0 + 11, RtSolPrSpec(nonce=b"\x45" * 6)),
                  T0 + 11)
    assert len(key_replies(out)) == 1 and mn.address in ar.keys and other.address not in ar.keys


# ====================================================================== row: return existing key


def _keyed_ar(**kw):
    ex, ar, mn = _setup(**kw)
    deliver(ar, rtsolpr_packet(mn, ar.address, T0), T0)
    assert ar.state_of(mn.address, T0) == "KEYED"
    return ex, ar, mn


def test_existing_key_returned_with_remaining_lifetime():
    """A second valid RtSolPr gets the same key; lifetime per CL-02 (default: remaining).

    RFC5269-3.2-M5 RFC5269-3.2-M6 RFC5269-3.2-M11 RFC5269-3.2-M13
    """
    _ex, ar, mn = _keyed_ar()
    record = ar.keys.get(mn.address)
    nonce = b"\x55" * 6
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0 + 100, RtSolPrSpec(nonce=nonce)),
                  T0 + 100)
    event = last_event(ar.log, "AR")
    assert event.transition == "return the existing handover key" and event.verdict == "accepted"
    (reply,) = key_replies(out)
    assert _decrypt(reply) == record.key
    assert reply.key_lifetime == int(record.expires - (T0 + 100))
    assert ar.keys.get(mn.address) == record
    (message,) = sent_of(out, PrRtAdv)
    assert any(isinstance(o, NonceOption) and o.nonce == nonce for o in message.options)


@pytest.mark.parametrize("mode", [ExistingKeyLifetime.FULL_REFRESH,
                                  ExistingKeyLifetime.FULL_NO_REFRESH])
def test_existing_key_lifetime_readings(mode):
    """CL-02 readings: the full HK-LIFETIME, with or without restarting the record's expiry.

    RFC5269-3.2-M6 RFC5269-3.2-M11
    """
    _ex, ar, mn = _keyed_ar(interpretations=DEFAULT.replace(existing_key_lifetime=mode))
    record = ar.keys.get(mn.address)
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0 + 100, RtSolPrSpec(nonce=b"\x56" * 6)),
                  T0 + 100)
    (reply,) = key_replies(out)
    assert _decrypt(reply) == record.key and reply.key_lifetime == ar.config.hk_lifetime
    after = ar.keys.get(mn.address)
    assert after.key == record.key
    if mode is ExistingKeyLifetime.FULL_REFRESH:
        assert after.expires == T0 + 100 + ar.config.hk_lifetime
    else:
        assert after.expires == record.expires


def test_existing_key_keeps_its_at_even_if_a_stronger_one_is_asked():
    """An existing key is returned with its recorded AT (the check cannot fail in KEYED).

    RFC5269-3.2-M6
    """
    _ex, ar, mn = _keyed_ar()
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0 + 1, RtSolPrSpec(at=1, nonce=b"\x57" * 6)),
                  T0 + 1)
    (reply,) = key_replies(out)
    assert reply.algorithm_type == 0 and len(_decrypt(reply)) == 20


def test_existing_rejected_hop_limit():
    _ex, ar, mn = _keyed_ar()
    before = _record_snapshot(ar, mn.address)
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0 + 1, RtSolPrSpec(nonce=b"\x58" * 6),
                                     hop_limit=1), T0 + 1)
    event = last_event(ar.log, "AR")
    assert event.transition == "return the existing handover key"
    assert_rejected_by(event, "hop_limit_255", "hop-limit")
    assert sent(out) == [] and _record_snapshot(ar, mn.address) == before


def test_existing_rejected_rate_limit():
    _ex, ar, mn = _keyed_ar(ar_limits=ArLimits(per_source_rate=0.001, per_source_burst=1.0))
    before = _record_snapshot(ar, mn.address)
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0 + 1, RtSolPrSpec(nonce=b"\x59" * 6)),
                  T0 + 1)
    assert_rejected_by(last_event(ar.log, "AR"), "within_rate_limits", "per-source-rate-limit")
    assert sent(out) == [] and _record_snapshot(ar, mn.address) == before


# A known peer's timestamp is judged against the cached one (RFC 3971 §5.3.4.2): a stale
# one is "not fresh", and a future one passes that rule (the RFC bounds it only for new peers).
KEYED_CASES = [c for c in SEND_CASES if c != "future-timestamp"]
KEYED_REASONS = {**SEND_REASONS, "stale-timestamp": "timestamp-not-fresh"}


@pytest.mark.parametrize("case", KEYED_CASES)
def test_existing_rejected_send_invalid_record_untouched(case):
    """A forged request for a keyed CGA changes nothing and gets no key.

    RFC5269-3.2-M2 RFC5269-3.2-M3 RFC5269-3.2-M4
    """
    _ex, ar, mn = _keyed_ar()
    before = _record_snapshot(ar, mn.address)
    out = deliver(ar, _bad_rtsolpr(mn, ar, case), T0 + 1)
    event = last_event(ar.log, "AR")
    assert event.transition == "return the existing handover key"
    assert_rejected_by(event, "send_valid", KEYED_REASONS[case])
    assert _record_snapshot(ar, mn.address) == before
    assert key_replies(out) == [] and installed(out) == []
    assert len(sent_of(out, PrRtAdv)) == 1


def test_existing_rejected_hkepk_fit_record_untouched():
    _ex, ar, mn = _keyed_ar()
    before = _record_snapshot(ar, mn.address)
    spec = RtSolPrSpec(hkepk_der=public_key_der(big_key()), nonce=b"\x5a" * 6)
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0 + 1, spec), T0 + 1)
    event = last_event(ar.log, "AR")
    assert event.transition == "return the existing handover key"
    assert_rejected_by(event, "hkepk_fit", "hkepk-modulus-size-mismatch")
    assert _record_snapshot(ar, mn.address) == before and key_replies(out) == []


# ====================================================================== row: plain RtSolPr


def test_plain_rtsolpr_answered_without_key():
    """An RtSolPr without a Handover Key Request gets a signed PrRtAdv without a key.

    RFC5269-3.2-M14 RFC5568-6.1.2-M1 RFC5568-6.1.2-M3
    """
    _ex, ar, mn = _setup()
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(with_request=False)), T0)
    event = last_event(ar.log, "AR")
    assert event.transition == "answer a plain RtSolPr" and event.verdict == "accepted"
    (answer,) = sent(out)
    assert isinstance(answer.message, PrRtAdv) and answer.src == ar.address
    assert not any(isinstance(o, HandoverKeyReply) for o in answer.message.options)
    assert verify_signature(answer.upper_layer, answer.src, answer.dst).accepted
    assert len(ar.keys) == 0


def test_plain_rtsolpr_unknown_ap_gets_code_2():
    """An access point the AR does not know is answered with Code 2 and Option-Code 6."""
    _ex, ar, mn = _setup()
    message = RtSolPr(7, (FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT,
                                                                 b"\x02\x01\x01\x01\x01\x01"),))
    out = deliver(ar, ipv6(mn.address, ar.address, message.encode(mn.address, ar.address)), T0)
    (answer,) = sent_of(out, PrRtAdv)
    assert answer.code == 2 and answer.identifier == 7
    assert any(isinstance(o, FmipLinkLayerAddressOption) and o.option_code == 6
               for o in answer.options)


def test_plain_rtsolpr_rejected_hop_limit():
    _ex, ar, mn = _setup()
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(with_request=False),
                                     hop_limit=254), T0)
    event = last_event(ar.log, "AR")
    assert event.transition == "answer a plain RtSolPr"
    assert_rejected_by(event, "hop_limit_255", "hop-limit")
    assert sent(out) == []


def test_plain_rtsolpr_rejected_rate_limit():
    _ex, ar, mn = _setup(ar_limits=ArLimits(per_source_rate=0.001, per_source_burst=1.0))
    plain = rtsolpr_packet(mn, ar.address, T0, RtSolPrSpec(with_request=False))
    assert len(sent(deliver(ar, plain, T0))) == 1
    out = deliver(ar, plain, T0)
    assert_rejected_by(last_event(ar.log, "AR"), "within_rate_limits", "per-source-rate-limit")
    assert sent(out) == []


# ====================================================================== row: CPS


def _cps_packet(ex, src: IPv6Address, identifier: int = 77) -> bytes:
    cps = build_cps(identifier, ex.mn.config.trust_anchors)
    return icmpv6_packet(cps, src, ex.ar.address)


def test_cps_answered_with_the_path_to_solicited_node():
    """A CPS naming the AR's anchor gets the path, one certificate per CPA (RFC 3971 §6.4.5).

    RFC5269-3.2-M14 RFC3971-6.4.5-M5 RFC3971-6.4.2-M2 RFC3971-6.4.2-M5
    """
    ex, ar, mn = _setup()
    out = deliver(ar, _cps_packet(ex, mn.address), T0)
    event = last_event(ar.log, "AR")
    assert event.transition == "answer a certification path solicitation"
    cpas = sent(out)
    assert len(cpas) == len(ex.pki.path) == 2
    assert all(r.dst == solicited_node(mn.address) for r in cpas)
    messages = [r.message for r in cpas]
    assert all(isinstance(m, CertificationPathAdvertisement) for m in messages)
    assert all(m.identifier == 77 for m in messages)
    assert sorted(m.component for m in messages) == [0, 1]
    first = next(m for m in messages if m.component == m.all_components - 1)
    from rfc5269.wire.ndopt import TrustAnchorOption
    assert any(isinstance(o, TrustAnchorOption) for o in first.options)
    assert all(not any(isinstance(o, TrustAnchorOption) for o in m.options)
               for m in messages if m is not first)


def test_cps_from_unspecified_goes_to_all_nodes_with_identifier_zero():
    """RFC3971-6.4.5-M4 RFC3971-6.4.2-M1"""
    ex, ar, _mn = _setup()
    out = deliver(ar, _cps_packet(ex, IPv6Address("::")), T0)
    cpas = sent(out)
    assert cpas and all(r.dst == ALL_NODES for r in cpas)
    assert all(r.message.identifier == 0 for r in cpas)


def test_cps_rejected_rate_limit():
    """CPA answers are rate limited (RFC 3971 §6.4.5): the 11th CPS at once gets nothing."""
    ex, ar, mn = _setup()
    for i in range(10):
        assert sent(deliver(ar, _cps_packet(ex, mn.address, 100 + i), T0))
    out = deliver(ar, _cps_packet(ex, mn.address, 200), T0)
    assert_rejected_by(last_event(ar.log, "AR"), "cps_rate", "cps-rate")
    assert sent(out) == []


# ====================================================================== row: key expiry


def test_key_expiry_discards_record():
    """At HK-LIFETIME the AR discards the key (RFC 5269 §3.6).

    RFC5269-3.6-M4
    """
    _ex, ar, mn = _keyed_ar(hk_lifetime=100)
    record = ar.keys.get(mn.address)
    assert ar.handle(TimerFired("key-expiry", str(mn.address)), T0 + 50) == []
    assert mn.address in ar.keys  # not yet due: nothing happens
    out = ar.handle(TimerFired("key-expiry", str(mn.address)), T0 + 100)
    event = last_event(ar.log, "AR")
    assert event.transition == "handover key lifetime ends" and event.verdict == "accepted"
    assert mn.address not in ar.keys
    (gone,) = [o for o in out if type(o).__name__ == "KeyDiscarded"]
    assert gone.owner == mn.address and gone.why == "HK-LIFETIME expired"
    assert ar.state_of(mn.address, T0 + 100) == "NO_KEY"
    assert record.expires == T0 + 100


def test_after_expiry_a_new_key_is_provisioned():
    """RFC5269-3.6-M1 RFC5269-3.2-M7"""
    _ex, ar, mn = _keyed_ar(hk_lifetime=100)
    old = ar.keys.get(mn.address).key
    ar.handle(TimerFired("key-expiry", str(mn.address)), T0 + 100)
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0 + 101, RtSolPrSpec(nonce=b"\x61" * 6)),
                  T0 + 101)
    assert last_event(ar.log, "AR").transition == "provision a new handover key"
    (reply,) = key_replies(out)
    assert _decrypt(reply) != old


# ====================================================================== malformed input


@pytest.mark.parametrize("mutate", ["truncate", "hkr-length-zero", "bad-checksum"])
def test_malformed_packets_are_discarded(mutate):
    """Undecodable packets are discarded and traced as malformed: no key, no answer.

    RFC5269-4.1-M1
    """
    _ex, ar, mn = _setup()
    packet = bytearray(rtsolpr_packet(mn, ar.address, T0))
    if mutate == "truncate":
        data = bytes(packet[:60])
    elif mutate == "hkr-length-zero":
        icmp = bytearray(icmp_of(bytes(packet)))
        pos = 8
        while icmp[pos] != 27:
            pos += icmp[pos + 1] * 8
        icmp[pos + 1] = 0
        from .helpers import rechecksum
        data = ipv6(mn.address, ar.address, rechecksum(bytes(icmp), mn.address, ar.address))
    else:
        packet[42] ^= 0xFF
        data = bytes(packet)
    out = ar.handle(PacketReceived(data), T0)
    event = last_event(ar.log, "AR")
    assert event.input_kind == "malformed" and event.verdict == "rejected"
    assert event.checks[0].name == "decodes" and not event.checks[0].passed
    assert [r.reason for r in rejected(out)] == ["malformed"]
    assert sent(out) == [] and len(ar.keys) == 0


def test_unknown_options_in_rtsolpr_are_ignored():
    """An unknown option among the signed ones does not stop provisioning.

    RFC5568-6.1.1-M4
    """
    _ex, ar, mn = _setup()
    spec = RtSolPrSpec(extra=(UnknownOption(200, bytes(6)),))
    out = deliver(ar, rtsolpr_packet(mn, ar.address, T0, spec), T0)
    assert len(key_replies(out)) == 1


def test_ar_keeps_no_state_for_unvalidated_requests():
    """Nothing of a rejected request is kept: no record, no timestamp entry.

    RFC5269-3.2-M4 RFC3971-5.3.4.2-M3
    """
    _ex, ar, mn = _setup()
    deliver(ar, _bad_rtsolpr(mn, ar, "bit-flip"), T0)
    assert ar.send.timestamps.last(mn.address) is None and len(ar.keys) == 0


def test_hkepk_check_function_agrees_with_ar():
    """The AR's hkepk_fit check is the library's check_hkepk (same verdicts)."""
    mn_key = pool_key(20)
    assert check_hkepk(public_key_der(pool_key(21)), public_key_der(mn_key)).ok
    assert not check_hkepk(public_key_der(big_key()), public_key_der(mn_key)).ok


def test_timestamp_cache_is_bounded():
    """A full timestamp cache refuses new peers and never grows (RFC 3971 §5.3.4).

    RFC3971-5.3.4-M4
    """
    _ex, ar, mn = _setup(ar_limits=ArLimits(max_timestamp_peers=1))
    deliver(ar, rtsolpr_packet(mn, ar.address, T0), T0)
    other = make_identity(pool_key(OTHER_KEY), MN_PREFIX, seeded_rng(9, "other"))
    hk = RtSolPrSpec(hkepk_der=public_key_der(pool_key(OTHER_KEY + 1)))
    out = deliver(ar, rtsolpr_packet(other, ar.address, T0 + 1, hk), T0 + 1)
    assert_rejected_by(last_event(ar.log, "AR"), "send_valid", "timestamp-cache-full")
    assert len(ar.send.timestamps) == 1 and other.address not in ar.keys
    assert key_replies(out) == []
    assert ar.send.timestamps.last(mn.address) is not None  # the known peer is kept
