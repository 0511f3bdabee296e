"""Hypothesis-generated runs: on every (state, input) pair reached, the model's verdict and
resulting state equal the reference's.

Random sequences of honest actions (key requests, handovers from either link,
time passing past lifetimes and windows) and attacker actions (replays,
flipped bits, stripped signatures, forged PrRtAdvs from a rogue router, the
attacker's own or spoofed RtSolPrs, tampered FBUs) drive
:func:`rfc5269.scenario.make_exchange`; the recorded trace is replayed through
the model, which raises on the first disagreeing step.
"""

from __future__ import annotations

from ipaddress import IPv6Address
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rfc5269.attacker import flip_bit, forge_prrtadv, strip_signature, tamper_authenticator
from rfc5269.conformance import ConformanceReport, Principals
from rfc5269.nodes.config import make_identity
from rfc5269.nodes.events import RequestHandoverKey, StartHandover
from rfc5269.scenario import ATTACKER_KEY, LINK_LOCAL, MN_PREFIX, NEW_AP, seeded_rng
from rfc5269.send import testpki
from rfc5269.send.keys import public_key_der

from tests.adversarial import harness as h

from .scenarios import recorded_exchange

NCOAS = (IPv6Address("2001:db8:b::1234"), IPv6Address("2001:db8:b::77"))
ATTACKER = make_identity(testpki.pool_key(ATTACKER_KEY), MN_PREFIX, seeded_rng(0, "attacker"))
ROGUE = make_identity(testpki.make_pki(1, anchor_name="Rogue Anchor").router.rsa_key,
                      LINK_LOCAL, seeded_rng(0, "rogue"))

ACTIONS = st.one_of(
    st.tuples(st.just("request")),
    st.tuples(st.just("handover"), st.booleans(), st.integers(0, 1)),
    st.tuples(st.just("advance"), st.sampled_from((0.05, 0.5, 3.0, 11.0, 61.0, 130.0))),
    st.tuples(st.just("replay"), st.integers(0, 60)),
    st.tuples(st.just("flip"), st.integers(0, 60), st.integers(0, 10**5)),
    st.tuples(st.just("strip"), st.integers(0, 60)),
    st.tuples(st.just("forge"), st.integers(0, 60), st.sampled_from((0, 1))),
    st.tuples(st.just("attacker-rtsolpr"), st.booleans(), st.sampled_from((0, 1))),
    st.tuples(st.just("tamper-fbu"), st.integers(0, 60)),
)

TOTAL: list[ConformanceReport] = []


def _pick(packets: list[bytes], i: int) -> bytes | None:
    return packets[i % len(packets)] if packets else None


def _kind(packet: bytes) -> str:
    r = h.decoded(packet)
    return type(r.message).__name__ if r is not None else ""


def drive(actions: list[tuple[Any, ...]]) -> ConformanceReport:
    ex, run = recorded_exchange(hk_lifetime=120)
    run = type(run)(run.log, run.recorder, Principals(
        ex.mn.address, ex.ar.addresses(), run.principals.mn_hkepk_keys,
        attacker_hkepk_ders=frozenset({public_key_der(ATTACKER.private_key)}),
        attacker_cgas=frozenset({ATTACKER.address}),
        attacker_key_ders=(public_key_der(ATTACKER.private_key),),
        rogue_key_ders=(public_key_der(ROGUE.private_key),)), run.cfg, run.t0)
    link, ar, mn = ex.link, ex.ar, ex.mn
    counter = 0
    for action in actions:
        wire = [d.packet for d in link.wire if not d.dropped]
        name = action[0]
        if name == "request":
            link.give(mn.name, RequestHandoverKey(ar.address, NEW_AP))
        elif name == "handover":
            link.give(mn.name, StartHandover(ar.address, NCOAS[action[2]], action[1]))
        elif name == "advance":
            link.advance(action[1])
        elif name == "replay" and wire:
            link.inject(wire[action[1] % len(wire)])
        elif name == "flip" and wire:
            p = wire[action[1] % len(wire)]
            link.inject(flip_bit(p, action[2] % (len(p) * 8)))
        elif name == "strip":
            p = _pick([q for q in wire if _kind(q) in ("RtSolPr", "PrRtAdv")
                       and h.signed_id(q) is not None], action[1])
            if p is not None:
                link.inject(strip_signature(p))
        elif name == "forge":
            p = _pick([q for q in wire if _kind(q) == "RtSolPr" and q[8:24] == mn.address.packed],
                      action[1])
            if p is not None:
                counter += 1
                link.inject(forge_prrtadv(p, ROGUE, h.counter_key(counter, 32 if action[2] else 20),
                                          link.now, at=action[2], lifetime=120,
                                          rng=seeded_rng(counter, "forge")))
        elif name == "attacker-rtsolpr":
            counter += 1
            link.inject(h.rtsolpr_from(ATTACKER, ar.address, ATTACKER.private_key, action[2],
                                       h.counter_key(counter, 6), link.now,
                                       src=mn.address if action[1] else None))
        elif name == "tamper-fbu":
            p = _pick([q for q in wire if _kind(q) == "FastBindingUpdate"], action[1])
            if p is not None:
                link.inject(tamper_authenticator(p, bit=action[1]))
    return run.check()


@settings(derandomize=True, max_examples=40, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.lists(ACTIONS, min_size=1, max_size=14))
def test_generated_runs_conform(actions: list[tuple[Any, ...]]) -> None:
    TOTAL.append(drive(actions))


def test_generated_runs_reach_every_verdict() -> None:
    """The generated runs above are not vacuous: both verdicts and real steps occur."""
    if not TOTAL:
        test_generated_runs_conform()
    assert sum(r.accepted for r in TOTAL) > 40
    assert sum(r.rejected for r in TOTAL) > 10
    steps = sum(r.model_steps for r in TOTAL)
    us = 1e6 * sum(r.check_seconds for r in TOTAL) / max(1, steps)
    print(f"\ngenerated: {len(TOTAL)} runs, {steps} model steps, {us:.0f} us per step")
