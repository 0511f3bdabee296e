"""Random events for a concrete state: honest actions, replays and attacker injections.

Used by the tests that check the symbolic and concrete step relations agree,
and available to the conformance tooling for generating inputs.
"""

from __future__ import annotations

import random

from rfc5269.model.config import AT_MAX, ModelConfig
from rfc5269.model.events import (
    ArKeyExpires,
    ArReceivesRtSolPr,
    Event,
    ForwardingTimesOut,
    Key,
    MnReceivesPrRtAdv,
    MnSendsFbu,
    MnSendsRtSolPr,
    ParReceivesFbu,
    TimePasses,
)
from rfc5269.model.faults import NO_SIGNER, Refinement
from rfc5269.model.state import State


def _key(cfg: ModelConfig, s: State, rng: random.Random) -> Key:
    return Key(rng.randrange(cfg.n_routers), rng.randrange(cfg.n_cga),
               rng.randrange(0, s.fresh + 2))


def random_event(cfg: ModelConfig, s: State, rng: random.Random) -> Event:
    """One event, biased towards ones that can happen (but not only those).

    Under refinements (:mod:`rfc5269.model.faults`) it also makes what they add:
    timestamps, unsigned RtSolPrs, replies appended after the signature, FBUs
    under another SPI or from another source.
    """
    if cfg.refinements and rng.randrange(3) == 0:
        return _refined_event(cfg, s, rng)
    choice = rng.randrange(11)
    if choice == 0:
        return MnSendsRtSolPr(rng.randrange(cfg.n_mn), rng.randrange(cfg.n_routers),
                              rng.randint(cfg.mn_pref_at - 1, AT_MAX), s.fresh)
    if choice == 1 and s.h_rts:
        src, dst, nonce, hkepk, at = rng.choice(sorted(s.h_rts))
        return ArReceivesRtSolPr(min(dst, cfg.n_ar - 1), src, src, nonce, hkepk, at)
    if choice == 2:
        c = rng.randrange(cfg.n_cga)
        return ArReceivesRtSolPr(rng.randrange(cfg.n_ar), c, rng.choice([c, cfg.att_cga]),
                                 rng.randrange(0, s.fresh + 1), rng.randrange(cfg.n_cga),
                                 rng.randint(1, AT_MAX))
    if choice == 3 and s.h_prr:
        src, dst, nonce, iss, own, gen, enc, at, life = rng.choice(sorted(s.h_prr))
        return MnReceivesPrRtAdv(min(dst, cfg.n_mn - 1), src, src, nonce, Key(iss, own, gen),
                                 enc, at, life)
    if choice == 4:
        signer = rng.choice([cfg.rogue, cfg.compromised, rng.randrange(cfg.n_routers)])
        return MnReceivesPrRtAdv(rng.randrange(cfg.n_mn), rng.randrange(cfg.n_routers), signer,
                                 rng.randrange(0, s.fresh + 1), _key(cfg, s, rng),
                                 rng.randrange(cfg.n_cga), rng.randint(1, AT_MAX),
                                 rng.randint(1, cfg.hk_lifetime))
    if choice == 5:
        return MnSendsFbu(rng.randrange(cfg.n_mn), rng.randrange(cfg.n_routers),
                          rng.randint(1, cfg.n_ncoa))
    if choice == 6 and s.h_fbu:
        par, hoa, ncoa, seq, iss, own, gen, at = rng.choice(sorted(s.h_fbu))
        return ParReceivesFbu(min(par, cfg.n_ar - 1), hoa, ncoa, seq, Key(iss, own, gen), at)
    if choice == 7:
        return ParReceivesFbu(rng.randrange(cfg.n_ar), rng.randrange(cfg.n_cga),
                              rng.randint(1, cfg.n_ncoa), rng.randrange(0, s.fresh + 1),
                              _key(cfg, s, rng), rng.randint(1, AT_MAX))
    if choice == 8:
        return ArKeyExpires(rng.randrange(cfg.n_ar), rng.randrange(cfg.n_cga))
    if choice == 9:
        return ForwardingTimesOut(rng.randrange(cfg.n_ar), rng.randrange(cfg.n_cga))
    return TimePasses(rng.randint(1, cfg.max_tick))


def _refined_event(cfg: ModelConfig, s: State, rng: random.Random) -> Event:
    choice = rng.randrange(4)
    if choice == 0 and cfg.has(Refinement.SEND_TIMESTAMPS) and s.h_rts_ts and s.h_rts:
        src, dst, nonce, hkepk, at = rng.choice(sorted(s.h_rts))
        stamps = [t for n, t in s.h_rts_ts if n == nonce] or [0]
        return ArReceivesRtSolPr(min(dst, cfg.n_ar - 1), src, src, nonce, hkepk, at,
                                 rng.choice(stamps))
    if choice == 1:
        c = rng.randrange(cfg.n_cga)
        return ArReceivesRtSolPr(rng.randrange(cfg.n_ar), c, NO_SIGNER,
                                 rng.randrange(0, s.fresh + 1), rng.randrange(cfg.n_cga),
                                 rng.randint(1, AT_MAX), rng.randint(0, s.now + 1))
    if choice == 2 and s.h_prr:
        src, dst, nonce, *_ = rng.choice(sorted(s.h_prr))
        return MnReceivesPrRtAdv(min(dst, cfg.n_mn - 1), src, src, nonce, _key(cfg, s, rng),
                                 rng.randrange(cfg.n_cga), rng.randint(1, AT_MAX),
                                 rng.randint(1, cfg.hk_lifetime), appended=True)
    spi = rng.choice([0, 1])
    key = Key(0, 0, 0) if spi else _key(cfg, s, rng)
    return ParReceivesFbu(rng.randrange(cfg.n_ar), rng.randrange(cfg.n_cga),
                          rng.randint(1, cfg.n_ncoa), rng.randrange(0, s.fresh + 1), key,
                          rng.randint(1, AT_MAX), spi, rng.randrange(cfg.n_cga))
