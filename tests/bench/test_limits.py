"""Logic of the AR's rate limits and state bounds under floods (RFC 5269 §5, RFC 3971 §9.2.6).

Counts, never timings: the flood runs on a simulated clock, so which
requests the limits let through is deterministic.
"""

from __future__ import annotations

import random
from ipaddress import IPv6Address

from rfc5269.attacker import strip_signature
from rfc5269.bench import flood
from rfc5269.bench.rig import deliver, fresh_requests, keys_for, make_rig
from rfc5269.handover.algorithms import HMAC_SHA1_96
from rfc5269.nodes.config import ArLimits, InvalidRequestPolicy
from rfc5269.nodes.events import KeyInstalled, Rejected, SendPacket
from rfc5269.nodes.packets import icmpv6_packet
from rfc5269.nodes.records import ArKeyRecord, ArKeyTable
from rfc5269.scenario import NEW_AP, START_TIME
from rfc5269.wire.fmip import RtSolPr
from rfc5269.wire.ndopt import LLA_NEW_ACCESS_POINT, FmipLinkLayerAddressOption

T = START_TIME + 100


def _served(out: list[object]) -> bool:
    return any(isinstance(o, KeyInstalled) for o in out)


def _reasons(out: list[object]) -> list[str]:
    return [o.reason for o in out if isinstance(o, Rejected)]


def test_unsigned_key_requests_spend_no_global_tokens():
    """Unsigned Handover Key Requests from many sources leave the global budget to the MNs."""
    rig = make_rig(1024, limits=ArLimits(global_rate=0.001, global_burst=2.0))
    keys = keys_for(1024)
    bogus = fresh_requests(keys.attacker, keys.attacker_hkepk, rig.ar.address,
                           [T + i * 1e-3 for i in range(30)], seed=5)
    for i, packet in enumerate(bogus):
        assert _reasons(deliver(rig.ar, strip_signature(packet), T + i * 1e-3)) == ["unsigned"]
    (legit,) = fresh_requests(keys.mn_cga, keys.hkepk, rig.ar.address, [T + 1], seed=6)
    assert _served(deliver(rig.ar, legit, T + 1))


def test_signed_key_requests_do_spend_global_tokens():
    """Negative twin: signed requests (here with a stale timestamp) use up the global budget."""
    rig = make_rig(1024, limits=ArLimits(global_rate=0.001, global_burst=2.0))
    keys = keys_for(1024)
    (stale,) = fresh_requests(keys.attacker, keys.attacker_hkepk, rig.ar.address, [T - 3600],
                              seed=5)
    assert _reasons(deliver(rig.ar, stale, T)) == ["timestamp-outside-window"]
    (legit,) = fresh_requests(keys.mn_cga, keys.hkepk, rig.ar.address, [T + 1], seed=6)
    out = deliver(rig.ar, legit, T + 1)
    assert not _served(out) and _reasons(out) == ["global-rate-limit"]


def test_plain_rtsolpr_is_always_charged():
    """A plain RtSolPr is answered with a signed PrRtAdv, so even an unsigned one spends tokens."""
    rig = make_rig(1024, limits=ArLimits(global_rate=0.001, global_burst=2.0))
    rng = random.Random(1)
    outs = []
    for i in range(2):
        src = IPv6Address(bytes.fromhex("20010db8000a0000") + rng.randbytes(8))
        message = RtSolPr(i + 1, (
            FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),))
        outs.append(deliver(rig.ar, icmpv6_packet(message, src, rig.ar.address), T + i))
    assert any(isinstance(o, SendPacket) for o in outs[0])
    assert _reasons(outs[1]) == ["global-rate-limit"]
    assert not any(isinstance(o, SendPacket) for o in outs[1])


def test_garbage_and_unsigned_floods_leave_legitimate_mns_served():
    limits = ArLimits(global_rate=20.0, global_burst=5.0)
    for kind in ("garbage", "unsigned"):
        r = flood.run_flood(kind, 400.0, legit_rate=10.0, duration=1.0, limits=limits)
        assert r.attack_sent == 400 and r.legit_sent == 10
        assert r.success == 1.0, kind
        assert r.keys_to_attacker == 0


def test_respond_policy_does_not_amplify():
    """Keyless answers to unauthenticated requests stay within global_rate/10 (+ burst/10)."""
    limits = ArLimits(global_rate=20.0, global_burst=10.0)
    r = flood.run_flood("unsigned", 300.0, legit_rate=4.0, duration=1.0, limits=limits)
    bound = limits.global_burst / 10 + limits.global_rate / 10 * 1.0
    assert 0 < r.answers_to_attacker <= bound + 1
    assert r.success == 1.0


def test_drop_policy_sends_nothing_to_the_attacker():
    limits = ArLimits(global_rate=20.0, global_burst=10.0)
    r = flood.run_flood("unsigned", 300.0, legit_rate=4.0, duration=1.0, limits=limits,
                        policy=InvalidRequestPolicy.DROP)
    assert r.answers_to_attacker == 0 and r.success == 1.0


def test_signed_flood_bounded_by_global_budget_and_key_table():
    """RSA work and new key records stay within the configured budget and table size."""
    limits = ArLimits(global_rate=10.0, global_burst=5.0, max_key_records=12)
    r = flood.run_flood("signed", 60.0, legit_rate=5.0, duration=1.0, limits=limits)
    served = r.legit_served + r.keys_to_attacker
    assert served <= limits.global_burst + limits.global_rate * 1.0 + 1
    assert r.state["key_records"] <= limits.max_key_records
    assert r.keys_to_attacker > 0 and r.legit_served < r.legit_sent  # the budget is shared


def test_signed_flood_under_budget_serves_everyone():
    """Negative twin: below the global rate, every legitimate request is served."""
    limits = ArLimits(global_rate=100.0, global_burst=50.0)
    r = flood.run_flood("signed", 20.0, legit_rate=5.0, duration=1.0, limits=limits)
    assert r.success == 1.0 and r.keys_to_attacker == 20


def _record(cga: IPv6Address, key: bytes) -> ArKeyRecord:
    return ArKeyRecord(cga, key, 0, HMAC_SHA1_96.name, 0.0, 1.0, bytes(16))


def test_key_table_index_follows_put_and_pop():
    table = ArKeyTable(2)
    a, b, c = (IPv6Address(f"2001:db8::{i}") for i in (1, 2, 3))
    assert table.put(a, _record(a, b"k1" * 10)) and table.put(b, _record(b, b"k2" * 10))
    keys = table.handover_keys()
    assert b"k1" * 10 in keys and b"k2" * 10 in keys
    assert not table.put(c, _record(c, b"k3" * 10))  # full: refused, index unchanged
    assert b"k3" * 10 not in keys
    assert table.put(a, _record(a, b"k4" * 10))  # replaced: the old key leaves the index
    assert b"k1" * 10 not in keys and b"k4" * 10 in keys
    assert table.pop(b) is not None and b"k2" * 10 not in keys
    assert table.pop(b) is None and len(table) == 1
