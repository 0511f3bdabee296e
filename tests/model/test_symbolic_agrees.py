"""The Z3 transition relation and the concrete step function agree.

Both are built from the same rules, but the symbolic side adds frame
conditions, the event-kind case split and the message-set encoding; this test
fixes a concrete state and event in the Z3 relation and checks that it
admits exactly the concrete successor and verdict (and nothing when the
concrete model says the event is disabled).
"""

from __future__ import annotations

import random

import pytest
import z3
from rfc5269.interpretations import DEFAULT, CertificateRequirement, NonceRetention
from rfc5269.model.concrete import step
from rfc5269.model.config import LifetimeAnchor, ModelConfig
from rfc5269.model.events import to_record
from rfc5269.model.generate import random_event
from rfc5269.model.state import initial_state
from rfc5269.model.symbolic import (
    equals_concrete,
    event_equals_concrete,
    symbolic_event,
    symbolic_state,
    transition,
)

CONFIGS = [
    ModelConfig(),
    ModelConfig(DEFAULT.replace(certificate_requirement=CertificateRequirement.DRAFT),
                n_mn=2, n_ar=2),
    ModelConfig(DEFAULT.replace(nonce_retention=NonceRetention.SINGLE_ANSWER,
                                multiple_outstanding_rtsolpr=False),
                compromised_router=True, mn_lifetime_anchor=LifetimeAnchor.SOLICITATION),
]


def assert_symbolic_step_agrees(cfg: ModelConfig, seed: int, steps: int = 60) -> None:
    """On ``steps`` random events from ``seed``, Z3 admits exactly the concrete successor."""
    rng = random.Random(seed)
    s_sym, s2_sym = symbolic_state(cfg, "x"), symbolic_state(cfg, "y")
    e_sym, acc = symbolic_event("x"), z3.Bool("acc_x")
    solver = z3.Solver()
    solver.add(transition(cfg, s_sym, e_sym, acc, s2_sym))
    verdicts: set[str] = set()
    state = initial_state(cfg)
    for _ in range(steps):
        ev = random_event(cfg, state, rng)
        res = step(cfg, state, ev)
        verdicts.add(res.verdict)
        solver.push()
        solver.add(equals_concrete(s_sym, state), event_equals_concrete(e_sym, to_record(ev)))
        if res.verdict == "disabled":
            assert solver.check() == z3.unsat, ev
        else:
            assert solver.check() == z3.sat, ev
            solver.add(z3.Not(z3.And(equals_concrete(s2_sym, res.state), acc == res.accepted)))
            assert solver.check() == z3.unsat, ev
            state = res.state
        solver.pop()
    assert verdicts == {"accepted", "rejected", "disabled"}


@pytest.mark.parametrize("cfg_index", range(len(CONFIGS)))
def test_symbolic_step_admits_exactly_the_concrete_successor(cfg_index: int) -> None:
    assert_symbolic_step_agrees(CONFIGS[cfg_index], 5269 + cfg_index)


@pytest.mark.parametrize(("pid", "config", "depth"), [
    ("P2", "nonce-retention=unlimited", 5),
    ("P4", "fbu-sequence-unchecked", 6),
    ("P3", "rfc", 5),
    ("P5", "rfc", 5),
])
def test_bmc_set_encodings_agree(pid: str, config: str, depth: int) -> None:
    """BMC with list-encoded message sets (used by the prover) and with Z3 arrays agree."""
    from rfc5269.proofs.catalogue import PROPERTIES
    from rfc5269.proofs.configs import CONFIGS
    from rfc5269.proofs.engine import bmc

    prop, cfg = PROPERTIES[pid], CONFIGS[config]
    lists, arrays = bmc(prop, cfg, depth, sets="lists"), bmc(prop, cfg, depth, sets="arrays")
    assert (lists.violated, lists.depth) == (arrays.violated, arrays.depth)
    assert lists.replay_ok and arrays.replay_ok


@pytest.mark.parametrize(("pid", "config", "pop", "depth"), [
    ("P5", "lifetime-anchor=solicitation+par-keeps-key+full-no-refresh", (1, 1), 7),
    ("P5", "key-index=configured-par-address+draft", (2, 2), 3),
    ("P5", "rfc", (2, 2), 5),
    ("P5", "lifetime-anchor=solicitation+par-keeps-key", (1, 1), 6),
    ("P3", "key-index=configured-par-address+draft", (2, 2), 2),
    ("P3", "rfc", (2, 2), 4),
    ("P10", "rfc+refined", (1, 1), 4),
    ("P10", "rfc+refined", (2, 2), 3),
])
def test_cone_of_influence_and_symmetry_keep_bmc_results(
        pid: str, config: str, pop: tuple[int, int], depth: int) -> None:
    """BMC restricted to the cone of influence (and, on 2 MN / 2 AR, to the symmetric
    instance) finds exactly what BMC over every kind and the whole property finds."""
    import dataclasses

    from rfc5269.proofs.catalogue import PROPERTIES
    from rfc5269.proofs.configs import CONFIGS
    from rfc5269.proofs.engine import bmc

    prop, cfg = PROPERTIES[pid], CONFIGS[config].with_population(*pop)
    plain = dataclasses.replace(prop, symmetric_instance=None)
    reduced, full = bmc(prop, cfg, depth), bmc(plain, cfg, depth, coi=False)
    assert (reduced.violated, reduced.depth) == (full.violated, full.depth)
    assert reduced.replay_ok and full.replay_ok
