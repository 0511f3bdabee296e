"""Benchmark: cost of one conformance check with the concrete step function.

Run ``python -m rfc5269.model.bench``. It replays a seeded random walk of
events through :func:`rfc5269.model.concrete.step` and, as the baseline in the
same run, asks Z3 for the successor of a sample of the same (state, event)
pairs with the symbolic transition relation; it prints both per-step costs and
their ratio.
"""

from __future__ import annotations

import random
import time

import z3
from rfc5269.model.concrete import step
from rfc5269.model.config import ModelConfig
from rfc5269.model.events import Event, to_record
from rfc5269.model.generate import random_event
from rfc5269.model.state import State, initial_state
from rfc5269.model.symbolic import (
    equals_concrete,
    event_equals_concrete,
    symbolic_event,
    symbolic_state,
    transition,
)


def walk(cfg: ModelConfig, n: int, seed: int = 5269) -> list[tuple[State, Event]]:
    """A seeded random walk: the (state, event) pairs it visits."""
    rng = random.Random(seed)
    s = initial_state(cfg)
    pairs: list[tuple[State, Event]] = []
    for _ in range(n):
        ev = random_event(cfg, s, rng)
        pairs.append((s, ev))
        res = step(cfg, s, ev)
        if res.accepted:
            s = res.state
        if len(s.h_rts) + len(s.h_prr) + len(s.h_fbu) > 40:
            s = initial_state(cfg)
    return pairs


def main() -> None:
    """Print per-step costs and the ratio."""
    for n_mn, n_ar in ((1, 1), (2, 2)):
        cfg = ModelConfig(n_mn=n_mn, n_ar=n_ar)
        pairs = walk(cfg, 5000)
        t0 = time.perf_counter()
        for s, ev in pairs:
            step(cfg, s, ev)
        concrete_us = (time.perf_counter() - t0) / len(pairs) * 1e6
        sample = pairs[:: len(pairs) // 50]
        s_sym, s2_sym = symbolic_state(cfg, "x"), symbolic_state(cfg, "y")
        e_sym, acc = symbolic_event("x"), z3.Bool("acc")
        solver = z3.Solver()
        solver.add(transition(cfg, s_sym, e_sym, acc, s2_sym))
        t0 = time.perf_counter()
        for s, ev in sample:
            solver.push()
            solver.add(equals_concrete(s_sym, s), event_equals_concrete(e_sym, to_record(ev)))
            solver.check()
            solver.pop()
        z3_us = (time.perf_counter() - t0) / len(sample) * 1e6
        print(f"{n_mn} MN / {n_ar} AR: concrete step {concrete_us:8.1f} us/step "
              f"({len(pairs)} steps); Z3 relation {z3_us:10.1f} us/step ({len(sample)} steps); "
              f"ratio {z3_us / concrete_us:6.0f}x")


if __name__ == "__main__":
    main()
