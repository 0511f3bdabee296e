"""Legitimate MNs asking for keys while an attacker floods the AR (RFC 5269 §5, RFC 3971 §9.2.6).

A simulated link feeds one AR, in time order, the RtSolPrs of legitimate MNs
(each a fresh MN with its own Sec 0 CGA, at ``legit_rate`` per second) and an
attacker's packets at ``attack_rate`` per second, of one kind:

* ``garbage`` — IPv6 packets to the AR whose ICMPv6 part is random octets;
* ``unsigned`` — well-formed RtSolPrs with a Handover Key Request, CGA,
  Timestamp and Nonce options but no RSA Signature, from made-up sources;
* ``signed`` — valid, signed RtSolPrs from a fresh Sec 0 CGA each (the
  attacker signs every one with its own key).

The AR is sans-IO: the clock is simulated, so the figures describe its
*logic* (which requests its limits let through), while the CPU time it
spent on each packet is measured for real and reported as the share of one
core the flood would take (above 100 % a real AR of this speed could not
keep up, whatever its logic). A legitimate request succeeds when the AR
answers it with a Handover Key Reply.

Reported per run: the share of legitimate requests served, the AR's state
(key records, timestamp-cache entries, tracked sources), the answers the AR
sent to the attacker per attacking packet (amplification; the "SHOULD
respond" policy of RFC 5269 §3.2), and the CPU share.

The guarantee under a signed flood is the configuration, :class:`ArLimits`:
the AR does RSA work for at most ``global_burst`` + ``global_rate`` x t
requests in any t seconds, and answers unauthenticated requests at most
``global_rate`` / 10 times a second; its key table never exceeds
``max_key_records``, and grows by at most the global budget. Legitimate
requests compete with the attacker's signed ones for that budget, so their
share is about ``global_rate / (attack_rate + legit_rate)`` once the burst
is spent — the figures below show it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import partial
from ipaddress import IPv6Address
from typing import Any

from rfc5269.bench.record import Figure, Section
from rfc5269.bench.rig import deliver, fresh_requests, keys_for, make_rig
from rfc5269.bench.timing import Samples
from rfc5269.nodes.config import ArLimits, InvalidRequestPolicy
from rfc5269.nodes.events import SendPacket
from rfc5269.nodes.packets import icmpv6_packet
from rfc5269.scenario import NEW_AP, START_TIME
from rfc5269.send.keys import public_key_der
from rfc5269.send.sender import send_options
from rfc5269.wire.fmip import RtSolPr
from rfc5269.wire.ndopt import (
    LLA_NEW_ACCESS_POINT,
    FmipLinkLayerAddressOption,
    HandoverKeyRequest,
)

KINDS = ("garbage", "unsigned", "signed")
DEFAULT_RATES: dict[str, tuple[float, ...]] = {
    "garbage": (100.0, 1_000.0, 10_000.0, 50_000.0),
    "unsigned": (100.0, 1_000.0, 10_000.0, 50_000.0),
    "signed": (50.0, 200.0, 1_000.0, 3_000.0),
}
GOAL = 0.99  # legitimate success under garbage and unsigned floods, at any rate
KEY_REPLY = "PrRtAdv with Handover Key Reply"
DISTINCT = 2_000  # distinct garbage/unsigned packets, sent in turn


@dataclass
class FloodResult:
    """One flood run."""

    kind: str
    attack_rate: float
    legit_rate: float
    duration: float
    legit_sent: int = 0
    legit_served: int = 0
    attack_sent: int = 0
    answers_to_attacker: int = 0
    keys_to_attacker: int = 0
    cpu_seconds: float = 0.0
    state: dict[str, int] = field(default_factory=dict)

    @property
    def success(self) -> float:
        return self.legit_served / self.legit_sent if self.legit_sent else 1.0

    @property
    def amplification(self) -> float:
        return self.answers_to_attacker / self.attack_sent if self.attack_sent else 0.0

    @property
    def cpu_share(self) -> float:
        return self.cpu_seconds / self.duration

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "attack_rate": self.attack_rate,
                "legit_rate": self.legit_rate, "duration": self.duration,
                "legit_sent": self.legit_sent, "legit_served": self.legit_served,
                "success": self.success, "attack_sent": self.attack_sent,
                "answers_to_attacker": self.answers_to_attacker,
                "keys_to_attacker": self.keys_to_attacker,
                "amplification": self.amplification, "cpu_share": self.cpu_share,
                "state": self.state}


def _random_source(rng: random.Random) -> IPv6Address:
    return IPv6Address(bytes.fromhex("20010db8000a0000") + rng.randbytes(8))


def garbage_packets(ar: IPv6Address, count: int, rng: random.Random) -> list[bytes]:
    """IPv6 packets to the AR (next header ICMPv6, hop limit 255) carrying random octets."""
    out = []
    for _ in range(count):
        body = rng.randbytes(rng.randrange(8, 600))
        header = (bytes.fromhex("60000000") + len(body).to_bytes(2, "big") + bytes((58, 255))
                  + _random_source(rng).packed + ar.packed)
        out.append(header + body)
    return out


def unsigned_packets(ar: IPv6Address, bits: int, count: int, rng: random.Random,
                     times: list[float]) -> list[bytes]:
    """Well-formed RtSolPrs with a Handover Key Request and SEND options but no signature."""
    keys = keys_for(bits)
    hkepk = public_key_der(keys.attacker_hkepk)
    from rfc5269.nodes.config import make_identity
    from rfc5269.scenario import MN_PREFIX

    identity = make_identity(keys.attacker, MN_PREFIX, rng.randbytes)
    out = []
    for i in range(count):
        options = (FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),
                   HandoverKeyRequest(0, hkepk),
                   *send_options(times[i], identity.cga.parameters, rng.randbytes(6)))
        out.append(icmpv6_packet(RtSolPr(i + 1, options), _random_source(rng), ar))
    return out


def run_flood(kind: str, attack_rate: float, *, legit_rate: float = 50.0,
              duration: float = 2.0, bits: int = 1024, limits: ArLimits | None = None,
              policy: str = InvalidRequestPolicy.RESPOND, seed: int = 0,
              max_signed: int = 10_000) -> FloodResult:
    """One run of ``duration`` simulated seconds."""
    keys = keys_for(bits)
    rig = make_rig(bits, limits=limits, invalid_request_policy=policy)
    ar = rig.ar
    start = START_TIME + 100.0
    rng = random.Random(f"flood/{kind}/{attack_rate}/{seed}")
    n_legit = round(legit_rate * duration)
    n_attack = round(attack_rate * duration)
    legit_times = [start + (i + 0.5) / legit_rate for i in range(n_legit)]
    attack_times = [start + (i + 0.25) / attack_rate for i in range(n_attack)]
    legit = fresh_requests(keys.mn_cga, keys.hkepk, ar.address, legit_times, seed=seed)
    if kind == "garbage":
        pool = garbage_packets(ar.address, min(n_attack, DISTINCT), rng)
    elif kind == "unsigned":
        pool = unsigned_packets(ar.address, bits, min(n_attack, DISTINCT), rng, attack_times)
    elif kind == "signed":
        if n_attack > max_signed:
            raise ValueError(f"{n_attack} signed packets exceed max_signed={max_signed}")
        pool = fresh_requests(keys.attacker, keys.attacker_hkepk, ar.address, attack_times,
                              seed=seed + 1)
    else:
        raise ValueError(kind)
    arrivals = sorted([(t, 0, i) for i, t in enumerate(legit_times)]
                      + [(t, 1, i) for i, t in enumerate(attack_times)])
    result = FloodResult(kind, attack_rate, legit_rate, duration, legit_sent=n_legit,
                         attack_sent=n_attack)
    cpu = Samples()
    for t, who, i in arrivals:
        packet = legit[i] if who == 0 else pool[i % len(pool)]
        out = cpu.timed(partial(deliver, ar, packet, t))
        sends = [o for o in out if isinstance(o, SendPacket)]
        if who == 0:
            result.legit_served += any(s.description == KEY_REPLY for s in sends)
        else:
            result.answers_to_attacker += len(sends)
            result.keys_to_attacker += sum(s.description == KEY_REPLY for s in sends)
    result.cpu_seconds = cpu.total
    result.state = {"key_records": len(ar.keys), "timestamp_entries": len(ar.send.timestamps),
                    "tracked_sources": len(ar.per_source)}
    return result


def run(rates: dict[str, tuple[float, ...]] | None = None, *, legit_rate: float = 50.0,
        duration: float = 2.0, bits: int = 1024) -> Section:
    """The flood section: every kind at every rate, with the default limits."""
    rates = rates or DEFAULT_RATES
    limits = ArLimits()
    section = Section("flood", f"Legitimate key requests under a flood (RSA-{bits}, "
                      f"{legit_rate:g} legitimate requests/s, {duration:g} s simulated)")
    runs = []
    for kind in KINDS:
        for rate in rates.get(kind, ()):
            r = run_flood(kind, rate, legit_rate=legit_rate, duration=duration, bits=bits,
                          limits=limits)
            runs.append(r)
            goal = GOAL if kind in ("garbage", "unsigned") else None
            section.add(Figure(
                f"{kind} flood at {rate:g}/s: legitimate requests served", r.success * 100,
                "%", goal=goal * 100 if goal else None, goal_kind="min",
                note=(f"keys {r.state['key_records']}, ts entries "
                      f"{r.state['timestamp_entries']}, answers/attack pkt "
                      f"{r.amplification:.3f}, CPU {r.cpu_share * 100:.0f}% of a core")))
    policy_runs = []
    for policy in (InvalidRequestPolicy.RESPOND, InvalidRequestPolicy.DROP):
        r = run_flood("unsigned", 1_000.0, legit_rate=legit_rate, duration=duration,
                      bits=bits, limits=limits, policy=policy)
        policy_runs.append({"policy": policy, **r.as_dict()})
        section.add(Figure(f"unsigned flood at 1000/s, policy {policy}: answers per attack "
                           "packet", r.amplification, "answers/packet",
                           note=f"bound {limits.global_rate / 10:g} answers/s "
                                f"(+ burst {limits.global_burst / 10:g})"))
    section.details = {
        "bits": bits, "legit_rate": legit_rate, "duration": duration,
        "limits": {k: getattr(limits, k) for k in (
            "max_key_records", "per_source_rate", "per_source_burst", "max_tracked_sources",
            "global_rate", "global_burst", "max_timestamp_peers")},
        "runs": [r.as_dict() for r in runs],
        "policy": policy_runs,
        "guarantee": (
            "RSA work for at most global_burst + global_rate*t requests in t seconds; "
            "keyless answers to unauthenticated requests at most global_rate/10 per second "
            "(+ global_burst/10); key records at most max_key_records; timestamp entries at "
            "most max_timestamp_peers; under a signed flood legitimate requests get about "
            "global_rate/(attack rate + legitimate rate) of their requests served once the "
            "burst is spent"),
    }
    return section
