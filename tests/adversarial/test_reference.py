"""The adversarial suite against the reference AR and MN: every invariant holds."""

from __future__ import annotations

import time

from hypothesis import settings

from .conftest import PROFILE
from .machine import AttackMachine


def test_reference_survives_the_attacker() -> None:
    AttackMachine.steps_taken = 0
    start = time.perf_counter()
    AttackMachine.TestCase.settings = settings(settings.default)
    AttackMachine.TestCase().runTest()
    elapsed = time.perf_counter() - start
    steps = AttackMachine.steps_taken
    print(f"\nadversarial [{PROFILE}]: {steps} steps in {elapsed:.1f} s "
          f"= {steps / elapsed:.1f} steps/s")
    assert steps > 0
