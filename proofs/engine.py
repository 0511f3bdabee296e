"""Bounded model checking and inductive proofs over the Z3 model.

* BMC unrolls the transition relation one step at a time on one incremental
  solver and checks the negated property at each depth inside ``push``/``pop``,
  so the first counterexample found is a shortest one.
* The unbounded proof is 1-induction strengthened with lemmas: the lemmas are
  first checked to hold initially and to be preserved by every transition on
  their own; then the property is shown to follow (for a state property: it
  holds initially and is preserved under the lemmas; for a step property: every
  transition from a lemma-satisfying state satisfies it).

Every counterexample is replayed through the concrete model
(:mod:`rfc5269.model.concrete`), which must accept each step and violate the
property at the last one; a disagreement is reported, never hidden.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import z3
from rfc5269.model.concrete import step as concrete_step
from rfc5269.model.config import ModelConfig
from rfc5269.model.events import Event, Kind, TimePasses, to_record
from rfc5269.model.state import initial_state
from rfc5269.model.symbolic import (
    bmc_initial_state,
    cone_of_influence,
    constants_in,
    event_from_model,
    field_of_constant,
    init,
    symbolic_event,
    symbolic_state,
    transition,
    unroll_step,
)
from rfc5269.proofs.base import Property


@dataclass
class BmcOutcome:
    """Result of a BMC run: a counterexample (events) at ``depth``, or none up to ``depth``."""

    violated: bool
    depth: int
    events: list[Event] = field(default_factory=list)
    unknown: bool = False
    replay_ok: bool = True
    replay_note: str = ""


def _bad(prop: Property, cfg: ModelConfig, states: list[Any], evs: list[Any],
         accs: list[Any], k: int) -> Any:
    inv = prop.bmc_invariant(cfg)
    if inv is not None:
        return z3.Not(inv(cfg, states[k]))
    assert prop.step is not None
    if k == 0:
        return None
    return z3.Not(prop.step(cfg, states[k - 1], evs[k - 1], accs[k - 1], states[k]))


def relevant_kinds(prop: Property, cfg: ModelConfig) -> tuple[tuple[Kind, ...], frozenset[str]]:
    """The event kinds BMC must unroll for ``prop``, and the state fields it may freeze.

    See :func:`rfc5269.model.symbolic.cone_of_influence`: a kind that can
    change nothing the property's fields depend on is left out of the
    unrolling, which keeps both "no violation in k steps" and the depth of the
    shortest counterexample. Fields outside the cone are frozen at their
    initial value (no kept rule reads them). Step properties talk about the
    step itself, so they keep every kind and field.
    """
    inv = prop.bmc_invariant(cfg)
    if inv is None:
        return tuple(Kind), frozenset()
    s, e = symbolic_state(cfg, "coi"), symbolic_event("coi")
    names = field_of_constant(s)
    read = {names[n] for n in constants_in(inv(cfg, s)) if n in names}
    needed, kinds = cone_of_influence(cfg, read, s, e)
    return kinds, frozenset(s.fields()) - needed


def bmc(prop: Property, cfg: ModelConfig, max_depth: int, timeout_ms: int = 300000,
        incremental: bool = True, sets: str = "lists", coi: bool = True) -> BmcOutcome:
    """Search for a shortest violation up to ``max_depth`` steps.

    With ``incremental=False`` the whole unrolling is built first and one check
    asks for a violation at any depth up to ``max_depth`` (faster when the
    property holds; a counterexample found this way is cut at its first
    violation by the concrete replay).
    """
    kinds, frozen = relevant_kinds(prop, cfg) if coi else (tuple(Kind), frozenset())
    if not incremental:
        return _bmc_at_once(prop, cfg, max_depth, timeout_ms, kinds, frozen)
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    evs: list[Any] = []
    accs: list[Any] = []
    if sets == "lists":
        c0, s0 = bmc_initial_state(cfg)
        states = [s0]
        solver.add(c0)
    else:
        states = [symbolic_state(cfg, "0")]
        solver.add(init(cfg, states[0]))
    for k in range(max_depth + 1):
        bad = _bad(prop, cfg, states, evs, accs, k)
        if bad is not None:
            solver.push()
            solver.add(bad)
            res = solver.check()
            if res == z3.sat:
                model = solver.model()
                events = [event_from_model(model, e) for e in evs]
                solver.pop()
                out = BmcOutcome(True, k, events)
                _replay(prop, cfg, out)
                return out
            solver.pop()
            if res == z3.unknown:
                return BmcOutcome(False, k - 1, unknown=True)
        if k == max_depth:
            break
        e = symbolic_event(str(k))
        acc = z3.Bool(f"acc_{k}")
        if sets == "lists":
            step_c, s2 = unroll_step(cfg, states[k], e, acc, str(k + 1), kinds, frozen)
            solver.add(step_c)
        else:
            s2 = symbolic_state(cfg, str(k + 1))
            solver.add(transition(cfg, states[k], e, acc, s2, kinds))
        states.append(s2)
        evs.append(e)
        accs.append(acc)
    return BmcOutcome(False, max_depth)


def _bmc_at_once(prop: Property, cfg: ModelConfig, max_depth: int, timeout_ms: int,
                 kinds: tuple[Kind, ...], frozen: frozenset[str]) -> BmcOutcome:
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    c0, s0 = bmc_initial_state(cfg)
    states = [s0]
    evs: list[Any] = []
    accs: list[Any] = []
    solver.add(c0)
    for k in range(max_depth):
        e, acc = symbolic_event(str(k)), z3.Bool(f"acc_{k}")
        step_c, s2 = unroll_step(cfg, states[k], e, acc, str(k + 1), kinds, frozen)
        solver.add(step_c)
        states.append(s2)
        evs.append(e)
        accs.append(acc)
    bads = [b for k in range(max_depth + 1)
            if (b := _bad(prop, cfg, states, evs, accs, k)) is not None]
    solver.add(z3.Or(*bads))
    res = solver.check()
    if res == z3.unsat:
        return BmcOutcome(False, max_depth)
    if res == z3.unknown:
        return BmcOutcome(False, -1, unknown=True)
    model = solver.model()
    events = [event_from_model(model, e) for e in evs]
    cut = _first_violation(prop, cfg, events)
    out = BmcOutcome(True, cut, events[:cut])
    _replay(prop, cfg, out)
    return out


def _first_violation(prop: Property, cfg: ModelConfig, events: list[Event]) -> int:
    cur = initial_state(cfg)
    for i, ev in enumerate(events):
        res = concrete_step(cfg, cur, ev)
        if not prop.holds_concretely(cfg, cur, to_record(ev), res.accepted, res.state):
            return i + 1
        cur = res.state
    return len(events)


def _replay(prop: Property, cfg: ModelConfig, out: BmcOutcome) -> None:
    """Run the counterexample through the concrete model and re-evaluate the property."""
    cur = initial_state(cfg)
    if prop.invariant is not None and not out.events:
        out.replay_ok = not prop.invariant(cfg, cur)
        return
    for i, ev in enumerate(out.events):
        res = concrete_step(cfg, cur, ev)
        if res.verdict == "disabled":
            out.replay_ok = False
            out.replay_note = f"concrete model: step {i + 1} disabled ({res.reason})"
            return
        last = i == len(out.events) - 1
        if last and not prop.holds_concretely(cfg, cur, to_record(ev), res.accepted, res.state):
            cur = res.state
            return
        cur = res.state
    out.replay_ok = False
    out.replay_note = "concrete model: the property holds at the end of the trace"


@dataclass
class InductionOutcome:
    """Result of an unbounded proof attempt."""

    proved: bool
    note: str
    failed: list[str] = field(default_factory=list)


def _holds_under(solver: z3.Solver, goal: Any) -> bool:
    """``goal`` follows from what ``solver`` holds (checked inside push/pop)."""
    solver.push()
    solver.add(z3.Not(goal))
    res = solver.check()
    solver.pop()
    return bool(res == z3.unsat)


def _check(hyps: list[Any], goal: Any, timeout_ms: int) -> z3.CheckSatResult:
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*hyps)
    solver.add(z3.Not(goal))
    return solver.check()


def induction(prop: Property, cfg: ModelConfig, timeout_ms: int = 30000) -> InductionOutcome:
    """Strengthened 1-induction (see the module docstring)."""
    s, s2 = symbolic_state(cfg, "a"), symbolic_state(cfg, "b")
    e, acc = symbolic_event("a"), z3.Bool("acc_a")
    t = transition(cfg, s, e, acc, s2)
    lem = prop.lemmas(cfg, s) if prop.lemmas is not None else []
    lem2 = prop.lemmas(cfg, s2) if prop.lemmas is not None else []
    s0 = symbolic_state(cfg, "init")
    lem0 = prop.lemmas(cfg, s0) if prop.lemmas is not None else []
    hyp = [f for _, f in lem]
    failed: list[str] = []
    initiation = z3.Solver()
    initiation.set("timeout", timeout_ms)
    initiation.add(init(cfg, s0))
    consecution = z3.Solver()
    consecution.set("timeout", timeout_ms)
    consecution.add(*hyp, t)
    for (name, f0), (_, f2) in zip(lem0, lem2, strict=True):
        if _holds_under(initiation, f0) is not True:
            failed.append(f"{name} (initiation)")
        elif _holds_under(consecution, f2) is not True:
            failed.append(f"{name} (consecution)")
    if failed:
        return InductionOutcome(False, "lemmas not inductive: " + ", ".join(failed[:4]), failed)
    # Not vacuous: the initial state satisfies every lemma (checked above) and
    # has a successor (time can always pass), so hypotheses and T are satisfiable.
    if concrete_step(cfg, initial_state(cfg), TimePasses(1)).verdict != "accepted":
        return InductionOutcome(False, "the initial state has no successor", ["vacuity"])
    if prop.invariant is not None:
        if _check([init(cfg, s0)], prop.invariant(cfg, s0), timeout_ms) != z3.unsat:
            return InductionOutcome(False, "property fails initially", ["initiation"])
        res = _check([*hyp, prop.invariant(cfg, s), t], prop.invariant(cfg, s2), timeout_ms)
    else:
        assert prop.step is not None
        res = _check([*hyp, t], prop.step(cfg, s, e, acc, s2), timeout_ms)
    if res == z3.unsat:
        n = len(lem)
        return InductionOutcome(True, f"1-inductive with {n} lemma{'s' if n != 1 else ''}")
    why = "counterexample to induction" if res == z3.sat else "solver returned unknown"
    return InductionOutcome(False, why, ["property"])


def elapsed(t0: float) -> float:
    """Seconds since ``t0``."""
    return time.perf_counter() - t0
