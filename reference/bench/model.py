"""The prover's total time and the per-step cost of checking a trace against the model.

Both come from other packages (:mod:`rfc5269.proofs`, :mod:`rfc5269.model`);
when one is missing or lacks what is needed, the figure is reported as not
available rather than guessed.

* Prover: every job of a :data:`rfc5269.proofs.runner.PROFILES` profile,
  wall time and the jobs' summed CPU time.
* Per step: :func:`rfc5269.model.concrete.step` — the model's verdict and
  next state for one event, which is what trace conformance applies to each
  event the reference records — on events drawn by
  :func:`rfc5269.model.generate.random_event`. The baseline is the AR's own
  handling of one valid RtSolPr (from the exchange benchmark), to put the
  checking cost beside the work it checks.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import time
from typing import Any

from rfc5269.bench.record import Figure, Section


def _prover(profile_name: str, processes: int) -> dict[str, Any]:
    runner = importlib.import_module("rfc5269.proofs.runner")
    profile = runner.PROFILES[profile_name]
    jobs = runner.plan(profile)
    t0 = time.perf_counter()
    results = runner.run(jobs, processes=processes)
    wall = time.perf_counter() - t0
    cpu = sum(getattr(r, "cpu_seconds", 0.0) or 0.0 for r in results)
    return {"profile": profile_name, "jobs": len(jobs), "wall_seconds": wall,
            "cpu_seconds": cpu, "processes": processes,
            "as_expected": sum(1 for r in results if r.as_expected)}


def _step_cost(steps: int) -> dict[str, Any]:
    concrete = importlib.import_module("rfc5269.model.concrete")
    generate = importlib.import_module("rfc5269.model.generate")
    config = importlib.import_module("rfc5269.model.config")
    state_mod = importlib.import_module("rfc5269.model.state")
    cfg = config.ModelConfig()
    rng = random.Random(0)
    state = state_mod.initial_state(cfg) if hasattr(state_mod, "initial_state") else \
        concrete.initial_state(cfg)
    events = []
    s = state
    for _ in range(steps):  # a trace, made before timing
        e = generate.random_event(cfg, s, rng)
        r = concrete.step(cfg, s, e)
        events.append((s, e))
        if r.verdict == "accepted":
            s = r.state
    t0 = time.process_time_ns()
    for s, e in events:
        concrete.step(cfg, s, e)
    per_step = (time.process_time_ns() - t0) / 1e9 / len(events)
    return {"steps": len(events), "per_step_seconds": per_step}


def run(profile: str = "ci", processes: int = 2, steps: int = 2_000,
        ar_exchange_seconds: float | None = None) -> Section:
    """The model section."""
    section = Section("model", "Prover time and trace-conformance step cost")
    details: dict[str, Any] = {}
    try:
        p = _prover(profile, processes)
    except (ImportError, AttributeError, KeyError) as exc:
        details["prover"] = f"not available: {exc}"
    else:
        details["prover"] = p
        section.add(Figure(f"prover, profile {profile!r}: {p['jobs']} jobs, wall time",
                           p["wall_seconds"], "s",
                           note=f"{p['processes']} processes; {p['as_expected']} as expected"))
        section.add(Figure(f"prover, profile {profile!r}: CPU time of all jobs",
                           p["cpu_seconds"], "s"))
    try:
        st = _step_cost(steps)
    except (ImportError, AttributeError, TypeError) as exc:
        details["step"] = f"not available: {exc}"
    else:
        details["step"] = st
        section.add(Figure("executable model, one step (verdict + next state)",
                           st["per_step_seconds"] * 1e6, "us",
                           ar_exchange_seconds * 1e6 if ar_exchange_seconds else None,
                           note="baseline: the AR handling one valid RtSolPr"
                           if ar_exchange_seconds else ""))
    details["conformance_checker"] = (
        "available" if importlib.util.find_spec("rfc5269.conformance") is not None
        else "not available: no trace-conformance module that replays reference traces "
             "was found; the per-step figure is the model's step function alone")
    section.details = details
    section.available = bool(section.figures)
    if not section.available:
        section.details["reason"] = "; ".join(
            str(v) for v in details.values() if isinstance(v, str))
    return section
