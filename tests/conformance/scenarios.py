"""Scenarios whose every decision the conformance checker judges.

Each builder returns a :class:`Run`: the trace log, the input recorder, the
scenario's principals and the model configured with the scenario's constants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rfc5269.conformance import (
    ConformanceConfig,
    ConformanceReport,
    InputRecorder,
    Principals,
    check_trace,
    model_config_for,
)
from rfc5269.nodes.trace import TraceLog
from rfc5269.scenario import MN_HKEPK_KEYS, START_TIME, Exchange, make_exchange
from rfc5269.send import testpki
from rfc5269.send.keys import public_key_der

from tests.adversarial import harness as h


@dataclass
class Run:
    """One recorded run and how to judge it."""

    log: TraceLog
    recorder: InputRecorder
    principals: Principals
    cfg: ConformanceConfig
    t0: float = START_TIME
    world: Any = None

    def check(self) -> ConformanceReport:
        return check_trace(self.log, self.recorder, self.principals, self.cfg, t0=self.t0)


def mn_hkepk_keys() -> tuple[Any, ...]:
    return tuple(testpki.pool_key(i) for i in MN_HKEPK_KEYS)


def exchange_run(ex: Exchange, *, rogue_seed: int | None = None) -> Run:
    """Record an :func:`rfc5269.scenario.make_exchange` set-up (attach before driving it)."""
    recorder = InputRecorder(ex.log)
    recorder.attach(ex.ar)
    recorder.attach(ex.mn)
    rogue = () if rogue_seed is None else (
        public_key_der(testpki.make_pki(rogue_seed, anchor_name="Rogue Anchor").router.rsa_key),)
    principals = Principals(ex.mn.address, ex.ar.addresses(), mn_hkepk_keys(),
                            rogue_key_ders=rogue)
    cfg = model_config_for(ex.ar.interp, hk_lifetime=ex.ar.config.hk_lifetime,
                           forwarding_time=ex.ar.config.forwarding_lifetime,
                           nonce_ttl=float(ex.mn.send.nonces.lifetime),
                           mn_preferred_at=ex.mn.config.preferred_at)
    return Run(ex.log, recorder, principals, cfg, t0=ex.link.now)


def world_run(world: h.World) -> Run:
    """Record an adversarial-harness world (attach before driving it)."""
    recorder = InputRecorder(world.log)
    recorder.attach(world.ar.node)
    recorder.attach(world.mn.node)
    ar, mn = world.ar.node, world.mn.node
    principals = Principals(
        mn.address, ar.addresses(), mn_hkepk_keys(),
        attacker_hkepk_ders=frozenset({public_key_der(world.attacker_hkepk)}),
        attacker_cgas=frozenset(a.address for a in world.attackers),
        attacker_key_ders=tuple({public_key_der(a.private_key) for a in world.attackers}),
        compromised_address=world.rogue_certified.address,
        compromised_key_der=public_key_der(world.rogue_certified.private_key),
        rogue_key_ders=(public_key_der(world.rogue_uncertified.private_key),))
    cfg = model_config_for(ar.interp, hk_lifetime=ar.config.hk_lifetime,
                           forwarding_time=ar.config.forwarding_lifetime,
                           nonce_ttl=float(mn.send.nonces.lifetime),
                           mn_preferred_at=mn.config.preferred_at, compromised_router=True)
    return Run(world.log, recorder, principals, cfg, t0=world.link.now, world=world)


def recorded_exchange(**kwargs: Any) -> tuple[Exchange, Run]:
    ex = make_exchange(**kwargs)
    return ex, exchange_run(ex)


Driver = Callable[[Any], None]
