"""The adversarial harness's fixed-seed run on the reference: every recorded event conforms.

The stateful attack machine of tests/adversarial drives the reference AR and
MN; each run's trace is then replayed through the model
(:func:`rfc5269.conformance.check_trace`), which raises on the first step
where the model and the reference disagree.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, settings
from rfc5269.conformance import ConformanceReport

from tests.adversarial.machine import AttackMachine

from .scenarios import world_run

REPORTS: list[ConformanceReport] = []


class ConformingAttackMachine(AttackMachine):
    """The attack machine with its inputs recorded and its trace judged by the model."""

    def __init__(self) -> None:
        super().__init__()
        self.run = world_run(self.world)

    def teardown(self) -> None:
        REPORTS.append(self.run.check())


def test_adversarial_run_conforms_to_the_model() -> None:
    REPORTS.clear()
    ConformingAttackMachine.TestCase.settings = settings(
        derandomize=True, max_examples=25, stateful_step_count=30, deadline=None,
        database=None, suppress_health_check=list(HealthCheck))
    start = time.perf_counter()
    ConformingAttackMachine.TestCase().runTest()
    elapsed = time.perf_counter() - start
    steps = sum(r.steps for r in REPORTS)
    model_steps = sum(r.model_steps for r in REPORTS)
    check = sum(r.check_seconds for r in REPORTS)
    mapping = sum(r.map_seconds for r in REPORTS)
    dropped: dict[str, int] = {}
    for r in REPORTS:
        for k, v in r.dropped.items():
            dropped[k] = dropped.get(k, 0) + v
    print(f"\nconformance over {len(REPORTS)} adversarial runs: {steps} trace events, "
          f"{model_steps} model steps; check {1e6 * check / max(1, model_steps):.0f} us/step, "
          f"mapping {1e6 * mapping / max(1, steps):.0f} us/event; {elapsed:.1f} s in all")
    print(f"accepted {sum(r.accepted for r in REPORTS)}, rejected by both "
          f"{sum(r.rejected for r in REPORTS)}, dropped (abstracted) {dropped}, "
          f"model gaps {[r.model_gaps for r in REPORTS if r.model_gaps]}")
    assert steps > 100
    assert sum(r.accepted for r in REPORTS) > 0 and sum(r.rejected for r in REPORTS) > 0
